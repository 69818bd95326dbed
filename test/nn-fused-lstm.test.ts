// The fused LSTM layer (src/nn/lstm-layer.ts, fused-lstm.ts) against tfjs's own tf.layers.lstm with the same
// weights and inputs: the same outputs and the same gradients (input, kernel, recurrent kernel, bias) bit for bit
// (Object.is) on wasm and cpu, for the activations it fuses and (elu) through its tfjs-operations path, with and
// without returnSequences; the LSTM autoencoder (T = 5) trained to the same losses and scores; its kernel
// launches per training step; old model folders (tfjs's "LSTM") still load; no tensor left behind.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import type { Activation } from "../src/nn/activations";
import { LstmAutoencoderDetector, type LstmAutoencoderOptions } from "../src/nn/lstm-autoencoder";
import { hostProduct, simdProduct } from "../src/nn/fused-lstm";
import { lstmLayer } from "../src/nn/lstm-layer";
import { matmulModule } from "../src/nn/matmul-module";
import { layerSeeds } from "../src/nn/neural-detector";
import { useBackend, type BackendName } from "../src/nn/tf";
import { RandomState } from "../src/random/random-state";
import { kernelsPerStep } from "./helpers/kernels-per-step";

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
  { activation: "elu", returnSequences: true, batch: 6, steps: 4, features: 3, units: 5 },
  { activation: "elu", returnSequences: false, batch: 6, steps: 4, features: 3, units: 5 },
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

/** The LSTM autoencoder as built before the fused layer: tfjs's LSTM layers (the oracle of the fit below). */
class TfjsLstmAutoencoder extends LstmAutoencoderDetector {
  protected override buildModel(tf: typeof TF, cols: number, seed: number): TF.LayersModel {
    const T = this.timesteps;
    const seeds = layerSeeds(seed, 2 * (this.encoder.length + this.decoder.length) + 1);
    let next = 0;
    const lstm = (spec: { units: number; activation: Activation }, name: string, returnSequences: boolean) => {
      const kernelInitializer = tf.initializers.glorotUniform({ seed: seeds[next++] });
      const recurrentInitializer = tf.initializers.orthogonal({ seed: seeds[next++], gain: 1 });
      return tf.layers.lstm({ name, ...spec, recurrentActivation: "sigmoid", returnSequences, kernelInitializer, recurrentInitializer });
    };
    const input = tf.input({ shape: [T, cols], name: "window" });
    let h = input as TF.SymbolicTensor;
    this.encoder.forEach((spec, i) => (h = lstm(spec, `encoder_${i + 1}`, i < this.encoder.length - 1).apply(h) as TF.SymbolicTensor));
    h = tf.layers.repeatVector({ n: T, name: "repeat" }).apply(h) as TF.SymbolicTensor;
    this.decoder.forEach((spec, i) => (h = lstm(spec, `decoder_${i + 1}`, true).apply(h) as TF.SymbolicTensor));
    const dense = tf.layers.dense({ name: "reconstruction", units: cols, kernelInitializer: tf.initializers.glorotUniform({ seed: seeds[next] }) });
    return tf.model({ inputs: input, outputs: dense.apply(h) as TF.SymbolicTensor, name: "lstm_autoencoder" });
  }
}

/** Rows uniform in [0, 1): the notebooks' min-max-scaled bearing data. */
function unitRows(seed: number, n: number, d: number): number[][] {
  const random = new RandomState(seed);
  return Array.from({ length: n }, () => Array.from(random.uniform(0, 1, d)));
}

describe("LSTM autoencoder with T = 5 on the fused LSTM layer (wasm)", () => {
  const bearing: LstmAutoencoderOptions = { timesteps: 5, epochs: 3, batchSize: 32, validationSplit: 0.05, seed: 3, progress: false };

  it("trains the bearing network to the same losses, validation losses and window scores, bit for bit, as with tfjs's LSTM", async () => {
    const { tf } = await useBackend("wasm");
    const X = unitRows(8, 120, 4);
    const before = tf.memory().numTensors;
    const fused = await new LstmAutoencoderDetector(bearing).fit(X);
    const reference = await new TfjsLstmAutoencoder(bearing).fit(X);
    assertSameBits(fused.history.loss, reference.history.loss, "training loss");
    assertSameBits(fused.history.valLoss, reference.history.valLoss, "validation loss");
    assertSameBits(fused.scoreWindows(X), reference.scoreWindows(X), "window scores");
    fused.dispose();
    reference.dispose();
    assert.equal(tf.memory().numTensors, before, "tensors left behind");
  });

  it("launches at most 100 kernels per training step of the bearing network at batch 32 (tfjs's LSTM: over 2,000)", async () => {
    const { tf } = await useBackend("wasm");
    const count = (make: (options: LstmAutoencoderOptions) => LstmAutoencoderDetector) => kernelsPerStep(tf,
      (progress) => make({ timesteps: 5, epochs: 2, batchSize: 32, seed: 1, progress }),
      (detector) => detector.fit(unitRows(2, 68, 4)), // 64 windows: 2 steps per epoch
      2);
    const fused = await count((options) => new LstmAutoencoderDetector(options));
    const layers = await count((options) => new TfjsLstmAutoencoder(options));
    assert.ok(fused <= 100, `fused: ${fused} kernels per step`);
    assert.ok(layers >= 2000, `tfjs LSTM: ${layers} kernels per step (the comparison is stale if this changed)`);
  });

  it("loads a model folder saved with tfjs's LSTM layers (class \"LSTM\" in model.json) and scores it identically", async () => {
    const { tf } = await useBackend("wasm");
    const X = unitRows(9, 60, 4);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "lstm-old-folder-"));
    const before = tf.memory().numTensors;
    const old = await new TfjsLstmAutoencoder({ ...bearing, epochs: 2 }).fit(X);
    await old.save(folder);
    // What the release before the fused layer wrote: its class was LstmAutoencoderDetector, its layers tfjs's LSTM.
    const file = path.join(folder, "detector.json");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/"TfjsLstmAutoencoder"/g, '"LstmAutoencoderDetector"'));
    const classes = (JSON.parse(fs.readFileSync(path.join(folder, "model.json"), "utf8")) as { modelTopology: { config: { layers: { class_name: string }[] } } })
      .modelTopology.config.layers.map((layer) => layer.class_name);
    assert.deepEqual(classes.filter((name) => name === "LSTM").length, 4, `model.json layers: ${classes.join(", ")}`);
    const loaded = await LstmAutoencoderDetector.load(folder);
    assertSameBits(loaded.scoreWindows(X), old.scoreWindows(X), "window scores");
    assert.ok(Object.is(loaded.threshold, old.threshold), "threshold");
    loaded.dispose();
    old.dispose();
    assert.equal(tf.memory().numTensors, before, "tensors left behind");
    fs.rmSync(folder, { recursive: true });
  });
});

describe("the fused LSTM's products", () => {
  it("in JavaScript with float32 sums (wasm without SIMD) equal matmul.c's bit for bit: transposed operands, blocks of 48, one block", () => {
    const simd = matmulModule();
    assert.ok(simd !== null, "this runtime compiles the SIMD module");
    const random = new RandomState(21);
    // The LSTM's shapes (batch 32, 4·16 gates, 4 or 16 features) and some with several blocks of 48 along k.
    const shapes: [number, number, number][] = [[32, 4, 64], [32, 16, 64], [16, 32, 64], [32, 64, 16], [160, 64, 4], [5, 100, 7], [3, 97, 9]];
    for (const [M, K, N] of shapes) {
      for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        for (const block of [48, Number.MAX_SAFE_INTEGER]) {
          const a = Float32Array.from(random.standardNormal(M * K));
          const b = Float32Array.from(random.standardNormal(K * N));
          const what = `${M} x ${K} x ${N}, transposeA=${transposeA}, transposeB=${transposeB}, block ${block}`;
          assertSameBits(hostProduct(true, M, K, N, a, transposeA, b, transposeB, block), simdProduct(simd!, M, K, N, a, transposeA, b, transposeB, block), what);
        }
      }
    }
  });
});
