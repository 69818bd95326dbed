// How the autoencoders score (issue #23, item 7): one `apply` per scoring batch instead of Keras's `predict`, which
// splits its input into batches of 32. The scores must be Keras's all the same: the per-sample reconstruction error
// of `model.predict`, bit for bit, on every backend here, with more rows than one predict batch.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import { toMatrix } from "../src/core/matrix";
import { AutoencoderDetector } from "../src/nn/autoencoder";
import { ConvAutoencoderDetector } from "../src/nn/conv-autoencoder";
import { Conv1dAutoencoderDetector } from "../src/nn/conv1d-autoencoder";
import { LstmAutoencoderDetector } from "../src/nn/lstm-autoencoder";
import type { NeuralDetector } from "../src/nn/neural-detector";
import { type BackendName, useBackend } from "../src/nn/tf";
import { slidingWindows } from "../src/nn/windows";
import { tinyRows } from "./helpers/tiny-neural";

const QUIET = { progress: false, epochs: 1, batchSize: 16, seed: 5 } as const;
const ROWS = tinyRows(100, 0.2); // > 32: predict takes several batches

interface Case {
  readonly name: string;
  readonly make: (backend: BackendName) => NeuralDetector;
  /** The network's input for ROWS (preprocessing "none": the rows as given). */
  readonly input: (tf: typeof TF) => TF.Tensor;
  readonly kind: "mse" | "mae";
}

const CASES: readonly Case[] = [
  {
    name: "AutoencoderDetector",
    make: (backend) => new AutoencoderDetector({ ...QUIET, backend, layers: [{ units: 4, activation: "tanh" }] }),
    input: (tf) => tf.tensor2d(ROWS),
    kind: "mse",
  },
  {
    name: "ConvAutoencoderDetector (batch normalisation)",
    make: (backend) => new ConvAutoencoderDetector({ ...QUIET, backend, imageShape: [4, 4, 1], filters: [2], latentDim: 2, batchNorm: true }),
    input: (tf) => tf.tensor2d(ROWS),
    kind: "mse",
  },
  {
    name: "Conv1dAutoencoderDetector",
    make: (backend) => new Conv1dAutoencoderDetector({ ...QUIET, backend, filters: [3, 2], kernelSize: 3, loss: "mae" }),
    input: (tf) => tf.tensor3d(ROWS.map((row) => row.map((value) => [value]))),
    kind: "mae",
  },
  {
    name: "LstmAutoencoderDetector (windows of 3)",
    make: (backend) => new LstmAutoencoderDetector({ ...QUIET, backend, timesteps: 3, encoder: [{ units: 3, activation: "relu" }], decoder: [{ units: 2 }] }),
    input: (tf) => {
      const windows = slidingWindows(toMatrix(ROWS), 3);
      return tf.tensor3d(windows.data, [windows.count, windows.timesteps, windows.features]);
    },
    kind: "mae",
  },
];

/** Keras's scores: the per-sample mean squared (or absolute) difference between the input and `model.predict`. */
function kerasScores(tf: typeof TF, detector: NeuralDetector, input: TF.Tensor, kind: "mse" | "mae"): Float64Array {
  const errors = tf.tidy(() => {
    const difference = tf.sub(input, detector.model.predict(input) as TF.Tensor);
    const axes = Array.from({ length: input.rank - 1 }, (_, axis) => axis + 1);
    return tf.mean(kind === "mse" ? tf.square(difference) : tf.abs(difference), axes);
  });
  const values = Float64Array.from(errors.dataSync());
  errors.dispose();
  return values;
}

describe("autoencoder scores are Keras's model.predict reconstruction errors", () => {
  for (const backend of ["wasm", "cpu"] as const) {
    for (const entry of CASES) {
      it(`${entry.name} on ${backend}: its scores of 100 rows (score; the windowed one: scoreWindows) equal the reconstruction error of model.predict (batches of 32), bit for bit (Object.is)`, async () => {
        const { tf } = await useBackend(backend);
        const detector = entry.make(backend);
        await detector.fit(ROWS);
        const input = entry.input(tf);
        const windows = kerasScores(tf, detector, input, entry.kind);
        input.dispose();
        const expected = windows;
        // The windowed model is a sequence detector: one score per window (scoreWindows), not per row.
        const actual = detector instanceof LstmAutoencoderDetector ? detector.scoreWindows(ROWS) : detector.score(ROWS);
        detector.dispose();
        assert.equal(actual.length, expected.length);
        const differing = Array.from(actual).findIndex((value, i) => !Object.is(value, expected[i]));
        assert.equal(differing, -1, `row ${differing}: ${actual[differing]} != ${expected[differing]}`);
      });
    }
  }
});
