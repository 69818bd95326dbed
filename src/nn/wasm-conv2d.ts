/**
 * 2-D convolutions on wasm as one matrix product each, im2col · W (+ bias), in src/nn/matmul.c: tfjs-backend-wasm's
 * Conv2D and FusedConv2D (with a bias or none, no activation) and the phases of src/nn/wasm-conv-gradients.ts's
 * input gradient (Conv2DBackpropInput: the transposed convolutions' forward pass).
 *
 * The same bits as tfjs's kernels: XNNPACK sums each output once, from its bias (or 0), over the filter's taps in
 * row-major order and each tap's channels in order (found by comparing bits); with im2col's columns in that order
 * (tap (i, j), then channel) and the filter as it is stored ([kh, kw, in, out] is [K, N] row-major) that is
 * matmul.c's product with one block along k, its sums started from the bias. What it buys: the products run on
 * the products' threads (src/nn/matmul-threads.ts: rows of the output split, every output summed whole by one
 * thread), where tfjs's XNNPACK runs on one thread unless its spinning pool is started; and the input gradient's
 * phases run without tfjs's pads, slices and kernel launches around each convolution.
 *
 * Registered when the wasm backend starts (src/nn/tf.ts); other inputs (dilations, NCHW, other activations, other
 * dtypes) stay on tfjs's kernels. Checked bit for bit against them in test/nn-conv2d-product.test.ts.
 */
import type * as TF from "@tensorflow/tfjs";
import { WasmKernelOverride } from "./kernel-override";
import { matmulThreads, productMinRows, runJob, SPLIT_MIN_FLOPS } from "./matmul-threads";
import type { ConvGeometry, PhaseTarget } from "./conv-geometry";
import { ModuleMemory } from "./matmul-memory";
import { matmulModule, type MatmulModule, type WasmBackend } from "./matmul-module";

interface Conv2DAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | TF.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dilations: [number, number] | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
  activation?: string;
}


/**
 * Convolutions of fewer counted FLOPs (2 per multiply-add) stay on tfjs's XNNPACK kernel: the Conv1D autoencoder's
 * (64 x 140 steps, 1 to 8 channels, 0.5-2 MFLOP) took up to twice its CPU time as products (the copies and im2col
 * cost more than the product); the conv2d autoencoder's (3.6-231 MFLOP) are products.
 */
export const MIN_PRODUCT_FLOPS = 1 << 22;
/** Rows of im2col laid out at a time (per thread), then multiplied while in cache: 64 x 576 floats is 147 KB. */
const IM2COL_CHUNK = 64;
/** The threshold in force (0 in the tests, which check every shape as a product). */
let minProductFlops = MIN_PRODUCT_FLOPS;
const override = new WasmKernelOverride();
/** Multiply-adds of every product run by {@link convolve} (im2col's padding zeros included): counted work. */
let multiplyAdds = 0;

/** Puts the product form in front of tfjs's wasm Conv2D and FusedConv2D (once; after the wasm backend is ready). */
export function registerWasmConv2d(tf: typeof TF): void {
  if (override.active) return;
  const simd = matmulModule();
  if (simd === null) return;
  // Small convolutions stay on XNNPACK, which reads x in place (no copies, no im2col), unless they have one output
  // channel at stride 1 (XNNPACK's tiles then run mostly empty; ours from padded planes).
  const worthIt = (g: ConvGeometry) =>
    2 * g.n * g.oh * g.ow * g.kh * g.kw * g.c * g.outChannels >= minProductFlops || (g.outChannels === 1 && g.sh === 1 && g.sw === 1);
  const geometry = (x: TF.TensorInfo, filter: TF.TensorInfo, attrs: Conv2DAttrs): ConvGeometry | undefined => {
    const [dh, dw] = typeof attrs.dilations === "number" ? [attrs.dilations, attrs.dilations] : attrs.dilations ?? [1, 1];
    if (attrs.dataFormat !== "NHWC" || dh !== 1 || dw !== 1 || x.dtype !== "float32" || filter.dtype !== "float32") return undefined;
    if (x.shape.length !== 4 || filter.shape.length !== 4 || x.shape.some((s) => s <= 0) || filter.shape.some((s) => s <= 0)) return undefined;
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
      attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, "channelsLast");
    if (info.outHeight <= 0 || info.outWidth <= 0) return undefined;
    const g: ConvGeometry = {
      n: info.batchSize, h: info.inHeight, w: info.inWidth, c: info.inChannels, kh: info.filterHeight, kw: info.filterWidth,
      outChannels: info.outChannels, oh: info.outHeight, ow: info.outWidth, sh: info.strideHeight, sw: info.strideWidth,
      top: info.padInfo.top, left: info.padInfo.left,
    };
    return worthIt(g) ? g : undefined;
  };
  override.replace(tf, "Conv2D", (original) => (args) => {
    const { x, filter } = args.inputs as { x: TF.TensorInfo; filter: TF.TensorInfo };
    const g = geometry(x, filter, args.attrs as unknown as Conv2DAttrs);
    if (g === undefined) return original.kernelFunc(args);
    return conv2d(simd, args.backend as unknown as WasmBackend, g, x, filter, null);
  });
  override.replace(tf, "FusedConv2D", (original) => (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TF.TensorInfo | null | undefined>;
    const attrs = args.attrs as unknown as Conv2DAttrs;
    const g = geometry(x!, filter!, attrs);
    const plainBias = bias == null || (bias.dtype === "float32" && bias.shape.reduce((p, s) => p * s, 1) === g?.outChannels &&
      bias.shape.every((s, i) => s === 1 || i === bias.shape.length - 1));
    if (g === undefined || (attrs.activation ?? "linear") !== "linear" || preluActivationWeights != null || !plainBias) {
      return original.kernelFunc(args);
    }
    return conv2d(simd, args.backend as unknown as WasmBackend, g, x!, filter!, bias ?? null);
  });
}

/** Runs `f` with tfjs's own wasm Conv2D and FusedConv2D in place (the tests' oracle), then puts ours back. */
export function withTfjsConv2d<T>(tf: typeof TF, f: () => T): T {
  return override.withTfjs(tf, f);
}

/** Runs `f` with every convolution as a product, small ones included (the tests), then puts the threshold back. */
export function withEveryConvolutionAsProduct<T>(f: () => T): T {
  minProductFlops = 0;
  try {
    return f();
  } finally {
    minProductFlops = MIN_PRODUCT_FLOPS;
  }
}

/** Whether the product form is the registered wasm Conv2D now (not while a test has put tfjs's back). */
export function conv2dProductInPlace(tf: typeof TF): boolean {
  return override.inPlace(tf, "Conv2D");
}

/** Multiply-adds of the convolutions run as products so far (M·K·N each, im2col's padding zeros included). */
export function convolutionMultiplyAdds(): number {
  return multiplyAdds;
}

function conv2d(simd: MatmulModule, backend: WasmBackend, g: ConvGeometry, x: TF.TensorInfo, filter: TF.TensorInfo,
  bias: TF.TensorInfo | null): TF.TensorInfo {
  const memory = new ModuleMemory(simd);
  const xAt = memory.input(backend, x);
  const filterAt = memory.input(backend, filter);
  const biasAt = bias === null ? 0 : memory.input(backend, bias);
  const out = memory.output(backend, [g.n, g.oh, g.ow, g.outChannels]);
  convolve(simd, memory, g, xAt, filterAt, biasAt, out.at);
  return memory.finish(backend, out);
}


/**
 * The convolution of x (NHWC at xAt) with a filter [kh, kw, c, outChannels] (at filterAt) plus a bias (outChannels
 * floats at biasAt, or 0 for none), written to `into`: the output's offset (n x oh x ow x outChannels floats), or a
 * phase target whose pixels take the output rows. Offsets are where the module reads and writes (ModuleMemory).
 */
export function convolve(simd: MatmulModule, memory: ModuleMemory, g: ConvGeometry, xAt: number, filterAt: number, biasAt: number,
  into: number | PhaseTarget): void {
  const phase = typeof into === "number" ? undefined : into;
  const [M, K, N] = [g.n * g.oh * g.ow, g.kh * g.kw * g.c, g.outChannels];
  multiplyAdds += M * K * N;
  if (N === 1 && g.sh === 1 && g.sw === 1) {
    const [rowsAt] = phase === undefined ? [into as number] : memory.take(M);
    convolveOneChannel(simd, memory, g, xAt, filterAt, biasAt, rowsAt!);
    if (phase !== undefined) simd.scatter_phase(g.n, g.oh, g.ow, 1, phase.h, phase.w, phase.py, phase.px, phase.sy, phase.sx, rowsAt!, phase.at);
    return;
  }
  const stride = Math.ceil(N / 4) * 4;
  const pool = matmulThreads();
  const threads = pool !== undefined && pool.kernel === (simd as unknown) ? pool.threads : 1;
  const split = 2 * M * K * N >= SPLIT_MIN_FLOPS;
  // Each thread lays out IM2COL_CHUNK rows of im2col at a time in its own scratch (then, for a phase, the chunk's
  // output rows), multiplies them and writes them out.
  const scratchFloats = Math.ceil((IM2COL_CHUNK * (K + N)) / 4) * 4;
  const [bAt, scratchAt] = memory.take(K * stride, threads * scratchFloats);
  const outAt = phase?.at ?? (into as number);
  const shapeAt = memory.shape(g, K, N, stride, phase);
  simd.pack_panels(K, N, stride, 0, filterAt, bAt!);
  // Each output summed along k = (i, j, ch) from its bias in order: one block of K (XNNPACK's order).
  const bias = memory.paddedBias(biasAt, N, stride);
  runJob(simd, "conv_rows", M, productMinRows(K, N), [shapeAt, xAt, bAt!, bias, outAt, scratchAt!, scratchFloats, IM2COL_CHUNK], split);
}

/**
 * One output channel at stride 1 (the input gradients' phases, the autoencoders' last layers), where a product's tile
 * would hold one output and three zeros: straight from zero-padded planes of x with 16 neighbouring pixels in the
 * lanes (matmul.c's one_channel_rows), the samples split over the threads, written to outAt. Each pixel is still
 * summed along k from its bias in order: the same bits.
 */
function convolveOneChannel(simd: MatmulModule, memory: ModuleMemory, g: ConvGeometry, xAt: number, filterAt: number, biasAt: number,
  outAt: number): void {
  const [pixels, K] = [g.n * g.oh * g.ow, g.kh * g.kw * g.c];
  const [ph, pw] = [g.oh + g.kh - 1, g.ow + g.kw - 1];
  const [planesAt] = memory.take(g.n * g.c * ph * pw + 16);
  const split = 2 * pixels * K >= SPLIT_MIN_FLOPS;
  runJob(simd, "one_channel_rows", g.n, 1, [memory.shape(g, K, 1, 4), xAt, filterAt, biasAt, planesAt!, outAt], split);
}
