/**
 * SO-GAAL, Single-Objective Generative Adversarial Active Learning (Liu et al. 2019; PyOD's `SO_GAAL`):
 * one generator and one discriminator, with the GAN's published losses per batch of b rows and b noise rows
 * z ~ U(0, 1):
 *   discriminator: BCE(D(x), 1) + BCE(D(G(z)), 0)
 *   generator:     BCE(D(G(z)), 1)           (only during the first `stopEpochs` epochs)
 * Score = 1 − D(x). Networks, defaults and the sign of the score: see ./gaal.ts.
 */
import type * as TF from "@tensorflow/tfjs";
import { NeuralDetector } from "./neural-detector";
import type { BackendName } from "./tf";
import { GAALDetector, bceWithLogits, type GAALOptions, type GAALStepLosses } from "./gaal";
import { gradientStep } from "./adversarial-training";
import type { HostSGD } from "./host-sgd";

export type SOGAALOptions = GAALOptions;

/**
 * @example
 * ```ts
 * const gaal = new SOGAALDetector({ stopEpochs: 10, seed: 1 });   // 30 epochs, generator in the first 10
 * await gaal.fit(X);                                              // unsupervised: outliers may be in X
 * rocAuc(y, gaal.score(X));                                       // 1 − D(x)
 * ```
 */
export class SOGAALDetector extends GAALDetector {
  constructor(options: SOGAALOptions = {}) {
    super(options, 1);
  }

  static async load(folder: string, options: { backend?: BackendName } = {}): Promise<SOGAALDetector> {
    return NeuralDetector.restore(folder, (saved) => new SOGAALDetector(saved as SOGAALOptions), "SOGAALDetector", options.backend);
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
    void all;
    const noise = tf.randomUniform(batch.shape, 0, 1, "float32", this.noise.nextSeed());
    try {
      const d = gradientStep(tf, discriminator.variables, discriminator.optimizer, () =>
        soGaalDiscriminatorLoss(tf, this.discriminatorLogits(tf, model, batch), this.discriminatorLogits(tf, model, this.generatorOutput(tf, model, 0, noise))),
      );
      const generatorLoss = (): TF.Scalar => bceWithLogits(tf, this.discriminatorLogits(tf, model, this.generatorOutput(tf, model, 0, noise)), 1);
      let g: number;
      if (trainGenerators) g = gradientStep(tf, generators[0].variables, generators[0].optimizer, generatorLoss);
      else {
        const value = tf.tidy(generatorLoss);
        g = value.dataSync()[0];
        value.dispose();
      }
      return { discriminator: d, generator: g };
    } finally {
      noise.dispose();
    }
  }
}

/** SO-GAAL's discriminator loss from the logits of real and generated rows: BCE(D(x), 1) + BCE(D(G(z)), 0). */
export function soGaalDiscriminatorLoss(tf: typeof TF, realLogits: TF.Tensor, fakeLogits: TF.Tensor): TF.Scalar {
  return tf.add(bceWithLogits(tf, realLogits, 1), bceWithLogits(tf, fakeLogits, 0)) as TF.Scalar;
}
