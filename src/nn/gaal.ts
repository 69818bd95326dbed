/**
 * What SO-GAAL and MO-GAAL share (Liu et al., "Generative Adversarial Active Learning for Unsupervised
 * Outlier Detection", IEEE TKDE 2019; PyOD's `SO_GAAL` / `MO_GAAL`): the networks, the loss, the options.
 *
 * A generator (two square ReLU layers started at the identity) turns uniform noise into potential
 * outliers; a discriminator (one ReLU layer of ⌈√n⌉ units, sigmoid output) learns to tell the real rows
 * (label 1) from generated ones (label 0), both with binary cross-entropy and SGD with momentum. The
 * generators train for the first `stopEpochs` epochs, the discriminator for all `epochs` (PyOD: 3 ×
 * stop_epochs). Outlier score = 1 − D(x), the discriminator's probability that x is not a real row (the
 * paper's OS(x) = 1 − D(x); PyOD returns D(x) itself, which ranks outliers lowest: PyOD issues #119, #237).
 */
import type * as TF from "@tensorflow/tfjs";
import { checkFiniteNumber, checkInteger } from "../core/validation";
import { toMatrix, type Matrix, type MatrixInput } from "../core/matrix";
import { layerSeeds, NeuralDetector, type NeuralDetectorOptions } from "./neural-detector";
import { applyColumnAffine } from "./input-scaling";
import { tfjs } from "./tf";
import { applyStack, layerNamed, SeededNoise } from "./dense-blocks";
import { checkAdversarialSettings, trainAdversarial, type AdversarialHistory } from "./adversarial-training";
import { HostSGD } from "./host-sgd";
import type { TrainingRun } from "./training";

export interface GAALOptions extends NeuralDetectorOptions {
  /** Epochs in which the generators train (the discriminator trains all `epochs`). Default 20; `epochs` default 3 × stopEpochs. */
  stopEpochs?: number;
  /** Learning rate of the generator(s) (`learningRate` is the discriminator's, default 0.01). Default 1e-4. */
  generatorLearningRate?: number;
  /** SGD momentum of both networks. Default 0.9. */
  momentum?: number;
  /** Hidden units of the discriminator; default ⌈√(training rows)⌉ (PyOD). */
  discriminatorUnits?: number;
}

/** The losses of one training step, by name (the history's `losses`). */
export type GAALStepLosses = { discriminator: number; generator: number };

export abstract class GAALDetector extends NeuralDetector {
  readonly stopEpochs: number;
  readonly generatorLearningRate: number;
  readonly momentum: number;
  protected readonly noise: SeededNoise;
  /** The `discriminatorUnits` option; undefined: ⌈√rows⌉ of each fit's rows. */
  private readonly discriminatorUnitsOption: number | undefined;
  /** Rows of the fit in progress (the derived discriminator width). */
  private fitRows = 0;

  protected constructor(options: GAALOptions, generators: number) {
    const stopEpochs = options.stopEpochs ?? (options.epochs === undefined ? 20 : Math.max(1, Math.round(options.epochs / 3)));
    super({ epochs: 3 * stopEpochs, batchSize: 500, learningRate: 0.01, preprocessing: "minmax", ...options });
    const name = new.target.name;
    this.stopEpochs = checkInteger(stopEpochs, `${name}: stopEpochs`, 1);
    if (this.stopEpochs > this.training.epochs) throw new RangeError(`${name}: stopEpochs (${this.stopEpochs}) must not exceed epochs (${this.training.epochs})`);
    this.generatorLearningRate = checkFiniteNumber(options.generatorLearningRate ?? 1e-4, `${name}: generatorLearningRate`, 0);
    this.momentum = checkFiniteNumber(options.momentum ?? 0.9, `${name}: momentum`);
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new RangeError(`${name}: momentum must be in [0, 1), got ${this.momentum}`);
    const units = options.discriminatorUnits;
    this.discriminatorUnitsOption = units === undefined ? undefined : checkInteger(units, `${name}: discriminatorUnits`, 1);
    checkAdversarialSettings(this.training, name);
    this.generatorCount = generators;
    this.noise = new SeededNoise(this.seed + 1);
  }

  private readonly generatorCount: number;

  /** The training history with both losses per epoch (`history.losses.discriminator`, `.generator`). */
  override get history(): AdversarialHistory {
    return super.history as AdversarialHistory;
  }

  /**
   * The discriminator's hidden width: once fitted, the fitted network's (⌈√rows⌉ of the last fit's rows unless
   * the option fixed it); before, the option (undefined when derived from the rows).
   */
  get discriminatorUnits(): number | undefined {
    if (!this.isFitted) return this.discriminatorUnitsOption;
    return layerNamed(this.model, "discriminator_1").getConfig().units as number;
  }

  protected override async fitScores(X: Matrix, checkInterrupt: () => void): Promise<Float64Array> {
    this.fitRows = X.rows;
    return super.fitScores(X, checkInterrupt);
  }

  /** Inputs [noise, rows]; outputs [G₀(noise), …, D-logit(rows)]: every sub-network in one model to save. */
  protected buildModel(tf: typeof TF, cols: number, seed: number): TF.LayersModel {
    const seeds = layerSeeds(seed, 2 * this.generatorCount + 2);
    const noise = tf.input({ shape: [cols], name: "noise" });
    const rows = tf.input({ shape: [cols], name: "rows" });
    const outputs: TF.SymbolicTensor[] = [];
    for (let g = 0; g < this.generatorCount; g++) {
      let h: TF.SymbolicTensor = noise;
      for (let l = 1; l <= 2; l++) {
        h = tf.layers
          .dense({
            name: `generator_${g}_${l}`,
            units: cols,
            activation: "relu",
            kernelInitializer: tf.initializers.identity({ gain: 1 }), // PyOD: nn.init.eye_
            biasInitializer: torchBias(tf, cols, seeds[2 * g + l - 1]),
          })
          .apply(h) as TF.SymbolicTensor;
      }
      outputs.push(h);
    }
    const units = this.discriminatorUnitsOption ?? Math.ceil(Math.sqrt(this.fitRows)); // PyOD: ⌈√n⌉, per fit
    const hidden = tf.layers
      .dense({
        name: "discriminator_1",
        units,
        activation: "relu",
        kernelInitializer: tf.initializers.heNormal({ seed: seeds[2 * this.generatorCount] }), // kaiming_normal_, relu gain
        biasInitializer: torchBias(tf, cols, seeds[2 * this.generatorCount] + 1),
      })
      .apply(rows) as TF.SymbolicTensor;
    const logit = tf.layers
      .dense({
        name: "discriminator_logit",
        units: 1,
        activation: "linear", // the sigmoid is applied with the loss, in its stable logit form
        kernelInitializer: tf.initializers.leCunNormal({ seed: seeds[2 * this.generatorCount + 1] }), // kaiming_normal_, gain 1
        biasInitializer: torchBias(tf, units, seeds[2 * this.generatorCount + 1] + 1),
      })
      .apply(hidden) as TF.SymbolicTensor;
    outputs.push(logit);
    return tf.model({ name: "gaal", inputs: [noise, rows], outputs });
  }

  protected batchLoss(): TF.Scalar {
    throw new Error(`${this.constructor.name} trains adversarially (trainNetwork), not on one batch loss`);
  }

  /** 1 − D(x): the discriminator's probability that the row is not real. */
  protected batchScores(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor): TF.Tensor1D {
    return tf.sub(1, tf.sigmoid(this.discriminatorLogits(tf, model, batch))).reshape([-1]) as TF.Tensor1D;
  }

  /** D(x), the discriminator's probability that each row is real (the score is 1 − D(x)). */
  discriminate(X: MatrixInput): Float64Array {
    const { model, affine } = this.fittedNetwork();
    const matrix = toMatrix(X, { name: "X" });
    if (matrix.cols !== affine.factor.length) throw new RangeError(`X has ${matrix.cols} columns, but ${this.constructor.name} was fitted on ${affine.factor.length} columns`);
    const tf = tfjs();
    const scaled = applyColumnAffine(affine, matrix);
    const out = tf.tidy(() => tf.sigmoid(this.discriminatorLogits(tf, model, tf.tensor2d(Float32Array.from(scaled.data), [scaled.rows, scaled.cols]))));
    const values = Float64Array.from(out.dataSync());
    out.dispose();
    return values;
  }

  /** Potential outliers from generator `index` (in the network's scaled units), from seeded uniform noise. */
  generate(count: number, index = 0, seed = this.seed): number[][] {
    const { model } = this.fittedNetwork();
    checkInteger(count, "generate: count", 1);
    if (!(Number.isInteger(index) && index >= 0 && index < this.generatorCount)) throw new RangeError(`generate: index must be 0..${this.generatorCount - 1}, got ${index}`);
    const tf = tfjs();
    const cols = model.inputs[0].shape[1]!;
    const out = tf.tidy(() => this.generatorOutput(tf, model, index, tf.randomUniform([count, cols], 0, 1, "float32", seed)));
    const values = out.dataSync();
    out.dispose();
    return Array.from({ length: count }, (_, i) => Array.from(values.subarray(i * cols, (i + 1) * cols)));
  }

  protected discriminatorLogits(tf: typeof TF, model: TF.LayersModel, x: TF.Tensor): TF.Tensor {
    return applyStack(tf, model, ["discriminator_1", "discriminator_logit"], x);
  }

  protected generatorOutput(tf: typeof TF, model: TF.LayersModel, index: number, noise: TF.Tensor): TF.Tensor {
    return applyStack(tf, model, [`generator_${index}_1`, `generator_${index}_2`], noise);
  }

  protected variablesOf(model: TF.LayersModel, prefix: string): TF.Variable[] {
    return model.layers.filter((layer) => layer.name.startsWith(prefix)).flatMap((layer) => layer.trainableWeights.map((w) => w.read() as TF.Variable));
  }

  protected override async trainNetwork(tf: typeof TF, model: TF.LayersModel, input: TF.Tensor, run: TrainingRun): Promise<AdversarialHistory> {
    this.noise.reset();
    const discriminator = this.variablesOf(model, "discriminator_");
    const dOptimizer = new HostSGD(discriminator, this.training.learningRate, this.momentum);
    const generators = Array.from({ length: this.generatorCount }, (_, g) => {
      const variables = this.variablesOf(model, `generator_${g}_`);
      return { variables, optimizer: new HostSGD(variables, this.generatorLearningRate, this.momentum) };
    });
    const label = `${this.constructor.name} training`;
    return trainAdversarial(tf, input, this.training, this.seed, { label, checkInterrupt: run.checkInterrupt }, (batch, epoch) =>
      this.trainStep(tf, model, input, batch, epoch <= this.stopEpochs, { variables: discriminator, optimizer: dOptimizer }, generators),
    );
  }

  /** One batch: a discriminator update, then (while `trainGenerators`) the generators' updates. */
  protected abstract trainStep(
    tf: typeof TF,
    model: TF.LayersModel,
    all: TF.Tensor,
    batch: TF.Tensor,
    trainGenerators: boolean,
    discriminator: { variables: TF.Variable[]; optimizer: HostSGD },
    generators: { variables: TF.Variable[]; optimizer: HostSGD }[],
  ): GAALStepLosses;

  protected savedOptions(): Record<string, unknown> {
    return {
      stopEpochs: this.stopEpochs,
      generatorLearningRate: this.generatorLearningRate,
      momentum: this.momentum,
      discriminatorUnits: this.discriminatorUnitsOption,
    };
  }
}

/**
 * Binary cross-entropy of sigmoid(logits) against `target` (a number or a tensor of 0/1 or soft labels),
 * averaged: PyTorch's `BCELoss()(sigmoid(l), y)`, in the stable form max(l, 0) − l·y + log(1 + e^−|l|).
 */
export function bceWithLogits(tf: typeof TF, logits: TF.Tensor, target: number | TF.Tensor): TF.Scalar {
  const y = typeof target === "number" ? tf.fill(logits.shape, target) : target;
  return tf.mean(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))))) as TF.Scalar;
}

/** PyTorch's default bias initialisation of a Linear layer: U(−1/√fan_in, 1/√fan_in). */
function torchBias(tf: typeof TF, fanIn: number, seed: number): ReturnType<typeof TF.initializers.randomUniform> {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed });
}
