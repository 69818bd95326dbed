/**
 * Splits a k-nearest-neighbour search into one job per thread for the worker pool (src/threads) while
 * keeping the caller synchronous: this thread takes jobs too, and takes them all while workers start.
 */
import type { Matrix } from "../core/matrix";
import { runJobs, sharedFloat64, sharedInt32, toShared } from "../threads/pool";
import { mergeNeighbourLists } from "./brute-force";
import { type NeighborJob, neighborSearchJob, type NeighborTask, type SearchMethod, type SearchStep } from "./neighbor-search";

/**
 * Fills `squaredOut` / `indexOut` for all query rows using up to `threads` threads (this one included),
 * with the same results on any number of threads. Output arrays must be views of SharedArrayBuffers
 * (see {@link sharedFloat64}) except for "brute-self", whose jobs fill private arrays merged here.
 */
export function searchOnThreads(
  train: Matrix,
  query: Matrix,
  k: number,
  excludeSelf: boolean,
  method: SearchMethod,
  squaredOut: Float64Array,
  indexOut: Int32Array,
  threads: number,
): void {
  // Brute-force row slices: a few per thread, so that a worker still starting or a slower slice costs
  // little (each job packs its own copy of the training rows, O(n d)). k-d tree slices: one per thread
  // (each job builds a tree, O(n log n)). Pair slices of the self-search: one per thread, since each
  // needs its own copy of the neighbour lists.
  const slices = Math.max(1, Math.min((method === "kd-tree" ? 1 : 4) * threads, query.rows));
  const rowSlices = Array.from({ length: slices }, (_, p) => ({
    from: Math.round((p * query.rows) / slices),
    to: Math.round(((p + 1) * query.rows) / slices),
  }));
  const parts = Math.max(1, Math.min(threads, query.rows));
  const trainBuffer = toShared(train.data);
  const queryBuffer = query.data === train.data ? trainBuffer : toShared(query.data);
  const step = (method: SearchStep, jobs: NeighborJob[]): void => {
    const task: NeighborTask = {
      train: trainBuffer, query: queryBuffer, trainRows: train.rows, queryRows: query.rows, cols: train.cols,
      k, excludeSelf, method, jobs,
    };
    runJobs(threads, jobs.length, neighborSearchJob, task, "neighbour search");
  };
  const into = (squared: Float64Array, indices: Int32Array) => ({
    squaredOut: squared.buffer as SharedArrayBuffer,
    indexOut: indices.buffer as SharedArrayBuffer,
  });

  if (method !== "brute-self") {
    step(method, rowSlices.map((slice) => ({ ...slice, ...into(squaredOut, indexOut) })));
    return;
  }
  // Self-search: prime all rows in parallel, then each job visits its share of the pairs on its own
  // copy of the primed lists (a pair updates both of its rows), then merge.
  const primed = { squared: sharedFloat64(squaredOut.length).fill(Infinity), indices: sharedInt32(indexOut.length).fill(-1) };
  step("brute-self-prime", rowSlices.map((slice) => ({ ...slice, ...into(primed.squared, primed.indices) })));
  const copies = Array.from({ length: parts }, () => {
    const copy = { squared: sharedFloat64(squaredOut.length), indices: sharedInt32(indexOut.length) };
    copy.squared.set(primed.squared);
    copy.indices.set(primed.indices);
    return copy;
  });
  step("brute-self", copies.map((copy, p) => ({ from: p, to: parts, ...into(copy.squared, copy.indices) })));
  mergeNeighbourLists(copies, query.rows, k, squaredOut, indexOut);
}
