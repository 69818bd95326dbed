import { createMatrix, type Matrix } from "../core/matrix";
import { numpyMean } from "../core/summation";
import { helperWorkers, runOnThreads, sharedFloat64, sharedInt32, toShared } from "../threads/pool";
import { BoundedAssignment } from "./kmeans-bounds";

/** Result of one or more k-means runs. */
export interface KMeansRun {
  /** One centroid per row (clusters that lost all members are dropped, so maybe fewer than k). */
  readonly codebook: Matrix;
  /** Mean (non-squared) Euclidean distance from each observation to its nearest centroid. */
  readonly distortion: number;
}

/** Runs below this many values of work (rows x columns x k x runs) stay on one thread: starting workers costs more. */
const THREADED_WORK = 4_000_000;

/**
 * The run with the lowest distortion among runs from each of `guesses` (the first on ties, as scipy's
 * loop keeps it). The runs are independent, so they are shared among up to `threads` threads; each run
 * is computed by the same code wherever it runs, so the result does not depend on the thread count.
 */
export function bestRun(obs: Matrix, guesses: readonly Matrix[], thresh: number, threads: number): KMeansRun {
  const k = guesses[0].rows;
  const work = obs.rows * obs.cols * k * guesses.length;
  const workers = guesses.length > 1 && work >= THREADED_WORK ? helperWorkers(Math.min(threads, guesses.length)) : [];
  let results: KMeansRun[];
  if (workers.length === 0) {
    results = guesses.map((guess) => refine(obs, guess, thresh));
  } else {
    results = refineOnThreads(obs, guesses, thresh, workers);
  }
  let best = results[0];
  for (const result of results) if (result.distortion < best.distortion) best = result;
  return best;
}

/** One k-means run: scipy's private `_kmeans`, including its stopping rule. */
export function refine(obs: Matrix, guess: Matrix, thresh: number): KMeansRun {
  let codebook = guess;
  let previous = Infinity;
  let current = Infinity;
  let improvement = Infinity;
  // The same codes and distances as a full nearest-centroid scan, without rescanning centroids that cannot be nearer.
  const assignment = new BoundedAssignment(obs);
  while (improvement > thresh) {
    const distances = assignment.assign(codebook);
    current = numpyMean(distances);
    // scipy returns the centroids updated after the last assignment, with that assignment's distortion.
    codebook = updateClusterMeans(obs, assignment.codes, codebook.rows);
    improvement = previous - current;
    previous = current;
  }
  return { codebook, distortion: current };
}

/** The k-means runs a worker thread does: runs `runs` of the guesses, results into shared memory. */
export interface KMeansTask {
  readonly kind: "kmeans";
  readonly obs: SharedArrayBuffer;
  readonly rows: number;
  readonly cols: number;
  /** All guesses, runs x k x cols. */
  readonly guesses: SharedArrayBuffer;
  readonly k: number;
  readonly thresh: number;
  readonly runs: readonly number[];
  /** Per run: distortion, centroid count, centroids (runs x k x cols). */
  readonly distortions: SharedArrayBuffer;
  readonly counts: SharedArrayBuffer;
  readonly codebooks: SharedArrayBuffer;
}

/** Runs a {@link KMeansTask} on this thread. */
export function runKMeansTask(task: KMeansTask): void {
  const obs = createMatrix(task.rows, task.cols, new Float64Array(task.obs));
  const guesses = new Float64Array(task.guesses);
  const size = task.k * task.cols;
  const distortions = new Float64Array(task.distortions);
  const counts = new Int32Array(task.counts);
  const codebooks = new Float64Array(task.codebooks);
  for (const run of task.runs) {
    const guess = createMatrix(task.k, task.cols, guesses.slice(run * size, (run + 1) * size));
    const result = refine(obs, guess, task.thresh);
    distortions[run] = result.distortion;
    counts[run] = result.codebook.rows;
    codebooks.set(result.codebook.data, run * size);
  }
}

function refineOnThreads(obs: Matrix, guesses: readonly Matrix[], thresh: number, workers: ReturnType<typeof helperWorkers>): KMeansRun[] {
  const k = guesses[0].rows;
  const size = k * obs.cols;
  const sharedGuesses = sharedFloat64(guesses.length * size);
  guesses.forEach((guess, run) => sharedGuesses.set(guess.data, run * size));
  const distortions = sharedFloat64(guesses.length);
  const counts = sharedInt32(guesses.length);
  const codebooks = sharedFloat64(guesses.length * size);
  const sharedObs = toShared(obs.data);
  const parts = workers.length + 1;
  // Runs dealt round-robin: their lengths vary, so neighbours in the list go to different threads.
  const runsOf = (part: number) => guesses.map((_, run) => run).filter((run) => run % parts === part);
  const task = (part: number): KMeansTask => ({
    kind: "kmeans", obs: sharedObs, rows: obs.rows, cols: obs.cols, guesses: sharedGuesses.buffer as SharedArrayBuffer,
    k, thresh, runs: runsOf(part), distortions: distortions.buffer as SharedArrayBuffer,
    counts: counts.buffer as SharedArrayBuffer, codebooks: codebooks.buffer as SharedArrayBuffer,
  });
  const tasks = workers.map((_, w) => task(w + 1));
  runOnThreads(workers, tasks, () => runKMeansTask(task(0)), "k-means");
  return guesses.map((_, run) => ({
    codebook: createMatrix(counts[run], obs.cols, codebooks.slice(run * size, run * size + counts[run] * obs.cols)),
    distortion: distortions[run],
  }));
}

/** scipy's `_vq.update_cluster_means`: sums in observation order, divides, drops empty clusters. */
function updateClusterMeans(obs: Matrix, codes: Int32Array, clusters: number): Matrix {
  const d = obs.cols;
  const x = obs.data;
  const sums = new Float64Array(clusters * d);
  const counts = new Int32Array(clusters);
  for (let i = 0; i < obs.rows; i++) {
    const c = codes[i];
    const sum = c * d;
    const row = i * d;
    for (let j = 0; j < d; j++) sums[sum + j] += x[row + j];
    counts[c]++;
  }
  const kept: number[] = [];
  for (let c = 0; c < clusters; c++) {
    if (counts[c] === 0) continue;
    for (let j = 0; j < d; j++) sums[c * d + j] /= counts[c];
    kept.push(c);
  }
  return kept.length === clusters ? createMatrix(clusters, d, sums) : pickRows(createMatrix(clusters, d, sums), kept);
}

export function pickRows(matrix: Matrix, rows: readonly number[]): Matrix {
  const d = matrix.cols;
  const data = new Float64Array(rows.length * d);
  rows.forEach((row, i) => data.set(matrix.data.subarray(row * d, (row + 1) * d), i * d));
  return createMatrix(rows.length, d, data);
}
