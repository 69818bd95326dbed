/**
 * A process-wide pool of worker threads for the synchronous detectors (`fit` and `score` return values,
 * not promises). A parallel step is a list of independent jobs: this thread and the workers take the next
 * job from a shared counter until none is left, then this thread waits (`Atomics.wait`) for the jobs the
 * workers took. Workers start on first need without being waited for: while they load, this thread
 * simply takes every job, so small problems never pay for a thread start-up (~20-130 ms here), and
 * uneven jobs balance themselves. Workers do not keep the process alive. Where workers cannot start,
 * everything runs on this thread, with identical results: a job is computed by the same code wherever
 * it runs.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { isMainThread, MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { ThreadTask } from "./tasks";

const MAX_THREADS = 16;

/** One step as posted to a worker: the task, its job counter, and which step it is. */
export interface PostedStep {
  readonly task: ThreadTask;
  readonly count: number;
  /** Int32 cells: [next job to take, jobs finished]. */
  readonly control: SharedArrayBuffer;
  readonly step: number;
}

/** What a worker posts after each job it took. */
export type WorkerReply = { readonly step: number; readonly job: number } & ({ readonly value: unknown } | { readonly error: string });

interface PooledWorker {
  readonly worker: Worker;
  readonly replies: MessagePort;
}

const pool: PooledWorker[] = [];
let threadsUnavailable = false;
let steps = 0;

/** Threads used by default: the machine's cores, at most 8. */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/**
 * Runs jobs 0 .. count - 1 of `task` on up to `threads` threads (this one included) and returns each job's
 * value in job order: `here(j)` for the jobs this thread took, the worker's `runThreadJob(task, j)`
 * (structured-cloned) for the others. Throws the first error, after every taken job has finished.
 */
export function runJobs<T>(threads: number, count: number, task: ThreadTask, here: (job: number) => T, what: string): T[] {
  // Inside a worker every job runs where it is: the pool belongs to the main thread.
  const workers = count > 1 && isMainThread ? startedWorkers(Math.min(threads, count) - 1) : [];
  const values = new Array<T>(count);
  if (workers.length === 0) {
    for (let job = 0; job < count; job++) values[job] = here(job);
    return values;
  }
  const control = new Int32Array(new SharedArrayBuffer(8));
  const step = ++steps;
  for (const pooled of workers) pooled.worker.postMessage({ task, count, control: control.buffer as SharedArrayBuffer, step } satisfies PostedStep);
  let ownError: unknown;
  for (let job = Atomics.add(control, 0, 1); job < count; job = Atomics.add(control, 0, 1)) {
    try {
      if (ownError === undefined) values[job] = here(job);
    } catch (error) {
      ownError = error;
    }
    Atomics.add(control, 1, 1);
  }
  for (let done = Atomics.load(control, 1); done < count; done = Atomics.load(control, 1)) Atomics.wait(control, 1, done);
  const failures: string[] = [];
  for (const pooled of workers) {
    for (let message = receiveMessageOnPort(pooled.replies); message !== undefined; message = receiveMessageOnPort(pooled.replies)) {
      const reply = message.message as WorkerReply;
      if (reply.step !== step) continue; // a late worker's answer to an earlier step (it took no job there)
      if ("error" in reply) failures.push(reply.error);
      else values[reply.job] = reply.value as T;
    }
  }
  if (ownError !== undefined) throw ownError;
  if (failures.length > 0) throw new Error(`${what} failed in a worker thread: ${failures[0]}`);
  return values;
}

/**
 * Starts up to `threads - 1` workers and waits until they have loaded (at most `timeoutMs`); returns how
 * many are ready. Parallel steps never wait for this; tests use it to make sure workers take part.
 */
export function warmWorkers(threads: number, timeoutMs = 30_000): number {
  const workers = startedWorkers(threads - 1);
  const probe = new Int32Array(new SharedArrayBuffer(4));
  let ready = 0;
  const deadline = Date.now() + timeoutMs;
  for (const pooled of workers) {
    // An empty step: the worker answers it (counter already exhausted) only once it has loaded.
    const control = new Int32Array(new SharedArrayBuffer(8));
    control[0] = 1;
    pooled.worker.postMessage({ task: { kind: "ping", cell: probe.buffer as SharedArrayBuffer }, count: 0, control: control.buffer, step: 0 });
    while (Atomics.load(probe, 0) === ready && Date.now() < deadline) Atomics.wait(probe, 0, ready, Math.max(1, deadline - Date.now()));
    if (Atomics.load(probe, 0) > ready) ready++;
  }
  return ready;
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

// The first `count` workers of the pool, starting those not started yet (without waiting for them).
function startedWorkers(count: number): PooledWorker[] {
  if (threadsUnavailable || count <= 0) return [];
  while (pool.length < Math.min(count, MAX_THREADS - 1)) {
    const pooled = startWorker();
    if (pooled === undefined) {
      threadsUnavailable = true;
      break;
    }
    pool.push(pooled);
  }
  return pool.slice(0, count);
}

function startWorker(): PooledWorker | undefined {
  const extension = __filename.endsWith(".ts") ? ".ts" : ".js";
  let loader: string | undefined;
  try {
    if (extension === ".ts") loader = require.resolve("tsx/cjs");
  } catch {
    return undefined;
  }
  const channel = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(BOOTSTRAP, {
      eval: true,
      // Not the parent's flags: a loader hook such as `--import tsx` would slow every start and take CPU
      // from the main thread; the TypeScript case is handled by `loader` above.
      execArgv: [],
      workerData: { entry: join(__dirname, `worker${extension}`), loader, replies: channel.port2 },
      transferList: [channel.port2],
    });
  } catch {
    return undefined;
  }
  worker.unref();
  // A worker that fails to load takes no job, so this thread does them all.
  worker.on("error", () => undefined);
  channel.port1.unref();
  return { worker, replies: channel.port1 };
}
