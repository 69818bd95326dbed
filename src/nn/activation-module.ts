/**
 * src/nn/activation.c over tfjs-backend-wasm's own heap, for the element-wise kernels that run there (LeakyReLU and
 * its gradient: src/nn/wasm-leaky-relu.ts; the bias add: src/nn/wasm-bias-add.ts): the module imports tfjs's memory,
 * so its pointers are tfjs's tensors and nothing is copied. Where the products' threads work in that heap too,
 * large tensors are split over them (matmul.c includes activation.c's functions as jobs).
 */
import type * as TF from "@tensorflow/tfjs";
import { instantiate, type WasmMemory } from "../linalg/wasm-module";
import { ACTIVATION_SHARED_WASM_BASE64 } from "./activation-shared-wasm";
import { ACTIVATION_WASM_BASE64 } from "./activation-wasm";
import { matmulThreads, SPLIT_MIN_FLOATS } from "./matmul-threads";
import { isSharedMemory, tfjsMemory, type TfjsWasmModule } from "./tfjs-heap";

/** src/nn/activation.c's exports (pointers are byte offsets into tfjs's heap). */
export interface ActivationModule {
  leaky_relu(x: number, y: number, size: number, alpha: number): void;
  leaky_relu_grad(x: number, dy: number, dx: number, size: number, alpha: number): void;
  bias_add(x: number, bias: number, out: number, rows: number, cols: number): void;
}

/** The parts of tfjs-backend-wasm's backend these kernels use. */
export interface HeapBackend {
  /** The Emscripten module (its memory: src/nn/tfjs-heap.ts). */
  wasm: TfjsWasmModule;
  makeOutput(shape: number[], dtype: string): TF.TensorInfo;
  getMemoryOffset(dataId: object): number;
}

/** activation.c's instance over tfjs's memory (a new one if tfjs's backend, and so its memory, was recreated). */
let instance: { memory: WasmMemory; module: ActivationModule | null } | undefined;

/** activation.c over `backend`'s memory (the build that declares it shared where it is), or null where it cannot. */
export function activationModuleOver(backend: HeapBackend): ActivationModule | null {
  const memory = tfjsMemory(backend.wasm);
  if (memory === undefined) return null;
  if (instance?.memory !== memory) {
    let module: ActivationModule | null;
    try {
      const bytes = isSharedMemory(memory) ? ACTIVATION_SHARED_WASM_BASE64 : ACTIVATION_WASM_BASE64;
      module = instantiate(bytes, { env: { memory } }) as unknown as ActivationModule | null;
    } catch {
      module = null;
    }
    instance = { memory, module };
  }
  return instance.module;
}

/**
 * The products' threads' module when it works in `backend`'s own heap (tfjs's threaded build: src/nn/tfjs-heap.ts)
 * and the tensor (`size` floats) is large enough to split: its jobs are activation.c's functions split by rows (the
 * same bits). Else undefined: activation.c on this thread.
 */
export function threadsOver(backend: HeapBackend, size: number): unknown {
  const threads = matmulThreads();
  if (size < SPLIT_MIN_FLOATS || threads === undefined || threads.threads < 2 || threads.kernel.tfjsScratch === undefined) return undefined;
  return threads.kernel.memory === tfjsMemory(backend.wasm) ? threads.kernel : undefined;
}
