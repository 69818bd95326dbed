import { createMatrix, type Matrix } from "../core/matrix";
import { numpySum } from "../core/summation";
import { denseKernels } from "../linalg/dense-kernels";
import { defineJob } from "../threads/jobs";
import { runJobs, sharedFloat64, toShared } from "../threads/pool";

/**
 * PCADetector's pass over the rows, O(n p k): PyOD's distance score. Rows are independent, so slices of rows
 * run on the worker pool; every row is computed by the same code wherever it runs, so results equal one thread's.
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

/** Whether PCADetector's pass over X with k components goes to the worker pool (else this thread's WebAssembly copy). */
export function passesOnThreads(X: Matrix, k: number, threads: number): boolean {
  return threads > 1 && X.rows * X.cols * k >= THREADED_WORK_WASM;
}

/** A slice-parallel pass: job j covers rows [bounds[j], bounds[j + 1]). */
export interface PcaTask {
  readonly kind: "pca";
  readonly X: SharedArrayBuffer;
  readonly rows: number;
  readonly cols: number;
  readonly components: Float64Array;
  readonly k: number;
  readonly weights: Float64Array;
  readonly firstSelected: number;
  readonly bounds: readonly number[];
  /** The scores of all rows. */
  readonly out: SharedArrayBuffer;
}

/** Runs job `job` of a {@link PcaTask} on this thread. */
function runPcaJob(task: PcaTask, job: number): void {
  const X = createMatrix(task.rows, task.cols, new Float64Array(task.X));
  distanceScoresInto(X, task.components, task.k, task.weights, task.firstSelected, task.bounds[job], task.bounds[job + 1], new Float64Array(task.out));
}

/** The worker pool's job for one slice of a pass (src/threads loads this module in a worker to find it). */
const pcaPassJob = defineJob("decomposition.pca-pass", __filename, runPcaJob);

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
  const task = taskFor(X, components.data, k, weights, firstSelected, parts, out.buffer as SharedArrayBuffer);
  runJobs(threads, parts, pcaPassJob, task, "PCA");
  return Float64Array.from(out);
}

function slicesFor(X: Matrix, k: number, threads: number): number {
  return threads > 1 && X.rows * X.cols * k >= THREADED_WORK ? Math.min(4 * threads, X.rows) : 1;
}

function taskFor(
  X: Matrix, components: Float64Array, k: number, weights: Float64Array, firstSelected: number, parts: number, out: SharedArrayBuffer,
): PcaTask {
  const bounds = Array.from({ length: parts + 1 }, (_, j) => Math.round((j * X.rows) / parts));
  return { kind: "pca", X: toShared(X.data), rows: X.rows, cols: X.cols, components, k, weights, firstSelected, bounds, out };
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
