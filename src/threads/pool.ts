/**
 * A process-wide pool of worker threads for the synchronous detectors (`fit` and `score` return values,
 * not promises). A parallel step is a list of independent jobs: this thread and the workers take the next
 * job from a shared counter until none is left, then this thread waits (`Atomics.wait`) for the jobs the
 * workers took. Workers start on first need without being waited for: while they load, this thread
 * simply takes every job, so small problems never pay for a thread start-up (~20-130 ms here), and
 * uneven jobs balance themselves. Workers do not keep the process alive. Where workers cannot start,
 * everything runs on this thread, with identical results: a job is computed by the same code wherever
 * it runs.
 *
 * **A worker that dies.** This thread blocks while it waits, so it cannot hear a worker's 'exit' event.
 * The workers are therefore started by a small supervisor thread, which does nothing but hear their 'exit'
 * events (out of memory, process.exit, an uncaught error, termination: every way a thread ends) and mark the
 * worker dead in shared memory. This thread waits in short slices and, once every worker of the step has
 * either left it or died, knows whether jobs were lost with a dead one: then it throws an error that says
 * which worker stopped and why, instead of waiting forever. A dead worker is replaced on the next step.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { isMainThread, MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { JobDefinition } from "./jobs";

const MAX_THREADS = 16;
/** How long this thread blocks before looking at the workers' states again (a death is noticed this late). */
const WAIT_SLICE_MS = 50;

/** A pool worker's state, one Int32 cell per slot in memory shared with the supervisor and the worker. */
export const WorkerState = { free: 0, starting: 1, ready: 2, dead: 3 } as const;

/** One step as posted to a worker: its kind of job (see jobs.ts), the task, its job counter, and which step it is. */
export interface PostedStep {
  /** The job's registered name and the module that defines it (loaded by the worker when the name is new to it). */
  readonly job: string;
  readonly module: string;
  readonly task: unknown;
  readonly count: number;
  /** Int32 cells: [next job to take, jobs finished, then per member of the step: 1 once it has left the step]. */
  readonly control: SharedArrayBuffer;
  readonly step: number;
  /** This worker's cell among the step's members (control[2 + member]). */
  readonly member: number;
}

/** What a worker posts after each job it took. */
export type WorkerReply = { readonly step: number; readonly job: number } & ({ readonly value: unknown } | { readonly error: string });

/** What the supervisor posts when a worker has stopped (before marking its slot dead). */
interface WorkerDeath {
  readonly slot: number;
  /** "exit code 1: ERR_WORKER_OUT_OF_MEMORY: ..." */
  readonly reason: string;
  /** Whether it had loaded (marked itself ready) before it stopped. */
  readonly loaded: boolean;
}

/** What a worker receives in `workerData`. */
export interface PoolWorkerData {
  readonly entry: string;
  readonly loader: string | undefined;
  readonly steps: MessagePort;
  readonly replies: MessagePort;
  readonly states: SharedArrayBuffer;
  readonly slot: number;
}

interface PooledWorker {
  readonly slot: number;
  /** This thread's end of the channel the worker takes steps from. */
  readonly steps: MessagePort;
  readonly replies: MessagePort;
}

interface Supervisor {
  readonly worker: Worker;
  readonly states: Int32Array;
  readonly deaths: MessagePort;
}

const pool: PooledWorker[] = [];
let supervisor: Supervisor | undefined;
let threadsUnavailable = false;
let steps = 0;
/** Why each dead slot's worker stopped, as the supervisor reported it. */
const deathReasons = new Map<number, string>();

/** Threads used by default: the machine's cores, at most 8. */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/**
 * Runs jobs 0 .. count - 1 of `task`, a kind of job defined with `defineJob` (jobs.ts), on up to `threads`
 * threads (this one included) and returns each job's value in job order: `here(j)` for the jobs this thread
 * took (by default `definition.run(task, j)`; a caller may pass the same computation on its unshared data),
 * the worker's `definition.run(task, j)` (structured-cloned) for the others. `what` names the step in errors.
 * Throws the first error, after every taken job has finished; throws too, naming the worker and why it stopped,
 * when a worker dies holding a job (never waits without bound for a dead one).
 * @example runJobs(threads, slices.length, searchJob, task, "neighbour search");
 */
export function runJobs<Task, T>(
  threads: number,
  count: number,
  definition: JobDefinition<Task, T>,
  task: Task,
  what: string,
  here: (job: number) => T = (job) => definition.run(task, job),
): T[] {
  // Inside a worker every job runs where it is: the pool belongs to the main thread.
  const workers = count > 1 && isMainThread ? startedWorkers(Math.min(threads, count) - 1) : [];
  const values = new Array<T>(count);
  if (workers.length === 0) {
    for (let job = 0; job < count; job++) values[job] = here(job);
    return values;
  }
  const control = new Int32Array(new SharedArrayBuffer(4 * (2 + workers.length)));
  const step = ++steps;
  workers.forEach((pooled, member) => {
    const posted: PostedStep = {
      job: definition.name,
      module: definition.module,
      task,
      count,
      control: control.buffer as SharedArrayBuffer,
      step,
      member,
    };
    pooled.steps.postMessage(posted);
  });
  const answered = new Uint8Array(count);
  let ownError: unknown;
  for (let job = Atomics.add(control, 0, 1); job < count; job = Atomics.add(control, 0, 1)) {
    try {
      if (ownError === undefined) values[job] = here(job);
    } catch (error) {
      ownError = error;
    }
    answered[job] = 1;
    Atomics.add(control, 1, 1);
  }
  const dead = awaitStep(control, count, workers);
  const failures: string[] = [];
  for (const pooled of workers) {
    for (let message = receiveMessageOnPort(pooled.replies); message !== undefined; message = receiveMessageOnPort(pooled.replies)) {
      const reply = message.message as WorkerReply;
      if (reply.step !== step) continue; // a late worker's answer to an earlier step (it took no job there)
      answered[reply.job] = 1;
      if ("error" in reply) failures.push(reply.error);
      else values[reply.job] = reply.value as T;
    }
  }
  if (ownError !== undefined) throw ownError;
  const unfinished = count - Atomics.load(control, 1);
  if (unfinished > 0) {
    const who = dead.map((pooled) => `worker thread ${pooled.slot} stopped (${deathReasons.get(pooled.slot) ?? "no reason"})`);
    throw new Error(
      `${what} failed: ${who.join(", ")} while holding jobs: ${unfinished} of ${count} never finished. ` +
        "The pool starts a fresh worker on the next call; pass threads: 1 to run on this thread only.",
    );
  }
  if (failures.length > 0) throw new Error(`${what} failed in a worker thread: ${failures[0]}`);
  const missing = answered.indexOf(0);
  if (missing >= 0) throw new Error(`${what} failed: job ${missing} finished in a worker thread without a result`);
  return values;
}

/**
 * Waits until every job is finished, or until every worker of the step has left it or died (then the jobs
 * still unfinished were lost with a dead worker). Returns the step's workers that died.
 */
function awaitStep(control: Int32Array, count: number, workers: readonly PooledWorker[]): PooledWorker[] {
  const { states } = supervisor as Supervisor;
  const isDead = (pooled: PooledWorker) => Atomics.load(states, pooled.slot) === WorkerState.dead;
  for (let done = Atomics.load(control, 1); done < count; done = Atomics.load(control, 1)) {
    // A live worker counts its jobs finished before it leaves: once all have left or died, `finished` is final.
    if (workers.every((pooled, member) => Atomics.load(control, 2 + member) === 1 || isDead(pooled))) break;
    Atomics.wait(control, 1, done, WAIT_SLICE_MS);
  }
  const dead = workers.filter(isDead);
  collectDeaths();
  return dead;
}

/** How many of the pool's workers have loaded and wait for jobs (0 before the first parallel step). */
export function readyWorkers(): number {
  if (supervisor === undefined) return 0;
  const { states } = supervisor;
  return pool.filter((pooled) => Atomics.load(states, pooled.slot) === WorkerState.ready).length;
}

/**
 * Starts up to `threads - 1` workers and waits until they have loaded (at most `timeoutMs`); returns how
 * many are ready. Parallel steps never wait for this; tests use it to make sure workers take part.
 */
export function warmWorkers(threads: number, timeoutMs = 30_000): number {
  const workers = startedWorkers(threads - 1);
  let ready = 0;
  const deadline = Date.now() + timeoutMs;
  for (const pooled of workers) {
    const { states } = supervisor as Supervisor;
    let state = Atomics.load(states, pooled.slot);
    while (state === WorkerState.starting && Date.now() < deadline) {
      Atomics.wait(states, pooled.slot, state, Math.max(1, Math.min(WAIT_SLICE_MS, deadline - Date.now())));
      state = Atomics.load(states, pooled.slot);
    }
    if (Atomics.load(states, pooled.slot) === WorkerState.ready) ready++;
  }
  return ready;
}

/**
 * Faults a test can make the next job taken by each started worker commit: "exit" ends the worker thread
 * (process.exit(70)) while it holds the job; "terminated" has the supervisor terminate it while it holds the
 * job (no JavaScript runs in the worker afterwards, as when it runs out of memory); "unclonable-reply" makes
 * the job's reply a value that cannot be structured-cloned. Tests only (test/threads-pool.test.ts): nothing
 * else posts a fault.
 */
export type WorkerFaultForTests = "exit" | "terminated" | "unclonable-reply";

/** Arms `fault` in every started worker, for its next job (tests only: see {@link WorkerFaultForTests}). */
export function injectWorkerFaultForTests(fault: WorkerFaultForTests): void {
  for (const pooled of pool) pooled.steps.postMessage({ faultForTests: fault });
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

// Eval'd bootstrap of a pool worker: under tsx (tests) the TypeScript entry needs tsx's CommonJS hook.
const BOOTSTRAP = `const { workerData } = require("node:worker_threads");
if (workerData.loader) require(workerData.loader);
require(workerData.entry);`;

// The supervisor: starts the pool workers this thread asks for and reports each one's end. Plain JavaScript, so
// that it loads fast and needs no loader. It posts the reason before marking the slot dead, so whoever sees
// the mark finds the reason. (A worker asking to be terminated is the "terminated" test fault.)
const SUPERVISOR = `const { parentPort, Worker, workerData } = require("node:worker_threads");
const { states: buffer, deaths, bootstrap } = workerData;
const states = new Int32Array(buffer);
const report = (slot, reason) => {
  deaths.postMessage({ slot, reason, loaded: Atomics.load(states, slot) === ${WorkerState.ready} });
  Atomics.store(states, slot, ${WorkerState.dead});
  Atomics.notify(states, slot);
};
parentPort.on("message", (start) => {
  let worker;
  try {
    const transferList = [start.steps, start.replies];
    worker = new Worker(bootstrap, { eval: true, execArgv: [], workerData: start, transferList });
  } catch (error) {
    report(start.slot, "it could not start: " + String(error));
    return;
  }
  let failure;
  worker.on("error", (error) => { failure = error; });
  worker.on("message", (message) => { if (message === "terminate-me-for-tests") void worker.terminate(); });
  worker.on("exit", (code) => {
    const error = failure === undefined ? "" : ": " + (failure.code === undefined ? "" : failure.code + ": ") + failure.message;
    report(start.slot, "exit code " + code + error);
  });
});`;

// The first `count` live workers of the pool, starting those not started yet (without waiting for them).
function startedWorkers(count: number): PooledWorker[] {
  if (threadsUnavailable || count <= 0) return [];
  const host = supervisor ?? startSupervisor();
  if (host === undefined) return [];
  collectDeaths();
  if (threadsUnavailable) return [];
  for (let k = pool.length - 1; k >= 0; k--) {
    if (Atomics.load(host.states, pool[k].slot) !== WorkerState.dead) continue;
    pool[k].steps.close();
    pool[k].replies.close();
    Atomics.store(host.states, pool[k].slot, WorkerState.free);
    pool.splice(k, 1);
  }
  while (pool.length < Math.min(count, MAX_THREADS - 1)) {
    const pooled = startWorker(host);
    if (pooled === undefined) {
      threadsUnavailable = true;
      break;
    }
    pool.push(pooled);
  }
  return pool.slice(0, count);
}

// Reads the supervisor's death reports; a worker that died before it loaded means workers cannot run here.
function collectDeaths(): void {
  if (supervisor === undefined) return;
  const { deaths } = supervisor;
  for (let message = receiveMessageOnPort(deaths); message !== undefined; message = receiveMessageOnPort(deaths)) {
    const death = message.message as WorkerDeath;
    deathReasons.set(death.slot, death.reason);
    // As before the pool replaced dead workers: one that cannot even load would fail again at every step.
    if (!death.loaded) threadsUnavailable = true;
  }
}

function startSupervisor(): Supervisor | undefined {
  const states = new Int32Array(new SharedArrayBuffer(4 * MAX_THREADS));
  const channel = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(SUPERVISOR, {
      eval: true,
      // Not the parent's flags: a loader hook such as `--import tsx` would slow every start and take CPU
      // from the main thread; the TypeScript case is handled by `loader` in startWorker.
      execArgv: [],
      workerData: { states: states.buffer, deaths: channel.port2, bootstrap: BOOTSTRAP },
      transferList: [channel.port2],
    });
  } catch {
    threadsUnavailable = true;
    return undefined;
  }
  worker.unref();
  // Its own failure would surface as workers that never become ready: this thread then does every job.
  worker.on("error", () => undefined);
  channel.port1.unref();
  supervisor = { worker, states, deaths: channel.port1 };
  return supervisor;
}

function startWorker(host: Supervisor): PooledWorker | undefined {
  const extension = __filename.endsWith(".ts") ? ".ts" : ".js";
  let loader: string | undefined;
  try {
    if (extension === ".ts") loader = require.resolve("tsx/cjs");
  } catch {
    return undefined;
  }
  const slot = host.states.findIndex((state) => state === WorkerState.free);
  if (slot < 0) return undefined;
  Atomics.store(host.states, slot, WorkerState.starting);
  deathReasons.delete(slot);
  const steps = new MessageChannel();
  const replies = new MessageChannel();
  const start: PoolWorkerData = {
    entry: join(__dirname, `worker${extension}`), loader, slot,
    steps: steps.port2, replies: replies.port2, states: host.states.buffer as SharedArrayBuffer,
  };
  host.worker.postMessage(start, [steps.port2, replies.port2]);
  steps.port1.unref();
  replies.port1.unref();
  return { slot, steps: steps.port1, replies: replies.port1 };
}
