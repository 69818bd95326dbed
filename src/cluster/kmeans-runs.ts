import { createMatrix, type Matrix } from "../core/matrix";
import { defineJob } from "../threads/jobs";
import { runJobs, sharedFloat64, sharedInt32, toShared } from "../threads/pool";
import { BoundedAssignment } from "./kmeans-bounds";

/**
 * Result of `kmeans` and of each of its runs (declared here, beside the runs, so that kmeans.ts and this file do
 * not import each other).
 */
export interface KMeansResult {
  /** One centroid per row (clusters that lost all members are dropped, so maybe fewer than k). */
  readonly codebook: Matrix;
  /** Mean (non-squared) Euclidean distance from each observation to its nearest centroid. */
  readonly distortion: number;
}

/** Below this much work (rows x columns x k x runs) the runs stay on this thread: copying to shared memory costs more. */
const THREADED_WORK = 1_000_000;

/**
 * The run with the lowest distortion among runs from each of `guesses` (the first on ties, as scipy's
 * loop keeps it). The runs are independent, so they are shared among up to `threads` threads (src/threads);
 * each run is computed by the same code wherever it runs, so the result does not depend on the thread count.
 */
export function bestRun(obs: Matrix, guesses: readonly Matrix[], thresh: number, threads: number): KMeansResult {
  const k = guesses[0].rows;
  const work = obs.rows * obs.cols * k * guesses.length;
  const results =
    threads > 1 && guesses.length > 1 && work >= THREADED_WORK
      ? refineOnThreads(obs, guesses, thresh, threads)
      : guesses.map((guess) => refine(obs, guess, thresh));
  let best = results[0];
  for (const result of results) if (result.distortion < best.distortion) best = result;
  return best;
}

/** One k-means run: scipy's private `_kmeans`, including its stopping rule (|change| <= thresh, scipy >= 1.11). */
export function refine(obs: Matrix, guess: Matrix, thresh: number): KMeansResult {
  let codebook = guess;
  let previous = Infinity;
  let current = Infinity;
  let improvement = Infinity;
  // The same codes and distances as a full nearest-centroid scan, without rescanning centroids that cannot be nearer.
  const assignment = new BoundedAssignment(obs, guess.rows);
  while (improvement > thresh) {
    current = assignment.assign(codebook);
    // scipy returns the centroids updated after the last assignment, with that assignment's distortion.
    codebook = clusterMeans(assignment.sums, assignment.counts, obs.cols);
    improvement = Math.abs(previous - current); // the distortion can rise: scipy keeps iterating then
    previous = current;
  }
  return { codebook, distortion: current };
}

/** k-means runs from given guesses over shared memory: job j is run j; results go into shared memory. */
interface KMeansTask {
  readonly obs: SharedArrayBuffer;
  readonly rows: number;
  readonly cols: number;
  /** All guesses, runs x k x cols. */
  readonly guesses: SharedArrayBuffer;
  readonly k: number;
  readonly thresh: number;
  /** Per run: distortion, centroid count, centroids (runs x k x cols). */
  readonly distortions: SharedArrayBuffer;
  readonly counts: SharedArrayBuffer;
  readonly codebooks: SharedArrayBuffer;
}

/** Runs job (= run) `run` of a {@link KMeansTask} on this thread. */
function runKMeansJob(task: KMeansTask, run: number): void {
  const obs = createMatrix(task.rows, task.cols, new Float64Array(task.obs));
  const size = task.k * task.cols;
  const guess = createMatrix(task.k, task.cols, new Float64Array(task.guesses, run * size * 8, size).slice());
  const result = refine(obs, guess, task.thresh);
  new Float64Array(task.distortions)[run] = result.distortion;
  new Int32Array(task.counts)[run] = result.codebook.rows;
  new Float64Array(task.codebooks).set(result.codebook.data, run * size);
}

/** The worker pool's job for one run (src/threads loads this module in a worker to find it). */
const kmeansRunJob = defineJob("cluster.kmeans-run", __filename, runKMeansJob);

function refineOnThreads(obs: Matrix, guesses: readonly Matrix[], thresh: number, threads: number): KMeansResult[] {
  const k = guesses[0].rows;
  const size = k * obs.cols;
  const sharedGuesses = sharedFloat64(guesses.length * size);
  guesses.forEach((guess, run) => sharedGuesses.set(guess.data, run * size));
  const distortions = sharedFloat64(guesses.length);
  const counts = sharedInt32(guesses.length);
  const codebooks = sharedFloat64(guesses.length * size);
  const task: KMeansTask = {
    obs: toShared(obs.data), rows: obs.rows, cols: obs.cols, guesses: sharedGuesses.buffer as SharedArrayBuffer,
    k, thresh, distortions: distortions.buffer as SharedArrayBuffer, counts: counts.buffer as SharedArrayBuffer,
    codebooks: codebooks.buffer as SharedArrayBuffer,
  };
  runJobs(threads, guesses.length, kmeansRunJob, task, "k-means");
  return guesses.map((_, run) => ({
    codebook: createMatrix(counts[run], obs.cols, codebooks.slice(run * size, run * size + counts[run] * obs.cols)),
    distortion: distortions[run],
  }));
}

/**
 * The end of scipy's `_vq.update_cluster_means` on sums and counts gathered in row order (see
 * BoundedAssignment.sums): divides, drops empty clusters.
 */
function clusterMeans(sums: Float64Array, counts: Int32Array, d: number): Matrix {
  const clusters = counts.length;
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
