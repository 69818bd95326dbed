/**
 * tfjs's wasm Sum over every axis but the last (a dense layer's bias gradient, db = Σ_rows dz), the same bits
 * without the transpose: tfjs-backend-wasm 4.22 reduces only the innermost axes, so for the leading ones it
 * first transposes the whole input (its generic, index-computing Transpose: ~0.28 ms of a ~0.3 ms Sum of a
 * 64 x 784 gradient, loaded machine, indicative), then sums each row of the transpose from 0 in order.
 * src/nn/matmul.c's `column_sums_groups` sums each column from 0 in row order, four columns per SIMD vector: the same
 * additions in the same order; groups of 16 columns go to the products' threads for large sums (a convolution's bias
 * gradient: 25,088 rows of 32). Other sums (other axes, not float32) go to tfjs's own kernel.
 *
 * Registered over tfjs's kernel when the wasm backend starts (src/nn/tf.ts); checked bit for bit against it in
 * test/nn-fused.test.ts.
 */
import type * as TF from "@tensorflow/tfjs";
import { WasmKernelOverride } from "./kernel-override";
import { ModuleMemory } from "./matmul-memory";
import { matmulModule, type MatmulModule, type WasmBackend } from "./matmul-module";
import { runJob, SPLIT_MIN_FLOATS } from "./matmul-threads";

const KERNEL = "Sum";

const override = new WasmKernelOverride();

/** Puts the column sum in front of tfjs's wasm Sum (once; after the wasm backend is ready). */
export function registerWasmColumnSum(tf: typeof TF): void {
  if (override.active) return;
  const simd = matmulModule();
  if (simd === null) return;
  override.replace(tf, KERNEL, (original) => (args) => {
    const { x } = args.inputs as { x: TF.TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[] | null; keepDims: boolean };
    const rank = x.shape.length;
    const axes = (axis === null ? [] : typeof axis === "number" ? [axis] : axis).map((a) => (a < 0 ? a + rank : a));
    // In this order only: tfjs transposes the reduced axes into the order given, which orders the sum.
    const leading = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== "float32" || x.shape.some((s) => s === 0)) return original.kernelFunc(args);
    return columnSums(simd, args.backend as unknown as WasmBackend, x, keepDims);
  });
}

/** Runs `f` with tfjs's own wasm Sum in place (the tests' oracle), then puts the column sum back. */
export function withTfjsSum<T>(tf: typeof TF, f: () => T): T {
  return override.withTfjs(tf, f);
}

function columnSums(simd: MatmulModule, backend: WasmBackend, x: TF.TensorInfo, keepDims: boolean): TF.TensorInfo {
  const cols = x.shape[x.shape.length - 1]!;
  const rows = x.shape.reduce((p, s) => p * s, 1) / cols;
  const memory = new ModuleMemory(simd);
  const xAt = memory.input(backend, x);
  const out = memory.output(backend, keepDims ? [...x.shape.slice(0, -1).map(() => 1), cols] : [cols]);
  // Groups of 16 columns (matmul.c's COLUMN_GROUP) split over the products' threads when the sum is large enough.
  const groups = Math.ceil(cols / 16);
  runJob(simd, "column_sums_groups", groups, 1, [rows, cols, xAt, out.at], rows * cols >= SPLIT_MIN_FLOATS);
  return memory.finish(backend, out);
}
