/**
 * Deep Support Vector Data Description (Ruff et al., ICML 2018; PyOD's `DeepSVDD`, one-class variant).
 *
 * A network φ without bias terms maps rows into a small space; training pulls the normal rows towards a
 * centre c fixed before training from an initial forward pass (the mean of φ(x) over the training rows, with
 * entries closer to 0 than ε = 0.1 pushed out to ±ε so that the trivial "all weights zero" solution is not
 * the centre). Objective: mean ‖φ(x) − c‖² + weight decay. Score = ‖φ(x) − c‖², the squared distance to
 * the centre.
 *
 * Why no biases and a fixed c: with a bias (or a learnable c) the network can map every row to c
 * exactly (a constant function), the "hypersphere collapse" the paper proves; the network here has no
 * bias in any layer, and c is never trained.
 *
 * Two defaults follow Ruff et al.'s reference code (Deep-SVDD-PyTorch) rather than PyOD:
 * - the output layer is linear (PyOD applies the hidden activation, relu, to it too). A relu output is 0 for
 *   every row wherever its unit is dead, and the centre rule leaves an exact 0 at 0: small networks then map
 *   every row to c = 0 and score them all alike (the family test's [8, 4, 2] network did, on seed 11).
 *   `outputActivation: "relu"` gives PyOD's network;
 * - the inputs are min-max scaled to [0, 1] (PyOD standardises). A bias-free relu network is positively
 *   homogeneous, φ(a·x) = a·φ(x), so φ(0) = 0: with centred inputs the most typical rows lie near 0 and map
 *   near 0, far from c, and training ranks them as outliers (measured on 90 normal rows and 6 planted
 *   outliers, the default [64, 32] network, 100 epochs, 10 seeds: ROC-AUC 0.18–0.43 standardised, 0.93–1.00
 *   min-max scaled, with either output activation). Ruff et al. scale to [0, 1] as well.
 */
import type * as TF from "@tensorflow/tfjs";
import { checkFiniteNumber } from "../core/validation";
import { toMatrix, type Matrix, type MatrixInput } from "../core/matrix";
import { layerSeeds, NeuralDetector, type NeuralDetectorOptions } from "./neural-detector";
import { applyColumnAffine } from "./input-scaling";
import { tfjs, type BackendName } from "./tf";
import { type Activation, checkActivationName } from "./activations";
import { applyStack, checkRate, checkUnits, SeededNoise, seededDense } from "./dense-blocks";

export interface DeepSVDDOptions extends NeuralDetectorOptions {
  /** Widths of the layers; the last is the output space's dimension. Default [64, 32] (PyOD). */
  hiddenUnits?: number[];
  /** Activation of the hidden layers. Default "relu". */
  activation?: Activation;
  /** Activation of the output layer. Default "linear" (Ruff et al.); "relu" is PyOD's network. */
  outputActivation?: Activation;
  /** Dropout between hidden layers while training (PyOD: not after the first or the output). Default 0.2. */
  dropoutRate?: number;
  /** Weight decay λ: the loss adds λ/2·Σ‖W‖² (the gradient of PyTorch Adam's `weight_decay`). Default 5e-7. */
  weightDecay?: number;
  /** Centre c; default: fixed from the untrained network's outputs on the training rows. */
  centre?: number[];
  /** Entries of the computed centre closer to 0 than this are pushed to ±eps. Default 0.1. */
  centreEps?: number;
}

/**
 * Deep SVDD under the detector contract.
 *
 * @example
 * ```ts
 * const svdd = new DeepSVDDDetector({ hiddenUnits: [32, 16], epochs: 20, seed: 1 });
 * await svdd.fit(XTrainNormal);
 * svdd.centre;                      // the fixed centre c
 * rocAuc(yTest, svdd.score(XTest)); // squared distance to c
 * ```
 */
export class DeepSVDDDetector extends NeuralDetector {
  readonly hiddenUnits: readonly number[];
  readonly activation: Activation;
  readonly outputActivation: Activation;
  readonly dropoutRate: number;
  readonly weightDecay: number;
  readonly centreEps: number;
  private fixedCentre: Float32Array | undefined;
  private readonly dropout: SeededNoise;

  constructor(options: DeepSVDDOptions = {}) {
    super({ preprocessing: "minmax", ...options });
    this.hiddenUnits = checkUnits(options.hiddenUnits ?? [64, 32], "DeepSVDDDetector: hiddenUnits");
    this.activation = checkActivationName(options.activation ?? "relu", "DeepSVDDDetector: activation");
    this.outputActivation = checkActivationName(options.outputActivation ?? "linear", "DeepSVDDDetector: outputActivation");
    this.dropoutRate = checkRate(options.dropoutRate ?? 0.2, "DeepSVDDDetector: dropoutRate");
    this.weightDecay = checkFiniteNumber(options.weightDecay ?? 5e-7, "DeepSVDDDetector: weightDecay");
    if (this.weightDecay < 0) throw new RangeError(`DeepSVDDDetector: weightDecay must be >= 0, got ${this.weightDecay}`);
    this.centreEps = checkFiniteNumber(options.centreEps ?? 0.1, "DeepSVDDDetector: centreEps");
    if (options.centre !== undefined) {
      const out = this.hiddenUnits[this.hiddenUnits.length - 1];
      if (!Array.isArray(options.centre) || options.centre.length !== out || !options.centre.every(Number.isFinite)) {
        throw new RangeError(`DeepSVDDDetector: centre must be ${out} finite numbers (the last hidden width), got ${JSON.stringify(options.centre)}`);
      }
      if (options.centre.every((value) => value === 0)) {
        // Ruff et al., Proposition 1: all-zero weights map every row to 0, the trivial optimum (PyOD refuses it too).
        throw new RangeError(
          "DeepSVDDDetector: centre must not be all zeros (all-zero weights would map every row onto it); omit it to fix c from the data",
        );
      }
      this.fixedCentre = Float32Array.from(options.centre);
    }
    this.centreGiven = options.centre !== undefined;
    this.dropout = new SeededNoise(this.seed + 1);
  }

  private readonly centreGiven: boolean;

  static async load(folder: string, options: { backend?: BackendName } = {}): Promise<DeepSVDDDetector> {
    return NeuralDetector.restore(folder, (saved) => DeepSVDDDetector.fromSaved(saved), "DeepSVDDDetector", options.backend);
  }

  /**
   * The detector of saved options: the fitted centre goes back as the centre in use, and `centre` stays an
   * option only if it was given (so that a refit computes a new one, as a fresh fit would). Folders saved
   * before `outputActivation` existed used `activation` for the output too.
   */
  private static fromSaved(saved: Record<string, unknown>): DeepSVDDDetector {
    const { fittedCentre, ...options } = saved as DeepSVDDOptions & { fittedCentre?: number[] };
    const detector = new DeepSVDDDetector({ outputActivation: options.activation, ...options });
    detector.fixedCentre = Float32Array.from(fittedCentre ?? options.centre ?? []);
    return detector;
  }

  /** The centre c (fixed before training). */
  get centre(): number[] {
    this.fittedNetwork();
    return Array.from(this.fixedCentre!);
  }

  protected buildModel(tf: typeof TF, cols: number, seed: number): TF.LayersModel {
    const seeds = layerSeeds(seed, this.hiddenUnits.length);
    const model = tf.sequential({ name: "deep_svdd" });
    const last = this.hiddenUnits.length - 1;
    this.hiddenUnits.forEach((units, i) => {
      const activation = i === last ? this.outputActivation : this.activation;
      const inputDim = i === 0 ? cols : undefined;
      model.add(seededDense(tf, `layer_${i + 1}`, units, activation, seeds[i], { useBias: false, inputDim }));
    });
    return model;
  }

  /** The centre is fixed per fit: a fit that fails or is interrupted puts the previous one back. */
  protected override async fitScores(X: Matrix, checkInterrupt: () => void): Promise<Float64Array> {
    const centre = this.fixedCentre;
    try {
      return await super.fitScores(X, checkInterrupt);
    } catch (error) {
      this.fixedCentre = centre;
      throw error;
    }
  }

  protected override collapseAdvice(): string {
    return this.outputActivation === "linear"
      ? "try another seed, a smaller learningRate or fewer epochs"
      : `use outputActivation "linear" (a ${this.outputActivation} output can put every row on the same point), or another seed`;
  }

  /** c = mean of the untrained network's outputs (no dropout), small entries pushed to ±eps (PyOD `_init_c`). */
  protected override beforeTraining(tf: typeof TF, model: TF.LayersModel, input: TF.Tensor): void {
    this.dropout.reset();
    if (this.centreGiven) return;
    const mean = tf.tidy(() => tf.mean(this.embedTensor(tf, model, input, false), 0));
    this.fixedCentre = adjustCentre(mean.dataSync() as Float32Array, this.centreEps);
    mean.dispose();
  }

  protected batchLoss(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Scalar {
    const distance = tf.mean(this.squaredDistance(tf, this.embedTensor(tf, model, batch, training))) as TF.Scalar;
    if (this.weightDecay === 0) return distance;
    const norms = model.trainableWeights.map((weight) => tf.sum(tf.square(weight.read())));
    return tf.add(distance, tf.mul(this.weightDecay / 2, tf.addN(norms))) as TF.Scalar;
  }

  protected batchScores(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor): TF.Tensor1D {
    return this.squaredDistance(tf, this.embedTensor(tf, model, batch, false));
  }

  /** φ(X): the rows mapped into the network's output space (where the centre lives). */
  embed(X: MatrixInput): number[][] {
    const { model, affine } = this.fittedNetwork();
    const matrix = toMatrix(X, { name: "X" });
    if (matrix.cols !== affine.factor.length) throw new RangeError(`X has ${matrix.cols} columns, but DeepSVDDDetector was fitted on ${affine.factor.length} columns`);
    const tf = tfjs();
    const scaled = applyColumnAffine(affine, matrix);
    const out = tf.tidy(() => this.embedTensor(tf, model, tf.tensor2d(Float32Array.from(scaled.data), [scaled.rows, scaled.cols]), false));
    const values = out.dataSync();
    const width = out.shape[1]!;
    out.dispose();
    return Array.from({ length: matrix.rows }, (_, i) => Array.from(values.subarray(i * width, (i + 1) * width)));
  }

  private embedTensor(tf: typeof TF, model: TF.LayersModel, x: TF.Tensor, training: boolean): TF.Tensor2D {
    const names = this.hiddenUnits.map((_, i) => `layer_${i + 1}`);
    // PyOD: dropout after the middle hidden layers only (not the first, not the output).
    let h = x;
    names.forEach((name, i) => {
      h = applyStack(tf, model, [name], h);
      if (i > 0 && i < names.length - 1) h = this.dropout.dropout(tf, h, this.dropoutRate, training);
    });
    return h as TF.Tensor2D;
  }

  private squaredDistance(tf: typeof TF, embedded: TF.Tensor2D): TF.Tensor1D {
    return tf.sum(tf.square(tf.sub(embedded, tf.tensor1d(this.fixedCentre!))), 1) as TF.Tensor1D;
  }

  protected savedOptions(): Record<string, unknown> {
    return {
      hiddenUnits: this.hiddenUnits,
      activation: this.activation,
      outputActivation: this.outputActivation,
      dropoutRate: this.dropoutRate,
      weightDecay: this.weightDecay,
      centreEps: this.centreEps,
      centre: this.centreGiven ? Array.from(this.fixedCentre!) : undefined,
    };
  }

  /** The centre fixed at fit (or given), which the loaded detector measures distances to. */
  protected override savedExtras(): Record<string, unknown> {
    return { fittedCentre: Array.from(this.fixedCentre!) };
  }
}

/** PyOD's and Ruff et al.'s rule: centre entries with |c| < eps become −eps (if negative) or +eps (if positive). */
export function adjustCentre(mean: ArrayLike<number>, eps: number): Float32Array {
  return Float32Array.from(mean, (c) => (Math.abs(c) < eps && c < 0 ? -eps : Math.abs(c) < eps && c > 0 ? eps : c));
}
