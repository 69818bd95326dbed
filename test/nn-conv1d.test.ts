// The 1-D convolutional autoencoder against a PyTorch reference (test/reference/nn_conv1d.py: loss, the
// gradient of every weight, one Adam step and the per-sequence MAE from fixed weights), the wasm filter
// gradient kernel it needs (against tfjs's cpu kernel and PyTorch), repeatability, save/load, memory and
// bad input.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import { Conv1dAutoencoderDetector, type Conv1dAutoencoderOptions } from "../src/nn/conv1d-autoencoder";
import { useBackend } from "../src/nn/tf";
import { RandomState } from "../src/random/random-state";
import { assertAllClose, assertNear } from "./helpers/assertions";
import { readFixture } from "./helpers/fixtures";

const fixture = readFixture("nn_conv1d.json");
const QUIET = { progress: false } as const;

interface ReferenceCase {
  codeSize: number | null;
  initialWeights: number[][] | number[][][];
  loss: number;
  gradients: number[][];
  weightsAfterStep: number[][];
  maeAfterStep: number[];
}

/** The reference network started from a case's weights; exposes the loss for a gradient check. */
function fromFixtureWeights(reference: ReferenceCase) {
  return class FromFixtureWeights extends Conv1dAutoencoderDetector {
    protected override buildModel(tf: typeof TF, cols: number, seed: number): TF.LayersModel {
      const model = super.buildModel(tf, cols, seed);
      model.setWeights(reference.initialWeights.map((w) => tf.tensor(w as number[])));
      return model;
    }

    /** The gradient of the training loss with respect to every weight, at the fixture's weights. */
    gradients(tf: typeof TF, X: number[][]): { loss: number; grads: number[][] } {
      const model = this.buildModel(tf, X[0].length, 0);
      const input = this.toInput(tf, { rows: X.length, cols: X[0].length, data: Float64Array.from(X.flat()) } as never);
      const weights = model.trainableWeights.map((w) => w.read() as TF.Variable);
      const { value, grads } = tf.variableGrads(() => this.batchLoss(tf, model, input, true), weights);
      const result = { loss: value.dataSync()[0], grads: weights.map((w) => Array.from(grads[w.name].dataSync())) };
      tf.dispose([value, ...Object.values(grads), input]);
      model.dispose();
      return result;
    }
  };
}

const options: Conv1dAutoencoderOptions = {
  filters: fixture.filters,
  kernelSize: fixture.kernelSize,
  outputActivation: "sigmoid",
  loss: "mae",
  epochs: 1,
  batchSize: fixture.X.length,
  shuffle: false,
  learningRate: fixture.learningRate,
  ...QUIET,
};

function waves(seed: number, n: number, steps: number): number[][] {
  const random = new RandomState(seed);
  return Array.from({ length: n }, () => {
    const phase = random.uniform(0, 6.28);
    return Array.from({ length: steps }, (_, t) => 0.5 + 0.3 * Math.sin((2 * Math.PI * t) / steps + phase));
  });
}

describe("Conv1dAutoencoderDetector against PyTorch", () => {
  for (const reference of fixture.cases as ReferenceCase[]) {
    const variant = reference.codeSize === null ? "without a dense code" : `with a dense code of ${reference.codeSize}`;
    const caseOptions = { ...options, codeSize: reference.codeSize ?? undefined, seed: 0 };
    const Detector = fromFixtureWeights(reference);

    it(`computes the MAE loss and the gradient of every weight (filters included) as PyTorch does, ${variant}`, async () => {
      const { tf, info } = await useBackend();
      const { loss, grads } = new Detector(caseOptions).gradients(tf, fixture.X);
      assertNear(loss, reference.loss, { relative: 1e-5 }, `loss at the initial weights (${info.name})`);
      grads.forEach((g, k) => assertAllClose(g, reference.gradients[k].flat(2), { relative: 1e-4 }, `gradient of weights[${k}] (${info.name})`));
    });

    it(`takes the same Adam step and scores each sequence by its mean absolute error, ${variant}`, async () => {
      const ae = await new Detector(caseOptions).fit(fixture.X);
      assertNear(ae.history.loss[0], reference.loss, { relative: 1e-5 }, "epoch loss = loss at the initial weights");
      ae.model.getWeights().forEach((w, k) => assertAllClose(Array.from(w.dataSync()), reference.weightsAfterStep[k].flat(2), 1e-5, `weights[${k}] after one step`));
      assertAllClose(ae.trainingScores, reference.maeAfterStep, { relative: 1e-4 }, "per-sequence MAE after the step");
      ae.dispose();
    });
  }
});

describe("the wasm filter-gradient kernel", () => {
  const gradientOf = (tf: typeof TF, x: TF.Tensor3D, w: TF.Tensor3D, stride: number, pad: "same" | "valid") =>
    tf.tidy(() => Array.from(tf.grad((filter: TF.Tensor) => tf.conv1d(x, filter as TF.Tensor3D, stride, pad).square().sum())(w).dataSync()));

  it("gives tfjs's cpu kernel's filter gradients, stride 1 and 2", async (t) => {
    const { tf } = await useBackend();
    if (tf.getBackend() !== "wasm") return t.skip("the wasm backend is not in use");
    await new Conv1dAutoencoderDetector({ ...options, seed: 0, epochs: 1 }).fit(fixture.X).then((d) => d.dispose()); // registers the kernel
    const random = new RandomState(9);
    const xs = Array.from(random.standardNormal(3 * 20 * 2));
    const ws = Array.from(random.standardNormal(5 * 2 * 4));
    const results: Record<string, number[]> = {};
    for (const backend of ["wasm", "cpu"]) {
      await tf.setBackend(backend);
      const x = tf.tensor3d(xs, [3, 20, 2]);
      const w = tf.tensor3d(ws, [5, 2, 4]);
      results[`${backend} same`] = gradientOf(tf, x, w, 1, "same");
      results[`${backend} valid`] = gradientOf(tf, x, w, 1, "valid");
      results[`${backend} strided`] = gradientOf(tf, x, w, 2, "same");
      tf.dispose([x, w]);
    }
    await tf.setBackend("wasm");
    assertAllClose(results["wasm same"], results["cpu same"], { relative: 1e-4 }, "same padding");
    assertAllClose(results["wasm valid"], results["cpu valid"], { relative: 1e-4 }, "valid padding");
    assertAllClose(results["wasm strided"], results["cpu strided"], { relative: 1e-4 }, "stride 2");
  });
});

describe("Conv1dAutoencoderDetector contract", () => {
  const X = waves(1, 48, 16);
  const small: Conv1dAutoencoderOptions = { filters: [4, 2], kernelSize: 3, epochs: 3, batchSize: 16, ...QUIET };

  it("is repeatable with its seed, and another seed differs", async () => {
    const a = await new Conv1dAutoencoderDetector({ ...small, seed: 7 }).fit(X);
    const b = await new Conv1dAutoencoderDetector({ ...small, seed: 7 }).fit(X);
    const c = await new Conv1dAutoencoderDetector({ ...small, seed: 8 }).fit(X);
    assert.deepEqual(a.history.loss, b.history.loss);
    assert.deepEqual(Array.from(a.trainingScores), Array.from(b.trainingScores));
    assert.notDeepEqual(a.history.loss, c.history.loss);
    assert.equal(a.score(X.slice(0, 5)).length, 5, "one score per sequence");
    const reconstruction = a.reconstruct(X.slice(0, 2));
    assert.equal(reconstruction.length, 2);
    assert.equal(reconstruction[0].length, 16);
    for (const d of [a, b, c]) d.dispose();
  });

  it("round-trips through save / load: same scores, threshold and options", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "conv1d-save-"));
    const target = path.join(folder, "model");
    const ae = await new Conv1dAutoencoderDetector({ ...small, seed: 4, codeSize: 3, loss: "mae", outputActivation: "sigmoid", threshold: { meanPlusStd: 1 } }).fit(X);
    await ae.save(target);
    const loaded = await Conv1dAutoencoderDetector.load(target);
    assert.deepEqual(Array.from(loaded.score(X)), Array.from(ae.score(X)));
    assert.equal(loaded.threshold, ae.threshold);
    assert.deepEqual(loaded.filters, [4, 2]);
    assert.equal(loaded.codeSize, 3);
    assert.equal(loaded.outputActivation, "sigmoid");
    assert.equal(loaded.loss, "mae");
    await assert.rejects(Conv1dAutoencoderDetector.load(path.join(folder, "nope")), /detector\.json is missing/);
    for (const d of [ae, loaded]) d.dispose();
    fs.rmSync(folder, { recursive: true });
  });

  it("leaves no tensors behind after repeated fit / score / reconstruct / dispose", async () => {
    const { tf } = await useBackend();
    const warm = await new Conv1dAutoencoderDetector({ ...small, seed: 1 }).fit(X);
    warm.dispose();
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round++) {
      const ae = await new Conv1dAutoencoderDetector({ ...small, seed: round, validationSplit: 0.25, scoreBatchSize: 10 }).fit(X);
      ae.score(X);
      ae.predict(X);
      ae.reconstruct(X.slice(0, 3));
      ae.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
  });

  it("names the problem with bad input", async () => {
    await assert.rejects(new Conv1dAutoencoderDetector(small).fit(waves(1, 8, 18)), /18 steps.*2 poolings.*divisible by 4/);
    assert.throws(() => new Conv1dAutoencoderDetector({ kernelSize: 4 }), /kernelSize must be odd/);
    assert.throws(() => new Conv1dAutoencoderDetector({ filters: [] }), /filters must be a non-empty array/);
    assert.throws(() => new Conv1dAutoencoderDetector({ filters: [8, 0] }), /filters\[1\]/);
    assert.throws(() => new Conv1dAutoencoderDetector({ loss: "huber" as never }), /loss must be "mse" or "mae"/);
    assert.throws(() => new Conv1dAutoencoderDetector({ codeSize: 0 }), /codeSize/);
    const ae = await new Conv1dAutoencoderDetector({ ...small, seed: 1 }).fit(X);
    assert.throws(() => ae.score(waves(1, 2, 8)), /8 columns.*fitted on 16/);
    assert.throws(() => ae.reconstruct(waves(1, 2, 8)), /8 columns.*16 steps/);
    ae.dispose();
  });
});
