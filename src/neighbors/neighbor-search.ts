import type { Matrix } from "../core/matrix";
import { type BruteForceIndex, bruteForceIndex, bruteForceQuery, bruteForceSelfQuery, primeSelfSearch } from "./brute-force";
import { defineJob } from "../threads/jobs";
import { KDTree } from "./kd-tree";

/**
 * The exact search methods behind `kNearest`. "brute-self" is the brute-force
 * search of the training matrix against itself (excluding each row), which
 * visits each pair once.
 */
export type SearchMethod = "kd-tree" | "brute" | "brute-self";

/**
 * What one thread runs: a search method on query rows `[from, to)`, or one of the
 * two steps of "brute-self": "brute-self-prime" (rows `[from, to)`) then
 * "brute-self" (slice number `from` of `to`), both on full-size result arrays
 * (row r at r * k, unfilled slots +Infinity / -1).
 */
export type SearchStep = "kd-tree" | "brute" | "brute-self-prime" | "brute-self";

/** One slice of a k-nearest-neighbour search (see {@link SearchStep} for `from` / `to`). */
export interface SearchTask {
  readonly train: Matrix;
  readonly query: Matrix;
  readonly k: number;
  readonly excludeSelf: boolean;
  readonly method: SearchStep;
  readonly from: number;
  readonly to: number;
  /** Row-major results for all query rows (stride k); this task fills its slice. */
  readonly squaredOut: Float64Array;
  readonly indexOut: Int32Array;
}

/**
 * A whole search on this thread: fills `squaredOut` / `indexOut` (row q at q * k).
 */
export function searchHere(
  train: Matrix,
  query: Matrix,
  k: number,
  excludeSelf: boolean,
  method: SearchMethod,
  squaredOut: Float64Array,
  indexOut: Int32Array,
): void {
  const task = { train, query, k, excludeSelf, squaredOut, indexOut };
  if (method !== "brute-self") {
    runSearchTask({ ...task, method, from: 0, to: query.rows });
    return;
  }
  squaredOut.fill(Infinity);
  indexOut.fill(-1);
  // Both steps on one index (packing the rows once).
  const index = bruteForceIndex(train);
  primeSelfSearch(index, k, 0, query.rows, squaredOut, indexOut);
  bruteForceSelfQuery(index, k, 0, 1, squaredOut, indexOut);
}

/**
 * Runs one slice of a search on this thread. Shared by the main thread and the
 * worker threads, so every row gets the same code path wherever it runs.
 */
export function runSearchTask(task: SearchTask, index?: () => BruteForceIndex): void {
  const { train, query, k, excludeSelf, from, to } = task;
  const brute = index ?? (() => bruteForceIndex(train));
  if (task.method === "brute-self-prime") {
    primeSelfSearch(brute(), k, from, to, task.squaredOut, task.indexOut);
    return;
  }
  if (task.method === "brute-self") {
    bruteForceSelfQuery(brute(), k, from, to, task.squaredOut, task.indexOut); // slice `from` of `to`
    return;
  }
  const squared = task.squaredOut.subarray(from * k, to * k);
  const indices = task.indexOut.subarray(from * k, to * k);
  if (task.method === "kd-tree") new KDTree(train).query(query, k, excludeSelf, from, to, squared, indices);
  else bruteForceQuery(brute(), query, k, excludeSelf, from, to, squared, indices);
}

/** One job of a parallel search step: a slice (see {@link SearchStep}) and where its results go. */
export interface NeighborJob {
  readonly from: number;
  readonly to: number;
  readonly squaredOut: SharedArrayBuffer;
  readonly indexOut: SharedArrayBuffer;
}

/** A parallel search step over shared memory: the matrices as shared buffers and one job per slice. */
export interface NeighborTask {
  readonly train: SharedArrayBuffer;
  readonly query: SharedArrayBuffer;
  readonly trainRows: number;
  readonly queryRows: number;
  readonly cols: number;
  readonly k: number;
  readonly excludeSelf: boolean;
  readonly method: SearchStep;
  readonly jobs: readonly NeighborJob[];
}

/**
 * This thread's brute-force index of a step's training rows, built by its first job and shared by its other jobs
 * (a step's jobs arrive with the same task object); released with the task.
 */
const stepIndexes = new WeakMap<NeighborTask, BruteForceIndex>();

/** Runs job `job` of a {@link NeighborTask} on this thread. */
function runNeighborJob(task: NeighborTask, job: number): void {
  const { from, to, squaredOut, indexOut } = task.jobs[job];
  const train = { rows: task.trainRows, cols: task.cols, data: new Float64Array(task.train) };
  const index = (): BruteForceIndex => {
    let built = stepIndexes.get(task);
    if (built === undefined) {
      built = bruteForceIndex(train);
      stepIndexes.set(task, built);
    }
    return built;
  };
  runSearchTask({
    train,
    query: { rows: task.queryRows, cols: task.cols, data: new Float64Array(task.query) },
    k: task.k,
    excludeSelf: task.excludeSelf,
    method: task.method,
    from,
    to,
    squaredOut: new Float64Array(squaredOut),
    indexOut: new Int32Array(indexOut),
  }, index);
}

/** The worker pool's job for one slice of a search step (src/threads loads this module in a worker to find it). */
export const neighborSearchJob = defineJob("neighbors.search", __filename, runNeighborJob);
