// The 2-D convolutional autoencoder (the article's strided net, scaled down to 8 x 8 images) against a PyTorch
// reference (test/reference/nn_conv2d.py): the reconstruction, the MSE loss and every weight's gradient at
// fixed weights, one Adam step and the per-image MSE after it, on the backend in use (wasm: with the
// convolution gradients anomaly-lab registers).
import { describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import { ConvAutoencoderDetector, type ConvAutoencoderOptions } from "../src/nn/conv-autoencoder";
import { useBackend } from "../src/nn/tf";
import { assertAllClose, assertNear } from "./helpers/assertions";
import { readFixture } from "./helpers/fixtures";

const fixture = readFixture("nn_conv2d.json");

/** The reference network started from the fixture's weights; exposes the loss and its gradients. */
class FromFixtureWeights extends ConvAutoencoderDetector {
  protected override buildModel(tf: typeof TF, cols: number, seed: number): TF.LayersModel {
    const model = super.buildModel(tf, cols, seed);
    model.setWeights((fixture.initialWeights as number[][]).map((w) => tf.tensor(w)));
    return model;
  }

  /** Reconstruction, loss and the gradient of every weight at the fixture's weights. */
  atInitialWeights(tf: typeof TF, X: number[][]): { reconstruction: number[]; loss: number; grads: number[][] } {
    const model = this.buildModel(tf, X[0]!.length, 0);
    const input = this.toInput(tf, { rows: X.length, cols: X[0]!.length, data: Float64Array.from(X.flat()) } as never);
    const output = model.predict(input) as TF.Tensor;
    const weights = model.trainableWeights.map((w) => w.read() as TF.Variable);
    const { value, grads } = tf.variableGrads(() => this.batchLoss(tf, model, input, true), weights);
    const result = {
      reconstruction: Array.from(output.dataSync()),
      loss: value.dataSync()[0]!,
      grads: weights.map((w) => Array.from(grads[w.name]!.dataSync())),
    };
    tf.dispose([value, output, ...Object.values(grads), input]);
    model.dispose();
    return result;
  }
}

const options: ConvAutoencoderOptions = {
  imageShape: fixture.imageShape,
  filters: fixture.filters,
  latentDim: fixture.latentDim,
  architecture: "strided",
  epochs: 1,
  batchSize: fixture.X.length,
  shuffle: false,
  learningRate: fixture.learningRate,
  seed: 0,
  progress: false,
};

describe("ConvAutoencoderDetector (strided) against PyTorch", () => {
  it("reconstructs, computes the MSE loss and the gradient of every weight as PyTorch does", async () => {
    const { tf, info } = await useBackend();
    const { reconstruction, loss, grads } = new FromFixtureWeights(options).atInitialWeights(tf, fixture.X);
    assertAllClose(reconstruction, (fixture.reconstruction as number[][]).flat(), 1e-5, `reconstruction at the initial weights (${info.name})`);
    assertNear(loss, fixture.loss, { relative: 1e-5 }, `loss at the initial weights (${info.name})`);
    grads.forEach((g, k) => assertAllClose(g, (fixture.gradients[k] as number[]).flat(3), { relative: 1e-4 }, `gradient of weights[${k}] (${info.name})`));
  });

  it("takes the same Adam step and scores each image by its mean squared error", async () => {
    const ae = await new FromFixtureWeights(options).fit(fixture.X);
    assertNear(ae.history.loss[0]!, fixture.loss, { relative: 1e-5 }, "epoch loss = loss at the initial weights");
    ae.model.getWeights().forEach((w, k) => assertAllClose(Array.from(w.dataSync()), (fixture.weightsAfterStep[k] as number[]).flat(3), 1e-5, `weights[${k}] after one step`));
    assertAllClose(ae.trainingScores, fixture.mseAfterStep, { relative: 1e-4 }, "per-image MSE after the step");
    ae.dispose();
  });
});
