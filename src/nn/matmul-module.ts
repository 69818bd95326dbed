/**
 * src/nn/matmul.c as the kernels use it: its exports, and the instance on this thread (the products' threads' when
 * they run, else a plain one with a memory of its own).
 */
import type * as TF from "@tensorflow/tfjs";
import { instantiate, type WasmMemory } from "../linalg/wasm-module";
import { MATMUL_WASM_BASE64 } from "./matmul-wasm";
import { matmulThreads } from "./matmul-threads";
import type { HeapScratch, TfjsWasmModule } from "./tfjs-heap";

export interface MatmulModule {
  memory: WasmMemory;
  /** Where the kernels' regions start in a memory of the module's own (unused when it works in tfjs's heap). */
  heapBase: number;
  /** Set when the module works in tfjs's heap (tfjs's threaded build): scratch from tfjs's allocator. */
  tfjsScratch?: HeapScratch;
  pack_panels(K: number, N: number, stride: number, transposed: number, src: number, dst: number): void;
  blocked_matmul(M: number, K: number, N: number, stride: number, transposeA: number, block: number, a: number, b: number, out: number): void;
  biased_matmul_rows(M: number, K: number, N: number, stride: number, transposeA: number, block: number, a: number, b: number, bias: number,
    out: number, row0: number, row1: number): void;
  scatter_phase(n: number, cy: number, cx: number, c: number, h: number, w: number, py: number, px: number, sy: number, sx: number,
    src: number, dst: number): void;
  fill_zeros(dst: number, count: number): void;
  phase_taps(kh: number, kw: number, inChannels: number, outChannels: number, fy: number, ty: number, sy: number, fx: number, tx: number,
    sx: number, filter: number, out: number): void;
}

export interface WasmBackend {
  makeOutput(shape: number[], dtype: string): TF.TensorInfo;
  typedArrayFromHeap(info: TF.TensorInfo): Float32Array;
  /** Byte offset of a tensor's data in tfjs's heap. */
  getMemoryOffset(dataId: object): number;
  /** tfjs's Emscripten module (its heap: src/nn/tfjs-heap.ts). */
  wasm?: TfjsWasmModule;
}

let simdModule: MatmulModule | null | undefined;

/**
 * src/nn/matmul.c's instance on this thread (one per process: the shared-memory build once the products' threads
 * have started, else the plain one), or null where this runtime cannot compile SIMD.
 */
export function matmulModule(): MatmulModule | null {
  const threads = matmulThreads();
  if (threads !== undefined) return threads.kernel as unknown as MatmulModule;
  if (simdModule === undefined) {
    const exports = instantiate(MATMUL_WASM_BASE64) as unknown as (Omit<MatmulModule, "heapBase"> & { __heap_base: { value: number } }) | null;
    simdModule = exports === null ? null : { ...exports, heapBase: exports.__heap_base.value };
  }
  return simdModule;
}

