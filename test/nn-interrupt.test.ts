// Stopping a training run: the kernel's interrupt (requestInterrupt, what Stop raises) and a fit's AbortSignal
// must end every neural detector's training loop at the next batch, free its tensors, and leave the detector
// exactly as it was before the fit: unfitted if it was, else still scoring with its previous model, bit for bit.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import { InterruptedError, requestInterrupt } from "../src/core/interrupt";
import { AutoencoderDetector } from "../src/nn/autoencoder";
import { VAEDetector } from "../src/nn/vae";
import { DeepSVDDDetector } from "../src/nn/deep-svdd";
import { SOGAALDetector } from "../src/nn/so-gaal";
import { MOGAALDetector } from "../src/nn/mo-gaal";
import { GANEnsembleDetector } from "../src/nn/gan-ensemble";
import { LstmAutoencoderDetector } from "../src/nn/lstm-autoencoder";
import { Conv1dAutoencoderDetector } from "../src/nn/conv1d-autoencoder";
import { ConvAutoencoderDetector } from "../src/nn/conv-autoencoder";
import type { NeuralDetector } from "../src/nn/neural-detector";
import type { HostSGD } from "../src/nn/host-sgd";
import type { EpochLog, TrainingStep } from "../src/nn/training";
import { useBackend } from "../src/nn/tf";
import { RandomState } from "../src/random/random-state";

/** Counts the training batches (one call of the hooked step per batch) and runs `onBatch` after each count. */
class BatchCounter {
  count = 0;
  onBatch: ((count: number) => void) | undefined;
  tick(): void {
    this.count += 1;
    this.onBatch?.(this.count);
  }
}

// Each class with its once-per-batch training step hooked: the single-loss detectors' training loss, the GAAL
// detectors' adversarial step, the GAN ensemble's generator loss.
class CountedAutoencoder extends AutoencoderDetector {
  readonly batches = new BatchCounter();
  protected override batchLoss(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Scalar {
    if (training) this.batches.tick();
    return super.batchLoss(tf, model, batch, training);
  }
  // Its steps run without the tape (src/nn/tapeless-step.ts) where they can: batchLoss is then not called.
  protected override trainingStep(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor): TrainingStep | undefined {
    const step = super.trainingStep(tf, model, batch);
    if (step !== undefined) this.batches.tick();
    return step;
  }
}
class CountedVAE extends VAEDetector {
  readonly batches = new BatchCounter();
  protected override batchLoss(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Scalar {
    if (training) this.batches.tick();
    return super.batchLoss(tf, model, batch, training);
  }
}
class CountedDeepSVDD extends DeepSVDDDetector {
  readonly batches = new BatchCounter();
  protected override batchLoss(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Scalar {
    if (training) this.batches.tick();
    return super.batchLoss(tf, model, batch, training);
  }
}
class CountedLstm extends LstmAutoencoderDetector {
  readonly batches = new BatchCounter();
  protected override batchLoss(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Scalar {
    if (training) this.batches.tick();
    return super.batchLoss(tf, model, batch, training);
  }
}
class CountedConv1d extends Conv1dAutoencoderDetector {
  readonly batches = new BatchCounter();
  protected override batchLoss(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Scalar {
    if (training) this.batches.tick();
    return super.batchLoss(tf, model, batch, training);
  }
}
class CountedConv2d extends ConvAutoencoderDetector {
  readonly batches = new BatchCounter();
  protected override batchLoss(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Scalar {
    if (training) this.batches.tick();
    return super.batchLoss(tf, model, batch, training);
  }
  protected override trainingStep(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor): TrainingStep | undefined {
    const step = super.trainingStep(tf, model, batch);
    if (step !== undefined) this.batches.tick();
    return step;
  }
}
type Optimised = { variables: TF.Variable[]; optimizer: HostSGD };
class CountedSOGAAL extends SOGAALDetector {
  readonly batches = new BatchCounter();
  protected override trainStep(tf: typeof TF, model: TF.LayersModel, all: TF.Tensor, batch: TF.Tensor, trainGenerators: boolean, d: Optimised, g: Optimised[]) {
    this.batches.tick();
    return super.trainStep(tf, model, all, batch, trainGenerators, d, g);
  }
}
class CountedMOGAAL extends MOGAALDetector {
  readonly batches = new BatchCounter();
  protected override trainStep(tf: typeof TF, model: TF.LayersModel, all: TF.Tensor, batch: TF.Tensor, trainGenerators: boolean, d: Optimised, g: Optimised[]) {
    this.batches.tick();
    return super.trainStep(tf, model, all, batch, trainGenerators, d, g);
  }
}
class CountedGANEnsemble extends GANEnsembleDetector {
  readonly batches = new BatchCounter();
  protected override generatorLoss(tf: typeof TF, model: TF.LayersModel, i: number, j: number, x: TF.Tensor): TF.Scalar {
    this.batches.tick();
    return super.generatorLoss(tf, model, i, j, x);
  }
}

type Counted = NeuralDetector & { readonly batches: BatchCounter };
type Options = { epochs: number; seed: number; progress: false | ((log: EpochLog) => void) };

function gaussianRows(seed: number, n: number, d: number): number[][] {
  const random = new RandomState(seed);
  return Array.from({ length: n }, () => Array.from(random.standardNormal(d) as Float64Array));
}
const rows = gaussianRows(1, 64, 4);
const sequences = Array.from({ length: 48 }, (_, i) => Array.from({ length: 16 }, (_, t) => 0.5 + 0.3 * Math.sin(t / 2 + i)));
const images = Array.from({ length: 48 }, (_, i) => Array.from({ length: 64 }, (_, j) => ((i * 7 + j * 3) % 17) / 17));

// Every neural class, small, with at least 3 batches per epoch; `epochs` and `progress` come from the test.
const CLASSES: [string, (o: Options) => Counted, number[][]][] = [
  ["AutoencoderDetector", (o) => new CountedAutoencoder({ layers: [{ units: 3 }], batchSize: 16, ...o }), rows],
  ["VAEDetector", (o) => new CountedVAE({ encoderUnits: [6], latentDim: 2, batchSize: 16, ...o }), rows],
  ["DeepSVDDDetector", (o) => new CountedDeepSVDD({ hiddenUnits: [8, 4], batchSize: 16, ...o }), rows],
  ["SOGAALDetector", (o) => new CountedSOGAAL({ stopEpochs: Math.max(1, Math.floor(o.epochs / 3)), batchSize: 16, ...o }), rows],
  ["MOGAALDetector", (o) => new CountedMOGAAL({ k: 2, stopEpochs: Math.max(1, Math.floor(o.epochs / 3)), batchSize: 16, ...o }), rows],
  ["GANEnsembleDetector", (o) => new CountedGANEnsemble({ generators: 2, discriminators: 2, hiddenUnits: [6], latentDim: 2, discriminatorUnits: [6, 3], batchSize: 16, ...o }), rows],
  ["LstmAutoencoderDetector", (o) => new CountedLstm({ timesteps: 2, encoder: [{ units: 3 }], decoder: [{ units: 3 }], batchSize: 16, ...o }), rows],
  ["Conv1dAutoencoderDetector", (o) => new CountedConv1d({ filters: [2], kernelSize: 3, batchSize: 16, ...o }), sequences],
  ["ConvAutoencoderDetector", (o) => new CountedConv2d({ imageShape: [8, 8, 1], filters: [2], latentDim: 2, batchSize: 16, backend: "wasm", ...o }), images],
];

/** Lets timers and pending callbacks run: anything still training in the background would go on meanwhile. */
function pause(ms = 30): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function assertSameScores(actual: Float64Array, expected: Float64Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

describe("interrupting a fit", () => {
  for (const [name, make, X] of CLASSES) {
    it(`${name}: an interrupt at a batch stops training there; an unfitted detector stays unfitted, a fitted one keeps its model bit for bit; no tensor left`, async () => {
      const { tf } = await useBackend(name === "ConvAutoencoderDetector" ? "wasm" : undefined);
      const warm = await make({ epochs: 1, seed: 1, progress: false }).fit(X);
      warm.dispose();
      const before = tf.memory().numTensors;

      // The kernel's Stop (requestInterrupt) during the third batch of the first epoch.
      const detector = make({ epochs: 6, seed: 2, progress: false });
      detector.batches.onBatch = (count) => count === 3 && requestInterrupt();
      await assert.rejects(detector.fit(X), InterruptedError);
      assert.equal(detector.batches.count, 3, "no batch after the interrupted one");
      await pause();
      assert.equal(detector.batches.count, 3, "nothing goes on training in the background");
      assert.equal(detector.isFitted, false);
      assert.throws(() => detector.score(X), /is not fitted: call fit\(X\) first/);
      assert.equal(tf.memory().numTensors, before, "the interrupted fit freed its tensors");

      // A fitted detector, then a refit cancelled by its AbortSignal: the first model stays, bit for bit.
      detector.batches.onBatch = undefined;
      await detector.fit(X);
      const scores = detector.score(X);
      const trainingScores = detector.trainingScores;
      const threshold = detector.threshold;
      const history = detector.history.loss;
      const fitted = tf.memory().numTensors;
      const controller = new AbortController();
      const started = detector.batches.count;
      detector.batches.onBatch = (count) => count === started + 2 && controller.abort();
      await assert.rejects(detector.fit(X.slice(0, 40), { signal: controller.signal }), InterruptedError);
      assert.equal(detector.batches.count, started + 2, "no batch after the aborted one");
      await pause();
      assert.equal(detector.batches.count, started + 2, "nothing goes on training in the background");
      assert.equal(detector.isFitted, true, "the previous fit is kept");
      assertSameScores(detector.score(X), scores, "scores with the previous model");
      assertSameScores(detector.trainingScores, trainingScores, "training scores");
      assert.equal(detector.threshold, threshold);
      assert.deepEqual(detector.history.loss, history);
      assert.equal(tf.memory().numTensors, fitted, "the cancelled fit freed its tensors");
      detector.dispose();
      assert.equal(tf.memory().numTensors, before);
    });

    it(`${name}: an interrupt from the end-of-epoch callback stops before the next epoch's first batch`, async () => {
      const epochs: number[] = [];
      let batchesAtInterrupt = -1;
      const detector = make({
        epochs: 9,
        seed: 3,
        progress: (log) => {
          epochs.push(log.epoch);
          if (log.epoch === 2) {
            batchesAtInterrupt = detector.batches.count;
            requestInterrupt();
          }
        },
      });
      await assert.rejects(detector.fit(X), InterruptedError);
      await pause();
      assert.deepEqual(epochs, [1, 2], "no epoch after the interrupt");
      assert.equal(detector.batches.count, batchesAtInterrupt, "no batch after the interrupt");
      assert.equal(detector.isFitted, false);
    });
  }

  it("an interrupt from a timer stops the loop at the next batch (the loop lets timers run between batches)", async () => {
    for (const [, make, X] of CLASSES.filter(([name]) => name === "AutoencoderDetector" || name === "SOGAALDetector")) {
      const detector = make({ epochs: 3000, seed: 4, progress: false });
      let batchesAtInterrupt = -1;
      // The timer starts with training (at its first batch) and fires 20 ms later, between two batches.
      detector.batches.onBatch = (count) =>
        count === 1 &&
        setTimeout(() => {
          batchesAtInterrupt = detector.batches.count;
          requestInterrupt();
        }, 20);
      await assert.rejects(detector.fit(X), InterruptedError);
      assert.ok(batchesAtInterrupt >= 1, "the timer fired while training");
      assert.equal(detector.batches.count, batchesAtInterrupt, "no batch after the timer's interrupt");
      await pause();
      assert.equal(detector.batches.count, batchesAtInterrupt, "nothing goes on training in the background");
    }
  });

  it("an already aborted signal rejects before any training; an interrupt requested before the fit does not stop it", async () => {
    const [, make, X] = CLASSES[0];
    const detector = make({ epochs: 2, seed: 5, progress: false });
    const controller = new AbortController();
    controller.abort("shutting down");
    await assert.rejects(detector.fit(X, { signal: controller.signal }), (error: Error) => error instanceof InterruptedError && /shutting down/.test(error.message));
    assert.equal(detector.batches.count, 0);
    assert.equal(detector.isFitted, false);
    requestInterrupt();
    await detector.fit(X);
    assert.equal(detector.isFitted, true, "an interrupt is for the fits running when it arrives");
    await assert.rejects(detector.fitPredict(X, { signal: controller.signal }), InterruptedError);
    assert.equal(detector.isFitted, true, "fitPredict takes the signal too, and keeps the previous fit");
    detector.dispose();
  });
});
