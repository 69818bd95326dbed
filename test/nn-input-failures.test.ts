// What the nine neural detectors do with input they cannot compute on: values beyond float32's range (the
// networks compute in float32) are refused at fit and at score naming row and column, and every refused or
// failed fit leaves tf.memory().numTensors where it was.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AutoencoderDetector } from "../src/nn/autoencoder";
import { ConvAutoencoderDetector } from "../src/nn/conv-autoencoder";
import { Conv1dAutoencoderDetector } from "../src/nn/conv1d-autoencoder";
import { LstmAutoencoderDetector } from "../src/nn/lstm-autoencoder";
import { MOGAALDetector } from "../src/nn/mo-gaal";
import { useBackend } from "../src/nn/tf";
import { TINY_NEURAL, tinyRows } from "./helpers/tiny-neural";

/** `rows` with `value` put at (row, column). */
function withValue(rows: number[][], row: number, column: number, value: number): number[][] {
  return rows.map((r, i) => (i === row ? r.map((v, j) => (j === column ? value : v)) : r));
}

/** Runs `attempt`, which must reject with `message`, and checks that it left no tensor behind. */
async function rejectsWithoutLeak(attempt: () => Promise<unknown>, message: RegExp): Promise<void> {
  const { tf } = await useBackend();
  const before = tf.memory().numTensors;
  await assert.rejects(attempt(), message);
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
}

describe("values beyond float32's finite range", () => {
  const X = tinyRows(40);

  for (const tiny of TINY_NEURAL) {
    it(`${tiny.name}: fit refuses 1e300 and 3.5e38 and score refuses -1e39 and 1e300, naming row and column; no tensor leaks`, async () => {
      const message = (row: number, column: number, value: string) =>
        new RegExp(`X: row ${row}, column ${column} is ${value}, beyond float32's finite range \\(±3\\.4028234663852886e\\+38\\) that the network computes in`);
      await rejectsWithoutLeak(() => tiny.make(1).fit(withValue(X, 5, 3, 1e300)), message(5, 3, "1e\\+300"));
      await rejectsWithoutLeak(() => tiny.make(1).fit(withValue(X, 7, 0, 3.5e38)), message(7, 0, "3\\.5e\\+38"));
      const detector = await tiny.make(1).fit(X);
      const { tf } = await useBackend();
      const before = tf.memory().numTensors;
      assert.throws(() => detector.score(withValue(X.slice(0, 4), 1, 2, -1e39)), message(1, 2, "-1e\\+39"));
      assert.throws(() => detector.predict(withValue(X.slice(0, 4), 3, 15, 1e300)), message(3, 15, "1e\\+300"));
      assert.equal(tf.memory().numTensors, before, "tensors leaked");
      detector.dispose();
    });
  }

  it("validationData is checked the same way and named", async () => {
    await rejectsWithoutLeak(
      () => new AutoencoderDetector({ layers: [{ units: 2 }], epochs: 1, progress: false, validationData: withValue(X.slice(0, 5), 2, 4, 1e39) }).fit(X),
      /validationData: row 2, column 4 is 1e\+39, beyond float32's finite range/,
    );
  });

  it("a value the learned scaling maps beyond float32 is refused with both values and the scaling named", async () => {
    // Column 0 spans 1e-14 in training (scikit-learn counts a range below 10 · 2^-52 as constant): "minmax"
    // multiplies it by 1e14, so 1e25, a float32, becomes 1e39, which is not.
    const rows = tinyRows(20).map((row, i) => [i === 0 ? 1e-14 : 0, ...row.slice(1)]);
    const ae = await new AutoencoderDetector({ layers: [{ units: 2 }], epochs: 1, progress: false, preprocessing: "minmax", seed: 1 }).fit(rows);
    assert.throws(
      () => ae.score([[1e25, ...rows[0]!.slice(1)]]),
      /X: row 0, column 0 is 1e\+25, which the "minmax" scaling learned at fit maps to 1(\.\d+)?e\+39, beyond float32's finite range/,
    );
    ae.dispose();
  });
});

describe("failed fits leave no tensors behind", () => {
  it("ConvAutoencoderDetector: rows of 15 values for 4 x 4 images are refused, the input tensor freed", async () => {
    const make = () => new ConvAutoencoderDetector({ imageShape: [4, 4, 1], filters: [2], latentDim: 2, epochs: 1, progress: false });
    await rejectsWithoutLeak(() => make().fit(tinyRows(20).map((r) => r.slice(1))), /rows have 15 values, images of 4 x 4 x 1 need 16/);
  });

  it("Conv1dAutoencoderDetector: sequences of 15 steps for one pooling are refused, the input and validation tensors freed", async () => {
    const make = () => new Conv1dAutoencoderDetector({ filters: [2], kernelSize: 3, epochs: 1, progress: false, validationData: tinyRows(4).map((r) => r.slice(1)) });
    await rejectsWithoutLeak(() => make().fit(tinyRows(20).map((r) => r.slice(1))), /sequences of 15 steps cannot pass 1 poolings by 2/);
  });

  it("LstmAutoencoderDetector: one row for windows of 2 is refused, the validation tensor freed", async () => {
    const make = () => new LstmAutoencoderDetector({ timesteps: 2, encoder: [{ units: 2 }], decoder: [], epochs: 1, progress: false, validationData: tinyRows(4) });
    await rejectsWithoutLeak(() => make().fit(tinyRows(1)), /1 row are too few for one window of 2 timesteps/);
  });

  it("MOGAALDetector: a diverging discriminator (learning rates 1e30) stops with a message that says so, tensors freed", async () => {
    const make = () => new MOGAALDetector({ k: 2, stopEpochs: 1, batchSize: 16, learningRate: 1e30, generatorLearningRate: 1e30, seed: 1, progress: false });
    await rejectsWithoutLeak(() => make().fit(tinyRows(40)), /MOGAALDetector training: the discriminator's output became NaN; lower the learning rates or scale the inputs/);
  });
});
