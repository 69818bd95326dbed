/**
 * tfjs's wasm BatchMatMul with a transposed operand, 10x faster and the same bits: such products (every dense
 * layer's backward pass: dx = dz·Wᵀ, dW = xᵀ·dz; the LSTM's gradients) run in tfjs-backend-wasm 4.22's scalar
 * fallback at ~1 GFLOP/s, XNNPACK taking only untransposed ones. src/nn/matmul.c computes them in the fallback's
 * exact order with SIMD across output columns (see there). Other products (no transpose, batches of several
 * matrices, not float32) go to tfjs's own kernel.
 *
 * Registered over tfjs's kernel when the wasm backend starts (src/nn/tf.ts); a no-op where this runtime cannot
 * compile the SIMD module. Checked bit for bit against tfjs's kernel in test/nn-fused.test.ts.
 */
import type * as TF from "@tensorflow/tfjs";
import { instantiate, Layout, type WasmMemory } from "../linalg/wasm-module";
import { MATMUL_WASM_BASE64 } from "./matmul-wasm";

const KERNEL = "BatchMatMul";

export interface MatmulModule {
  memory: WasmMemory;
  __heap_base: { value: number };
  pad_rows(rows: number, cols: number, stride: number, src: number, dst: number): void;
  transpose_rows(rows: number, cols: number, stride: number, src: number, dst: number): void;
  blocked_matmul(M: number, K: number, N: number, stride: number, transposeA: number, a: number, b: number, out: number): void;
  column_sums(rows: number, cols: number, src: number, out: number): void;
}

export interface WasmBackend {
  makeOutput(shape: number[], dtype: string): TF.TensorInfo;
  typedArrayFromHeap(info: TF.TensorInfo): Float32Array;
}

let simdModule: MatmulModule | null | undefined;
/** tfjs's own kernel, kept for other products and for {@link withTfjsBatchMatMul}. */
let tfjsKernel: TF.KernelConfig | undefined;
let ours: TF.KernelConfig | undefined;

/** src/nn/matmul.c's instance (one per process), or null where this runtime cannot compile SIMD. */
export function matmulModule(): MatmulModule | null {
  simdModule ??= instantiate(MATMUL_WASM_BASE64) as unknown as MatmulModule | null;
  return simdModule;
}

/** Puts the SIMD kernel in front of tfjs's wasm BatchMatMul (once; after the wasm backend is ready). */
export function registerWasmBatchMatMul(tf: typeof TF): void {
  if (ours !== undefined) return;
  const original = tf.getKernel(KERNEL, "wasm");
  const simd = matmulModule();
  if (original === undefined || simd === null) return;
  tfjsKernel = original;
  tf.unregisterKernel(KERNEL, "wasm");
  ours = {
    kernelName: KERNEL,
    backendName: "wasm",
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: TF.TensorInfo; b: TF.TensorInfo };
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      const batches = (shape: number[]) => shape.slice(0, -2).reduce((p, s) => p * s, 1);
      const simple = (transposeA || transposeB) && a.dtype === "float32" && b.dtype === "float32" && a.shape.length >= 2 &&
        b.shape.length >= 2 && batches(a.shape) === 1 && batches(b.shape) === 1 && a.shape.every((s) => s > 0) && b.shape.every((s) => s > 0);
      if (!simple) return original.kernelFunc(args);
      return product(simd, args.backend as unknown as WasmBackend, a, b, transposeA, transposeB);
    },
  };
  tf.registerKernel(ours);
}

/** Runs `f` with tfjs's own wasm BatchMatMul in place (the tests' oracle), then puts the SIMD kernel back. */
export function withTfjsBatchMatMul<T>(tf: typeof TF, f: () => T): T {
  if (ours === undefined || tfjsKernel === undefined) return f();
  tf.unregisterKernel(KERNEL, "wasm");
  tf.registerKernel(tfjsKernel);
  try {
    return f();
  } finally {
    tf.unregisterKernel(KERNEL, "wasm");
    tf.registerKernel(ours);
  }
}

function product(simd: MatmulModule, backend: WasmBackend, a: TF.TensorInfo, b: TF.TensorInfo, transposeA: boolean, transposeB: boolean): TF.TensorInfo {
  const [aRows, aCols] = a.shape.slice(-2) as [number, number];
  const [bRows, bCols] = b.shape.slice(-2) as [number, number];
  const [M, K] = transposeA ? [aCols, aRows] : [aRows, aCols];
  const [innerB, N] = transposeB ? [bCols, bRows] : [bRows, bCols];
  if (K !== innerB) {
    throw new Error(`Error in matMul: inner shapes (${K}) and (${innerB}) of Tensors with shapes ${a.shape} and ${b.shape} and ` +
      `transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  }
  const stride = Math.ceil(N / 4) * 4;
  const layout = new Layout(simd.__heap_base.value);
  const [aAt, bRawAt, bAt, outAt] = [M * K, K * N, K * stride, M * N].map((floats) => layout.take(4 * floats));
  const missing = layout.end - simd.memory.buffer.byteLength;
  if (missing > 0) simd.memory.grow(Math.ceil(missing / 65536));
  const heap = new Float32Array(simd.memory.buffer);
  heap.set(backend.typedArrayFromHeap(a), aAt! / 4);
  heap.set(backend.typedArrayFromHeap(b), bRawAt! / 4);
  if (transposeB) simd.transpose_rows(N, K, stride, bRawAt!, bAt!);
  else simd.pad_rows(K, N, stride, bRawAt!, bAt!);
  simd.blocked_matmul(M, K, N, stride, transposeA ? 1 : 0, aAt!, bAt!, outAt!);
  const outer = (a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2);
  const out = backend.makeOutput([...outer, M, N], "float32");
  backend.typedArrayFromHeap(out).set(heap.subarray(outAt! / 4, outAt! / 4 + M * N));
  return out;
}
