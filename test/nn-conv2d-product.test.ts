// Convolutions on wasm as im2col products (src/nn/wasm-conv2d.ts) against tfjs-backend-wasm's own Conv2D and
// FusedConv2D (XNNPACK), bit for bit (Object.is): the notebooks' shapes, paddings "same" / "valid" / numeric /
// explicit, strides 1 to 3, 1 x 1 and 1-D filters, a bias (-0 included), special values; the input gradient's
// phases (Conv2DBackpropInput) in matmul.c's memory against the spread-out form on tfjs's Conv2D; the products on
// the worker thread; and a seeded conv2d autoencoder trained with ours and with tfjs's kernels.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import { ConvAutoencoderDetector } from "../src/nn/conv-autoencoder";
import { matmulThreads } from "../src/nn/matmul-threads";
import { useBackend } from "../src/nn/tf";
import { registerWasmConvGradients, withSpreadBackpropInput } from "../src/nn/wasm-conv-gradients";
import { convolutionMultiplyAdds, MIN_PRODUCT_FLOPS, withEveryConvolutionAsProduct, withTfjsConv2d } from "../src/nn/wasm-conv2d";
import { RandomState } from "../src/random/random-state";
import { withKernelRegistered } from "./helpers/kernel-swap";
import { trainingRecord } from "./helpers/training-record";

type Shape4 = [number, number, number, number];
interface ConvCase {
  x: Shape4;
  filter: Shape4;
  strides: [number, number];
  pad: "same" | "valid" | number | TF.backend_util.ExplicitPadding;
}

const CASES: ConvCase[] = [
  // The conv2d AE's encoder (notebook 09) and the input gradients of its transposed convolutions.
  { x: [4, 28, 28, 1], filter: [3, 3, 1, 32], strides: [2, 2], pad: "same" },
  { x: [3, 14, 14, 32], filter: [3, 3, 32, 64], strides: [2, 2], pad: "same" },
  { x: [2, 28, 28, 32], filter: [3, 3, 32, 1], strides: [1, 1], pad: "same" },
  // The conv1d AE (notebook 06: Conv1D runs as a [k, 1] filter over [n, steps, 1, channels]).
  { x: [5, 140, 1, 1], filter: [7, 1, 1, 8], strides: [1, 1], pad: "same" },
  { x: [5, 70, 1, 8], filter: [7, 1, 8, 4], strides: [1, 1], pad: "same" },
  // Other paddings and strides, odd sizes, a 1 x 1 filter, a filter as large as the input.
  { x: [2, 9, 7, 5], filter: [3, 2, 5, 7], strides: [3, 2], pad: "valid" },
  { x: [2, 8, 9, 3], filter: [4, 4, 3, 9], strides: [2, 3], pad: 1 },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 1 },
  { x: [1, 6, 5, 4], filter: [3, 3, 4, 6], strides: [1, 1], pad: [[0, 0], [2, 0], [1, 3], [0, 0]] },
  { x: [3, 5, 5, 6], filter: [1, 1, 6, 13], strides: [1, 1], pad: "valid" },
  { x: [2, 4, 4, 3], filter: [4, 4, 3, 5], strides: [1, 1], pad: "valid" },
  { x: [2, 3, 3, 2], filter: [5, 5, 2, 3], strides: [2, 2], pad: "same" },
  // One output channel (the product transposed: pixels in the lanes), a pixel count not a multiple of 4.
  { x: [3, 9, 11, 5], filter: [3, 3, 5, 1], strides: [2, 1], pad: "same" },
  // One output channel at stride 1 (x laid out as planes, four pixels by four channels at a time): channels and
  // widths that are not multiples of 4, "valid" padding (the planes start inside x).
  { x: [2, 7, 11, 6], filter: [3, 3, 6, 1], strides: [1, 1], pad: "same" },
  { x: [3, 9, 10, 7], filter: [3, 2, 7, 1], strides: [1, 1], pad: "valid" },
  { x: [2, 6, 9, 3], filter: [2, 4, 3, 1], strides: [1, 1], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
];

/** x's values: normal, or with NaN, ±Infinity, -0 and denormals among them. */
function values(random: RandomState, size: number, special: boolean): Float32Array {
  const out = Float32Array.from(random.standardNormal(size));
  if (special) for (let i = 0; i < size; i += 7) out[i] = [NaN, Infinity, -0, 1e-40, -Infinity, 0, -1e-39][(i / 7) % 7]!;
  return out;
}

function assertSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: ${actual[i]} (ours) vs ${expected[i]} (tfjs)`);
  }
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Whether a numeric padding's output stays within the padded input (else tfjs-backend-wasm's kernel is wrong). */
function fitsPadding(c: ConvCase, out: Shape4): boolean {
  const p = c.pad as number;
  return (out[1] - 1) * c.strides[0] + c.filter[0] <= c.x[1] + 2 * p && (out[2] - 1) * c.strides[1] + c.filter[1] <= c.x[2] + 2 * p;
}

/** The convolution summed directly in float64 (zeros outside x; numeric padding p before each axis). */
function direct(x: Float32Array, filter: Float32Array, c: ConvCase, out: Shape4): Float64Array {
  const [, h, w, ci] = c.x;
  const [kh, kw, , co] = c.filter;
  const p = c.pad as number;
  const result = new Float64Array(size(out));
  for (let b = 0; b < out[0]; b++) for (let y = 0; y < out[1]; y++) for (let xo = 0; xo < out[2]; xo++) for (let o = 0; o < co; o++) {
    let sum = 0;
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let ch = 0; ch < ci; ch++) {
      const [yy, xx] = [y * c.strides[0] + i - p, xo * c.strides[1] + j - p];
      if (yy >= 0 && yy < h && xx >= 0 && xx < w) sum += x[((b * h + yy) * w + xx) * ci + ch]! * filter[((i * kw + j) * ci + ch) * co + o]!;
    }
    result[((b * out[1] + y) * out[2] + xo) * co + o] = sum;
  }
  return result;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const [a, e] = [actual[i]!, expected[i]!];
    const close = Number.isFinite(e) ? Math.abs(a - e) <= 1e-5 * (1 + Math.abs(e)) : Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e));
    assert.ok(close, `${what}[${i}]: ${a} (ours) vs ${e}`);
  }
}

describe("Conv2D and FusedConv2D on wasm as im2col products (src/nn/wasm-conv2d.ts)", () => {
  it("are registered over tfjs's kernels and give Conv2D's output bit for bit (Object.is) at every shape and padding (direct float64 sums to 1e-5 where tfjs's own numeric padding is wrong)", async () => {
    const { tf } = await useBackend("wasm");
    assert.notEqual(withTfjsConv2d(tf, () => tf.getKernel("Conv2D", "wasm")), tf.getKernel("Conv2D", "wasm"), "ours is registered over tfjs's");
    const random = new RandomState(3);
    const before = tf.memory().numTensors;
    for (const c of CASES) {
      for (const special of [false, true]) {
        const x = tf.tensor4d(values(random, size(c.x), special), c.x);
        const filter = tf.tensor4d(values(random, size(c.filter), false), c.filter);
        const run = () => tf.conv2d(x, filter, c.strides, c.pad);
        const work = convolutionMultiplyAdds();
        const ours = withEveryConvolutionAsProduct(run);
        assert.ok(convolutionMultiplyAdds() > work, "the product form ran");
        const tfjs = withTfjsConv2d(tf, run);
        assert.deepEqual(ours.shape, tfjs.shape);
        if (typeof c.pad === "number" && !fitsPadding(c, ours.shape as Shape4)) {
          // tfjs's output reaches past the numeric padding: tfjs-backend-wasm's XNNPACK then computes a narrower
          // output than the shape it returns (wrong values); ours reads zeros there, as tfjs's cpu kernel does.
          assertClose(ours.dataSync(), direct(x.dataSync() as Float32Array, filter.dataSync() as Float32Array, c, ours.shape as Shape4), `${JSON.stringify(c)}, direct sums`);
          [x, filter, ours, tfjs].forEach((t) => t.dispose());
          continue;
        }
        assertSameBits(ours.dataSync(), tfjs.dataSync(), `x [${c.x}] filter [${c.filter}] strides [${c.strides}] pad ${JSON.stringify(c.pad)}${special ? ", special values" : ""}`);
        [x, filter, ours, tfjs].forEach((t) => t.dispose());
      }
    }
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  });

  it("give FusedConv2D's output with a bias bit for bit: each sum starts from the bias (not the bias added after), -0 included", async () => {
    const { tf } = await useBackend("wasm");
    const random = new RandomState(4);
    let differs = 0; // outputs where adding the bias after the sum would round otherwise
    for (const c of CASES.filter((k) => typeof k.pad !== "number")) {
      const outChannels = c.filter[3];
      const x = tf.tensor4d(values(random, size(c.x), false), c.x);
      const filter = tf.tensor4d(values(random, size(c.filter), false), c.filter);
      const bias = tf.tensor1d(Float32Array.from({ length: outChannels }, (_, i) => (i % 3 === 1 ? -0 : 10 * random.standardNormal(1)[0]!)));
      const run = () => tf.fused.conv2d({ x, filter, strides: c.strides, pad: c.pad, bias });
      const ours = withEveryConvolutionAsProduct(run);
      const tfjs = withTfjsConv2d(tf, run);
      assertSameBits(ours.dataSync(), tfjs.dataSync(), `fused, bias, x [${c.x}] filter [${c.filter}]`);
      const after = tf.add(tf.conv2d(x, filter, c.strides, c.pad), bias);
      differs += Array.from(after.dataSync()).filter((v, i) => !Object.is(v, ours.dataSync()[i])).length;
      [x, filter, bias, ours, tfjs, after].forEach((t) => t.dispose());
    }
    assert.ok(differs > 1000, `the bias added after the sum gives other bits in ${differs} outputs: the order matters`);
  });

  it("leave FusedConv2D with an activation to tfjs (its output unchanged, no product run)", async () => {
    const { tf } = await useBackend("wasm");
    const random = new RandomState(5);
    const x = tf.tensor4d(values(random, 2 * 9 * 9 * 4, false), [2, 9, 9, 4]);
    const filter = tf.tensor4d(values(random, 3 * 3 * 4 * 8, false), [3, 3, 4, 8]);
    const bias = tf.tensor1d(values(random, 8, false));
    const run = () => tf.fused.conv2d({ x, filter, strides: 1, pad: "same", bias, activation: "relu" });
    const work = convolutionMultiplyAdds();
    const ours = withEveryConvolutionAsProduct(run);
    assert.equal(convolutionMultiplyAdds(), work, "no product ran");
    assertSameBits(ours.dataSync(), withTfjsConv2d(tf, run).dataSync(), "fused relu");
  });

  it("leave convolutions under 2^22 FLOPs with more than one output channel to tfjs (the Conv1D autoencoder's), larger ones not", async () => {
    const { tf } = await useBackend("wasm");
    const ran = (x: Shape4, filter: Shape4) => {
      const work = convolutionMultiplyAdds();
      tf.tidy(() => tf.conv2d(tf.ones(x) as TF.Tensor4D, tf.ones(filter) as TF.Tensor4D, 1, "same"));
      return convolutionMultiplyAdds() > work;
    };
    assert.equal(2 * 64 * 140 * 7 * 8 < MIN_PRODUCT_FLOPS, true);
    assert.equal(ran([64, 140, 1, 1], [7, 1, 1, 8]), false, "64 x 140 steps, 1 -> 8 channels: tfjs's kernel");
    assert.equal(ran([64, 140, 1, 8], [7, 1, 8, 1]), true, "one output channel: ours");
    assert.equal(ran([32, 14, 14, 64], [3, 3, 64, 32]), true, "the conv2d AE's: ours");
  });
});

describe("Conv2DBackpropInput's phases as products in matmul.c's memory", () => {
  const cases = [
    { dy: [2, 7, 7, 32] as Shape4, filter: [3, 3, 16, 32] as Shape4, strides: [2, 2] as [number, number], pad: "same" as const },
    { dy: [2, 14, 14, 64] as Shape4, filter: [3, 3, 32, 64] as Shape4, strides: [2, 2] as [number, number], pad: "same" as const },
    { dy: [2, 28, 28, 1] as Shape4, filter: [3, 3, 32, 1] as Shape4, strides: [1, 1] as [number, number], pad: "same" as const },
    { dy: [3, 70, 1, 4] as Shape4, filter: [7, 1, 8, 4] as Shape4, strides: [1, 1] as [number, number], pad: "same" as const },
    { dy: [1, 4, 3, 5] as Shape4, filter: [5, 3, 2, 5] as Shape4, strides: [3, 2] as [number, number], pad: "valid" as const },
    { dy: [2, 5, 4, 3] as Shape4, filter: [2, 4, 3, 3] as Shape4, strides: [3, 3] as [number, number], pad: "same" as const },
    // One input channel (the first convolution's dx): every phase has one output channel.
    { dy: [2, 14, 14, 32] as Shape4, filter: [3, 3, 1, 32] as Shape4, strides: [2, 2] as [number, number], pad: "same" as const },
    { dy: [2, 6, 5, 4] as Shape4, filter: [4, 3, 1, 4] as Shape4, strides: [3, 2] as [number, number], pad: "valid" as const },
    { dy: [2, 9, 9, 8] as Shape4, filter: [3, 3, 1, 8] as Shape4, strides: [1, 1] as [number, number], pad: "valid" as const },
  ];
  it("give conv2dTranspose's output bit for bit as the spread-out dy convolved by tfjs's Conv2D, strides 1 to 3", async () => {
    const { tf } = await useBackend("wasm");
    registerWasmConvGradients(tf);
    const random = new RandomState(6);
    const before = tf.memory().numTensors;
    for (const c of cases) {
      const dy = tf.tensor4d(values(random, size(c.dy), false), c.dy);
      const filter = tf.tensor4d(values(random, size(c.filter), false), c.filter);
      const out = (s: number, k: number, st: number) => (c.pad === "same" ? s * st : (s - 1) * st + k);
      const shape: Shape4 = [c.dy[0], out(c.dy[1], c.filter[0], c.strides[0]), out(c.dy[2], c.filter[1], c.strides[1]), c.filter[2]];
      const run = () => tf.conv2dTranspose(dy, filter, shape, c.strides, c.pad);
      const work = convolutionMultiplyAdds();
      const ours = run();
      assert.ok(convolutionMultiplyAdds() > work, "the phases ran as products");
      const spread = withTfjsConv2d(tf, () => withSpreadBackpropInput(run));
      assertSameBits(ours.dataSync(), spread.dataSync(), `conv2dTranspose dy [${c.dy}] filter [${c.filter}] strides [${c.strides}] ${c.pad}`);
      [dy, filter, ours, spread].forEach((t) => t.dispose());
    }
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  });
});

describe("convolutions on the products' threads", () => {
  it("run part of five large convolutions' rows on the worker when the products run on 2 threads, with the bits of tfjs's Conv2D", async () => {
    const { tf, info } = await useBackend("wasm");
    const pool = matmulThreads();
    if (pool === undefined || pool.threads < 2) {
      assert.doesNotMatch(info.summary, /products on [2-9] threads/, "threads announced but not running");
      return;
    }
    const x = tf.randomNormal([16, 28, 28, 32], 0, 1, "float32", 1) as TF.Tensor4D;
    const filter = tf.randomNormal([3, 3, 32, 64], 0, 1, "float32", 2) as TF.Tensor4D;
    // A worker can wake late (the main thread then computes every row); over five convolutions it takes part.
    const workerRows = pool.rowsComputed()[1]!;
    for (let i = 0; i < 4; i++) tf.conv2d(x, filter, 2, "same").dispose();
    const ours = tf.conv2d(x, filter, 2, "same");
    assert.ok(pool.rowsComputed()[1]! > workerRows, `the worker computed rows: ${pool.rowsComputed()}`);
    assertSameBits(ours.dataSync(), withTfjsConv2d(tf, () => tf.conv2d(x, filter, 2, "same")).dataSync(), "2 threads");
    tf.dispose([x, filter, ours]);
  });
});

describe("the strided conv2d autoencoder with the product convolutions", () => {
  it("trains, seeded, to the same losses and scores (Object.is) as with tfjs's Conv2D, FusedConv2D and phase convolutions", async () => {
    const { tf } = await useBackend("wasm");
    registerWasmConvGradients(tf);
    const random = new RandomState(5);
    const X = Array.from({ length: 64 }, () => Array.from(random.uniform(0, 1, 28 * 28)));
    const fit = async () => {
      // The notebook's network (28 x 28 images, filters 32 and 64, batch 32): its larger convolutions are products.
      const detector = new ConvAutoencoderDetector({ imageShape: [28, 28, 1], filters: [32, 64], latentDim: 16, epochs: 2, batchSize: 32,
        seed: 2, backend: "wasm", progress: false });
      return trainingRecord(detector, X);
    };
    const before = tf.memory().numTensors;
    const work = convolutionMultiplyAdds();
    const ours = await fit();
    assert.ok(convolutionMultiplyAdds() > work, "the product form ran");
    // tfjs's kernels in place for the whole (asynchronous) fit; with them, the input gradient's phases run
    // through tf.conv2d (the form before the products).
    const [conv, fused] = withTfjsConv2d(tf, () => [tf.getKernel("Conv2D", "wasm")!, tf.getKernel("FusedConv2D", "wasm")!]);
    const tfjs = await withKernelRegistered(tf, conv!, () => withKernelRegistered(tf, fused!, fit));
    assertSameBits(ours.loss, tfjs.loss, "training losses");
    assertSameBits(ours.scores, tfjs.scores, "training scores");
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  });
});
