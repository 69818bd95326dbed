/**
 * MO-GAAL, Multiple-Objective Generative Adversarial Active Learning (Liu et al. 2019; PyOD's `MO_GAAL`):
 * k sub-generators, each with its own target. Per batch of b rows, the b noise rows are split into k
 * blocks, generator i getting (k − i)·⌊b / (k(k+1)/2)⌋ rows (the last one the remainder), then
 *   discriminator: BCE over [real rows → 1, all generated rows → 0]
 *   generator i:   BCE(D(Gᵢ(zᵢ)), Tᵢ), Tᵢ = the (i/k · 100)th percentile of D over all training rows
 * so that generator i aims at the region where a fraction i/k of the data scores lower: together they
 * surround the data at several "depths" instead of collapsing onto one mode. Score = 1 − D(x).
 */
import type * as TF from "@tensorflow/tfjs";
import { checkInteger } from "../core/validation";
import { percentile } from "../core/percentile";
import { NeuralDetector } from "./neural-detector";
import type { BackendName } from "./tf";
import { GAALDetector, bceWithLogits, type GAALOptions, type GAALStepLosses } from "./gaal";
import { gradientStep } from "./adversarial-training";
import type { HostSGD } from "./host-sgd";

export interface MOGAALOptions extends GAALOptions {
  /** Number of sub-generators. Default 10 (PyOD). */
  k?: number;
}

/**
 * @example
 * ```ts
 * const gaal = new MOGAALDetector({ k: 5, stopEpochs: 10, seed: 1 });
 * await gaal.fit(X);
 * rocAuc(y, gaal.score(X));      // 1 − D(x)
 * gaal.history.losses.generator; // mean sub-generator loss per epoch
 * ```
 */
export class MOGAALDetector extends GAALDetector {
  readonly k: number;

  constructor(options: MOGAALOptions = {}) {
    const k = checkInteger(options.k ?? 10, "MOGAALDetector: k", 1);
    super(options, k);
    this.k = k;
  }

  static async load(folder: string, options: { backend?: BackendName } = {}): Promise<MOGAALDetector> {
    return NeuralDetector.restore(folder, (saved) => new MOGAALDetector(saved as MOGAALOptions), "MOGAALDetector", options.backend);
  }

  protected override savedOptions(): Record<string, unknown> {
    return { ...super.savedOptions(), k: this.k };
  }

  protected trainStep(
    tf: typeof TF,
    model: TF.LayersModel,
    all: TF.Tensor,
    batch: TF.Tensor,
    trainGenerators: boolean,
    discriminator: { variables: TF.Variable[]; optimizer: HostSGD },
    generators: { variables: TF.Variable[]; optimizer: HostSGD }[],
  ): GAALStepLosses {
    const b = batch.shape[0];
    const noise = tf.randomUniform(batch.shape, 0, 1, "float32", this.noise.nextSeed());
    const blocks = moGaalBlocks(b, this.k)
      .map(([start, end], i) => ({ i, noise: end > start ? noise.slice(start, end - start) : undefined }))
      .filter((block): block is { i: number; noise: TF.Tensor } => block.noise !== undefined); // short last batches: some blocks are empty
    try {
      const d = gradientStep(tf, discriminator.variables, discriminator.optimizer, () => {
        const fakes = blocks.map((block) => this.generatorOutput(tf, model, block.i, block.noise));
        const logits = this.discriminatorLogits(tf, model, tf.concat([batch, ...fakes], 0));
        const labels = tf.concat([tf.ones([b, 1]), tf.zeros([logits.shape[0] - b, 1])], 0);
        return bceWithLogits(tf, logits, labels);
      });
      const probabilities = tf.tidy(() => tf.sigmoid(this.discriminatorLogits(tf, model, all)));
      let targets: number[];
      try {
        const outputs = probabilities.dataSync();
        if (outputs.some(Number.isNaN)) {
          throw new Error(`${this.constructor.name} training: the discriminator's output became NaN; lower the learning rates or scale the inputs`);
        }
        targets = moGaalTargets(outputs, this.k);
      } finally {
        probabilities.dispose();
      }
      const losses = blocks.map((block) => {
        const loss = (): TF.Scalar => bceWithLogits(tf, this.discriminatorLogits(tf, model, this.generatorOutput(tf, model, block.i, block.noise)), targets[block.i]);
        if (trainGenerators) return gradientStep(tf, generators[block.i].variables, generators[block.i].optimizer, loss);
        const value = tf.tidy(loss);
        const result = value.dataSync()[0];
        value.dispose();
        return result;
      });
      return { discriminator: d, generator: losses.reduce((a, v) => a + v, 0) / Math.max(1, losses.length) };
    } finally {
      for (const block of blocks) block.noise.dispose();
      noise.dispose();
    }
  }
}

/** PyOD's split of a batch's `b` noise rows among `k` sub-generators: [start, end) per generator. */
export function moGaalBlocks(b: number, k: number): [number, number][] {
  const unit = Math.floor(b / ((k * (k + 1)) / 2));
  return Array.from({ length: k }, (_, i) => {
    const start = Math.trunc((((2 * k - i + 1) * i) / 2) * unit);
    const end = i === k - 1 ? b : Math.trunc((((2 * k - i) * (i + 1)) / 2) * unit);
    return [start, end];
  });
}

/** The sub-generators' targets: Tᵢ = the (i/k · 100)th percentile (numpy's linear) of D over the training rows. */
export function moGaalTargets(discriminatorOutputs: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: k }, (_, i) => percentile(discriminatorOutputs, (i / k) * 100));
}
