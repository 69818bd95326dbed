// Our wasm MaxPoolGrad (src/nn/wasm-max-pool-grad.ts) against tfjs-backend-wasm's own kernel, bit for bit
// (Object.is): random inputs, ties, windows whose values are all below FLT_MIN (zeros, negatives, denormals),
// NaN in the input, non-finite and signed-zero gradients, "same" / "valid" / numeric padding, strides below, at
// and above the window, and the 1-D convolutional autoencoder's poolings; then a seeded Conv1dAutoencoder fit.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import { Conv1dAutoencoderDetector } from "../src/nn/conv1d-autoencoder";
import { useBackend } from "../src/nn/tf";
import { withTfjsMaxPoolGrad } from "../src/nn/wasm-max-pool-grad";
import { RandomState } from "../src/random/random-state";
import { withKernelRegistered } from "./helpers/kernel-swap";
import { trainingRecord } from "./helpers/training-record";

type Shape4 = [number, number, number, number];
interface PoolCase {
  shape: Shape4;
  filterSize: [number, number];
  strides: [number, number];
  pad: "same" | "valid" | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

const CASES: PoolCase[] = [
  // The conv1d AE's two poolings (MaxPooling1D(2) runs as a [2, 1] pooling of [n, steps, 1, channels]).
  { shape: [64, 140, 1, 8], filterSize: [2, 1], strides: [2, 1], pad: "valid" },
  { shape: [64, 70, 1, 4], filterSize: [2, 1], strides: [2, 1], pad: "valid" },
  { shape: [3, 7, 1, 2], filterSize: [2, 1], strides: [2, 1], pad: "same" },
  // Overlapping windows (a pixel summed from several dy), strides above the window, odd sizes.
  { shape: [2, 6, 5, 3], filterSize: [3, 3], strides: [1, 1], pad: "same" },
  { shape: [2, 6, 5, 6], filterSize: [3, 2], strides: [1, 2], pad: "same" },
  { shape: [2, 7, 6, 2], filterSize: [3, 3], strides: [2, 2], pad: "same" },
  { shape: [2, 7, 7, 2], filterSize: [2, 3], strides: [2, 1], pad: "valid" },
  { shape: [1, 9, 8, 3], filterSize: [2, 2], strides: [3, 3], pad: "valid" },
  { shape: [2, 5, 5, 1], filterSize: [3, 3], strides: [2, 2], pad: 1, dimRoundingMode: "ceil" },
  { shape: [2, 1, 1, 3], filterSize: [2, 2], strides: [2, 2], pad: "same" },
];

/** How the input's values are drawn: each a case the kernel must reproduce. */
const INPUTS: Record<string, (random: RandomState, size: number) => Float32Array> = {
  normal: (random, size) => Float32Array.from(random.standardNormal(size)),
  "ties (values in {-1, 0, 1, 2})": (random, size) =>
    Float32Array.from(random.standardNormal(size), (v) => Math.max(-1, Math.min(2, Math.round(v)))),
  "all zero (a ReLU's dead units)": (_random, size) => new Float32Array(size),
  "all negative": (random, size) => Float32Array.from(random.standardNormal(size), (v) => -1 - Math.abs(v)),
  "denormals, FLT_MIN and zeros": (random, size) =>
    Float32Array.from(random.standardNormal(size), (v) => [1e-40, 1.1754943508222875e-38, 0, -0, -1e-39][Math.floor(Math.abs(v) * 3) % 5]!),
  "NaN among them": (random, size) => Float32Array.from(random.standardNormal(size), (v) => (Math.abs(v) > 1.5 ? NaN : v)),
};

/** dy: normal, or with ±Infinity, NaN and -0 in it. */
function gradient(random: RandomState, size: number, special: boolean): Float32Array {
  const values = Float32Array.from(random.standardNormal(size));
  if (special) for (let i = 0; i < size; i += 5) values[i] = [Infinity, -0, NaN, -Infinity, 0][(i / 5) % 5]!;
  return values;
}

function assertSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: ${actual[i]} (ours) vs ${expected[i]} (tfjs)`);
  }
}

function maxPoolGrad(tf: typeof TF, dy: TF.Tensor, x: TF.Tensor, output: TF.Tensor, c: PoolCase): TF.Tensor {
  const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad, dimRoundingMode: c.dimRoundingMode };
  return tf.engine().runKernel("MaxPoolGrad", { dy, input: x, output }, attrs as unknown as TF.NamedAttrMap) as TF.Tensor;
}

describe("MaxPoolGrad on wasm (src/nn/wasm-max-pool-grad.ts)", () => {
  it("is registered over tfjs-backend-wasm's MaxPoolGrad and gives its dx bit for bit (Object.is) for every input kind, padding and stride", async () => {
    const { tf } = await useBackend("wasm");
    const ours = tf.getKernel("MaxPoolGrad", "wasm");
    assert.notEqual(withTfjsMaxPoolGrad(tf, () => tf.getKernel("MaxPoolGrad", "wasm")), ours, "ours is registered over tfjs's");
    const random = new RandomState(27);
    const before = tf.memory().numTensors;
    for (const c of CASES) {
      for (const [kind, draw] of Object.entries(INPUTS)) {
        for (const special of [false, true]) {
          const x = tf.tensor4d(draw(random, c.shape.reduce((a, b) => a * b, 1)), c.shape);
          const y = tf.maxPool(x, c.filterSize, c.strides, c.pad, c.dimRoundingMode);
          const dy = tf.tensor(gradient(random, y.size, special), y.shape);
          const fast = maxPoolGrad(tf, dy, x, y, c);
          const tfjs = withTfjsMaxPoolGrad(tf, () => maxPoolGrad(tf, dy, x, y, c));
          assert.deepEqual(fast.shape, c.shape);
          const dyKind = special ? ", dy with ±Infinity, NaN, -0" : "";
          const what = `[${c.shape}] pool [${c.filterSize}] stride [${c.strides}] pad ${c.pad}, ${kind}${dyKind}`;
          assertSameBits(fast.dataSync(), tfjs.dataSync(), what);
          [x, y, dy, fast, tfjs].forEach((t) => t.dispose());
        }
      }
    }
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  });

  it("trains the seeded 1-D convolutional autoencoder to the same losses and scores (Object.is) as with tfjs's MaxPoolGrad", async () => {
    const { tf } = await useBackend("wasm");
    const random = new RandomState(6);
    const X = Array.from({ length: 96 }, () => Array.from(random.uniform(0, 1, 32)));
    const fit = async () => {
      const detector = new Conv1dAutoencoderDetector({ filters: [8, 4], kernelSize: 7, codeSize: 16, outputActivation: "sigmoid",
        loss: "mae", epochs: 2, batchSize: 16, validationSplit: 0.1, seed: 3, backend: "wasm", progress: false });
      return trainingRecord(detector, X);
    };
    const before = tf.memory().numTensors;
    const fast = await fit();
    // tfjs's kernel in place for the whole (asynchronous) fit, ours put back after it.
    const theirs = withTfjsMaxPoolGrad(tf, () => tf.getKernel("MaxPoolGrad", "wasm"))!;
    const tfjs = await withKernelRegistered(tf, theirs, fit);
    assertSameBits(fast.loss, tfjs.loss, "training and validation losses");
    assertSameBits(fast.scores, tfjs.scores, "training scores");
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  });
});
