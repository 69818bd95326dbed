/**
 * A bias added along the last axis on the wasm backend (a convolution layer's x + b: tfjs-layers adds the bias of
 * every Conv2DTranspose as its own Add, [n, h, w, c] + [1, 1, 1, c]) in SIMD, in tfjs's heap, split over the
 * products' threads for large tensors. tfjs-backend-wasm 4.22's Add broadcasts through a general loop: 0.53 ms of a
 * conv2d AE step went to the [32, 28, 28, 32] one (notebook 09, batch 32). The same bits: each output is x + b in
 * one float32 addition, x the first operand, as tfjs's (test/nn-bias-add.test.ts, NaN payloads included).
 *
 * Registered when the wasm backend starts (src/nn/tf.ts). Other Adds (same shapes, other broadcasts, the bias
 * first, not float32) go to tfjs's kernel, kept as the tests' oracle.
 */
import type * as TF from "@tensorflow/tfjs";
import { activationModuleOver, type HeapBackend, threadsOver } from "./activation-module";
import { WasmKernelOverride } from "./kernel-override";
import { runJob } from "./matmul-threads";

const KERNEL = "Add";
/** The least floats in a block of rows split over the threads. */
const MIN_BLOCK_FLOATS = 4096;

const override = new WasmKernelOverride();

/** Puts the bias add in front of tfjs's wasm Add (once; after the wasm backend is ready). */
export function registerWasmBiasAdd(tf: typeof TF): void {
  if (override.active) return;
  const backend = tf.findBackend("wasm") as unknown as HeapBackend | undefined;
  if (backend === undefined || activationModuleOver(backend) === null) return;
  override.replace(tf, KERNEL, (original) => (args) => {
    const { a: x, b: bias } = args.inputs as { a: TF.TensorInfo; b: TF.TensorInfo };
    const heap = args.backend as unknown as HeapBackend;
    const simd = activationModuleOver(heap);
    if (simd === null || !isBiasAdd(x, bias)) return original.kernelFunc(args);
    const cols = x.shape[x.shape.length - 1]!;
    const size = x.shape.reduce((p, s) => p * s, 1);
    const out = heap.makeOutput(x.shape, "float32");
    if (size === 0) return out;
    const [xAt, biasAt, outAt] = [x, bias, out].map((info) => heap.getMemoryOffset(info.dataId)) as [number, number, number];
    const threads = threadsOver(heap, size);
    if (threads !== undefined) runJob(threads, "bias_add_rows", size / cols, Math.ceil(MIN_BLOCK_FLOATS / cols), [xAt, biasAt, outAt, cols]);
    else simd.bias_add(xAt, biasAt, outAt, size / cols, cols);
    return out;
  });
}

/** Runs `f` with tfjs's own wasm Add in place (the tests' oracle), then puts ours back. */
export function withTfjsAdd<T>(tf: typeof TF, f: () => T): T {
  return override.withTfjs(tf, f);
}

/** x (float32, rank 2 or more) plus a float32 bias of its last axis's size: [c], or [1, ..., 1, c] of rank at most x's. */
function isBiasAdd(x: TF.TensorInfo, bias: TF.TensorInfo): boolean {
  const cols = x.shape[x.shape.length - 1];
  return x.dtype === "float32" && bias.dtype === "float32" && x.shape.length >= 2 && bias.shape.length <= x.shape.length &&
    bias.shape.length >= 1 && bias.shape[bias.shape.length - 1] === cols && bias.shape.slice(0, -1).every((s) => s === 1) && cols! > 0;
}
