/**
 * tfjs's wasm MaxPoolGrad (the gradient of max pooling: the 1-D convolutional autoencoder's two poolings) as one
 * pass over the windows. tfjs-backend-wasm 4.22 walks every input pixel, asks each dy pixel whose window might
 * hold it (a division and a remainder per filter tap, channels outermost) and multiplies by a 0/1 mask: ~1.1 ms
 * per [64, 140, 1, 8] pooling, a fifth of that network's kernel time (loaded machine, indicative). Here
 * src/nn/pool.c finds each window's maximum once (a branch-free select per value) and adds its dy where it was
 * taken; x and dy are copied into its memory and dx back (the same loop in TypeScript took ~0.7 ms of CPU: the
 * data-dependent branch of the maximum mispredicts on a ReLU's output).
 *
 * The same values bit for bit, including tfjs's rules:
 * - a window's maximum is the LAST position whose value is >= the running maximum, which starts at FLT_MIN
 *   (the smallest normal float32), so ties go to the last position and NaN is never taken;
 * - a window whose values are all below FLT_MIN (zeros after a ReLU, negatives, denormals) keeps position 0, the
 *   tensor's first element: its dy reaches dx[0] when that element is in the window, else nowhere;
 * - dx sums its windows' dy from +0 in dy's row-major order, and a window's other pixels receive dy · 0 (NaN
 *   when dy is ±Infinity or NaN, else a zero that changes nothing).
 *
 * Registered over tfjs's kernel when the wasm backend starts (src/nn/tf.ts), where WebAssembly SIMD compiles;
 * tfjs's kernel is kept for dtypes other than float32 and as the tests' oracle (test/nn-max-pool-grad.test.ts).
 */
import type * as TF from "@tensorflow/tfjs";
import { instantiate, Layout, type WasmMemory } from "../linalg/wasm-module";
import { WasmKernelOverride } from "./kernel-override";
import { POOL_WASM_BASE64 } from "./pool-wasm";

const KERNEL = "MaxPoolGrad";

/** src/nn/pool.c's exports (pointers are byte offsets into its memory). */
interface PoolModule {
  memory: WasmMemory;
  __heap_base: { value: number };
  max_pool_grad(x: number, dy: number, dx: number, batch: number, inHeight: number, inWidth: number, channels: number,
    outHeight: number, outWidth: number, strideHeight: number, strideWidth: number, filterHeight: number, filterWidth: number,
    padTop: number, padLeft: number): void;
}

interface HeapBackend {
  makeOutput(shape: number[], dtype: string): TF.TensorInfo;
  typedArrayFromHeap(info: TF.TensorInfo): Float32Array;
}

interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same" | number | TF.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

const override = new WasmKernelOverride();

/** Puts the one-pass MaxPoolGrad in front of tfjs's wasm kernel (once; after the wasm backend is ready). */
export function registerWasmMaxPoolGrad(tf: typeof TF): void {
  if (override.active) return;
  const module = instantiate(POOL_WASM_BASE64) as unknown as PoolModule | null;
  if (module === null) return;
  override.replace(tf, KERNEL, (original) => (args) => {
    const { dy, input } = args.inputs as { dy: TF.TensorInfo; input: TF.TensorInfo };
    if (dy.dtype !== "float32" || input.dtype !== "float32" || input.shape.length !== 4) return original.kernelFunc(args);
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolGradAttrs;
    const shape = input.shape as [number, number, number, number];
    const info = tf.backend_util.computePool2DInfo(shape, filterSize, strides, 1, pad, dimRoundingMode);
    return maxPoolGrad(module, args.backend as unknown as HeapBackend, dy, input, info);
  });
}

/** Runs `f` with tfjs's own wasm MaxPoolGrad in place (the tests' oracle), then puts ours back. */
export function withTfjsMaxPoolGrad<T>(tf: typeof TF, f: () => T): T {
  return override.withTfjs(tf, f);
}

function maxPoolGrad(module: PoolModule, backend: HeapBackend, dy: TF.TensorInfo, input: TF.TensorInfo,
  info: TF.backend_util.Conv2DInfo): TF.TensorInfo {
  const size = input.shape.reduce((a, b) => a * b, 1);
  const layout = new Layout(module.__heap_base.value);
  // dx has one spare float: pool.c's sink for the dy that goes nowhere.
  const dySize = dy.shape.reduce((a, b) => a * b, 1);
  const [xAt, dyAt, dxAt] = [size, dySize, size + 1].map((floats) => layout.take(4 * floats));
  const missing = layout.end - module.memory.buffer.byteLength;
  if (missing > 0) module.memory.grow(Math.ceil(missing / 65536));
  const heap = new Float32Array(module.memory.buffer);
  heap.set(backend.typedArrayFromHeap(input), xAt! / 4);
  heap.set(backend.typedArrayFromHeap(dy), dyAt! / 4);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, padInfo } = info;
  module.max_pool_grad(xAt!, dyAt!, dxAt!, batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth,
    info.effectiveFilterHeight, info.effectiveFilterWidth, padInfo.top, padInfo.left);
  const out = backend.makeOutput(input.shape, "float32");
  backend.typedArrayFromHeap(out).set(heap.subarray(dxAt! / 4, dxAt! / 4 + size));
  return out;
}
