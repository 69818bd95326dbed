/**
 * tfjs's wasm matrix products (BatchMatMul, and _FusedMatMul without bias or activation) in src/nn/matmul.c, the
 * same bits, faster:
 * - with a transposed operand (every dense layer's backward pass: dx = dz·Wᵀ, dW = xᵀ·dz; the LSTM's gradients)
 *   tfjs-backend-wasm 4.22 runs a scalar fallback at ~1 GFLOP/s, summing the shared dimension in blocks of 48;
 *   matmul.c keeps that order (blocks of 48) with SIMD across output columns: ~15-17 GFLOP/s;
 * - without one, XNNPACK's GEMM sums each output from 0 in order (one block, checked bit for bit); matmul.c does
 *   the same ~1.3x faster at the dense layers' shapes (64 x 784 x 128: 17.5 against 12.9 GFLOP/s of CPU time,
 *   loaded machine, indicative; XNNPACK also packs the weights again after every update). With tfjs's XNNPACK
 *   pool on several threads and ours on one, these stay on XNNPACK, which splits them over its pool.
 * With ANOMALY_LAB_WASM_THREADS above 1, ours run on that many threads (src/nn/matmul-threads.ts: blocks of output
 * rows, the same bits).
 * Other products (batches of several matrices, not float32, bias or activation fused) go to tfjs's own kernels.
 *
 * Registered over tfjs's kernels when the wasm backend starts (src/nn/tf.ts); a no-op where this runtime cannot
 * compile the SIMD module. Checked bit for bit against tfjs's kernels in test/nn-fused.test.ts.
 */
import type * as TF from "@tensorflow/tfjs";
import { WasmKernelOverride } from "./kernel-override";
import { ModuleMemory } from "./matmul-memory";
import { matmulModule, type MatmulModule, type WasmBackend } from "./matmul-module";
import { matmulThreads, runPackedProduct } from "./matmul-threads";

const KERNEL = "BatchMatMul";
const FUSED = "_FusedMatMul";
/** tfjs-backend-wasm's kBlockSize: its fallback sums the shared dimension in blocks of 48. */
const TFJS_BLOCK = 48;

/** Our products over tfjs's BatchMatMul and _FusedMatMul (tfjs's kept for other products and the tests). */
const override = new WasmKernelOverride();

/**
 * Puts the SIMD kernel in front of tfjs's wasm BatchMatMul and _FusedMatMul (once; after the wasm backend is
 * ready, and after the products' threads have started, if they do). `tfjsThreads`: tfjs's XNNPACK pool; above 1,
 * and while ours run on one thread, products without a transposed operand stay on XNNPACK, which splits them.
 */
export function registerWasmBatchMatMul(tf: typeof TF, tfjsThreads = 1): void {
  if (override.active) return;
  const simd = matmulModule();
  if (simd === null) return;
  const threads = matmulThreads() !== undefined ? 1 : tfjsThreads; // ours split every product when they can
  const batches = (shape: number[]) => shape.slice(0, -2).reduce((p, s) => p * s, 1);
  const simple = (a: TF.TensorInfo, b: TF.TensorInfo, transposed: boolean) =>
    (transposed || threads === 1) && a.dtype === "float32" && b.dtype === "float32" && a.shape.length >= 2 && b.shape.length >= 2 &&
    batches(a.shape) === 1 && batches(b.shape) === 1 && a.shape.every((s) => s > 0) && b.shape.every((s) => s > 0);
  const replace = (name: string, mine: (original: TF.KernelConfig) => TF.KernelFunc) => override.replace(tf, name, mine);
  replace(KERNEL, (original) => (args) => {
    const { a, b } = args.inputs as { a: TF.TensorInfo; b: TF.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!simple(a, b, transposeA || transposeB)) return original.kernelFunc(args);
    return product(simd, args.backend as unknown as WasmBackend, a, b, transposeA, transposeB);
  });
  // _FusedMatMul without activation or transpose (the dense layers' "fused" path) is XNNPACK's product; with a bias
  // (a linear layer's x·W + b) each output's sum starts from its bias, as XNNPACK's GEMM starts its accumulators.
  replace(FUSED, (original) => (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TF.TensorInfo | null | undefined>;
    const { transposeA, transposeB, activation } = args.attrs as { transposeA: boolean; transposeB: boolean; activation: string };
    // A bias of N floats, rank 1 (tfjs's kernel refuses others: its error stays the user's).
    const plainBias = bias == null || (bias.dtype === "float32" && bias.shape.length === 1 && bias.shape[0] === b?.shape[b.shape.length - 1]);
    const plain = !transposeA && !transposeB && activation === "linear" && plainBias && preluActivationWeights == null;
    if (!plain || !simple(a!, b!, false)) return original.kernelFunc(args);
    return product(simd, args.backend as unknown as WasmBackend, a!, b!, false, false, bias ?? undefined);
  });
}

/** Runs `f` with tfjs's own wasm BatchMatMul and _FusedMatMul in place (the tests' oracle), then puts ours back. */
export function withTfjsBatchMatMul<T>(tf: typeof TF, f: () => T): T {
  return override.withTfjs(tf, f);
}

function product(simd: MatmulModule, backend: WasmBackend, a: TF.TensorInfo, b: TF.TensorInfo, transposeA: boolean, transposeB: boolean,
  bias?: TF.TensorInfo): TF.TensorInfo {
  const [aRows, aCols] = a.shape.slice(-2) as [number, number];
  const [bRows, bCols] = b.shape.slice(-2) as [number, number];
  const [M, K] = transposeA ? [aCols, aRows] : [aRows, aCols];
  const [innerB, N] = transposeB ? [bCols, bRows] : [bRows, bCols];
  if (K !== innerB) {
    throw new Error(`Error in matMul: inner shapes (${K}) and (${innerB}) of Tensors with shapes ${a.shape} and ${b.shape} and ` +
      `transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  }
  const stride = Math.ceil(N / 4) * 4;
  const memory = new ModuleMemory(simd);
  const aAt = memory.input(backend, a);
  const bRawAt = memory.input(backend, b);
  const biasAt = bias === undefined ? 0 : memory.input(backend, bias);
  const [bAt] = memory.take(K * stride);
  const outer = (a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2);
  const out = memory.output(backend, [...outer, M, N]);
  const paddedBiasAt = memory.paddedBias(biasAt, N, stride);
  // tfjs's order: its scalar fallback's blocks of 48 for transposed operands; XNNPACK's one sum from 0 (or from the
  // bias) otherwise.
  const block = transposeA || transposeB ? TFJS_BLOCK : K;
  // B packed in panels, then on the products' threads (same bits): rows split, or columns for few rows.
  runPackedProduct(simd, M, K, N, stride, transposeA ? 1 : 0, transposeB ? 1 : 0, block, aAt, bRawAt, bAt!, out.at, paddedBiasAt);
  return memory.finish(backend, out);
}
