/**
 * tfjs's wasm Tile as block copies: tfjs-backend-wasm 4.22 computes every output element's source index in a
 * generic loop, ~50 ns per element (1.9 ms to repeat a [64, 1, 280] tensor twice, loaded machine, indicative):
 * the Conv1D autoencoder's nearest upsampling (RepeatVector, a Tile) was half of its kernel time. Here each
 * innermost row of the input is copied once and every repeat of a finished block is one `copyWithin`: the same
 * values (a copy), in a few hundred memory copies. Numeric dtypes; strings go to tfjs's own kernel.
 *
 * Registered over tfjs's kernel when the wasm backend starts (src/nn/tf.ts); checked against it in
 * test/nn-fused.test.ts.
 */
import type * as TF from "@tensorflow/tfjs";
import { WasmKernelOverride } from "./kernel-override";

const KERNEL = "Tile";

interface HeapBackend {
  makeOutput(shape: number[], dtype: string): TF.TensorInfo;
  typedArrayFromHeap(info: TF.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

const override = new WasmKernelOverride();

/** Puts the block-copy Tile in front of tfjs's wasm Tile (once; after the wasm backend is ready). */
export function registerWasmTile(tf: typeof TF): void {
  if (override.active) return;
  override.replace(tf, KERNEL, (original) => (args) => {
    const { x } = args.inputs as { x: TF.TensorInfo };
    const { reps } = args.attrs as unknown as { reps: number[] };
    if (x.dtype === "string" || reps.length !== x.shape.length || x.shape.length === 0) return original.kernelFunc(args);
    return tile(args.backend as unknown as HeapBackend, x, reps);
  });
}

/** Runs `f` with tfjs's own wasm Tile in place (the tests' oracle), then puts the block copy back. */
export function withTfjsTile<T>(tf: typeof TF, f: () => T): T {
  return override.withTfjs(tf, f);
}

function tile(backend: HeapBackend, x: TF.TensorInfo, reps: number[]): TF.TensorInfo {
  const rank = x.shape.length;
  const shape = x.shape.map((size, d) => size * reps[d]!);
  const out = backend.makeOutput(shape, x.dtype);
  if (shape.some((size) => size === 0)) return out;
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  // Elements per step along each axis, in the input and in the output.
  const srcStride = new Array<number>(rank).fill(1);
  const dstStride = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) {
    srcStride[d] = srcStride[d + 1]! * x.shape[d + 1]!;
    dstStride[d] = dstStride[d + 1]! * shape[d + 1]!;
  }
  // Writes the first repeat of axis d's block (its input rows below), then copies that block reps[d] - 1 times.
  const fill = (d: number, from: number, to: number): void => {
    const block = x.shape[d]! * dstStride[d]!;
    if (d === rank - 1) dst.set(src.subarray(from, from + x.shape[d]!), to);
    else for (let i = 0; i < x.shape[d]!; i++) fill(d + 1, from + i * srcStride[d]!, to + i * dstStride[d]!);
    for (let r = 1; r < reps[d]!; r++) dst.copyWithin(to + r * block, to, to + block);
  };
  fill(0, 0, 0);
  return out;
}
