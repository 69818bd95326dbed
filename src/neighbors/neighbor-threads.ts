/**
 * Splits a k-nearest-neighbour search over the worker pool (src/threads) while keeping the caller
 * synchronous: workers take slices of the query rows over shared memory, this thread takes one too.
 */
import type { Matrix } from "../core/matrix";
import { helperWorkers, type PooledWorker, runOnThreads, sharedFloat64, sharedInt32, toShared } from "../threads/pool";
import { mergeNeighbourLists } from "./brute-force";
import { type NeighborTask, runSearchTask, type SearchMethod, type SearchStep } from "./neighbor-search";

export { defaultThreadCount, sharedFloat64, sharedInt32 } from "../threads/pool";

/**
 * Fills `squaredOut` / `indexOut` for all query rows using up to `threads`
 * threads (this one included). Falls back to this thread alone, with identical
 * results, where workers cannot start. Output arrays must be views of
 * SharedArrayBuffers (see {@link sharedFloat64}) except for "brute-self", whose
 * threads fill private arrays merged here.
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
  const workers = helperWorkers(threads);
  const parts = workers.length + 1;
  const rowSlices = Array.from({ length: parts }, (_, p) => ({
    from: Math.round((p * query.rows) / parts),
    to: Math.round(((p + 1) * query.rows) / parts),
  }));
  const shared = { train: toShared(train.data), query: query.data === train.data ? undefined : toShared(query.data) };
  const round = (step: SearchStep, slice: (p: number) => { from: number; to: number }, outputs: (p: number) => Output) =>
    runRound(workers, { train, query, k, excludeSelf }, shared, step, slice, outputs);

  if (method !== "brute-self") {
    round(method, (p) => rowSlices[p], () => ({ squared: squaredOut, indices: indexOut }));
    return;
  }
  // Self-search: prime all rows in parallel, then each thread visits its share of the
  // pairs on its own copy of the primed lists (a pair updates both of its rows), then merge.
  const primed = { squared: sharedFloat64(squaredOut.length).fill(Infinity), indices: sharedInt32(indexOut.length).fill(-1) };
  round("brute-self-prime", (p) => rowSlices[p], () => primed);
  const copies = Array.from({ length: parts }, () => {
    const copy = { squared: sharedFloat64(squaredOut.length), indices: sharedInt32(indexOut.length) };
    copy.squared.set(primed.squared);
    copy.indices.set(primed.indices);
    return copy;
  });
  round("brute-self", (p) => ({ from: p, to: parts }), (p) => copies[p]);
  mergeNeighbourLists(copies, query.rows, k, squaredOut, indexOut);
}

interface Output {
  readonly squared: Float64Array;
  readonly indices: Int32Array;
}

// One parallel step: slice p runs on worker p - 1, slice 0 here; returns when all are done.
function runRound(
  workers: PooledWorker[],
  search: { train: Matrix; query: Matrix; k: number; excludeSelf: boolean },
  shared: { train: SharedArrayBuffer; query: SharedArrayBuffer | undefined },
  step: SearchStep,
  slice: (p: number) => { from: number; to: number },
  outputs: (p: number) => Output,
): void {
  const { train, query, k, excludeSelf } = search;
  const tasks = workers.map((_, w): NeighborTask => {
    const output = outputs(w + 1);
    return {
      kind: "neighbors", train: shared.train, query: shared.query ?? shared.train, trainRows: train.rows, queryRows: query.rows,
      cols: train.cols, k, excludeSelf, method: step, ...slice(w + 1),
      squaredOut: output.squared.buffer as SharedArrayBuffer, indexOut: output.indices.buffer as SharedArrayBuffer,
    };
  });
  const own = outputs(0);
  runOnThreads(workers, tasks, () => {
    runSearchTask({ train, query, k, excludeSelf, method: step, ...slice(0), squaredOut: own.squared, indexOut: own.indices });
  }, "neighbour search");
}
