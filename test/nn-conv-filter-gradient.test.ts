// The filter gradient as one im2colᵀ·dy product (src/nn/wasm-conv-filter-gradient.ts) against the convolution
// form it replaces (src/nn/wasm-conv-gradients.ts, XNNPACK's convolution with dy as the filter), bit for bit
// (Object.is): the conv2d and conv1d autoencoders' shapes, strides 1 to 3, "same" and "valid", kernels 1 to 7,
// 1 to 64 output channels;
// then a seeded ConvAutoencoderDetector fit, and no tensor left behind; then the same bits on 2 threads
// (ANOMALY_LAB_WASM_THREADS=2, a fresh process), rows split or all on the worker.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import { ConvAutoencoderDetector } from "../src/nn/conv-autoencoder";
import { useBackend } from "../src/nn/tf";
import { withConvolutionFilterGradient } from "../src/nn/wasm-conv-filter-gradient";
import { registerWasmConvGradients } from "../src/nn/wasm-conv-gradients";
import { RandomState } from "../src/random/random-state";
import { withKernelRegistered } from "./helpers/kernel-swap";
import { trainingRecord } from "./helpers/training-record";

type Shape4 = [number, number, number, number];
interface FilterCase {
  x: Shape4;
  filter: Shape4;
  strides: [number, number];
  pad: "same" | "valid";
}

const CASES: FilterCase[] = [
  // The conv2d AE (notebooks/09, batch 32): encoder convolutions, then the decoder's transposed ones (x and dy swap).
  { x: [32, 28, 28, 1], filter: [3, 3, 1, 32], strides: [2, 2], pad: "same" },
  { x: [32, 14, 14, 32], filter: [3, 3, 32, 64], strides: [2, 2], pad: "same" },
  { x: [32, 14, 14, 64], filter: [3, 3, 64, 64], strides: [2, 2], pad: "same" },
  { x: [32, 28, 28, 32], filter: [3, 3, 32, 64], strides: [2, 2], pad: "same" },
  { x: [32, 28, 28, 1], filter: [3, 3, 1, 32], strides: [1, 1], pad: "same" },
  // Conv1D's form (a [1, k] convolution of [n, 1, steps, channels]), odd sizes, valid padding, strides up to 3,
  // kernels 1 to 5, output channels not a multiple of 4 or 8.
  { x: [64, 1, 140, 1], filter: [1, 7, 1, 16], strides: [1, 1], pad: "same" },
  { x: [3, 9, 8, 2], filter: [5, 5, 2, 16], strides: [3, 2], pad: "same" },
  { x: [2, 9, 7, 3], filter: [3, 2, 3, 17], strides: [2, 3], pad: "valid" },
  { x: [2, 5, 5, 3], filter: [1, 1, 3, 18], strides: [1, 1], pad: "valid" },
  { x: [1, 6, 6, 2], filter: [4, 4, 2, 21], strides: [1, 1], pad: "same" },
  // Few rows of dW (at most 12: dy read in place, no panels): tiles of 2 and 3 rows.
  { x: [3, 6, 5, 2], filter: [3, 1, 2, 16], strides: [1, 1], pad: "same" },
  { x: [4, 7, 6, 1], filter: [1, 3, 1, 24], strides: [2, 1], pad: "valid" },
  // Samples and channels that are not multiples of 4 (x's samples go innermost four by four channels at a time).
  { x: [6, 5, 7, 6], filter: [3, 3, 6, 16], strides: [1, 2], pad: "same" },
  // The conv1d AE's (notebooks/06, filters 8-4, kernel 7, batch 64): 1 to 8 output channels, a tile part empty.
  { x: [64, 1, 140, 1], filter: [1, 7, 1, 8], strides: [1, 1], pad: "same" },
  { x: [64, 1, 70, 8], filter: [1, 7, 8, 4], strides: [1, 1], pad: "same" },
  { x: [64, 1, 35, 4], filter: [1, 7, 4, 4], strides: [1, 1], pad: "same" },
  { x: [64, 1, 70, 4], filter: [1, 7, 4, 8], strides: [1, 1], pad: "same" },
  { x: [64, 1, 140, 8], filter: [1, 7, 8, 1], strides: [1, 1], pad: "same" },
  // Odd counts below 8: few rows (3), and more rows with strides and valid padding.
  { x: [3, 6, 5, 1], filter: [3, 1, 1, 3], strides: [1, 1], pad: "same" },
  { x: [5, 7, 6, 3], filter: [3, 3, 3, 5], strides: [2, 1], pad: "valid" },
];

function assertSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: ${actual[i]} (product) vs ${expected[i]} (convolution)`);
  }
}

/** The conv2d AE's filter gradients (CASES 0-3) with seeded inputs: a SHA-256 of the product's bits, per case. */
const GRADIENTS_SCRIPT = `
const { useBackend } = require("./src/nn/tf");
const { registerWasmConvGradients } = require("./src/nn/wasm-conv-gradients");
const { matmulThreads } = require("./src/nn/matmul-threads");
const { RandomState } = require("./src/random/random-state");
const CASES = ${JSON.stringify(CASES.slice(0, 4))};
useBackend("wasm").then(({ tf, info }) => {
  registerWasmConvGradients(tf);
  const random = new RandomState(11);
  const hex = (t) => require("node:crypto").createHash("sha256").update(new Float32Array(t.dataSync())).digest("hex");
  const runs = { split: [], workerOnly: [] };
  for (const c of CASES) {
    const x = tf.tensor4d(Float32Array.from(random.standardNormal(c.x.reduce((a, b) => a * b, 1))), c.x);
    const outShape = tf.tidy(() => tf.conv2d(x, tf.zeros(c.filter), c.strides, c.pad).shape);
    const dy = tf.tensor4d(Float32Array.from(random.standardNormal(outShape.reduce((a, b) => a * b, 1))), outShape);
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", filterShape: c.filter };
    const run = () => tf.tidy(() => hex(tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, attrs)));
    runs.split.push(run());
    const threads = matmulThreads();
    if (threads !== undefined) {
      threads.workersOnly = true;
      runs.workerOnly.push(run());
      threads.workersOnly = false;
    }
    x.dispose();
    dy.dispose();
  }
  const threads = matmulThreads();
  console.log(JSON.stringify({ summary: info.summary, ...runs, rows: threads ? threads.rowsComputed() : [] }));
});`;

function gradientsInFreshProcess(threads: string): { summary: string; split: string[]; workerOnly: string[]; rows: number[] } {
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", GRADIENTS_SCRIPT], {
    env: { ...process.env, ANOMALY_LAB_TF_BACKEND: "", ANOMALY_LAB_TFJS_WASM_THREADS: "", ANOMALY_LAB_WASM_THREADS: threads },
    encoding: "utf8",
    cwd: path.resolve(__dirname, ".."),
    timeout: 300_000,
  });
  return JSON.parse(out.trim().split("\n").at(-1) ?? "");
}

describe("Conv2DBackpropFilter on wasm as an im2col product (src/nn/wasm-conv-filter-gradient.ts)", () => {
  it("is registered over the convolution form, takes the product at every shape (no tfjs kernel inside: 1 to 64 output channels) and gives its filter gradient bit for bit (Object.is)", async () => {
    const { tf } = await useBackend("wasm");
    registerWasmConvGradients(tf);
    const ours = tf.getKernel("Conv2DBackpropFilter", "wasm");
    assert.notEqual(withConvolutionFilterGradient(tf, () => tf.getKernel("Conv2DBackpropFilter", "wasm")), ours, "the product is registered over the convolution");
    const random = new RandomState(9);
    const before = tf.memory().numTensors;
    for (const c of CASES) {
      const x = tf.tensor4d(Float32Array.from(random.standardNormal(c.x.reduce((a, b) => a * b, 1)), (v) => Math.max(v, 0)), c.x);
      const outShape = tf.tidy(() => tf.conv2d(x, tf.zeros(c.filter) as TF.Tensor4D, c.strides, c.pad).shape);
      const dy = tf.tensor4d(Float32Array.from(random.standardNormal(outShape.reduce((a, b) => a * b, 1))), outShape);
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", filterShape: c.filter } as unknown as TF.NamedAttrMap;
      const run = () => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, attrs) as TF.Tensor;
      let fast: TF.Tensor | undefined;
      const profile = await tf.profile(() => {
        fast = run();
        return fast;
      });
      // The convolution form launches pads, transposes, a conv2d and a slice inside the kernel.
      assert.deepEqual(profile.kernels.map((k) => k.name), ["Conv2DBackpropFilter"], `filter [${c.filter}]: the product, no kernel inside`);
      const convolution = withConvolutionFilterGradient(tf, run);
      assert.deepEqual(fast!.shape, c.filter);
      assertSameBits(fast!.dataSync(), convolution.dataSync(), `x [${c.x}] filter [${c.filter}] stride [${c.strides}] ${c.pad}`);
      [x, dy, fast!, convolution].forEach((t) => t.dispose());
    }
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  });

  it("trains the seeded strided ConvAutoencoderDetector to the same losses and scores (Object.is) as with the convolution form", async () => {
    const { tf } = await useBackend("wasm");
    registerWasmConvGradients(tf);
    const random = new RandomState(5);
    const X = Array.from({ length: 48 }, () => Array.from(random.uniform(0, 1, 16 * 16)));
    const fit = async () => {
      const detector = new ConvAutoencoderDetector({ imageShape: [16, 16, 1], filters: [16, 32], latentDim: 4, architecture: "strided", epochs: 2,
        batchSize: 16, seed: 2, backend: "wasm", progress: false });
      return trainingRecord(detector, X);
    };
    const before = tf.memory().numTensors;
    const fast = await fit();
    // The convolution form in place for the whole (asynchronous) fit, the product put back after it.
    const convolution = withConvolutionFilterGradient(tf, () => tf.getKernel("Conv2DBackpropFilter", "wasm"))!;
    const slow = await withKernelRegistered(tf, convolution, fit);
    assertSameBits(fast.loss, slow.loss, "training losses");
    assertSameBits(fast.scores, slow.scores, "training scores");
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  });
});

describe("Conv2DBackpropFilter's product on 2 threads (ANOMALY_LAB_WASM_THREADS=2)", () => {
  it("gives the conv2d AE's filter gradients with the bits of 1 thread (rows split, and all rows on the worker)", () => {
    const one = gradientsInFreshProcess("1");
    const two = gradientsInFreshProcess("2");
    assert.match(two.summary, /products on 2 threads/);
    assert.equal(one.split.length, 4);
    for (let i = 0; i < one.split.length; i++) {
      const what = `x [${CASES[i]!.x}] filter [${CASES[i]!.filter}]`;
      assert.ok(two.split[i] === one.split[i], `${what}: 2 threads (rows split) differ from 1 thread`);
      assert.ok(two.workerOnly[i] === one.split[i], `${what}: 2 threads (every row on the worker) differ from 1 thread`);
    }
    assert.ok(two.rows[1]! > 0, `the worker computed rows of the filter gradients: ${two.rows}`);
  });
});
