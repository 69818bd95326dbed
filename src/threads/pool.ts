/**
 * A process-wide pool of worker threads for the synchronous detectors (`fit` and `score` return values,
 * not promises): the caller posts one task per worker, runs its own share, then blocks on `Atomics.wait`
 * until every worker has written its results into shared memory. Workers start once, on first need, do
 * not keep the process alive, and are shared by every kind of task (see tasks.ts). Where workers cannot
 * start, callers get none and run everything on this thread, with identical results.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { ThreadTask } from "./tasks";

const MAX_THREADS = 16;
/** A worker that has not loaded its module after this long disables threading for the process. */
const STARTUP_TIMEOUT_MS = 30_000;

/** Values of a worker's status cell. */
export const STATUS = { idle: 0, ready: 1, done: 2, failed: 3 } as const;

export interface PooledWorker {
  readonly worker: Worker;
  readonly slot: number;
  /** Where the worker posts each task's outcome, read synchronously by the waiting main thread. */
  readonly replies: MessagePort;
}

/** What a worker posts after each task. */
export type WorkerReply = { readonly value: unknown } | { readonly error: string };

const statusCells = new Int32Array(new SharedArrayBuffer(4 * MAX_THREADS));
const pool: PooledWorker[] = [];
let threadsUnavailable = false;

/** Threads used by default: the machine's parallelism, capped at 8. */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/** Starts (once) and returns up to `threads - 1` ready workers (this thread is the other one); none if unavailable. */
export function helperWorkers(threads: number): PooledWorker[] {
  const count = Math.min(threads, MAX_THREADS) - 1;
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

/**
 * Runs `tasks[w]` on `workers[w]` and `here` on this thread at the same time; returns when all are done,
 * with `here`'s value and each task's value (what its runner returned, structured-cloned).
 * Throws the first worker's error, after every worker has finished.
 */
export function runOnThreads<T>(
  workers: readonly PooledWorker[],
  tasks: readonly ThreadTask[],
  here: () => T,
  what: string,
): { here: T; workers: unknown[] } {
  if (tasks.length !== workers.length) throw new RangeError(`${tasks.length} tasks for ${workers.length} workers`);
  workers.forEach((pooled, w) => {
    Atomics.store(statusCells, pooled.slot, STATUS.idle);
    pooled.worker.postMessage(tasks[w]);
  });
  let ownError: unknown;
  let own: T | undefined;
  try {
    own = here();
  } catch (error) {
    ownError = error;
  }
  const failures: string[] = [];
  const values: unknown[] = [];
  for (const pooled of workers) {
    while (Atomics.load(statusCells, pooled.slot) === STATUS.idle) Atomics.wait(statusCells, pooled.slot, STATUS.idle);
    const reply = receiveMessageOnPort(pooled.replies)?.message as WorkerReply | undefined;
    if (reply === undefined) failures.push("the worker sent no reply");
    else if ("error" in reply) failures.push(reply.error);
    else values.push(reply.value);
  }
  if (ownError !== undefined) throw ownError;
  if (failures.length > 0) throw new Error(`${what} failed in a worker thread: ${failures[0]}`);
  return { here: own as T, workers: values };
}

/** A Float64Array over new shared memory (zeros). */
export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * length));
}

/** An Int32Array over new shared memory (zeros). */
export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * length));
}

/** The values as a SharedArrayBuffer: the array's own buffer when it is one already, else a copy. */
export function toShared(data: Float64Array): SharedArrayBuffer {
  if (data.buffer instanceof SharedArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) {
    return data.buffer;
  }
  const shared = sharedFloat64(data.length);
  shared.set(data);
  return shared.buffer as SharedArrayBuffer;
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
    workerData: { entry: join(__dirname, `worker${extension}`), loader, status: statusCells.buffer, slot, replies: channel.port2 },
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
  return { worker, slot, replies: channel.port1 };
}
