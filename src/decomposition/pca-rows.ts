import { createMatrix, type Matrix } from "../core/matrix";
import { numpySum } from "../core/summation";
import { denseKernels } from "../linalg/dense-kernels";
import { defineJob } from "../threads/jobs";
import { runJobs, sharedFloat64, toShared } from "../threads/pool";

/**
 * PCADetector's two passes over the rows, O(n p k) each: sklearn's sign choice and PyOD's distance score.
 * Rows are independent in both, so slices of rows run on the worker pool; every row is computed by the same
 * code wherever it runs, and the sign pass merges slices in row order, so results equal one thread's.
 */

/**
 * Below this much work (rows x columns x components) a pass stays on this thread: measured here, a worker's
 * start-up on the other core (it also slows V8's background compilation of this thread's code) costs a 10k x 30
 * fit more than it saves; from ~100k x 30 the threaded passes win once the pool is up.
 */
const THREADED_WORK = 20_000_000;
/**
 * The same bound where the passes run in WebAssembly on one copy of the rows (PCADetector's resident path,
 * ~5x faster per thread than the TypeScript): there, threads pay off only from ~300k x 30.
 */
const THREADED_WORK_WASM = 300_000_000;

/** Whether PCADetector's passes over X with k components go to the worker pool (else this thread's WebAssembly copy). */
export function passesOnThreads(X: Matrix, k: number, threads: number): boolean {
  return threads > 1 && X.rows * X.cols * k >= THREADED_WORK_WASM;
}

/** A slice-parallel pass: job j covers rows [bounds[j], bounds[j + 1]). */
export interface PcaTask {
  readonly pass: "signs" | "distances";
  readonly X: SharedArrayBuffer;
  readonly rows: number;
  readonly cols: number;
  readonly components: Float64Array;
  readonly k: number;
  readonly mean: Float64Array;
  readonly weights: Float64Array;
  readonly firstSelected: number;
  readonly bounds: readonly number[];
  /** "distances": the scores of all rows. */
  readonly out: SharedArrayBuffer;
}

/** Largest |projection| per component over a slice of rows, and whether the first row reaching it projects negatively. */
export interface SignVotes {
  readonly largest: Float64Array;
  readonly negative: Uint8Array;
}

/** Runs job `job` of a {@link PcaTask} on this thread. */
function runPcaJob(task: PcaTask, job: number): SignVotes | undefined {
  const X = createMatrix(task.rows, task.cols, new Float64Array(task.X));
  const from = task.bounds[job];
  const to = task.bounds[job + 1];
  if (task.pass === "signs") return signVotes(X, task.components, task.k, task.mean, from, to);
  distanceScoresInto(X, task.components, task.k, task.weights, task.firstSelected, from, to, new Float64Array(task.out));
  return undefined;
}

/** The worker pool's job for one slice of a pass (src/threads loads this module in a worker to find it). */
const pcaPassJob = defineJob("decomposition.pca-pass", __filename, runPcaJob);

/**
 * sklearn's `svd_flip` (u-based) on the rows of `components` (k x p), in place: for each component, the
 * training row with the largest |projection| (the first one on ties) must project positively.
 */
export function flipLikeSklearn(components: Float64Array, k: number, X: Matrix, mean: Float64Array, threads: number): void {
  const p = X.cols;
  const parts = slicesFor(X, k, threads);
  let votes: SignVotes[];
  if (parts === 1) {
    votes = [signVotes(X, components, k, mean, 0, X.rows)];
  } else {
    const task = taskFor("signs", X, components, k, mean, new Float64Array(0), 0, parts, new SharedArrayBuffer(0));
    votes = runJobs(threads, parts, pcaPassJob, task, "PCA") as SignVotes[];
  }
  applyVotes(components, k, p, votes);
}

/** Flips the components whose deciding row projects negatively; `votes` are slices in row order. */
export function applyVotes(components: Float64Array, k: number, p: number, votes: readonly SignVotes[]): void {
  // Slices in row order with a strict comparison: the first row wins ties, as in one pass.
  const largest = new Float64Array(k).fill(-1);
  const negative = new Uint8Array(k);
  for (const vote of votes) {
    for (let c = 0; c < k; c++) {
      if (vote.largest[c] > largest[c]) {
        largest[c] = vote.largest[c];
        negative[c] = vote.negative[c];
      }
    }
  }
  for (let c = 0; c < k; c++) {
    if (negative[c] === 1) for (let j = 0; j < p; j++) components[c * p + j] = -components[c * p + j];
  }
}

/** PyOD: sum over selected components of cdist(x, v_j) / w_j, for every row. */
export function distanceScores(X: Matrix, components: Matrix, weights: Float64Array, firstSelected: number, threads: number): Float64Array {
  const k = components.rows;
  const parts = slicesFor(X, k, threads);
  if (parts === 1) {
    const scores = new Float64Array(X.rows);
    distanceScoresInto(X, components.data, k, weights, firstSelected, 0, X.rows, scores);
    return scores;
  }
  const out = sharedFloat64(X.rows);
  const task = taskFor("distances", X, components.data, k, new Float64Array(0), weights, firstSelected, parts, out.buffer as SharedArrayBuffer);
  runJobs(threads, parts, pcaPassJob, task, "PCA");
  return Float64Array.from(out);
}

function slicesFor(X: Matrix, k: number, threads: number): number {
  return threads > 1 && X.rows * X.cols * k >= THREADED_WORK ? Math.min(4 * threads, X.rows) : 1;
}

function taskFor(
  pass: PcaTask["pass"], X: Matrix, components: Float64Array, k: number, mean: Float64Array, weights: Float64Array,
  firstSelected: number, parts: number, out: SharedArrayBuffer,
): PcaTask {
  const bounds = Array.from({ length: parts + 1 }, (_, j) => Math.round((j * X.rows) / parts));
  return { pass, X: toShared(X.data), rows: X.rows, cols: X.cols, components, k, mean, weights, firstSelected, bounds, out };
}

/** The votes of rows [from, to): WebAssembly SIMD where available (the same bits), else the loop below. */
function signVotes(X: Matrix, components: Float64Array, k: number, mean: Float64Array, from: number, to: number): SignVotes {
  const kernels = denseKernels();
  if (kernels !== null) return kernels.residentRows(X.data.subarray(from * X.cols, to * X.cols), to - from, X.cols).votes(components, k, mean);
  return signVotesJs(X, components, k, mean, from, to);
}

export function signVotesJs(X: Matrix, components: Float64Array, k: number, mean: Float64Array, from: number, to: number): SignVotes {
  const p = X.cols;
  const largest = new Float64Array(k).fill(-1);
  const negative = new Uint8Array(k);
  const centred = new Float64Array(p);
  const keep = (c: number, projection: number): void => {
    if (Math.abs(projection) > largest[c]) {
      largest[c] = Math.abs(projection);
      negative[c] = projection < 0 ? 1 : 0;
    }
  };
  for (let i = from; i < to; i++) {
    for (let j = 0; j < p; j++) centred[j] = X.data[i * p + j] - mean[j];
    // Four components per pass over the row; each projection is still summed over features in order.
    let c = 0;
    for (; c + 3 < k; c += 4) {
      const o = c * p;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < p; j++) {
        const value = centred[j];
        s0 += value * components[o + j];
        s1 += value * components[o + p + j];
        s2 += value * components[o + 2 * p + j];
        s3 += value * components[o + 3 * p + j];
      }
      keep(c, s0);
      keep(c + 1, s1);
      keep(c + 2, s2);
      keep(c + 3, s3);
    }
    for (; c < k; c++) {
      let projection = 0;
      for (let j = 0; j < p; j++) projection += centred[j] * components[c * p + j];
      keep(c, projection);
    }
  }
  return { largest, negative };
}

/** Scores of rows [from, to) into `scores`: WebAssembly SIMD where available (the same bits), else the loop below. */
function distanceScoresInto(
  X: Matrix, v: Float64Array, k: number, weights: Float64Array, firstSelected: number, from: number, to: number, scores: Float64Array,
): void {
  const kernels = denseKernels();
  if (kernels !== null) {
    const rows = kernels.residentRows(X.data.subarray(from * X.cols, to * X.cols), to - from, X.cols);
    scores.set(rows.distances(v, k, firstSelected, weights), from);
    return;
  }
  distanceScoresJs(X, v, k, weights, firstSelected, from, to, scores);
}

/** Four components at a time keep four independent sums in flight; a row's terms are summed in numpy's order. */
export function distanceScoresJs(
  X: Matrix, v: Float64Array, k: number, weights: Float64Array, firstSelected: number, from: number, to: number, scores: Float64Array,
): void {
  const p = X.cols;
  const terms = new Float64Array(k - firstSelected);
  for (let i = from; i < to; i++) {
    const x = X.data.subarray(i * p, (i + 1) * p);
    let c = firstSelected;
    for (; c + 3 < k; c += 4) {
      const o = c * p;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < p; j++) {
        const value = x[j];
        const d0 = value - v[o + j];
        const d1 = value - v[o + p + j];
        const d2 = value - v[o + 2 * p + j];
        const d3 = value - v[o + 3 * p + j];
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
      terms[c - firstSelected] = Math.sqrt(s0) / weights[c];
      terms[c + 1 - firstSelected] = Math.sqrt(s1) / weights[c + 1];
      terms[c + 2 - firstSelected] = Math.sqrt(s2) / weights[c + 2];
      terms[c + 3 - firstSelected] = Math.sqrt(s3) / weights[c + 3];
    }
    for (; c < k; c++) {
      let squared = 0;
      for (let j = 0; j < p; j++) {
        const difference = x[j] - v[c * p + j];
        squared += difference * difference;
      }
      terms[c - firstSelected] = Math.sqrt(squared) / weights[c];
    }
    scores[i] = numpySum(terms);
  }
}
