/**
 * Fast convolution gradients on the wasm backend, written as forward convolutions (which tfjs's wasm
 * backend runs through XNNPACK's SIMD GEMM):
 *
 * - `Conv2DBackpropFilter` (wasm has none; routing it to wasm's 3-D filter-gradient kernel, as a first version did,
 *   runs a naive loop, ~20x slower, and is wrong for strides > 1): dW[i, j, c, o] = Σ_{n, y, x} xpad[n, s·y + i, s·x + j, c] · dy[n, y, x, o]
 *   is a convolution of the padded input seen as [c, H, W, n] ("channels" = samples) with dy seen as a
 *   [h, w, n, o] filter, dilated by the stride. Any stride, "same" or "valid" padding.
 * - `Conv2DBackpropInput` (the input gradient of convolutions and the forward pass of transposed
 *   convolutions; tfjs's wasm kernel is a naive loop): dx = correlation of dy, spread out by the stride
 *   (zeros between samples) and padded, with W rotated 180° and its in/out channels swapped. "same" or
 *   "valid" padding, any stride; other cases go to tfjs's own wasm kernel.
 *
 * Checked against tfjs's cpu kernels in test/nn-conv.test.ts. Call after the wasm backend is loaded and
 * before the first gradient is taken; a no-op on later calls.
 */
import type * as TF from "@tensorflow/tfjs";
import { matmulModule, type MatmulModule, type WasmBackend } from "./matmul-module";
import { ModuleMemory } from "./matmul-memory";
import { conv2dProductInPlace, convolve } from "./wasm-conv2d";
import { registerWasmConvFilterGradient } from "./wasm-conv-filter-gradient";

interface ConvGradientAttrs {
  strides: [number, number] | number;
  pad: unknown;
  dataFormat: "NHWC" | "NCHW";
  dilations?: [number, number] | number;
  filterShape?: [number, number, number, number];
  inputShape?: [number, number, number, number];
}

const FILTER = "Conv2DBackpropFilter";
/** Whether strided input gradients run by phase (below); false only in the tests, for the spread-out oracle. */
let phases = true;
const INPUT = "Conv2DBackpropInput";
let registered = false;

/** Registers the fast wasm convolution gradients (once). */
export function registerWasmConvGradients(tf: typeof TF): void {
  if (registered) return;
  const pair = (v: [number, number] | number | undefined): [number, number] => (v === undefined ? [1, 1] : typeof v === "number" ? [v, v] : v);
  const check = (name: string, attrs: ConvGradientAttrs) => {
    if (attrs.dataFormat !== "NHWC") throw new Error(`${name} on wasm: only channels-last (NHWC) data, got ${attrs.dataFormat}`);
    if (attrs.pad !== "same" && attrs.pad !== "valid") throw new Error(`${name} on wasm: only "same" or "valid" padding, got ${JSON.stringify(attrs.pad)}`);
    const [dh, dw] = pair(attrs.dilations);
    if (dh !== 1 || dw !== 1) throw new Error(`${name} on wasm: dilations must be 1, got ${JSON.stringify(attrs.dilations)}`);
  };

  // A tensor on an input's buffer (no copy) holding its own reference, so that disposing it (at the end of
  // the tidy) leaves the input's buffer alive.
  const view = (info: TF.TensorInfo): TF.Tensor4D => {
    (tf.backend() as unknown as { incRef(dataId: object): void }).incRef(info.dataId);
    return (tf.engine() as unknown as { makeTensorFromTensorInfo(i: TF.TensorInfo): TF.Tensor }).makeTensorFromTensorInfo(info) as TF.Tensor4D;
  };
  if (tf.getKernel(FILTER, "wasm") !== undefined) tf.unregisterKernel(FILTER, "wasm");
  tf.registerKernel({
    kernelName: FILTER,
    backendName: "wasm",
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as ConvGradientAttrs;
      check(FILTER, attrs);
      const { x, dy } = args.inputs as unknown as { x: TF.TensorInfo & { shape: [number, number, number, number] }; dy: TF.TensorInfo & { shape: [number, number, number, number] } };
      const [kh, kw, inChannels, outChannels] = attrs.filterShape!;
      const [sh, sw] = pair(attrs.strides);
      return tf.tidy(() => {
        const [, h, w] = x.shape;
        const [, oh, ow] = dy.shape;
        const [top, bottom] = attrs.pad === "same" ? samePadding(h, oh, kh, sh) : [0, 0];
        const [left, right] = attrs.pad === "same" ? samePadding(w, ow, kw, sw) : [0, 0];
        const padded = tf.pad(view(x), [[0, 0], [top, bottom], [left, right], [0, 0]]);
        const samplesAsChannels = tf.transpose(padded, [3, 1, 2, 0]) as TF.Tensor4D; // [c, H, W, n]
        const dyAsFilter = tf.transpose(view(dy), [1, 2, 0, 3]) as TF.Tensor4D; // [oh, ow, n, o]
        const full = tf.conv2d(samplesAsChannels, dyAsFilter, 1, "valid", "NHWC", [sh, sw]); // [c, >= kh, >= kw, o]
        const gradient = tf.transpose(tf.slice(full, [0, 0, 0, 0], [inChannels, kh, kw, outChannels]), [1, 2, 0, 3]);
        return gradient;
      }) as unknown as TF.TensorInfo;
    },
  });

  const original = tf.getKernel(INPUT, "wasm");
  if (original !== undefined) tf.unregisterKernel(INPUT, "wasm");
  tf.registerKernel({
    kernelName: INPUT,
    backendName: "wasm",
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as ConvGradientAttrs;
      const { dy, filter } = args.inputs as unknown as { dy: TF.TensorInfo; filter: TF.TensorInfo & { shape: [number, number, number, number] } };
      const [sh, sw] = pair(attrs.strides);
      const [kh, kw] = filter.shape;
      const simple = attrs.dataFormat === "NHWC" && (attrs.pad === "same" || attrs.pad === "valid") && pair(attrs.dilations).every((d) => d === 1);
      if (!simple) {
        if (original === undefined) throw new Error(`${INPUT} on wasm: only NHWC data, "same" or "valid" padding and no dilation are supported`);
        return original.kernelFunc(args);
      }
      const [, h, w] = attrs.inputShape!;
      const [, oh, ow] = dy.shape;
      const [top] = attrs.pad === "same" ? samePadding(h, oh, kh, sh) : [0];
      const [left] = attrs.pad === "same" ? samePadding(w, ow, kw, sw) : [0];
      const simd = matmulModule();
      if (phases && simd !== null && conv2dProductInPlace(tf) && dy.dtype === "float32" && filter.dtype === "float32") {
        return backpropInputInModule(simd, args.backend as unknown as WasmBackend, dy, filter, [h, w], [top, left], [sh, sw]);
      }
      if ((sh > 1 || sw > 1) && phases) {
        const backend = args.backend as unknown as HeapBackend;
        let dx: TF.TensorInfo | undefined;
        tf.tidy(() => {
          dx = backpropInputByPhase(tf, backend, view(dy), view(filter), [h, w], [top, left], [sh, sw]);
        });
        return dx!;
      }
      return tf.tidy(() => {
        // dx = correlation of dy, zero-dilated by the stride and padded, with the filter rotated 180° (in/out swapped).
        const flipped = tf.transpose(tf.reverse(view(filter), [0, 1]), [0, 1, 3, 2]) as TF.Tensor4D;
        let spread = view(dy);
        const [n, , , channels] = dy.shape;
        if (sh > 1 || sw > 1) {
          const cells = tf.pad(tf.reshape(spread, [n, oh, 1, ow, 1, channels]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
          spread = tf.slice(tf.reshape(cells, [n, oh * sh, ow * sw, channels]), [0, 0, 0, 0], [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, channels]) as TF.Tensor4D;
        }
        const [front, back] = [kh - 1 - top, h + top - ((oh - 1) * sh + 1)];
        const [before, after] = [kw - 1 - left, w + left - ((ow - 1) * sw + 1)];
        let padded = tf.pad(spread, [[0, 0], [Math.max(front, 0), Math.max(back, 0)], [Math.max(before, 0), Math.max(after, 0)], [0, 0]]);
        if (front < 0 || back < 0 || before < 0 || after < 0) {
          const [, ph, pw] = padded.shape;
          const y0 = Math.max(-front, 0), x0 = Math.max(-before, 0);
          padded = tf.slice(padded, [0, y0, x0, 0], [n, ph - y0 - Math.max(-back, 0), pw - x0 - Math.max(-after, 0), channels]);
        }
        return tf.conv2d(padded, flipped, 1, "valid");
      }) as unknown as TF.TensorInfo;
    },
  });
  registerWasmConvFilterGradient(tf); // the filter gradient as one product, the same bits
  registered = true;
}

/** Runs `f` with strided input gradients computed on the zero-spread dy (the first version, the tests' oracle). */
export function withSpreadBackpropInput<T>(f: () => T): T {
  phases = false;
  try {
    return f();
  } finally {
    phases = true;
  }
}

/** {@link withSpreadBackpropInput} for an asynchronous `f` (a whole fit). */
export async function withSpreadBackpropInputWhile<T>(f: () => Promise<T>): Promise<T> {
  phases = false;
  try {
    return await f();
  } finally {
    phases = true;
  }
}

interface HeapBackend {
  makeOutput(shape: number[], dtype: string): TF.TensorInfo;
  typedArrayFromHeap(info: TF.TensorInfo): Float32Array;
}

/**
 * dx of a strided convolution without the zeros: the spread-out dy meets each output pixel y only at the filter
 * taps i with (y + i - front) divisible by the stride, so the outputs of one phase (y mod stride, x mod stride)
 * are a stride-1 correlation of dy itself with those taps of the flipped filter. One convolution per phase, its
 * outputs written into every stride-th pixel of dx: the same products, in the same relative order, as the
 * convolution of the spread dy minus its multiplications by zero (whose sums they do not change), 1/stride² of
 * its work.
 */
function backpropInputByPhase(tf: typeof TF, backend: HeapBackend, dy: TF.Tensor4D, filter: TF.Tensor4D, [h, w]: [number, number],
  [top, left]: [number, number], [sh, sw]: [number, number]): TF.TensorInfo {
  const [n, oh, ow] = dy.shape;
  const [kh, kw, inChannels] = filter.shape;
  const out = backend.makeOutput([n, h, w, inChannels], "float32");
  tf.tidy(() => {
    const outChannels = filter.shape[3];
    backend.typedArrayFromHeap(out).fill(0);
    for (let py = 0; py < Math.min(sh, h); py++) {
      for (let px = 0; px < Math.min(sw, w); px++) {
        const ya = axis(py, kh, top, sh, h, oh);
        const xa = axis(px, kw, left, sw, w, ow);
        if (ya.taps === 0 || xa.taps === 0) continue; // no tap meets dy: zeros
        // The phase's taps of the filter rotated 180° with in/out swapped, [taps y, taps x, out, in], copied on the
        // host (tfjs's wasm Reverse and StridedSlice index every element: ~0.6 ms each for a 3 x 3 x 64 x 32 filter).
        const source = backend.typedArrayFromHeap(filter);
        const tapValues = new Float32Array(ya.taps * xa.taps * outChannels * inChannels);
        for (let m = 0; m < ya.taps; m++) {
          for (let q = 0; q < xa.taps; q++) {
            const [i, j] = [kh - 1 - (ya.first + sh * m), kw - 1 - (xa.first + sw * q)];
            for (let o = 0; o < outChannels; o++) {
              for (let c = 0; c < inChannels; c++) {
                tapValues[((m * xa.taps + q) * outChannels + o) * inChannels + c] = source[((i * kw + j) * inChannels + c) * outChannels + o]!;
              }
            }
          }
        }
        const taps = tf.tensor4d(tapValues, [ya.taps, xa.taps, outChannels, inChannels]);
        // dy rows offset .. offset + count + taps - 2, zeros outside (the convolution's own padding), then a valid
        // correlation: count outputs. A crop only where the phase starts inside dy or ends before its end.
        const [yPad, xPad] = [ya, xa].map((a) => [Math.max(-a.offset, 0), a.offset + a.count + a.taps - 1 - a.inSize]);
        const crop = ya.offset > 0 || xa.offset > 0 || yPad![1]! < 0 || xPad![1]! < 0;
        const input = crop
          ? tf.slice(dy, [0, Math.max(ya.offset, 0), Math.max(xa.offset, 0), 0],
            [n, Math.min(oh, ya.offset + ya.count + ya.taps - 1) - Math.max(ya.offset, 0), Math.min(ow, xa.offset + xa.count + xa.taps - 1) - Math.max(xa.offset, 0), outChannels])
          : dy;
        const padding: [[number, number], [number, number], [number, number], [number, number]] =
          [[0, 0], [yPad![0]!, Math.max(yPad![1]!, 0)], [xPad![0]!, Math.max(xPad![1]!, 0)], [0, 0]];
        const phase = tf.conv2d(input as TF.Tensor4D, taps, 1, padding);
        // Views taken after the allocations above (a growing heap detaches older views).
        const values = backend.typedArrayFromHeap(phase);
        const target = backend.typedArrayFromHeap(out);
        for (let b = 0; b < n; b++) {
          for (let Y = 0; Y < ya.count; Y++) {
            for (let X = 0; X < xa.count; X++) {
              const from = ((b * ya.count + Y) * xa.count + X) * inChannels;
              target.set(values.subarray(from, from + inChannels), ((b * h + py + sh * Y) * w + px + sw * X) * inChannels);
            }
          }
        }
      }
    }
  });
  return out;
}

/**
 * One axis of one phase p (output pixels p, p + s, ...): the first tap (of the flipped filter) that meets dy, how
 * many do, where in dy the phase's first output starts (possibly before 0: padding) and how many outputs it has.
 */
function axis(p: number, k: number, pad: number, s: number, size: number, inSize: number) {
  const front = k - 1 - pad;
  const first = (((front - p) % s) + s) % s;
  const taps = first >= k ? 0 : Math.ceil((k - first) / s);
  return { first, taps, offset: (p + first - front) / s, count: Math.ceil((size - p) / s), inSize };
}

/**
 * The phase form of {@link backpropInputByPhase} (any stride; stride 1 is one phase with every tap) in matmul.c's
 * memory (or in tfjs's heap, src/nn/matmul-memory.ts): dy read once, each phase's taps laid out, its convolution
 * one product (src/nn/wasm-conv2d.ts: the same bits as tfjs's Conv2D on the cropped, padded dy), its rows written
 * into every stride-th pixel of dx. No tfjs kernel runs: no pads, slices or launches per phase.
 */
function backpropInputInModule(simd: MatmulModule, backend: WasmBackend, dy: TF.TensorInfo, filter: TF.TensorInfo,
  [h, w]: [number, number], [top, left]: [number, number], [sh, sw]: [number, number]): TF.TensorInfo {
  const [n, oh, ow, outChannels] = dy.shape as [number, number, number, number];
  const [kh, kw, inChannels] = filter.shape as [number, number, number, number];
  const memory = new ModuleMemory(simd);
  const dyAt = memory.input(backend, dy);
  const filterAt = memory.input(backend, filter);
  const dx = memory.output(backend, [n, h, w, inChannels]);
  // Pixels of a phase no tap meets stay zero; when every phase has taps, every pixel is written.
  const phases = Array.from({ length: Math.min(sh, h) * Math.min(sw, w) }, (_, p) =>
    [axis(Math.floor(p / Math.min(sw, w)), kh, top, sh, h, oh), axis(p % Math.min(sw, w), kw, left, sw, w, ow)] as const);
  if (phases.some(([ya, xa]) => ya.taps === 0 || xa.taps === 0) || sh > h || sw > w) simd.fill_zeros(dx.at, dx.floats);
  for (let py = 0; py < Math.min(sh, h); py++) {
    for (let px = 0; px < Math.min(sw, w); px++) {
      const ya = axis(py, kh, top, sh, h, oh);
      const xa = axis(px, kw, left, sw, w, ow);
      if (ya.taps === 0 || xa.taps === 0) continue; // no tap meets dy: zeros
      // The phase's taps of the filter rotated 180° with in/out swapped: [taps y, taps x, out, in].
      const [tapsAt] = memory.take(ya.taps * xa.taps * outChannels * inChannels);
      simd.phase_taps(kh, kw, inChannels, outChannels, ya.first, ya.taps, sh, xa.first, xa.taps, sw, filterAt, tapsAt!);
      // A stride-1 correlation of dy with the taps: output (Y, X) reads dy rows offset + Y + m (zeros outside dy),
      // and goes to dx's pixel (py + sh Y, px + sw X).
      convolve(simd, memory, {
        n, h: oh, w: ow, c: outChannels, kh: ya.taps, kw: xa.taps, outChannels: inChannels, oh: ya.count, ow: xa.count,
        sh: 1, sw: 1, top: -ya.offset, left: -xa.offset,
      }, dyAt, tapsAt!, 0, { at: dx.at, h, w, py, px, sy: sh, sx: sw });
    }
  }
  return memory.finish(backend, dx);
}

/** TensorFlow's "same" padding [before, after] of one axis. */
function samePadding(size: number, outSize: number, kernel: number, stride: number): [number, number] {
  const total = Math.max((outSize - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}
