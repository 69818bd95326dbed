// The autoencoders' training steps without tfjs's gradient tape (src/nn/tapeless-step.ts) against the tape over the
// same fused kernels: the same losses, validation losses, weights and scores bit for bit (Object.is) on wasm and cpu;
// dense: every activation, MSE and MAE, a short last batch; conv2d: the strided network at the notebook's filters and
// with the filter gradients in the convolution form (tfjs ops inside the kernel: tensors of the engine); no launch per
// step where the tape made 34 (dense) and ~50 (conv2d); the tape where penalties, pooling or batch normalisation
// apply; no tensor and no backend buffer left behind.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Activation } from "../src/nn/activations";
import { AutoencoderDetector, type AutoencoderOptions } from "../src/nn/autoencoder";
import { ConvAutoencoderDetector, type ConvAutoencoderOptions } from "../src/nn/conv-autoencoder";
import { withTapeSteps } from "../src/nn/tapeless-step";
import { withConvolutionFilterGradientWhile } from "../src/nn/wasm-conv-filter-gradient";
import { withSpreadBackpropInputWhile } from "../src/nn/wasm-conv-gradients";
import { useBackend, type BackendName } from "../src/nn/tf";
import { RandomState } from "../src/random/random-state";
import { kernelsPerStep } from "./helpers/kernels-per-step";

function rows(seed: number, n: number, d: number): number[][] {
  const random = new RandomState(seed);
  return Array.from({ length: n }, () => Array.from(random.uniform(0, 1, d)));
}

/** Every weight of a fitted detector's network, as float32 values. */
function weights(detector: AutoencoderDetector | ConvAutoencoderDetector): Float32Array[] {
  return detector.model.getWeights().map((weight) => (weight.dataSync() as Float32Array).slice());
}

function assertSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: ${actual[i]} (engine-free) vs ${expected[i]} (tape)`);
  }
}

/** The same losses, validation losses, weights and scores, bit for bit; disposes both detectors. */
function assertSameFits(fast: AutoencoderDetector | ConvAutoencoderDetector, tape: AutoencoderDetector | ConvAutoencoderDetector, X: number[][],
  name: string): void {
  assertSameBits(fast.history.loss, tape.history.loss, `${name}: losses`);
  assertSameBits(fast.history.valLoss, tape.history.valLoss, `${name}: validation losses`);
  weights(fast).forEach((w, i) => assertSameBits(w, weights(tape)[i]!, `${name}: weight ${i}`));
  assertSameBits(fast.score(X), tape.score(X), `${name}: scores`);
  fast.dispose();
  tape.dispose();
}

/** Fits the same seeded detector twice, engine-free and on the tape; returns both. */
async function fitBoth(options: AutoencoderOptions, X: number[][]): Promise<[AutoencoderDetector, AutoencoderDetector]> {
  const fast = await new AutoencoderDetector(options).fit(X);
  const tape = await withTapeSteps(() => new AutoencoderDetector(options).fit(X));
  return [fast, tape];
}

const NETWORKS: [string, Activation[], Activation, "mse" | "mae"][] = [
  ["the ECG tutorial's relu stack, sigmoid output, MAE", ["relu", "relu", "relu"], "sigmoid", "mae"],
  ["tanh and elu, linear output, MSE", ["tanh", "elu"], "linear", "mse"],
  ["linear and sigmoid, tanh output, MAE", ["linear", "sigmoid"], "tanh", "mae"],
];

describe("the dense autoencoder's training step without the gradient tape (src/nn/tapeless-step.ts)", () => {
  for (const backend of ["wasm", "cpu"] as BackendName[]) {
    it(`${backend}: the tape's losses, validation losses, weights and scores bit for bit (3 networks; 103 rows in batches of 32: a short last one)`, async () => {
      await useBackend(backend);
      const X = rows(3, 103, 12);
      for (const [name, activations, outputActivation, loss] of NETWORKS) {
        const options: AutoencoderOptions = {
          layers: activations.map((activation, i) => ({ units: [8, 4, 8][i]!, activation })),
          outputActivation, loss, epochs: 3, batchSize: 32, validationSplit: 0.1, seed: 5, backend, progress: false,
        };
        const [fast, tape] = await fitBoth(options, X);
        assertSameFits(fast, tape, X, name);
      }
    });
  }

  it("launches no engine kernel in a step of the ECG network (one an epoch: the sum of its losses) where the tape launched 34; with an activity penalty (the credit-card default) the tape runs", async () => {
    const { tf } = await useBackend("wasm");
    const X = rows(4, 96, 140);
    const ecg = (progress: () => void) => new AutoencoderDetector({
      layers: [32, 16, 8, 16, 32].map((units) => ({ units, activation: "relu" as Activation })), outputActivation: "sigmoid", loss: "mae",
      epochs: 2, batchSize: 32, seed: 1, backend: "wasm", progress,
    });
    const fit = (detector: AutoencoderDetector) => detector.fit(X);
    assert.equal(await kernelsPerStep(tf, ecg, fit, 3), 1 / 3, "3 steps an epoch, one AddN");
    const taped = await withTapeSteps(() => kernelsPerStep(tf, ecg, fit, 3));
    assert.ok(taped >= 30, `the tape: ${taped} launches per step`);
    const creditCard = await kernelsPerStep(tf, (progress) => new AutoencoderDetector({ epochs: 2, batchSize: 32, seed: 1, backend: "wasm", progress }),
      (detector) => detector.fit(rows(5, 96, 29)), 3);
    assert.ok(creditCard >= 30, `activity L1: the tape (${creditCard} launches per step)`);
  });

  it("leaves no tensor and no backend buffer behind: fit, score and dispose, twice", async () => {
    const { tf } = await useBackend("wasm");
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const X = rows(6, 70, 9);
    const cycle = async () => {
      const detector = await new AutoencoderDetector({ layers: [{ units: 4 }], outputActivation: "sigmoid", loss: "mae", epochs: 2, batchSize: 16,
        seed: 2, backend: "wasm", progress: false }).fit(X);
      detector.score(X);
      detector.dispose();
    };
    await cycle(); // the first fit registers kernels and warms caches
    const [tensors, buffers] = [tf.memory().numTensors, backend.numDataIds()];
    await cycle();
    await cycle();
    assert.equal(tf.memory().numTensors, tensors, "tensors");
    assert.equal(backend.numDataIds(), buffers, "the backend's buffers");
  });
});

describe("the conv autoencoder's training step without the gradient tape (src/nn/tapeless-step.ts)", () => {
  const images = (seed: number, n: number) => rows(seed, n, 8 * 8);
  for (const backend of ["wasm", "cpu"] as BackendName[]) {
    it(`${backend}: the tape's losses, validation losses, weights and scores bit for bit (filters 32-64 as notebook 09's, 4-8, and on wasm 4-8 with the filter gradients in the convolution form; a short last batch)`, async () => {
      const { tf } = await useBackend(backend);
      const X = images(7, 45);
      const runs: [number[], boolean][] = [[[32, 64], false], [[4, 8], false], ...(backend === "wasm" ? [[[4, 8], true] as [number[], boolean]] : [])];
      for (const [filters, convolutionForm] of runs) {
        const options: ConvAutoencoderOptions = { imageShape: [8, 8, 1], filters, latentDim: 3, epochs: 2, batchSize: 16, validationSplit: 0.1, seed: 3,
          backend, progress: false };
        const fit = (f: () => Promise<ConvAutoencoderDetector>) => (convolutionForm ? withConvolutionFilterGradientWhile(tf, f) : f());
        const fast = await fit(() => new ConvAutoencoderDetector(options).fit(X));
        const tape = await fit(() => withTapeSteps(() => new ConvAutoencoderDetector(options).fit(X)));
        assertSameFits(fast, tape, X, `filters ${filters}${convolutionForm ? " (convolution form)" : ""}`);
      }
    });
  }

  it("launches no engine kernel in a step of notebook 09's network (one an epoch: the sum of its losses); pooled or with batch normalisation, the tape runs; no tensor or buffer left", async () => {
    const { tf } = await useBackend("wasm");
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const X = images(8, 48);
    const make = (options: Partial<ConvAutoencoderOptions>) => (progress: () => void) =>
      new ConvAutoencoderDetector({ imageShape: [8, 8, 1], filters: [4, 8], latentDim: 3, epochs: 2, batchSize: 16, seed: 1, backend: "wasm", progress, ...options });
    const fit = (detector: ConvAutoencoderDetector) => detector.fit(X);
    assert.equal(await kernelsPerStep(tf, make({ filters: [32, 64] }), fit, 3), 1 / 3, "3 steps an epoch, one AddN");
    const taped = await withTapeSteps(() => kernelsPerStep(tf, make({ filters: [32, 64] }), fit, 3));
    assert.ok(taped >= 40, `the tape: ${taped} launches per step`);
    assert.ok(await kernelsPerStep(tf, make({ architecture: "pooled" }), fit, 3) >= 40, "pooled: the tape");
    assert.ok(await kernelsPerStep(tf, make({ batchNorm: true }), fit, 3) >= 40, "batch normalisation: the tape");
    const [tensors, buffers] = [tf.memory().numTensors, backend.numDataIds()];
    // The convolution forms' tensors of the engine too (filter gradients, and input gradients on the spread-out dy,
    // freed inside the step as intermediates: the step's scope disposes them).
    for (let i = 0; i < 2; i++) {
      (await withConvolutionFilterGradientWhile(tf, () => withSpreadBackpropInputWhile(() => new ConvAutoencoderDetector({ imageShape: [8, 8, 1],
        filters: [4, 8], latentDim: 3, epochs: 2, batchSize: 16, seed: 2, backend: "wasm", progress: false }).fit(X)))).dispose();
    }
    assert.equal(tf.memory().numTensors, tensors, "tensors");
    assert.equal(backend.numDataIds(), buffers, "the backend's buffers");
  });
});
