/**
 * src/nn/matmul.c's matrix products on several threads, the same bits as on one.
 *
 * The module is built a second time with a shared memory (src/nn/matmul-shared-wasm.ts, scripts/build-wasm.sh):
 * the main thread and each worker (`node:worker_threads`) instantiate it over one `WebAssembly.Memory`, each with
 * its own stack. That memory is tfjs's own when tfjs runs its threaded build (its heap is then a shared memory: the
 * kernels read tensors and write results where tfjs keeps them, no copies; src/nn/matmul-memory.ts), else one of
 * ours (operands copied in and out). A product is cut into blocks of output rows (multiples of the kernel's 4-row tile); the main
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
import { HeapScratch, type TfjsHeap } from "./tfjs-heap";

/**
 * Products of fewer counted FLOPs (2·M·K·N) run on the calling thread. Waking a sleeping worker costs a futex
 * wake and tens of microseconds before it computes; 2^20 FLOPs take ~35 µs at the kernel's ~30 GFLOP/s, so below
 * that the worker would mostly arrive after the main thread had finished (and the blocks are claimed, so it would
 * then do nothing: no harm, no gain). The images net's 784 -> 128 layer (12.8 MFLOP per product at batch 64) is
 * split, its 128 -> 32 layer (0.5 MFLOP) is not.
 */
export const SPLIT_MIN_FLOPS = 1 << 20;
/**
 * Element-wise jobs (LeakyReLU, the bias add, column sums) on fewer floats stay on the calling thread. Inside a
 * training step a split costs some 30-40 µs of hand-over (the ECG AE's [512, 140] bias add and column sums took
 * 33-67 µs a call split, its [288, 140] column sum 6 µs on one thread); 2^18 floats take ~60-100 µs on one thread,
 * where a split begins to pay (the conv2d AE's [32, 14, 14, 32] LeakyReLU 83-92 -> 56-60 µs a call unsplit; its
 * [32, 28, 28, 32] tensors are still split).
 */
export const SPLIT_MIN_FLOATS = 1 << 18;
/** The least work in a block of rows (its FLOPs, 2 per multiply-add), unless the product has fewer rows. */
const MIN_BLOCK_FLOPS = 1 << 18;
/** Rows in a block are a multiple of the kernel's tile (4 rows x 8 columns). */
const TILE_ROWS = 4;
/** Each thread's stack (matmul.c's one-channel convolution keeps 64 bytes there; kept apart per thread). */
const STACK_BYTES = 65536;
/** How long workers may take to start before the products stay on one thread. */
const START_TIMEOUT_MS = 20_000;
/** A block a worker has claimed must be done within this (a block is at most milliseconds of work). */
const BLOCK_TIMEOUT_MS = 60_000;
/** wasm32's whole address space, in 64 KiB pages: products grow the shared memory as they need. */
const MAX_PAGES = 65536;

// The control block, a SharedArrayBuffer: a BigInt64 claim word (generation << 32 | next block), then Int32 words.
const CLAIM_BYTES = 8;
/** A claim word's row while a job's words are written: past any job's rows, so nothing can be claimed. */
const CLOSED = 0xffffffffn;
const SEQ = 0; // bumped for each split product: the workers wait on it
const DONE = 1; // rows finished of the current product: the main thread waits on it
const STOP = 2; // 1: workers exit
const FAILED = 3; // 1: a block threw
const PARAMS = 4; // rows, minRows, threads, job, argument count, arguments (at most MAX_ARGS)
const MAX_ARGS = 16;
const ROWS = PARAMS + 5 + MAX_ARGS; // rows computed by each thread (0: the main thread), counted work
// Test hooks (test/nn-threads.test.ts), 0 otherwise: microseconds a worker waits between reading the claim word and
// the job's words, and the main thread between writing a job's first words (rows, job) and its arguments.
const CLAIM_DELAY = ROWS + 9;
const PUBLISH_DELAY = ROWS + 10;
const CONTROL_WORDS = ROWS + 11;

/** The exports of the shared build (src/nn/matmul.c) that the threads run, as the kernels see them. */
export interface SharedMatmulExports {
  memory?: unknown;
  /** Where the kernels' regions start in a memory of ours (unused over tfjs's heap). */
  heapBase: number;
  /** Scratch from tfjs's allocator when the module works in tfjs's heap. */
  tfjsScratch?: HeapScratch;
  __stack_pointer: { value: number };
  pack_panels(K: number, N: number, stride: number, transposed: number, src: number, dst: number): void;
  blocked_matmul(M: number, K: number, N: number, stride: number, transposeA: number, block: number, a: number, b: number, out: number): void;
  blocked_matmul_rows(M: number, K: number, N: number, stride: number, transposeA: number, block: number, a: number, b: number, out: number,
    row0: number, row1: number): void;
  biased_matmul_rows(M: number, K: number, N: number, stride: number, transposeA: number, block: number, a: number, b: number, bias: number,
    out: number, row0: number, row1: number): void;
}

/**
 * matmul.c's exports that the threads split by rows: each takes its arguments, then (thread, row0, row1); any split
 * of the rows gives the same result (each row computed whole by one thread).
 */
export const JOBS = ["matmul_rows", "conv_rows", "one_channel_rows", "samples_innermost", "im2col_transposed", "samples_inner_panels", "leaky_relu_rows",
  "leaky_relu_grad_rows", "bias_add_rows", "dy_matmul_units", "column_sums_groups", "adam_rows", "matmul_panels", "im2col_transposed_rows"] as const;
export type JobName = (typeof JOBS)[number];
type JobExports = Record<JobName, (...args: number[]) => void>;

/** The shared build's own globals: its heap base (the end of its data) and stack pointer (one per instance). */
interface ModuleGlobals {
  __heap_base: { value: number };
  __stack_pointer: { value: number };
}

interface WasmSharedApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => { buffer: SharedArrayBuffer; grow(pages: number): number };
}

/**
 * The rows of the next claim when `left` rows of a job are unclaimed. Guided: the rows left divided by twice the
 * threads, so blocks shrink towards the end and a thread that finds the job late, or is descheduled, leaves little
 * for the others to wait on; at least the job's `minRows`; a multiple of 4 (the products' tile) where `minRows` is
 * one. Jobs of a few rows with a minimum of 1 (the column sums' groups of 16 columns: 2 for 32 columns) are claimed a
 * row at a time: rounded up to 4, the first claim took them all and the worker never had a share.
 * Runs in every worker as source text: it must use nothing but its arguments.
 */
export function blockRows(left: number, minRows: number, threads: number): number {
  const unit = minRows % 4 === 0 ? 4 : 1;
  return Math.min(left, Math.max(minRows, Math.ceil(left / (2 * threads) / unit) * unit));
}

/**
 * Claims blocks of rows ({@link blockRows}) of the current job and computes them until none is left; returns how many
 * it computed. Runs on the main thread and, as source text, in every worker: it must use nothing but its arguments
 * and blockRows.
 */
function runBlocks(kernel: Record<string, unknown>, jobs: readonly string[], claim: BigInt64Array, control: Int32Array, params: number, rowsAt: number,
  thread: number, delayAt: number): number {
  let ran = 0;
  for (;;) {
    const word = Atomics.load(claim, 0);
    const next = Number(word & 0xffffffffn); // the first row nobody has claimed
    const delay = thread > 0 ? Atomics.load(control, delayAt) : 0;
    for (const until = performance.now() + delay / 1000; delay > 0 && performance.now() < until;); // test hook
    // Read before the claim; a successful claim proves they were this job's: the next job's are written only once
    // every row of this one is done (so these rows were not) and after the claim word has moved to a closed word of
    // the next generation (so a word read before cannot be claimed with).
    const total = Atomics.load(control, params), minRows = Atomics.load(control, params + 1), threads = Atomics.load(control, params + 2);
    if (next >= total) return ran;
    const job = jobs[Atomics.load(control, params + 3)]!, count = Atomics.load(control, params + 4);
    const args: number[] = [];
    for (let i = 0; i < count; i++) args.push(Atomics.load(control, params + 5 + i));
    const rows = blockRows(total - next, minRows, threads);
    if (Atomics.compareExchange(claim, 0, word, word + BigInt(rows)) !== word) continue;
    try {
      (kernel[job] as (...a: number[]) => void)(...args, thread, next, next + rows);
      Atomics.add(control, rowsAt + thread, rows);
    } catch {
      Atomics.store(control, 3, 1); // FAILED
    }
    ran++;
    if (Atomics.add(control, 1, rows) + rows === total) Atomics.notify(control, 1); // DONE: rows finished
  }
}

/** A worker: instantiates the shared module over the shared memory, then computes blocks whenever SEQ moves. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
${blockRows.toString()}
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
  runBlocks(kernel, ${JSON.stringify(JOBS)}, claim, words, ${PARAMS}, ${ROWS}, thread, ${CLAIM_DELAY});
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
    const split = 2 * M * K * N >= SPLIT_MIN_FLOPS && M >= 2 * TILE_ROWS;
    this.run("matmul_rows", M, productMinRows(K, N), [M, K, N, stride, transposeA, block, a, b, bias, out], split);
  }

  /**
   * Runs job `job` (one of {@link JOBS}: `args`, then thread and a range of its `rows`) on rows 0 .. rows - 1: split
   * over the threads in guided blocks of at least `minRows` when `split` and there are threads, else on this one.
   */
  run(job: JobName, rows: number, minRows: number, args: number[], split = true): void {
    if (this.threads === 1 || !split || rows < 2 * minRows) {
      (this.kernel as unknown as JobExports)[job](...args, 0, 0, rows);
      Atomics.add(this.control, ROWS, rows);
      return;
    }
    if (args.length > MAX_ARGS) throw new Error(`${job}: ${args.length} arguments, at most ${MAX_ARGS} travel to the threads`);
    // First a new generation with no row to claim: a worker that read the last job's (exhausted) claim word and then
    // this job's words must not be able to claim with that word while they are being written (its claim would pass,
    // then compute rows with a mix of the two jobs' words and count them done). Its compare-exchange now fails.
    this.generation = (this.generation + 1) % 0x7fffffff;
    const generation = BigInt(this.generation) << 32n;
    Atomics.store(this.claim, 0, generation | CLOSED);
    [rows, minRows, this.threads, JOBS.indexOf(job), args.length].forEach((v, i) => Atomics.store(this.control, PARAMS + i, v));
    const delay = Atomics.load(this.control, PUBLISH_DELAY);
    for (const until = performance.now() + delay / 1000; delay > 0 && performance.now() < until;); // test hook
    args.forEach((v, i) => Atomics.store(this.control, PARAMS + 5 + i, v));
    Atomics.store(this.control, DONE, 0);
    Atomics.store(this.control, FAILED, 0);
    Atomics.store(this.claim, 0, generation); // opens the job: rows from 0 can be claimed
    Atomics.add(this.control, SEQ, 1);
    Atomics.notify(this.control, SEQ);
    if (!this.workersOnly) runBlocks(this.kernel as unknown as Record<string, unknown>, JOBS, this.claim, this.control, PARAMS, ROWS, 0, CLAIM_DELAY);
    // What is left is being computed by workers: sleep until the last block is done.
    const deadline = Date.now() + BLOCK_TIMEOUT_MS;
    for (let done = Atomics.load(this.control, DONE); done < rows; done = Atomics.load(this.control, DONE)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.broken = `a worker did not finish its rows of ${job} (${rows} rows) within ${BLOCK_TIMEOUT_MS / 1000} s`;
        throw new Error(`src/nn/matmul.c on ${this.workers.length + 1} threads: ${this.broken}; later jobs run on one thread`);
      }
      Atomics.wait(this.control, DONE, done, left);
    }
    if (Atomics.load(this.control, FAILED) === 1) {
      throw new Error(`${job} (${rows} rows) on ${this.workers.length + 1} threads: a block of rows failed in src/nn/matmul.c`);
    }
  }

  /**
   * Test hook: widens the moments where a worker and the main thread meet (a worker waits `claimMicros` between
   * reading the claim word and the job's words; the main thread `publishMicros` between a job's first words and its
   * arguments).
   */
  setRaceDelays(claimMicros: number, publishMicros: number): void {
    Atomics.store(this.control, CLAIM_DELAY, claimMicros);
    Atomics.store(this.control, PUBLISH_DELAY, publishMicros);
  }

  /**
   * Rows of products (panels where split by columns: {@link productUnits}) and of other jobs computed by each thread
   * so far (index 0: the main thread), counted work.
   */
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
 * Starts `threads - 1` workers for the products (once per process; later calls return the first outcome), over
 * tfjs's heap when it is given (tfjs's threaded build: no copies), else over a memory of their own.
 * Returns undefined when they run, else why not (the products then stay on one thread).
 */
export async function startMatmulThreads(threads: number, tfjsHeap?: TfjsHeap): Promise<string | undefined> {
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
    const memory = tfjsHeap?.memory ?? new wasm.Memory({ initial: 2, maximum: MAX_PAGES, shared: true });
    const exports = new wasm.Instance(module, { env: { memory } }).exports as unknown as SharedMatmulExports & ModuleGlobals;
    let kernel: SharedMatmulExports;
    let stacksAt: number;
    if (tfjsHeap !== undefined) {
      // Over tfjs's heap the module may use only what tfjs's allocator gives it (it has no data; each thread's stack,
      // the main thread's too, is a block from tfjs's malloc), and takes its scratch from it.
      const block = tfjsHeap.allocator._malloc(threads * STACK_BYTES + 16);
      if (block === 0) throw new Error("tfjs's heap could not give the threads their stacks");
      stacksAt = Math.ceil(block / 16) * 16;
      exports.__stack_pointer.value = stacksAt + STACK_BYTES;
      kernel = { ...exports, memory, heapBase: 0, tfjsScratch: new HeapScratch(tfjsHeap.allocator) };
    } else {
      // Each worker's stack lies above the module's heap base; the products' operands above them.
      stacksAt = Math.ceil(exports.__heap_base.value / 16) * 16 - STACK_BYTES;
      kernel = { ...exports, memory, heapBase: stacksAt + threads * STACK_BYTES };
    }
    const control = new SharedArrayBuffer(CLAIM_BYTES + 4 * CONTROL_WORDS);
    const ready: Promise<void>[] = [];
    for (let t = 1; t < threads; t++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control, thread: t, stackTop: stacksAt + (t + 1) * STACK_BYTES } });
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

/**
 * The least rows in a block of a product's (or convolution's) rows split over the threads: about MIN_BLOCK_FLOPS of
 * work (a claim costs an atomic exchange and a count), a multiple of the 4-row tile.
 */
export function productMinRows(K: number, N: number): number {
  return Math.max(TILE_ROWS, Math.ceil(MIN_BLOCK_FLOPS / (2 * K * N) / TILE_ROWS) * TILE_ROWS);
}

/**
 * out = A·B (+ bias: 0 for none, else `stride` floats) by matmul.c's `biased_matmul_rows` on `module`: on the products'
 * threads when `module` is their module (the same bits, rows split), else on this thread.
 */
export function runProduct(module: unknown, M: number, K: number, N: number, stride: number, transposeA: number, block: number, a: number,
  b: number, out: number, bias = 0): void {
  if (pool !== undefined && pool.kernel === module) pool.matmul(M, K, N, stride, transposeA, block, a, b, out, bias);
  else (module as SharedMatmulExports).biased_matmul_rows(M, K, N, stride, transposeA, block, a, b, bias, out, 0, M);
}

/**
 * Products of at most this many rows are split by columns (matmul_panels) when they are split: by rows the main
 * thread packed all of B alone first (the images net's 32 x 784 x 128 products at batch 32: ~70 µs of ~210 a call,
 * measured inside a fit), and a few row tiles left little to share.
 */
const PANEL_SPLIT_MAX_ROWS = 64;

/** Whether the threads split an M x K x N product by columns (panels of 8), rather than by rows or not at all. */
function splitsByColumns(M: number, K: number, N: number): boolean {
  const threads = pool?.threads ?? 1;
  return threads > 1 && M <= PANEL_SPLIT_MAX_ROWS && Math.ceil(N / 8) >= 2 * threads && 2 * M * K * N >= SPLIT_MIN_FLOPS;
}

/**
 * The units the threads count ({@link MatmulThreads.rowsComputed}) for an M x K x N product: its panels of 8 columns
 * where it is split by columns, else its rows.
 */
export function productUnits(M: number, K: number, N: number): number {
  return splitsByColumns(M, K, N) ? Math.ceil(N / 8) : M;
}

/**
 * out = A·B (+ bias: 0 for none, else `stride` floats), B packed from `bRaw` (K x N, or N x K when `transposeB`)
 * into `bPacked` (K x stride floats, pack_panels's layout). On the products' threads a product of few rows is split
 * by columns, each thread packing the panels it computes (matmul.c's matmul_panels); otherwise B is packed here and
 * the rows are split ({@link runProduct}). The same bits either way.
 */
export function runPackedProduct(module: unknown, M: number, K: number, N: number, stride: number, transposeA: number, transposeB: number,
  block: number, a: number, bRaw: number, bPacked: number, out: number, bias = 0): void {
  if (pool !== undefined && pool.kernel === module && splitsByColumns(M, K, N)) {
    pool.run("matmul_panels", Math.ceil(N / 8), 1, [M, K, N, stride, transposeA, transposeB, block, a, bRaw, bPacked, bias, out]);
    return;
  }
  (module as SharedMatmulExports).pack_panels(K, N, stride, transposeB, bRaw, bPacked);
  runProduct(module, M, K, N, stride, transposeA, block, a, bPacked, out, bias);
}

/**
 * Runs job `job` of matmul.c (see {@link JOBS}) over rows 0 .. rows - 1 on `module`: split over the products' threads
 * when `module` is their module and `split`, else on this thread (the same results either way).
 */
export function runJob(module: unknown, job: JobName, rows: number, minRows: number, args: number[], split = true): void {
  if (pool !== undefined && pool.kernel === module) pool.run(job, rows, minRows, args, split);
  else (module as JobExports)[job](...args, 0, 0, rows);
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
