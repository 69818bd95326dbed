/**
 * The filter gradient of a 2-D convolution (Conv2DBackpropFilter) on wasm as one matrix product in XNNPACK's
 * order, the same bits as src/nn/wasm-conv-gradients.ts's kernel (a convolution with dy as the filter, run by
 * XNNPACK, with a pad, three transposes and a slice around it):
 *
 *   dW[i, j, c, o] = Σ_{y, x, n} xpad[n, s·y + i, s·x + j, c] · dy[n, y, x, o]
 *
 * XNNPACK sums each output of that convolution over the filter's taps (y, x) in row-major order and, inside a
 * tap, over its channels (here the samples n), in one running sum from 0. Laid out as im2colᵀ [(i, j, c),
 * (y, x, n)] times dy [(y, x, n), o], that is an untransposed product summed along k from 0 in order, which
 * src/nn/matmul.c's blocked_matmul computes with one block along k: the same products (the padding's zeros
 * included) added in the same order. x and dy are copied into matmul.c's memory once; im2colᵀ and dy's rows in
 * the product's order are laid out there by matmul.c (writing the 1.8 M floats of im2colᵀ from JavaScript ate the
 * product's gain), and with ANOMALY_LAB_WASM_THREADS > 1 the product runs on the products' threads.
 *
 * Every count of output channels takes the product (until stop 16, fewer than 16 stayed on the convolution form,
 * measured when im2colᵀ was written from JavaScript): the conv1d AE's filter gradients, 1 to 8 channels, went
 * 0.225-0.230 -> 0.176-0.180 s an epoch (2 threads, fresh processes alternating, idle), the same bits.
 *
 * Registered over that kernel by registerWasmConvGradients; the convolution form is kept for other inputs
 * and as the tests' oracle (test/nn-conv-filter-gradient.test.ts).
 */
import type * as TF from "@tensorflow/tfjs";
import { WasmKernelOverride } from "./kernel-override";
import { ModuleMemory } from "./matmul-memory";
import { matmulThreads, productMinRows, runJob, SPLIT_MIN_FLOPS } from "./matmul-threads";
import { matmulModule, type MatmulModule, type WasmBackend } from "./matmul-module";

const KERNEL = "Conv2DBackpropFilter";
/**
 * dW with at most this many rows (kh kw c: a 3 x 3 filter over one channel) is summed reading dy in place: with so
 * few rows the product is short and laying dy out in panels took as long as it (the conv2d AE's last layer: 0.49 of
 * 1.1 ms on one thread).
 */
const FEW_ROWS = 12;
/** Rows of im2colᵀ a thread lays out and multiplies at a time (the product's 4-row tile): K floats each. */
const CHUNK_ROWS = 4;

interface FilterGradientAttrs {
  strides: [number, number] | number;
  pad: unknown;
  dataFormat: "NHWC" | "NCHW";
  dilations?: [number, number] | number;
  filterShape: [number, number, number, number];
}

const override = new WasmKernelOverride();

/** Puts the product form in front of the registered wasm Conv2DBackpropFilter (once). */
export function registerWasmConvFilterGradient(tf: typeof TF): void {
  if (override.active) return;
  const simd = matmulModule();
  if (simd === null) return;
  const pair = (v: [number, number] | number | undefined): [number, number] => (v === undefined ? [1, 1] : typeof v === "number" ? [v, v] : v);
  override.replace(tf, KERNEL, (original) => (args) => {
    const attrs = args.attrs as unknown as FilterGradientAttrs;
    const { x, dy } = args.inputs as { x: TF.TensorInfo; dy: TF.TensorInfo };
    const simple = attrs.dataFormat === "NHWC" && (attrs.pad === "same" || attrs.pad === "valid") && pair(attrs.dilations).every((d) => d === 1) &&
      x.dtype === "float32" && dy.dtype === "float32" && x.shape.length === 4 && dy.shape.length === 4 && x.shape.every((s) => s > 0);
    if (!simple) return original.kernelFunc(args);
    return filterGradient(simd, args.backend as unknown as WasmBackend, x, dy, attrs.filterShape, pair(attrs.strides), attrs.pad === "same");
  });
}

/** Runs `f` with the convolution form in place (the tests' oracle), then puts the product back. */
export function withConvolutionFilterGradient<T>(tf: typeof TF, f: () => T): T {
  return override.withTfjs(tf, f);
}

/** {@link withConvolutionFilterGradient} for an asynchronous `f` (a whole fit). */
export function withConvolutionFilterGradientWhile<T>(tf: typeof TF, f: () => Promise<T>): Promise<T> {
  return override.withTfjsWhile(tf, f);
}

function filterGradient(simd: MatmulModule, backend: WasmBackend, xInfo: TF.TensorInfo, dyInfo: TF.TensorInfo,
  [kh, kw, channels, outChannels]: number[], [sh, sw]: [number, number], same: boolean): TF.TensorInfo {
  const [n, h, w] = xInfo.shape as [number, number, number, number];
  const [, oh, ow] = dyInfo.shape as [number, number, number, number];
  const top = same ? samePaddingBefore(h, oh, kh, sh) : 0;
  const left = same ? samePaddingBefore(w, ow, kw, sw) : 0;
  const [M, K, N] = [kh * kw * channels, oh * ow * n, outChannels];
  const stride = Math.ceil(N / 4) * 4;
  // Few rows of dW (one input channel): B read in place from dy (matmul.c's dy_matmul_units), no panels.
  const inPlace = M <= FEW_ROWS && N % 8 === 0;
  const memory = new ModuleMemory(simd);
  const xAt = memory.input(backend, xInfo);
  const dyAt = memory.input(backend, dyInfo);
  const pool = matmulThreads();
  const threads = pool !== undefined && pool.kernel === (simd as unknown) ? pool.threads : 1;
  const scratchFloats = CHUNK_ROWS * K;
  const [xtAt, aAt, bAt] = memory.take(n * h * w * channels, inPlace ? K * M : threads * scratchFloats, inPlace ? 0 : K * stride);
  const out = memory.output(backend, [kh, kw, channels, outChannels]);
  // im2colᵀ [(i, j, c), (y, x, n)] (column k = (y, x, n): x's patch under dy[n, y, x], zeros in the padding), from x
  // laid out samples innermost, and B's rows k = dy[n, y, x, :] written straight into the product's panels, by
  // matmul.c. Each split by rows over the products' threads (copies: any split, the same floats).
  runJob(simd, "samples_innermost", h * w, 4, [n, h, w, channels, xAt, xtAt!]);
  if (inPlace) {
    runJob(simd, "im2col_transposed", M, 1, [n, h, w, channels, oh, ow, kh, kw, sh, sw, top, left, xtAt!, aAt!]);
    // Units (panel of 8 columns, tile of 4 rows) split over the threads: each output summed whole by one thread.
    runJob(simd, "dy_matmul_units", (N / 8) * Math.ceil(M / 4), 1, [M, N, n, oh * ow, aAt!, dyAt, out.at]);
    return memory.finish(backend, out);
  }
  runJob(simd, "samples_inner_panels", oh * ow, 4, [n, oh * ow, N, stride, dyAt, bAt!]);
  // dW = im2colᵀ · B, each output summed along k from 0 in order (one block of K), CHUNK_ROWS rows of im2colᵀ at a
  // time laid out in the thread's scratch and multiplied there; on several threads split by rows of dW (each output
  // still summed whole by one thread, the same bits).
  const shapeAt = memory.shape({ n, h, w, c: channels, kh, kw, outChannels: N, oh, ow, sh, sw, top, left }, K, N, stride);
  runJob(simd, "im2col_transposed_rows", M, productMinRows(K, N), [shapeAt, xtAt!, bAt!, out.at, aAt!, scratchFloats, CHUNK_ROWS],
    2 * M * K * N >= SPLIT_MIN_FLOPS);
  return memory.finish(backend, out);
}

/** TensorFlow's "same" padding before one axis. */
function samePaddingBefore(size: number, outSize: number, kernel: number, stride: number): number {
  return Math.floor(Math.max((outSize - 1) * stride + kernel - size, 0) / 2);
}
