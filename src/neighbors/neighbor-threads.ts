/**
 * Splits a k-nearest-neighbour search over worker threads while keeping the
 * caller synchronous: the main thread posts slices, runs its own slice, then
 * blocks on `Atomics.wait` until every worker has written its rows into shared
 * memory. Workers are started once, on first need, and do not keep the process alive.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { Matrix } from "../core/matrix";
import { mergeNeighbourLists } from "./brute-force";
import { runSearchTask, type SearchMethod, type SearchStep, STATUS, type WorkerTask } from "./neighbor-search";

const MAX_THREADS = 16;
/** A worker that has not loaded its module after this long disables threading for the process. */
const STARTUP_TIMEOUT_MS = 30_000;

interface PooledWorker {
  readonly worker: Worker;
  readonly slot: number;
  readonly errors: MessagePort;
}

const statusCells = new Int32Array(new SharedArrayBuffer(4 * MAX_THREADS));
const pool: PooledWorker[] = [];
let threadsUnavailable = false;

/** Threads used by default: the machine's parallelism, capped at 8. */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

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
  const workers = startWorkers(Math.min(threads, MAX_THREADS) - 1);
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
  workers.forEach((pooled, w) => {
    const output = outputs(w + 1);
    const task: WorkerTask = {
      train: shared.train, query: shared.query ?? shared.train, trainRows: train.rows, queryRows: query.rows, cols: train.cols,
      k, excludeSelf, method: step, ...slice(w + 1),
      squaredOut: output.squared.buffer as SharedArrayBuffer, indexOut: output.indices.buffer as SharedArrayBuffer,
    };
    Atomics.store(statusCells, pooled.slot, STATUS.idle);
    pooled.worker.postMessage(task);
  });
  const own = outputs(0);
  runSearchTask({ train, query, k, excludeSelf, method: step, ...slice(0), squaredOut: own.squared, indexOut: own.indices });
  const failures: string[] = [];
  for (const pooled of workers) {
    while (Atomics.load(statusCells, pooled.slot) === STATUS.idle) Atomics.wait(statusCells, pooled.slot, STATUS.idle);
    if (Atomics.load(statusCells, pooled.slot) === STATUS.failed) {
      failures.push(String(receiveMessageOnPort(pooled.errors)?.message ?? "unknown error"));
    }
  }
  if (failures.length > 0) throw new Error(`neighbour search failed in a worker thread: ${failures[0]}`);
}

/** A Float64Array over shared memory with the given values (or zeros). */
export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * length));
}

/** An Int32Array over shared memory. */
export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * length));
}

function toShared(data: Float64Array): SharedArrayBuffer {
  if (data.buffer instanceof SharedArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) {
    return data.buffer;
  }
  const shared = sharedFloat64(data.length);
  shared.set(data);
  return shared.buffer as SharedArrayBuffer;
}

// Starts (once) and returns up to `count` ready workers; none if threads are unavailable.
function startWorkers(count: number): PooledWorker[] {
  if (threadsUnavailable || count <= 0) return [];
  while (pool.length < count) {
    const pooled = startWorker(pool.length);
    if (pooled === undefined) {
      threadsUnavailable = true;
      break;
    }
    pool.push(pooled);
  }
  return pool.slice(0, count);
}

// Eval'd bootstrap: under tsx (tests) the TypeScript entry needs tsx's CommonJS hook.
const BOOTSTRAP = `const { workerData } = require("node:worker_threads");
if (workerData.loader) require(workerData.loader);
require(workerData.entry);`;

function startWorker(slot: number): PooledWorker | undefined {
  const extension = __filename.endsWith(".ts") ? ".ts" : ".js";
  let loader: string | undefined;
  try {
    if (extension === ".ts") loader = require.resolve("tsx/cjs");
  } catch {
    return undefined;
  }
  const channel = new MessageChannel();
  Atomics.store(statusCells, slot, STATUS.idle);
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { entry: join(__dirname, `neighbor-worker${extension}`), loader, status: statusCells.buffer, slot, errors: channel.port2 },
    transferList: [channel.port2],
  });
  worker.unref();
  worker.on("error", () => undefined); // a crash surfaces as a missing result, reported by the caller
  Atomics.wait(statusCells, slot, STATUS.idle, STARTUP_TIMEOUT_MS);
  if (Atomics.load(statusCells, slot) !== STATUS.ready) {
    void worker.terminate();
    return undefined;
  }
  channel.port1.unref();
  return { worker, slot, errors: channel.port1 };
}
