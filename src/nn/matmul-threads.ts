/**
 * src/nn/matmul.c's matrix products on several threads, the same bits as on one.
 *
 * The module is built a second time with a shared memory (src/nn/matmul-shared-wasm.ts, scripts/build-wasm.sh):
 * the main thread and each worker (`node:worker_threads`) instantiate it over one `WebAssembly.Memory`, each with
 * its own stack. A product is cut into blocks of output rows (multiples of the kernel's 4-row tile); the main
 * thread and the workers claim blocks from one atomic counter until none is left. Every output's sum is computed
 * whole by one thread, in the kernel's one order (`blocked_matmul_rows`), so the results do not depend on who
 * computed which rows, nor on how many threads there are (test/nn-threads.test.ts).
 *
 * Why claiming rather than halves: on a busy machine a descheduled worker must not stall the product. The main
 * thread never waits for a block nobody has started; it takes it. It waits (Atomics.wait, never spinning: a
 * spinning partner is what made tfjs's XNNPACK pool slower on a loaded machine) only for blocks a worker is
 * computing. Workers sleep in Atomics.wait between products, never hold the process open (unref), and a worker
 * that fails to start leaves the products on one thread with the reason in the backend's summary line.
 */
import type { Worker } from "node:worker_threads";
import { MATMUL_SHARED_WASM_BASE64 } from "./matmul-shared-wasm";

/**
 * Products of fewer counted FLOPs (2·M·K·N) run on the calling thread. Waking a sleeping worker costs a futex
 * wake and tens of microseconds before it computes; 2^20 FLOPs take ~35 µs at the kernel's ~30 GFLOP/s, so below
 * that the worker would mostly arrive after the main thread had finished (and the blocks are claimed, so it would
 * then do nothing: no harm, no gain). The images net's 784 -> 128 layer (12.8 MFLOP per product at batch 64) is
 * split, its 128 -> 32 layer (0.5 MFLOP) is not.
 */
export const SPLIT_MIN_FLOPS = 1 << 20;
/** The least work in a block of rows (its FLOPs, 2 per multiply-add), unless the product has fewer rows. */
const MIN_BLOCK_FLOPS = 1 << 18;
/** Rows in a block are a multiple of the kernel's tile (4 rows x 8 columns). */
const TILE_ROWS = 4;
/** Each worker's stack (matmul.c's kernels use none today; kept apart so that a future kernel cannot clash). */
const STACK_BYTES = 65536;
/** How long workers may take to start before the products stay on one thread. */
const START_TIMEOUT_MS = 20_000;
/** A block a worker has claimed must be done within this (a block is at most milliseconds of work). */
const BLOCK_TIMEOUT_MS = 60_000;
/** wasm32's whole address space, in 64 KiB pages: products grow the shared memory as they need. */
const MAX_PAGES = 65536;

// The control block, a SharedArrayBuffer: a BigInt64 claim word (generation << 32 | next block), then Int32 words.
const CLAIM_BYTES = 8;
const SEQ = 0; // bumped for each split product: the workers wait on it
const DONE = 1; // rows finished of the current product: the main thread waits on it
const STOP = 2; // 1: workers exit
const FAILED = 3; // 1: a block threw
const PARAMS = 4; // M, K, N, stride, transposeA, block, a, b, out, minRows, threads, bias, kind, shape, scratch, scratchBytes, chunk
const ROWS = PARAMS + 17; // rows computed by each thread (0: the main thread), counted work
const CONTROL_WORDS = ROWS + 9;

/** The exports of the shared build (src/nn/matmul.c) that the threads run. */
export interface SharedMatmulExports {
  memory?: unknown;
  __heap_base: { value: number };
  __stack_pointer: { value: number };
  pack_panels(K: number, N: number, stride: number, transposed: number, src: number, dst: number): void;
  blocked_matmul(M: number, K: number, N: number, stride: number, transposeA: number, block: number, a: number, b: number, out: number): void;
  blocked_matmul_rows(M: number, K: number, N: number, stride: number, transposeA: number, block: number, a: number, b: number, out: number,
    row0: number, row1: number): void;
  biased_matmul_rows(M: number, K: number, N: number, stride: number, transposeA: number, block: number, a: number, b: number, bias: number,
    out: number, row0: number, row1: number): void;
  conv_rows(shape: number, x: number, b: number, bias: number, out: number, scratch: number, chunk: number, row0: number, row1: number): void;
  column_sums(rows: number, cols: number, src: number, out: number): void;
}

interface WasmSharedApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => { buffer: SharedArrayBuffer; grow(pages: number): number };
}

/**
 * Claims blocks of rows of the current product and computes them until none is left; returns how many it computed.
 * Guided: each claim takes the rows left divided by twice the threads (at least the product's minimum, a multiple of
 * the 4-row tile), so blocks shrink towards the end and a thread that finds the product late, or is descheduled,
 * leaves little for the others to wait on. Runs on the main thread and, as source text, in every worker: it must
 * use nothing but its arguments.
 */
function runBlocks(kernel: SharedMatmulExports, claim: BigInt64Array, control: Int32Array, params: number, rowsAt: number, thread: number): number {
  let ran = 0;
  for (;;) {
    const word = Atomics.load(claim, 0);
    const next = Number(word & 0xffffffffn); // the first row nobody has claimed
    // Read before the claim; a successful claim proves they were this product's (the next product's are written
    // only once every row of this one is done, and these rows were not).
    const M = Atomics.load(control, params), minRows = Atomics.load(control, params + 9), threads = Atomics.load(control, params + 10);
    if (next >= M) return ran;
    const K = Atomics.load(control, params + 1), N = Atomics.load(control, params + 2), stride = Atomics.load(control, params + 3);
    const transposeA = Atomics.load(control, params + 4), block = Atomics.load(control, params + 5);
    const a = Atomics.load(control, params + 6), b = Atomics.load(control, params + 7), out = Atomics.load(control, params + 8);
    const bias = Atomics.load(control, params + 11), kind = Atomics.load(control, params + 12);
    const rows = Math.min(M - next, Math.max(minRows, Math.ceil((M - next) / (2 * threads) / 4) * 4));
    if (Atomics.compareExchange(claim, 0, word, word + BigInt(rows)) !== word) continue;
    try {
      if (kind === 0) kernel.biased_matmul_rows(M, K, N, stride, transposeA, block, a, b, bias, out, next, next + rows);
      else {
        // A convolution (kind 1): a is x, each thread lays out its rows' im2col in its own scratch.
        const scratch = Atomics.load(control, params + 14) + thread * Atomics.load(control, params + 15);
        kernel.conv_rows(Atomics.load(control, params + 13), a, b, bias, out, scratch, Atomics.load(control, params + 16), next, next + rows);
      }
      Atomics.add(control, rowsAt + thread, rows);
    } catch {
      Atomics.store(control, 3, 1); // FAILED
    }
    ran++;
    if (Atomics.add(control, 1, rows) + rows === M) Atomics.notify(control, 1); // DONE: rows finished
  }
}

/** A worker: instantiates the shared module over the shared memory, then computes blocks whenever SEQ moves. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
${runBlocks.toString()}
const { module, memory, control, stackTop, thread } = workerData;
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
kernel.__stack_pointer.value = stackTop;
const claim = new BigInt64Array(control, 0, 1);
const words = new Int32Array(control, ${CLAIM_BYTES});
parentPort.postMessage("ready");
for (;;) {
  const seen = Atomics.load(words, ${SEQ});
  if (Atomics.load(words, ${STOP}) === 1) break;
  runBlocks(kernel, claim, words, ${PARAMS}, ${ROWS}, thread);
  Atomics.wait(words, ${SEQ}, seen);
}
`;

/** The products' threads: the main thread's instance of the shared module, and the workers. */
class MatmulThreads {
  private readonly claim: BigInt64Array;
  private readonly control: Int32Array;
  private generation = 0;
  /** Test hook: the main thread claims no block, the workers compute every row. */
  workersOnly = false;
  /** Set when a worker fails or exits: products then stay on the main thread. */
  broken: string | undefined;

  /**
   * @param kernel the main thread's instance, as src/nn/wasm-batch-matmul.ts uses it: its memory, and a heap base
   *   above the workers' stacks
   */
  constructor(readonly kernel: SharedMatmulExports, private readonly workers: Worker[], buffer: SharedArrayBuffer) {
    this.claim = new BigInt64Array(buffer, 0, 1);
    this.control = new Int32Array(buffer, CLAIM_BYTES);
  }

  get threads(): number {
    return this.broken === undefined ? this.workers.length + 1 : 1;
  }

  /**
   * out = A·B (+ bias: 0 for none, else `stride` floats) as `biased_matmul_rows`, its rows split over the threads
   * when the product is large enough.
   */
  matmul(M: number, K: number, N: number, stride: number, transposeA: number, block: number, a: number, b: number, out: number, bias = 0): void {
    if (this.threads === 1 || 2 * M * K * N < SPLIT_MIN_FLOPS || M < 2 * TILE_ROWS) {
      this.kernel.biased_matmul_rows(M, K, N, stride, transposeA, block, a, b, bias, out, 0, M);
      Atomics.add(this.control, ROWS, M);
      return;
    }
    this.split([M, K, N, stride, transposeA, block, a, b, out, 0, 0, bias, 0, 0, 0, 0, 0]);
  }

  /**
   * A convolution's output rows (matmul.c's conv_rows: im2col of x, `shape` a conv_shape in the shared memory, times
   * B packed, + bias) split over the threads; each thread lays out its chunks of im2col rows in its own part of
   * `scratch` (`scratchBytes` apart, `chunk` rows of K floats).
   */
  conv(M: number, K: number, N: number, shape: number, x: number, b: number, bias: number, out: number, scratch: number, scratchBytes: number,
    chunk: number): void {
    if (this.threads === 1 || 2 * M * K * N < SPLIT_MIN_FLOPS || M < 2 * TILE_ROWS) {
      this.kernel.conv_rows(shape, x, b, bias, out, scratch, chunk, 0, M);
      Atomics.add(this.control, ROWS, M);
      return;
    }
    this.split([M, K, N, 0, 0, 0, x, b, out, 0, 0, bias, 1, shape, scratch, scratchBytes, chunk]);
  }

  /** Publishes a split job (its parameter words; minRows and threads filled in here) and computes it with the workers. */
  private split(params: number[]): void {
    const [M, K, N] = params as [number, number, number];
    // The smallest block: ~MIN_BLOCK_FLOPS of work (a claim costs an atomic exchange and a count).
    params[9] = Math.max(TILE_ROWS, Math.ceil(MIN_BLOCK_FLOPS / (2 * K * N) / TILE_ROWS) * TILE_ROWS);
    params[10] = this.threads;
    params.forEach((v, i) => Atomics.store(this.control, PARAMS + i, v));
    Atomics.store(this.control, DONE, 0);
    Atomics.store(this.control, FAILED, 0);
    this.generation = (this.generation + 1) % 0x7fffffff;
    Atomics.store(this.claim, 0, BigInt(this.generation) << 32n); // publishes the job: blocks can be claimed
    Atomics.add(this.control, SEQ, 1);
    Atomics.notify(this.control, SEQ);
    if (!this.workersOnly) runBlocks(this.kernel, this.claim, this.control, PARAMS, ROWS, 0);
    // What is left is being computed by workers: sleep until the last block is done.
    const deadline = Date.now() + BLOCK_TIMEOUT_MS;
    for (let done = Atomics.load(this.control, DONE); done < M; done = Atomics.load(this.control, DONE)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.broken = `a worker did not finish its rows of a ${M} x ${K} x ${N} product within ${BLOCK_TIMEOUT_MS / 1000} s`;
        throw new Error(`Matrix product on ${this.workers.length + 1} threads: ${this.broken}; later products run on one thread`);
      }
      Atomics.wait(this.control, DONE, done, left);
    }
    if (Atomics.load(this.control, FAILED) === 1) {
      throw new Error(`Matrix product ${M} x ${K} x ${N} on ${this.workers.length + 1} threads: a block of rows failed in src/nn/matmul.c`);
    }
  }

  /** Rows of products computed by each thread so far (index 0: the main thread), counted work. */
  rowsComputed(): number[] {
    return Array.from({ length: this.workers.length + 1 }, (_, i) => Atomics.load(this.control, ROWS + i));
  }

  /** Asks the workers to exit and stops them; products then run on the main thread (same memory, same bits). */
  async stop(): Promise<void> {
    if (this.broken === undefined) this.broken = "stopped";
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, SEQ, 1);
    Atomics.notify(this.control, SEQ);
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

let pool: MatmulThreads | undefined;

/**
 * Starts `threads - 1` workers for the products (once per process; later calls return the first outcome).
 * Returns undefined when they run, else why not (the products then stay on one thread).
 */
export async function startMatmulThreads(threads: number): Promise<string | undefined> {
  if (pool !== undefined) return pool.threads >= threads ? undefined : `the products already run on ${pool.threads} thread(s)`;
  if (threads <= 1) return undefined;
  const wasm = (globalThis as { WebAssembly?: WasmSharedApi }).WebAssembly;
  if (wasm === undefined || typeof SharedArrayBuffer === "undefined") return "the products' worker threads could not start: no SharedArrayBuffer here";
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Worker } = require("node:worker_threads") as typeof import("node:worker_threads");
  const workers: Worker[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const module = new wasm.Module(Buffer.from(MATMUL_SHARED_WASM_BASE64, "base64"));
    const memory = new wasm.Memory({ initial: 2, maximum: MAX_PAGES, shared: true });
    const exports = new wasm.Instance(module, { env: { memory } }).exports as unknown as SharedMatmulExports;
    // Each worker's stack lies above the module's heap base; the products' operands above them.
    const stacksAt = Math.ceil(exports.__heap_base.value / 16) * 16;
    const heapBase = stacksAt + (threads - 1) * STACK_BYTES;
    const kernel: SharedMatmulExports = { ...exports, memory, __heap_base: { value: heapBase } };
    const control = new SharedArrayBuffer(CLAIM_BYTES + 4 * CONTROL_WORDS);
    const ready: Promise<void>[] = [];
    for (let t = 1; t < threads; t++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control, thread: t, stackTop: stacksAt + t * STACK_BYTES } });
      worker.unref(); // a sleeping worker never keeps the process alive
      workers.push(worker);
      ready.push(new Promise<void>((resolve, reject) => {
        worker.once("message", () => resolve());
        worker.once("error", reject);
        worker.once("exit", (code) => reject(new Error(`a worker exited with code ${code} before it was ready`)));
      }));
    }
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), START_TIMEOUT_MS)));
    if ((await Promise.race([Promise.all(ready), timeout])) === "timeout") throw new Error(`the workers did not start within ${START_TIMEOUT_MS / 1000} s`);
    const started = new MatmulThreads(kernel, workers, control);
    for (const worker of workers) {
      worker.removeAllListeners();
      worker.on("error", (error: Error) => (started.broken ??= `a worker failed: ${error.message}`));
      worker.on("exit", () => (started.broken ??= "a worker exited"));
    }
    pool = started;
    return undefined;
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.terminate()));
    return `the products' worker threads could not start: ${(error as Error).message?.split("\n")[0] ?? String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

/** The running threads (undefined when the products run on one thread). */
export function matmulThreads(): MatmulThreads | undefined {
  return pool;
}

/** Threads the products compute with now (1 until {@link startMatmulThreads}, or after a failure). */
export function matmulThreadCount(): number {
  return pool?.threads ?? 1;
}

/**
 * Stops the products' workers; later products run on the main thread (the same bits). Not needed for a script to
 * end (the workers never keep it alive); for services that want the threads back.
 *
 * @example
 * ```ts
 * // ANOMALY_LAB_WASM_THREADS=2: our matrix products on 2 threads
 * const { info } = await useBackend("wasm");   // info.summary: "... on wasm (SIMD, products on 2 threads, tfjs on 1)"
 * await stopMatmulThreads();                    // from here on, one thread
 * ```
 */
export async function stopMatmulThreads(): Promise<void> {
  await pool?.stop();
}

export type { MatmulThreads };
