/**
 * TensorFlow.js, loaded on first use, on the fastest backend that works here.
 *
 * Order: "node" (`@tensorflow/tfjs-node`, an optional dependency: native TensorFlow, when its install
 * found libtensorflow), then "wasm" (`@tensorflow/tfjs-backend-wasm`, SIMD; our matrix products on
 * `ANOMALY_LAB_WASM_THREADS` threads, 2 by default, in tfjs's own heap when tfjs's threaded build starts; tfjs's own
 * pool on `ANOMALY_LAB_TFJS_WASM_THREADS`, 1 by default: see wasm-threads.ts, matmul-threads.ts and tfjs-heap.ts),
 * then "cpu" (plain JS).
 * The choice can be forced by option or by the environment variable `ANOMALY_LAB_TF_BACKEND`.
 * Loading is lazy so that `import "anomaly-lab"` stays fast for notebooks without neural networks.
 */
import type * as TF from "@tensorflow/tfjs";
import { registerLeakyReluGradient } from "./leaky-relu-gradient";
import { registerWasmLeakyRelu } from "./wasm-leaky-relu";
import { registerWasmBiasAdd } from "./wasm-bias-add";
import { registerWasmBatchMatMul } from "./wasm-batch-matmul";
import { registerWasmColumnSum } from "./wasm-column-sum";
import { registerWasmMaxPoolGrad } from "./wasm-max-pool-grad";
import { registerWasmTile } from "./wasm-tile";
import { registerWasmConv2d } from "./wasm-conv2d";
import { registerWasmIdentity } from "./wasm-identity";
import { startThreadedWasm, TFJS_WASM_THREADS_ENV, wasmThreadsWanted } from "./wasm-threads";
import { matmulThreadCount, matmulThreads, startMatmulThreads } from "./matmul-threads";
import { sharedTfjsHeap, type TfjsWasmModule } from "./tfjs-heap";

/** Backends a user can ask for. */
export type BackendName = "node" | "wasm" | "cpu";

/** What ran: shown by notebooks so that timings can be read in context. */
export interface BackendInfo {
  /** The backend in use. */
  readonly name: BackendName;
  /** tfjs's own name for it ("tensorflow", "wasm", "cpu"). */
  readonly tfName: string;
  /** Threads the backend computes with (wasm: tfjs's thread pool; node: TensorFlow's intra-op pool, as reported; cpu: 1). */
  readonly threads: number | "native";
  /** wasm: threads of anomaly-lab's matrix products (ANOMALY_LAB_WASM_THREADS; src/nn/matmul-threads.ts). */
  readonly productThreads?: number;
  /** Whether the wasm backend uses SIMD instructions (undefined for the others). */
  readonly simd?: boolean;
  /** tfjs version. */
  readonly version: string;
  /** Why faster backends were passed over, in order (empty when the first choice loaded). */
  readonly skipped: readonly string[];
  /** wasm: why it computes on fewer threads than asked for (undefined when it got them). */
  readonly threadsSkipped?: string;
  /**
   * wasm: whether our kernels' threads work in tfjs's own heap (tfjs's threaded build, its memory shared: no tensor
   * is copied), rather than in a memory of their own.
   */
  readonly sharedHeap?: boolean;
  /**
   * One line for a notebook: "TensorFlow.js 4.22.0 on wasm (SIMD, 1 thread); skipped node: ...", or with our
   * products on more threads than tfjs's pool "(SIMD, products on 2 threads, tfjs on 1)".
   */
  readonly summary: string;
}

const ORDER: readonly BackendName[] = ["node", "wasm", "cpu"];
const TF_NAMES: Record<BackendName, string> = { node: "tensorflow", wasm: "wasm", cpu: "cpu" };
export const BACKEND_ENV = "ANOMALY_LAB_TF_BACKEND";

let tfModule: typeof TF | undefined;
let active: BackendInfo | undefined;
/** Why the wasm backend runs on fewer threads than asked for, if it does. */
let wasmThreadsSkipped: string | undefined;
/** Why our kernels' threads copy tensors into a memory of their own (tfjs's threaded build did not start), if so. */
let heapNotShared: string | undefined;

/** The tfjs namespace (loads it on first call; no backend is chosen yet). */
export function tfjs(): typeof TF {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  tfModule ??= require("@tensorflow/tfjs") as typeof TF;
  return tfModule;
}

/**
 * The tfjs namespace on a ready backend. Every neural detector calls this before building or
 * running a model; the first call picks the backend (see the module comment), later calls reuse it
 * unless another backend is asked for.
 *
 * @example
 * ```ts
 * const { info } = await useBackend();          // node, else wasm, else cpu
 * console.log(info.summary);
 * await useBackend("cpu");                       // force one (also: ANOMALY_LAB_TF_BACKEND=cpu)
 * ```
 */
export async function useBackend(preference?: BackendName): Promise<{ tf: typeof TF; info: BackendInfo }> {
  const wanted = preference ?? backendFromEnv();
  if (active !== undefined && (wanted === undefined || wanted === active.name)) return { tf: tfjs(), info: active };
  const candidates = wanted === undefined ? ORDER : [wanted];
  const skipped: string[] = [];
  for (const name of candidates) {
    const reason = await tryBackend(name);
    if (reason === undefined) {
      if (name === "wasm") {
        const wasm = require("@tensorflow/tfjs-backend-wasm") as { getThreadsCount?: () => number };
        const productThreads = wasmThreadsWanted();
        // Over tfjs's own heap where its threaded build shares it: the kernels then copy no tensor in or out.
        const heap = sharedTfjsHeap((tfjs().findBackend("wasm") as unknown as { wasm?: TfjsWasmModule } | undefined)?.wasm);
        const productsSkipped = productThreads > 1 ? await startMatmulThreads(productThreads, heap) : undefined;
        if (productsSkipped !== undefined) wasmThreadsSkipped = [wasmThreadsSkipped, productsSkipped].filter(Boolean).join("; ");
        registerWasmLeakyRelu(tfjs()); // LeakyReLU and its gradient in SIMD over tfjs's heap, same bits
        registerWasmBiasAdd(tfjs()); // convolution layers' bias adds in SIMD over tfjs's heap, same bits
        registerWasmBatchMatMul(tfjs(), wasm.getThreadsCount?.() ?? 1); // products 1.3-15x faster, same bits
        registerWasmColumnSum(tfjs()); // bias gradients without tfjs's transpose, same bits
        registerWasmTile(tfjs()); // RepeatVector (the Conv1D autoencoder's upsampling) as block copies
        registerWasmMaxPoolGrad(tfjs()); // max pooling's gradient in one pass over the windows, same bits
        registerWasmConv2d(tfjs()); // convolutions as im2col products on the products' threads, same bits
        registerWasmIdentity(tfjs()); // the tape's clones share their tensor's data instead of copying it
      }
      registerLeakyReluGradient(tfjs()); // LeakyReLU's gradient in one kernel (wasm, cpu), same bits
      active = await describe(name, skipped);
      return { tf: tfjs(), info: active };
    }
    skipped.push(`${name}: ${reason}`);
  }
  const how = preference !== undefined ? "asked for by option" : `asked for by ${BACKEND_ENV}`;
  throw new Error(`TensorFlow.js backend "${String(wanted)}" (${how}) could not start: ${skipped.join("; ")}`);
}

/** The backend in use, or undefined before the first {@link useBackend}. */
export function activeBackend(): BackendInfo | undefined {
  return active;
}

function backendFromEnv(): BackendName | undefined {
  const value = process.env[BACKEND_ENV]?.trim().toLowerCase();
  if (value === undefined || value === "" || value === "auto") return undefined;
  if ((ORDER as readonly string[]).includes(value)) return value as BackendName;
  throw new RangeError(`${BACKEND_ENV}=${value}: expected one of node, wasm, cpu, auto`);
}

/** Starts a backend; returns why it could not, or undefined on success. */
async function tryBackend(name: BackendName): Promise<string | undefined> {
  const tf = tfjs();
  if (name === "wasm") wasmThreadsWanted(); // a bad ANOMALY_LAB_WASM_THREADS throws, not skips
  const wasmThreads = name === "wasm" ? wasmThreadsWanted(process.env, TFJS_WASM_THREADS_ENV) : 1; // tfjs's pool
  try {
    if (name === "node") {
      // Registers the "tensorflow" backend (and file:// model IO) in the same tfjs-core as tfjs().
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require("@tensorflow/tfjs-node");
    } else if (name === "wasm") {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const wasm = require("@tensorflow/tfjs-backend-wasm") as Parameters<typeof startThreadedWasm>[1];
      // tfjs's threaded build for its pool, or for ours: its heap is then a shared memory our threads work in.
      if (wasmThreads > 1 || wasmThreadsWanted() > 1) {
        const why = await startThreadedWasm(tf, wasm, wasmThreads);
        if (why === undefined) return undefined;
        if (wasmThreads > 1) wasmThreadsSkipped = why;
        else heapNotShared = why;
      }
    }
    const ok = await tf.setBackend(TF_NAMES[name]);
    if (!ok) return "tf.setBackend returned false";
    await tf.ready();
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (name === "node" && /Cannot find module '@tensorflow\/tfjs-node'/.test(message)) {
      return "@tensorflow/tfjs-node is not installed (an optional dependency: its install needs libtensorflow)";
    }
    return message.split("\n")[0] ?? message;
  }
}

async function describe(name: BackendName, skipped: string[]): Promise<BackendInfo> {
  const tf = tfjs();
  let threads: number | "native" = 1;
  let productThreads: number | undefined;
  let simd: boolean | undefined;
  let sharedHeap: boolean | undefined;
  if (name === "node") threads = "native";
  if (name === "wasm") {
    simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require("@tensorflow/tfjs-backend-wasm") as { getThreadsCount?: () => number };
    threads = wasm.getThreadsCount?.() ?? 1;
    productThreads = matmulThreadCount();
    sharedHeap = matmulThreads()?.kernel.tfjsScratch !== undefined;
  }
  // Why the products' threads copy tensors, where tfjs's threaded build (whose heap they would share) did not start.
  const copies = sharedHeap === false && (productThreads ?? 1) > 1 && heapNotShared ? `; tensors copied: ${heapNotShared}` : "";
  const threadCounts = productThreads === undefined || productThreads === threads
    ? `${threads} thread${threads === 1 ? "" : "s"}`
    : `products on ${productThreads} thread${productThreads === 1 ? "" : "s"}, tfjs on ${threads}`;
  const detail =
    name === "wasm"
      ? ` (${simd ? "SIMD" : "no SIMD"}, ${threadCounts}${wasmThreadsSkipped ? `: ${wasmThreadsSkipped}` : ""}${copies})`
      : name === "cpu"
        ? " (plain JavaScript, 1 thread)"
        : " (native TensorFlow)";
  const summary = `TensorFlow.js ${tf.version.tfjs} on ${name}${detail}${skipped.length ? `; skipped ${skipped.join("; ")}` : ""}`;
  const threadsSkipped = name === "wasm" ? wasmThreadsSkipped : undefined;
  return { name, tfName: TF_NAMES[name], threads, productThreads, simd, version: tf.version.tfjs, skipped: [...skipped], threadsSkipped, sharedHeap,
    summary };
}
