/**
 * GAN ensemble for anomaly detection (Han, Chen & Liu, "GAN Ensemble for Anomaly Detection", AAAI 2021),
 * on a dense encoder-decoder GAN in the GANomaly / EGBAD style for tabular rows (or flattened sequences).
 *
 * Generator i = encoder Eᵢ (x → z) + decoder Gᵢ (z → x̂); discriminator j = a dense net Dⱼ whose last
 * hidden layer gives features fⱼ(x) and whose output is the probability that x is real. I generators and J
 * discriminators train together: at every batch one pair (i, j) is drawn at random (seeded) and updated with
 * GANomaly's losses (as the authors' ensemble code does):
 *   generator i:     w_adv · mean (fⱼ(x) − fⱼ(x̂ᵢ))² + w_rec · mean |x − x̂ᵢ|
 *   discriminator j: ½ · [BCE(Dⱼ(x), 1) + BCE(Dⱼ(x̂ᵢ), 0)]
 * Score of a row, averaged over all I × J pairs:
 *   A(x) = (1 − λ) · mean |x − x̂ᵢ| + λ · mean (fⱼ(x) − fⱼ(x̂ᵢ))²
 * (reconstruction + discriminator-feature error, EGBAD's weighting with λ = 0.1). 1 × 1 is the single GAN.
 */
import type * as TF from "@tensorflow/tfjs";
import { checkFiniteNumber, checkInteger } from "../core/validation";
import { RandomState } from "../random";
import { layerSeeds, NeuralDetector, type NeuralDetectorOptions } from "./neural-detector";
import type { BackendName } from "./tf";
import { type Activation, checkActivationName } from "./activations";
import { applyStack, checkUnits, seededDense } from "./dense-blocks";
import { checkAdversarialSettings, gradientStep, trainAdversarial, type AdversarialHistory } from "./adversarial-training";
import { bceWithLogits } from "./gaal";
import { HostAdam } from "./host-adam";
import type { TrainingRun } from "./training";

export interface GANEnsembleOptions extends NeuralDetectorOptions {
  /** Number of generators (encoder-decoders), I. Default 3. */
  generators?: number;
  /** Number of discriminators, J. Default 3. */
  discriminators?: number;
  /** Hidden widths of each encoder (input side first); decoders mirror them. Default [64]. */
  hiddenUnits?: number[];
  /** Latent dimension. Default 8. */
  latentDim?: number;
  /** Hidden widths of each discriminator; the last one is the feature layer fⱼ. Default [64, 32]. */
  discriminatorUnits?: number[];
  /** Activation of the generators' hidden layers. Default "relu". */
  activation?: Activation;
  /** Weight of the feature-matching (adversarial) term of the generator loss. Default 1 (GANomaly). */
  adversarialWeight?: number;
  /** Weight of the reconstruction term of the generator loss. Default 50 (GANomaly's w_con). */
  reconstructionWeight?: number;
  /** λ, the weight of the feature error in the score. Default 0.1. */
  featureWeight?: number;
}

/**
 * @example
 * ```ts
 * const ens = new GANEnsembleDetector({ generators: 3, discriminators: 3, epochs: 30, seed: 1 });
 * await ens.fit(XTrainNormal);
 * rocAuc(yTest, ens.score(XTest));
 * const single = new GANEnsembleDetector({ generators: 1, discriminators: 1, epochs: 30, seed: 1 }); // the base GAN
 * ```
 */
export class GANEnsembleDetector extends NeuralDetector {
  readonly generators: number;
  readonly discriminators: number;
  readonly hiddenUnits: readonly number[];
  readonly latentDim: number;
  readonly discriminatorUnits: readonly number[];
  readonly activation: Activation;
  readonly adversarialWeight: number;
  readonly reconstructionWeight: number;
  readonly featureWeight: number;

  constructor(options: GANEnsembleOptions = {}) {
    super({ epochs: 50, batchSize: 64, learningRate: 2e-4, preprocessing: "standard", ...options });
    this.generators = checkInteger(options.generators ?? 3, "GANEnsembleDetector: generators", 1);
    this.discriminators = checkInteger(options.discriminators ?? 3, "GANEnsembleDetector: discriminators", 1);
    this.hiddenUnits = checkUnits(options.hiddenUnits ?? [64], "GANEnsembleDetector: hiddenUnits", true);
    this.latentDim = checkInteger(options.latentDim ?? 8, "GANEnsembleDetector: latentDim", 1);
    this.discriminatorUnits = checkUnits(options.discriminatorUnits ?? [64, 32], "GANEnsembleDetector: discriminatorUnits");
    this.activation = checkActivationName(options.activation ?? "relu", "GANEnsembleDetector: activation");
    this.adversarialWeight = checkFiniteNumber(options.adversarialWeight ?? 1, "GANEnsembleDetector: adversarialWeight");
    this.reconstructionWeight = checkFiniteNumber(options.reconstructionWeight ?? 50, "GANEnsembleDetector: reconstructionWeight");
    this.featureWeight = checkFiniteNumber(options.featureWeight ?? 0.1, "GANEnsembleDetector: featureWeight");
    if (!(this.featureWeight >= 0 && this.featureWeight <= 1)) throw new RangeError(`GANEnsembleDetector: featureWeight must be in [0, 1], got ${this.featureWeight}`);
    checkAdversarialSettings(this.training, "GANEnsembleDetector");
  }

  static async load(folder: string, options: { backend?: BackendName } = {}): Promise<GANEnsembleDetector> {
    return NeuralDetector.restore(folder, (saved) => new GANEnsembleDetector(saved as GANEnsembleOptions), "GANEnsembleDetector", options.backend);
  }

  /** The training history with both losses per epoch (`history.losses.discriminator`, `.generator`). */
  override get history(): AdversarialHistory {
    return super.history as AdversarialHistory;
  }

  /** One input (rows); outputs: each generator's reconstruction, then each discriminator's logit. */
  protected buildModel(tf: typeof TF, cols: number, seed: number): TF.LayersModel {
    const perGenerator = 2 * this.hiddenUnits.length + 2;
    const perDiscriminator = this.discriminatorUnits.length + 1;
    const seeds = layerSeeds(seed, this.generators * perGenerator + this.discriminators * perDiscriminator);
    let s = 0;
    const x = tf.input({ shape: [cols], name: "rows" });
    const outputs: TF.SymbolicTensor[] = [];
    for (let i = 0; i < this.generators; i++) {
      let h: TF.SymbolicTensor = x;
      for (const name of this.generatorLayers(i)) {
        const [units, activation] = this.generatorLayerShape(name, cols);
        h = seededDense(tf, name, units, activation, seeds[s++]).apply(h) as TF.SymbolicTensor;
      }
      outputs.push(h);
    }
    for (let j = 0; j < this.discriminators; j++) {
      let h: TF.SymbolicTensor = x;
      this.discriminatorUnits.forEach((units, l) => {
        h = seededDense(tf, `d${j}_hidden_${l + 1}`, units, "linear", seeds[s++]).apply(h) as TF.SymbolicTensor;
        h = tf.layers.leakyReLU({ name: `d${j}_act_${l + 1}`, alpha: 0.2 }).apply(h) as TF.SymbolicTensor;
      });
      outputs.push(seededDense(tf, `d${j}_logit`, 1, "linear", seeds[s++]).apply(h) as TF.SymbolicTensor);
    }
    return tf.model({ name: "gan_ensemble", inputs: x, outputs });
  }

  protected batchLoss(): TF.Scalar {
    throw new Error("GANEnsembleDetector trains adversarially (trainNetwork), not on one batch loss");
  }

  /** The ensemble's score: the mean over all I × J pairs of (1 − λ)·reconstruction + λ·feature error. */
  protected batchScores(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor): TF.Tensor1D {
    const pairs: TF.Tensor[] = [];
    for (let i = 0; i < this.generators; i++) {
      const xHat = this.reconstruct(tf, model, i, batch);
      const reconstruction = tf.mean(tf.abs(tf.sub(batch, xHat)), 1);
      for (let j = 0; j < this.discriminators; j++) {
        const feature = tf.mean(tf.square(tf.sub(this.features(tf, model, j, batch), this.features(tf, model, j, xHat))), 1);
        pairs.push(tf.add(tf.mul(1 - this.featureWeight, reconstruction), tf.mul(this.featureWeight, feature)));
      }
    }
    return tf.div(tf.addN(pairs), pairs.length) as TF.Tensor1D;
  }

  protected override async trainNetwork(tf: typeof TF, model: TF.LayersModel, input: TF.Tensor, run: TrainingRun): Promise<AdversarialHistory> {
    const variablesOf = (prefix: string): TF.Variable[] =>
      model.layers.filter((layer) => layer.name.startsWith(prefix)).flatMap((layer) => layer.trainableWeights.map((w) => w.read() as TF.Variable));
    // GANomaly's Adam: β1 = 0.5.
    const generators = Array.from({ length: this.generators }, (_, i) => {
      const variables = variablesOf(`g${i}_`);
      return { variables, optimizer: new HostAdam(variables, this.training.learningRate, 0.5, 0.999, 1e-8) };
    });
    const discriminators = Array.from({ length: this.discriminators }, (_, j) => {
      const variables = variablesOf(`d${j}_`);
      return { variables, optimizer: new HostAdam(variables, this.training.learningRate, 0.5, 0.999, 1e-8) };
    });
    const pairs = new RandomState(this.seed + 7);
    const label = "GANEnsembleDetector training";
    return trainAdversarial(tf, input, this.training, this.seed, { label, checkInterrupt: run.checkInterrupt }, (batch) => {
      const i = pairs.randint(0, this.generators);
      const j = pairs.randint(0, this.discriminators);
      const generator = gradientStep(tf, generators[i].variables, generators[i].optimizer, () => this.generatorLoss(tf, model, i, j, batch));
      const discriminator = gradientStep(tf, discriminators[j].variables, discriminators[j].optimizer, () => this.discriminatorLoss(tf, model, i, j, batch));
      return { discriminator, generator };
    });
  }

  /** Generator i's loss against discriminator j on rows x: w_adv·mean(fⱼ(x) − fⱼ(x̂))² + w_rec·mean|x − x̂|. */
  protected generatorLoss(tf: typeof TF, model: TF.LayersModel, i: number, j: number, x: TF.Tensor): TF.Scalar {
    const xHat = this.reconstruct(tf, model, i, x);
    const adversarial = tf.mean(tf.square(tf.sub(this.features(tf, model, j, x), this.features(tf, model, j, xHat))));
    const reconstruction = tf.mean(tf.abs(tf.sub(x, xHat)));
    return tf.add(tf.mul(this.adversarialWeight, adversarial), tf.mul(this.reconstructionWeight, reconstruction)) as TF.Scalar;
  }

  /** Discriminator j's loss against generator i on rows x: ½·[BCE(Dⱼ(x), 1) + BCE(Dⱼ(x̂ᵢ), 0)]. */
  protected discriminatorLoss(tf: typeof TF, model: TF.LayersModel, i: number, j: number, x: TF.Tensor): TF.Scalar {
    const xHat = this.reconstruct(tf, model, i, x);
    const real = bceWithLogits(tf, this.logits(tf, model, j, x), 1);
    const fake = bceWithLogits(tf, this.logits(tf, model, j, xHat), 0);
    return tf.mul(0.5, tf.add(real, fake)) as TF.Scalar;
  }

  private generatorLayers(i: number): string[] {
    return [
      ...this.hiddenUnits.map((_, l) => `g${i}_encoder_${l + 1}`),
      `g${i}_latent`,
      ...this.hiddenUnits.map((_, l) => `g${i}_decoder_${l + 1}`),
      `g${i}_reconstruction`,
    ];
  }

  private generatorLayerShape(name: string, cols: number): [number, Activation] {
    const [, part, index] = /^g\d+_(encoder|latent|decoder|reconstruction)_?(\d+)?$/.exec(name)!;
    if (part === "encoder") return [this.hiddenUnits[Number(index) - 1], this.activation];
    if (part === "latent") return [this.latentDim, "linear"];
    if (part === "decoder") return [this.hiddenUnits[this.hiddenUnits.length - Number(index)], this.activation];
    return [cols, "linear"];
  }

  private reconstruct(tf: typeof TF, model: TF.LayersModel, i: number, x: TF.Tensor): TF.Tensor {
    return applyStack(tf, model, this.generatorLayers(i), x);
  }

  private features(tf: typeof TF, model: TF.LayersModel, j: number, x: TF.Tensor): TF.Tensor {
    return applyStack(tf, model, this.discriminatorUnits.flatMap((_, l) => [`d${j}_hidden_${l + 1}`, `d${j}_act_${l + 1}`]), x);
  }

  private logits(tf: typeof TF, model: TF.LayersModel, j: number, x: TF.Tensor): TF.Tensor {
    return applyStack(tf, model, [`d${j}_logit`], this.features(tf, model, j, x));
  }

  protected savedOptions(): Record<string, unknown> {
    return {
      generators: this.generators,
      discriminators: this.discriminators,
      hiddenUnits: this.hiddenUnits,
      latentDim: this.latentDim,
      discriminatorUnits: this.discriminatorUnits,
      activation: this.activation,
      adversarialWeight: this.adversarialWeight,
      reconstructionWeight: this.reconstructionWeight,
      featureWeight: this.featureWeight,
    };
  }
}
