/**
 * The variational autoencoder detector (PyOD's `VAE`; Kingma & Welling 2014, β-VAE of Burgess et al. 2018).
 *
 * The encoder maps a row to a Gaussian in a small latent space (mean μ, log-variance log σ²); a latent point
 * z = μ + σ·ε (ε ~ N(0, I)) is decoded back. Training minimises
 *   loss = MSE(x, x̂) + β · |KL − C|,   KL = mean over the batch of −½ Σⱼ (1 + log σ²ⱼ − μⱼ² − σ²ⱼ)
 * (reconstruction mean over all entries, as PyTorch's `mse_loss`; β the KL weight, C the capacity, 0 = the
 * plain β-VAE). Score = Euclidean distance between the row and its reconstruction from the latent mean
 * (deterministic; PyOD decodes one random draw of z, so its scores change between calls).
 *
 * Differences from PyOD 2 worth knowing: PyOD clamps the KL term to [0, C], which with its default C = 0
 * removes the KL term altogether; here C enters as |KL − C| (Burgess et al.), so β weighs the KL as the
 * paper and the issue describe. PyOD's Adam `weight_decay` 1e-5 is left out.
 */
import type * as TF from "@tensorflow/tfjs";
import { checkFiniteNumber, checkInteger } from "../core/validation";
import { toMatrix, type MatrixInput } from "../core/matrix";
import { layerSeeds, NeuralDetector, type NeuralDetectorOptions } from "./neural-detector";
import { applyColumnAffine } from "./input-scaling";
import { tfjs, type BackendName } from "./tf";
import { type Activation, checkActivationName } from "./activations";
import { applyStack, checkRate, checkUnits, layerNamed, SeededNoise, seededDense } from "./dense-blocks";

export interface VAEOptions extends NeuralDetectorOptions {
  /** Hidden widths of the encoder, input side first. Default [128, 64, 32] (PyOD). */
  encoderUnits?: number[];
  /** Hidden widths of the decoder, latent side first. Default: the encoder's reversed. */
  decoderUnits?: number[];
  /** Latent dimension. Default 2 (PyOD). */
  latentDim?: number;
  /** Activation of the hidden layers. Default "relu". */
  hiddenActivation?: Activation;
  /** Activation of the reconstruction. Default "linear" (PyOD: identity). */
  outputActivation?: Activation;
  /** Dropout after every hidden layer while training. Default 0.2 (PyOD). */
  dropoutRate?: number;
  /** β, the weight of the KL term. Default 1 (the plain VAE). */
  beta?: number;
  /** C, the capacity the KL is pulled towards: β·|KL − C|. Default 0. */
  capacity?: number;
  /** Bounds of log σ² (numerical safety, PyOD's `logvar_clip`). Default [-30, 20]. */
  logVarClip?: [number, number];
}

/** The loss of a batch and its two terms. */
export interface VAELossTerms {
  reconstruction: number;
  kl: number;
  loss: number;
}

/**
 * Variational autoencoder under the detector contract (`await fit`, then `score`, `predict`, ...).
 *
 * @example
 * ```ts
 * const vae = new VAEDetector({ encoderUnits: [16, 8], latentDim: 2, beta: 1, epochs: 30, seed: 1 });
 * await vae.fit(XTrainNormal);     // inputs standardised by default, as PyOD
 * rocAuc(yTest, vae.score(XTest)); // distance to the reconstruction
 * ```
 */
export class VAEDetector extends NeuralDetector {
  readonly encoderUnits: readonly number[];
  readonly decoderUnits: readonly number[];
  readonly latentDim: number;
  readonly hiddenActivation: Activation;
  readonly outputActivation: Activation;
  readonly dropoutRate: number;
  readonly beta: number;
  readonly capacity: number;
  readonly logVarClip: readonly [number, number];
  private readonly noise: SeededNoise;

  constructor(options: VAEOptions = {}) {
    super({ epochs: 30, preprocessing: "standard", ...options });
    this.encoderUnits = checkUnits(options.encoderUnits ?? [128, 64, 32], "VAEDetector: encoderUnits", true);
    this.decoderUnits = checkUnits(options.decoderUnits ?? [...this.encoderUnits].reverse(), "VAEDetector: decoderUnits", true);
    this.latentDim = checkInteger(options.latentDim ?? 2, "VAEDetector: latentDim", 1);
    this.hiddenActivation = checkActivationName(options.hiddenActivation ?? "relu", "VAEDetector: hiddenActivation");
    this.outputActivation = checkActivationName(options.outputActivation ?? "linear", "VAEDetector: outputActivation");
    this.dropoutRate = checkRate(options.dropoutRate ?? 0.2, "VAEDetector: dropoutRate");
    this.beta = checkNonNegative(options.beta ?? 1, "VAEDetector: beta");
    this.capacity = checkNonNegative(options.capacity ?? 0, "VAEDetector: capacity");
    const clip = options.logVarClip ?? [-30, 20];
    if (!Array.isArray(clip) || clip.length !== 2 || !(checkFiniteNumber(clip[0], "VAEDetector: logVarClip[0]") < checkFiniteNumber(clip[1], "VAEDetector: logVarClip[1]"))) {
      throw new RangeError(`VAEDetector: logVarClip must be [low, high] with low < high, got ${JSON.stringify(clip)}`);
    }
    this.logVarClip = [clip[0], clip[1]];
    this.noise = new SeededNoise(this.seed + 1);
  }

  static async load(folder: string, options: { backend?: BackendName } = {}): Promise<VAEDetector> {
    return NeuralDetector.restore(folder, (saved) => new VAEDetector(saved as VAEOptions), "VAEDetector", options.backend);
  }

  /** Two inputs (rows, latent points), three outputs (μ, log σ², decoded latent points): one model to save. */
  protected buildModel(tf: typeof TF, cols: number, seed: number): TF.LayersModel {
    const seeds = layerSeeds(seed, this.encoderUnits.length + this.decoderUnits.length + 3);
    let s = 0;
    const x = tf.input({ shape: [cols], name: "rows" });
    let h: TF.SymbolicTensor = x;
    this.encoderUnits.forEach((units, i) => {
      h = seededDense(tf, `encoder_${i + 1}`, units, this.hiddenActivation, seeds[s++]).apply(h) as TF.SymbolicTensor;
    });
    const mu = seededDense(tf, "z_mean", this.latentDim, "linear", seeds[s++]).apply(h) as TF.SymbolicTensor;
    const logVar = seededDense(tf, "z_log_var", this.latentDim, "linear", seeds[s++]).apply(h) as TF.SymbolicTensor;
    const z = tf.input({ shape: [this.latentDim], name: "latent" });
    let d: TF.SymbolicTensor = z;
    this.decoderUnits.forEach((units, i) => {
      d = seededDense(tf, `decoder_${i + 1}`, units, this.hiddenActivation, seeds[s++]).apply(d) as TF.SymbolicTensor;
    });
    const xHat = seededDense(tf, "reconstruction", cols, this.outputActivation, seeds[s++]).apply(d) as TF.SymbolicTensor;
    return tf.model({ name: "vae", inputs: [x, z], outputs: [mu, logVar, xHat] });
  }

  protected override beforeTraining(): void {
    this.noise.reset();
  }

  protected batchLoss(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Scalar {
    const { mu, logVar } = this.encode(tf, model, batch, training);
    const epsilon = tf.randomNormal(mu.shape, 0, 1, "float32", this.noise.nextSeed());
    return this.lossFrom(tf, model, batch, mu, logVar, epsilon, training).loss;
  }

  protected batchScores(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor): TF.Tensor1D {
    const { mu } = this.encode(tf, model, batch, false);
    const xHat = this.decode(tf, model, mu, false);
    return tf.sqrt(tf.sum(tf.square(tf.sub(batch, xHat)), 1)) as TF.Tensor1D;
  }

  /**
   * The loss and its terms on rows `X` (in the input's units) with the reparameterisation noise ε given
   * (one row of `latentDim` values per row of X), without dropout: what training minimises, for inspection
   * and for the PyTorch check in the tests.
   */
  lossTerms(X: MatrixInput, epsilon: number[][]): VAELossTerms {
    const { model, affine } = this.fittedNetwork();
    const matrix = toMatrix(X, { name: "X" });
    if (matrix.cols !== affine.factor.length) throw new RangeError(`X has ${matrix.cols} columns, but VAEDetector was fitted on ${affine.factor.length} columns`);
    const eps = toMatrix(epsilon, { name: "epsilon" });
    if (eps.rows !== matrix.rows || eps.cols !== this.latentDim) {
      throw new RangeError(`epsilon must be ${matrix.rows} x ${this.latentDim} (rows of X x latentDim), got ${eps.rows} x ${eps.cols}`);
    }
    const tf = tfjs();
    const scaled = applyColumnAffine(affine, matrix);
    const terms = tf.tidy(() => {
      const x = tf.tensor2d(Float32Array.from(scaled.data), [scaled.rows, scaled.cols]);
      const { mu, logVar } = this.encode(tf, model, x, false);
      const parts = this.lossFrom(tf, model, x, mu, logVar, tf.tensor2d(Float32Array.from(eps.data), [eps.rows, eps.cols]), false);
      return tf.stack([parts.reconstruction, parts.kl, parts.loss]);
    });
    const [reconstruction, kl, loss] = Array.from(terms.dataSync());
    terms.dispose();
    return { reconstruction, kl, loss };
  }

  private encode(tf: typeof TF, model: TF.LayersModel, x: TF.Tensor, training: boolean): { mu: TF.Tensor; logVar: TF.Tensor } {
    const names = this.encoderUnits.map((_, i) => `encoder_${i + 1}`);
    const h = applyStack(tf, model, names, x, { noise: this.noise, rate: this.dropoutRate, training });
    const mu = layerNamed(model, "z_mean").apply(h) as TF.Tensor;
    const logVar = tf.clipByValue(layerNamed(model, "z_log_var").apply(h) as TF.Tensor, this.logVarClip[0], this.logVarClip[1]);
    return { mu, logVar };
  }

  private decode(tf: typeof TF, model: TF.LayersModel, z: TF.Tensor, training: boolean): TF.Tensor {
    const names = this.decoderUnits.map((_, i) => `decoder_${i + 1}`);
    const h = applyStack(tf, model, names, z, { noise: this.noise, rate: this.dropoutRate, training });
    return layerNamed(model, "reconstruction").apply(h) as TF.Tensor;
  }

  private lossFrom(
    tf: typeof TF,
    model: TF.LayersModel,
    x: TF.Tensor,
    mu: TF.Tensor,
    logVar: TF.Tensor,
    epsilon: TF.Tensor,
    training: boolean,
  ): { reconstruction: TF.Scalar; kl: TF.Scalar; loss: TF.Scalar } {
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), epsilon));
    const xHat = this.decode(tf, model, z, training);
    const reconstruction = tf.mean(tf.square(tf.sub(x, xHat))) as TF.Scalar;
    const klPerRow = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mu)), tf.exp(logVar)), 1));
    const kl = tf.mean(klPerRow) as TF.Scalar;
    const loss = tf.add(reconstruction, tf.mul(this.beta, tf.abs(tf.sub(kl, this.capacity)))) as TF.Scalar;
    return { reconstruction, kl, loss };
  }

  protected savedOptions(): Record<string, unknown> {
    return {
      encoderUnits: this.encoderUnits,
      decoderUnits: this.decoderUnits,
      latentDim: this.latentDim,
      hiddenActivation: this.hiddenActivation,
      outputActivation: this.outputActivation,
      dropoutRate: this.dropoutRate,
      beta: this.beta,
      capacity: this.capacity,
      logVarClip: this.logVarClip,
    };
  }
}

function checkNonNegative(value: number, name: string): number {
  if (!(typeof value === "number" && Number.isFinite(value) && value >= 0)) throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
  return value;
}
