// The fused LSTM layer (src/nn/lstm-layer.ts, fused-lstm.ts) against tfjs's own tf.layers.lstm with the same
// weights and inputs: the same outputs and the same gradients (input, kernel, recurrent kernel, bias) bit for bit
// (Object.is) on wasm and cpu, for the activations it fuses, with and without returnSequences; the LSTM
// autoencoder's kernel launches per training step; no tensor left behind.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import type { Activation } from "../src/nn/activations";
import { lstmLayer } from "../src/nn/lstm-layer";
import { useBackend, type BackendName } from "../src/nn/tf";
import { RandomState } from "../src/random/random-state";

function assertSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: ${actual[i]} (fused) vs ${expected[i]} (tfjs)`);
  }
}

interface Case {
  activation: Activation;
  returnSequences: boolean;
  batch: number;
  steps: number;
  features: number;
  units: number;
}

/** Output, loss gradient for the input and each weight, through tfjs's LSTM or ours, on the same weights. */
function run(tf: typeof TF, fused: boolean, c: Case, seed: number) {
  const random = new RandomState(seed);
  const x = tf.tensor3d(Float32Array.from(random.standardNormal(c.batch * c.steps * c.features)), [c.batch, c.steps, c.features]);
  const args = { units: c.units, activation: c.activation, returnSequences: c.returnSequences, inputShape: [c.steps, c.features] };
  const layer = fused ? lstmLayer(tf, args) : tf.layers.lstm({ ...args, recurrentActivation: "sigmoid" });
  const model = tf.sequential({ layers: [layer] });
  // The same weights for both (a nonzero bias, so every gradient path is exercised); the loss weighs each output.
  const weights = layer.getWeights().map((w, i) => {
    const values = Float32Array.from(random.standardNormal(w.size), (v) => v * (i === 2 ? 0.3 : 0.6));
    return tf.tensor(values, w.shape);
  });
  layer.setWeights(weights);
  const outputShape = c.returnSequences ? [c.batch, c.steps, c.units] : [c.batch, c.units];
  const scale = tf.tensor(Float32Array.from(random.standardNormal(outputShape.reduce((p, s) => p * s, 1))), outputShape);
  const variables = layer.trainableWeights.map((w) => w.read() as TF.Variable);
  const xVar = tf.variable(x);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(xVar) as TF.Tensor, scale)) as TF.Scalar, [xVar, ...variables]);
  const output = layer.apply(x) as TF.Tensor;
  const result = {
    output: Array.from(output.dataSync()),
    loss: value.dataSync()[0]!,
    grads: [xVar, ...variables].map((v) => Array.from(grads[v.name]!.dataSync())),
  };
  tf.dispose([x, xVar, scale, output, value, ...weights, ...Object.values(grads)]);
  model.dispose();
  return result;
}

const CASES: Case[] = [
  { activation: "relu", returnSequences: true, batch: 32, steps: 5, features: 4, units: 16 },
  { activation: "relu", returnSequences: false, batch: 32, steps: 5, features: 16, units: 4 },
  { activation: "relu", returnSequences: true, batch: 7, steps: 5, features: 4, units: 4 },
  { activation: "tanh", returnSequences: true, batch: 9, steps: 3, features: 5, units: 16 },
  { activation: "tanh", returnSequences: false, batch: 4, steps: 2, features: 60, units: 3 },
  { activation: "sigmoid", returnSequences: true, batch: 5, steps: 4, features: 3, units: 6 },
  { activation: "linear", returnSequences: false, batch: 6, steps: 6, features: 2, units: 5 },
];

for (const backend of ["wasm", "cpu"] as BackendName[]) {
  describe(`fused LSTM layer on ${backend}`, () => {
    it("gives tf.layers.lstm's outputs and gradients (input, kernel, recurrent kernel, bias) bit for bit", async () => {
      const { tf } = await useBackend(backend);
      const before = tf.memory().numTensors;
      CASES.forEach((c, k) => {
        const what = `${c.activation} returnSequences=${c.returnSequences} [${c.batch}, ${c.steps}, ${c.features}] -> ${c.units}`;
        const ours = run(tf, true, c, 100 + k);
        const tfjs = run(tf, false, c, 100 + k);
        assertSameBits(ours.output, tfjs.output, `${what}: output`);
        assert.ok(Object.is(ours.loss, tfjs.loss), `${what}: loss ${ours.loss} vs ${tfjs.loss}`);
        ["dx", "dKernel", "dRecurrentKernel", "dBias"].forEach((name, g) => assertSameBits(ours.grads[g]!, tfjs.grads[g]!, `${what}: ${name}`));
      });
      assert.equal(tf.memory().numTensors, before, "tensors left behind");
    });
  });
}
