// The fused convolution layers (src/nn/fused-conv.ts) against tfjs-layers applying the same layers: outputs, the
// weights' gradients and the input's gradient bit for bit (Object.is) on wasm and cpu, for Conv2D and Conv2DTranspose
// with LeakyReLU, sigmoid or nothing after them, strides 1 and 2, "same" and "valid", a batch of one (the bias
// gradient's sum then skips the batch axis); a seeded ConvAutoencoderDetector fit against the layers; what is not
// computed (the first layer's input gradient) and the launches a step saves.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import { ConvAutoencoderDetector } from "../src/nn/conv-autoencoder";
import { convForward, withLayersApplied, withLayersAppliedWhile } from "../src/nn/fused-conv";
import { useBackend } from "../src/nn/tf";
import { registerWasmConvGradients } from "../src/nn/wasm-conv-gradients";
import { RandomState } from "../src/random/random-state";
import { kernelsPerStep } from "./helpers/kernels-per-step";

interface LayerCase {
  transposed: boolean;
  filters: number;
  strides: number;
  padding: "same" | "valid";
  activation: "linear" | "sigmoid";
  leakyReluAlpha?: number;
  x: number[];
}

const CASES: LayerCase[] = [
  // The conv2d AE's layers (notebook 09's shapes at a batch of 3).
  { transposed: false, filters: 8, strides: 2, padding: "same", activation: "linear", leakyReluAlpha: 0.2, x: [3, 28, 28, 1] },
  { transposed: false, filters: 16, strides: 2, padding: "same", activation: "linear", leakyReluAlpha: 0.2, x: [3, 14, 14, 8] },
  { transposed: true, filters: 8, strides: 2, padding: "same", activation: "linear", leakyReluAlpha: 0.2, x: [3, 7, 7, 16] },
  { transposed: true, filters: 1, strides: 1, padding: "same", activation: "sigmoid", x: [3, 28, 28, 8] },
  // Others: valid padding, no activation, sigmoid after a Conv2D, alpha 0, a batch of one, odd sizes.
  { transposed: false, filters: 5, strides: 1, padding: "valid", activation: "sigmoid", x: [2, 9, 7, 3] },
  { transposed: true, filters: 6, strides: 2, padding: "valid", activation: "linear", x: [2, 5, 4, 3] },
  { transposed: false, filters: 4, strides: 1, padding: "same", activation: "linear", leakyReluAlpha: 0, x: [1, 6, 5, 2] },
  { transposed: true, filters: 3, strides: 3, padding: "same", activation: "linear", leakyReluAlpha: 0.3, x: [1, 1, 1, 4] },
];

function assertSame(actual: TF.Tensor, expected: TF.Tensor, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const [a, e] = [actual.dataSync(), expected.dataSync()];
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], e[i]), `${what}[${i}]: ${a[i]} (fused) vs ${e[i]} (layers)`);
}

function describeCase(c: LayerCase): string {
  return `${c.transposed ? "Conv2DTranspose" : "Conv2D"} ${c.filters}, stride ${c.strides}, ${c.padding}, ${c.leakyReluAlpha !== undefined ? `LeakyReLU(${c.leakyReluAlpha})` : c.activation}, x [${c.x}]`;
}

for (const backend of ["wasm", "cpu"] as const) {
  describe(`Fused convolution layers on ${backend}`, () => {
    it("give the layers' outputs, weight gradients and input gradients bit for bit (Conv2D and Conv2DTranspose; LeakyReLU, sigmoid, none; strides 1-3)", async () => {
      const { tf } = await useBackend(backend);
      if (backend === "wasm") registerWasmConvGradients(tf); // as ConvAutoencoderDetector does: wasm has no filter gradient
      const random = new RandomState(3);
      for (const [index, c] of CASES.entries()) {
        const options = { filters: c.filters, kernelSize: 3, strides: c.strides, padding: c.padding, activation: c.activation,
          kernelInitializer: tf.initializers.glorotUniform({ seed: index }), biasInitializer: tf.initializers.randomNormal({ seed: index + 100 }) };
        const layer = c.transposed ? tf.layers.conv2dTranspose(options) : tf.layers.conv2d(options);
        const leaky = c.leakyReluAlpha !== undefined ? tf.layers.leakyReLU({ alpha: c.leakyReluAlpha }) : undefined;
        const x = tf.tensor4d(Float32Array.from(random.standardNormal(c.x.reduce((a, b) => a * b, 1))), c.x as [number, number, number, number]);
        layer.build(x.shape);
        const weights = layer.trainableWeights.map((w) => w.read() as TF.Variable);
        // A loss that weighs every output differently, so that every gradient element matters.
        const loss = (y: TF.Tensor) => tf.sum(tf.mul(y, tf.linspace(-1, 1, y.size).reshape(y.shape)));
        const viaLayers = (input: TF.Tensor) => {
          const z = layer.apply(input) as TF.Tensor;
          return leaky === undefined ? z : (leaky.apply(z) as TF.Tensor);
        };
        const viaFused = (input: TF.Tensor, inputGradient: boolean) => {
          const y = convForward(tf, layer, input, { leakyReluAlpha: c.leakyReluAlpha, inputGradient });
          assert.ok(y !== undefined, `${describeCase(c)}: fused`);
          return y;
        };
        const what = describeCase(c);
        const before = tf.memory().numTensors;
        tf.tidy(() => {
          assertSame(viaFused(x, true), withLayersApplied(() => viaLayers(x)), `${what}: output`);
          const fused = tf.variableGrads(() => loss(viaFused(x, false)) as TF.Scalar, weights);
          const layers = tf.variableGrads(() => loss(viaLayers(x)) as TF.Scalar, weights);
          for (const w of weights) assertSame(fused.grads[w.name]!, layers.grads[w.name]!, `${what}: gradient of ${w.name}`);
          assertSame(tf.grad((input: TF.Tensor) => loss(viaFused(input, true)))(x), tf.grad((input: TF.Tensor) => loss(viaLayers(input)))(x), `${what}: input gradient`);
        });
        assert.equal(tf.memory().numTensors, before, `${what}: no tensor left behind`);
        // (tfjs keeps the tape's saved tensors when a gradient throws: checked after the count.)
        assert.throws(() => tf.tidy(() => tf.grad((input: TF.Tensor) => loss(viaFused(input, false)))(x)), /the gradient of the layer's input was not asked for/,
          `${what}: inputGradient false computes no input gradient`);
        tf.dispose([x, ...weights]);
      }
    });
  });
}

describe("Fused convolution layers where they do not apply", () => {
  it("leave a negative LeakyReLU alpha, a layer without bias, a dilation, a LeakyReLU after a sigmoid, relu and other layers to tfjs-layers", async () => {
    const { tf } = await useBackend("wasm");
    tf.tidy(() => {
      const x = tf.ones([1, 6, 6, 2]) as TF.Tensor4D;
      const build = (options: Record<string, unknown>) => {
        const layer = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: "same", ...options });
        layer.build(x.shape);
        return layer;
      };
      assert.equal(convForward(tf, build({}), x, { leakyReluAlpha: -0.1, inputGradient: true }), undefined, "alpha < 0 (y > 0 no longer says z > 0)");
      assert.equal(convForward(tf, build({ useBias: false }), x, { inputGradient: true }), undefined, "no bias");
      assert.equal(convForward(tf, build({ dilationRate: 2 }), x, { inputGradient: true }), undefined, "dilation 2");
      assert.equal(convForward(tf, build({ activation: "sigmoid" }), x, { leakyReluAlpha: 0.2, inputGradient: true }), undefined, "LeakyReLU after sigmoid");
      assert.equal(convForward(tf, build({ activation: "relu" }), x, { inputGradient: true }), undefined, "relu");
      const dense = tf.layers.dense({ units: 2 });
      dense.build([1, 2]);
      assert.equal(convForward(tf, dense, x, { inputGradient: true }), undefined, "not a convolution");
    });
  });
});

describe("The 2-D convolutional autoencoder's training step through the fused layers", () => {
  function images(seed: number, count: number, pixels: number): number[][] {
    const random = new RandomState(seed);
    return Array.from({ length: count }, () => Array.from(random.uniform(0, 1, pixels)));
  }

  it("trains notebook 09's seeded network (28 x 28, filters 32-64, batch 32) to the layers' losses and scores (Object.is)", async () => {
    const { tf } = await useBackend("wasm");
    const X = images(2, 70, 784); // 3 steps an epoch, the last one a partial batch of 6
    const fit = async () => {
      const losses: number[] = [];
      const detector = new ConvAutoencoderDetector({ epochs: 2, batchSize: 32, seed: 9, backend: "wasm", progress: (log) => losses.push(log.loss) });
      await detector.fit(X);
      const scores = Array.from(detector.trainingScores);
      detector.dispose();
      return { losses, scores };
    };
    const before = tf.memory().numTensors;
    const fused = await fit();
    const layers = await withLayersAppliedWhile(fit);
    assert.equal(fused.losses.length, 2);
    fused.losses.forEach((loss, i) => assert.ok(Object.is(loss, layers.losses[i]), `loss ${i}: ${loss} (fused) vs ${layers.losses[i]} (layers)`));
    fused.scores.forEach((score, i) => assert.ok(Object.is(score, layers.scores[i]), `score ${i}: ${score} (fused) vs ${layers.scores[i]} (layers)`));
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  });

  it("launches fewer than 60 kernels per step where the layers launch more than 100, and no Conv2DBackpropInput", async () => {
    const { tf } = await useBackend("wasm");
    const X = images(3, 64, 784); // notebook 09's network: 2 steps an epoch
    const count = (name?: string) => kernelsPerStep(tf,
      (progress) => new ConvAutoencoderDetector({ epochs: 2, batchSize: 32, seed: 1, backend: "wasm", progress }),
      (detector) => detector.fit(X), 2, (kernel) => name === undefined || kernel === name);
    const fused = await count();
    const layers = await withLayersAppliedWhile(() => count());
    assert.ok(fused < 60 && layers > 100, `kernels per step: ${fused} fused, ${layers} through the layers`);
    assert.equal(await count("Conv2DBackpropInput"), 0, "the transposed convolutions and input gradients run inside the fused kernels");
  });
});
