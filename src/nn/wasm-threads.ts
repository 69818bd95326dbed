/**
 * Both cores for tfjs's wasm backend in Node: starts `@tensorflow/tfjs-backend-wasm`'s threaded SIMD build
 * (Emscripten pthreads on `worker_threads`, XNNPACK's thread pool), which tfjs 4.22 never picks in Node.
 *
 * Three things stand in its way, each worked around here for the duration of the backend's start only:
 *
 * 1. `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false under Node (tfjs issue 3830): set to true.
 * 2. tfjs starts each pthread worker from a `blob:` URL of its worker script and hands it the main script as
 *    a Blob; Node's `worker_threads` cannot run a `blob:` URL. The global `Worker` that Emscripten's glue uses is
 *    replaced, while the backend starts, by a `worker_threads.Worker` that runs the same worker script (shipped
 *    in the package as `wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`) with `eval`, and that passes the
 *    glue's file path (`wasm-out/tfjs-backend-wasm-threaded-simd.js`) instead of the Blob. Emscripten creates its
 *    whole pool (8 workers) and XNNPACK takes its threads from it during the start, so nothing needs the
 *    replacement afterwards. These workers never keep the process alive (Emscripten refs a worker that runs a
 *    pthread, and XNNPACK's pool threads run forever: a script would not exit).
 * 3. tfjs caps the pool at half the logical cores (it assumes two hyperthreads per core), which is 1 on a
 *    2-core machine: `os.cpus()` reports twice the cores while the pool is created, so the cap is the cores.
 *
 * Numerics: XNNPACK splits a matrix product by output tiles, never along the summed dimension, and tfjs's other
 * wasm kernels do not use the pool, so results do not depend on the thread count (checked in test/nn.test.ts).
 */
import os from "node:os";
import path from "node:path";
import type { Worker as NodeWorker, WorkerOptions } from "node:worker_threads";
import type * as TF from "@tensorflow/tfjs";

/**
 * Environment variable: threads of anomaly-lab's own wasm kernels, the matrix products (src/nn/matmul-threads.ts).
 * Unset: {@link DEFAULT_WASM_THREADS}; 1: one; "auto": the machine's cores, at most 8; 2..8.
 */
export const WASM_THREADS_ENV = "ANOMALY_LAB_WASM_THREADS";
/**
 * Environment variable: threads of tfjs's own pool (XNNPACK: convolutions, and the untransposed products while
 * ours run on one thread). Same values; unset: 1. Only on request: its threads spin while they wait, which made
 * every network slower on a loaded machine (docs/neural-networks.md, "Threads on wasm").
 */
export const TFJS_WASM_THREADS_ENV = "ANOMALY_LAB_TFJS_WASM_THREADS";
/**
 * The products' threads when {@link WASM_THREADS_ENV} is unset (fewer on a machine with fewer cores). Two: on an
 * idle 2-core machine they were as fast as one thread on the small networks and faster on the large ones
 * (`npm run bench:train -- --wasm-threads 1,2`, README); more threads were never measured, so more only on request.
 */
export const DEFAULT_WASM_THREADS = 2;
/** Emscripten's pre-created pthread pool in tfjs-backend-wasm 4.22; XNNPACK cannot use more threads. */
const MAX_THREADS = 8;
/** How long the threaded build may take to start before the single-threaded one is used instead. */
const START_TIMEOUT_MS = 60_000;

interface WasmModule {
  setThreadsCount(threads: number): void;
  getThreadsCount(): number;
}

/**
 * Threads asked for by `variable` ({@link WASM_THREADS_ENV}: our products, default {@link DEFAULT_WASM_THREADS};
 * {@link TFJS_WASM_THREADS_ENV}: tfjs's pool, default 1). `auto` is the machine's cores, at most 8.
 */
export function wasmThreadsWanted(env: NodeJS.ProcessEnv = process.env, variable = WASM_THREADS_ENV): number {
  const given = env[variable]?.trim().toLowerCase();
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  if (given === undefined || given === "") return variable === WASM_THREADS_ENV ? Math.max(1, Math.min(cores, DEFAULT_WASM_THREADS)) : 1;
  if (given === "auto") return Math.max(1, Math.min(cores, MAX_THREADS));
  const threads = Number(given);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new RangeError(`${variable}=${given}: expected a whole number of threads from 1 to ${MAX_THREADS}, or auto`);
  }
  return threads;
}

/**
 * Starts the wasm backend with `threads` threads (tfjs-backend-wasm must be required already). Returns
 * undefined when it started threaded, else why not (the caller then starts the single-threaded build).
 */
export async function startThreadedWasm(tf: typeof TF, wasm: WasmModule, threads: number): Promise<string | undefined> {
  let files: { worker: string; glue: string };
  try {
    const folder = path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "wasm-out");
    files = { worker: path.join(folder, "tfjs-backend-wasm-threaded-simd.worker.js"), glue: path.join(folder, "tfjs-backend-wasm-threaded-simd.js") };
    require.resolve(files.glue);
  } catch (error) {
    return `the threaded build's scripts are missing from @tensorflow/tfjs-backend-wasm (${(error as Error).message.split("\n")[0]})`;
  }
  if (typeof SharedArrayBuffer === "undefined") return "SharedArrayBuffer is not available";
  // Asked first: tfjs's glue, refused a worker half-way through its start, leaves the wasm backend unable to start
  // even single-threaded.
  const permission = (process as { permission?: { has(scope: string): boolean } }).permission;
  if (permission !== undefined && !permission.has("worker")) return "Node's permission model refuses worker threads";
  const restore = [replaceWorker(files), reportCores(threads)];
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  wasm.setThreadsCount(threads);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), START_TIMEOUT_MS)));
    const started = await Promise.race([tf.setBackend("wasm"), timeout]);
    if (started === "timeout") return `the threaded build did not start within ${START_TIMEOUT_MS / 1000} s`;
    if (!started) return "the threaded build failed to start (tf.setBackend returned false)";
    await tf.ready();
    if (threads === 1) releaseIdleWorkers(tf);
    return undefined;
  } catch (error) {
    return `the threaded build failed to start: ${(error as Error).message?.split("\n")[0] ?? String(error)}`;
  } finally {
    clearTimeout(timer);
    for (const undo of restore) undo();
    // A later start (after a failure) must take the single-threaded build.
    if (tf.getBackend() !== "wasm") {
      tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      wasm.setThreadsCount(1);
    }
  }
}

/** The part of Emscripten's pthread bookkeeping (tfjs's glue exports it as `Module.PThread`) read here. */
interface PthreadPool {
  unusedWorkers: { terminate(): unknown }[];
  runningWorkers: unknown[];
}

/**
 * With tfjs's pool on 1 thread (the threaded build started for its shared heap: src/nn/tfjs-heap.ts) XNNPACK runs
 * on the calling thread and no pthread ever starts (the pool's size is fixed when the backend starts), so
 * Emscripten's 8 pre-started workers only hold memory (~85 MB here): they are ended, as Emscripten's own
 * terminateAllThreads ends unused workers.
 */
function releaseIdleWorkers(tf: typeof TF): void {
  const pool = (tf.findBackend("wasm") as unknown as { wasm?: { PThread?: PthreadPool } } | undefined)?.wasm?.PThread;
  if (pool === undefined || !Array.isArray(pool.unusedWorkers) || !Array.isArray(pool.runningWorkers) || pool.runningWorkers.length > 0) return;
  for (const worker of pool.unusedWorkers) void worker.terminate();
  pool.unusedWorkers = [];
}

/** While the backend starts, `new Worker(blob:...)` from Emscripten's glue runs the worker script under Node. */
function replaceWorker(files: { worker: string; glue: string }): () => void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const threads = require("node:worker_threads") as typeof import("node:worker_threads");
  // The package exports the worker script as a string; tfjs escapes its newlines before making a Blob of it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const source = (require(files.worker) as { wasmWorkerContents: string }).wasmWorkerContents.replace(/\n/g, "\\n");
  class PthreadWorker extends threads.Worker {
    constructor(_blobUrl: string, options?: WorkerOptions) {
      super(source, { ...options, eval: true });
      this.unref();
    }
    /**
     * Emscripten refs a worker while it runs a pthread, and XNNPACK's pool threads run for the life of the
     * process: a script would never exit. The pool is a daemon here; the main thread waits for it synchronously.
     */
    override ref(): void {}
    override postMessage(message: unknown, transfer?: Parameters<NodeWorker["postMessage"]>[1]): void {
      const load = message as { cmd?: string; urlOrBlob?: unknown } | null;
      // The glue as a Blob cannot be read back in the worker: give it the same glue as a file.
      if (load?.cmd === "load" && typeof load.urlOrBlob !== "string") message = { ...load, urlOrBlob: files.glue };
      super.postMessage(message, transfer);
    }
  }
  const global = globalThis as { Worker?: unknown };
  const before = Object.getOwnPropertyDescriptor(global, "Worker");
  let assigned: unknown = before?.value;
  // Emscripten assigns worker_threads.Worker to the global at start: keep ours in force until the pool exists.
  Object.defineProperty(global, "Worker", { configurable: true, get: () => PthreadWorker, set: (value) => (assigned = value) });
  return () => {
    delete global.Worker;
    if (before !== undefined) Object.defineProperty(global, "Worker", before);
    else if (assigned !== undefined) global.Worker = assigned; // what tfjs's glue leaves there without us
  };
}

/** While the pool is created, `os.cpus()` lists 2 · threads entries: tfjs caps its threads at half of them. */
function reportCores(threads: number): () => void {
  const cpus = os.cpus;
  os.cpus = () => {
    const listed = cpus();
    const one = listed[0] ?? { model: "", speed: 0, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } };
    return Array.from({ length: 2 * threads }, (_, i) => listed[i] ?? one);
  };
  return () => {
    os.cpus = cpus;
  };
}
