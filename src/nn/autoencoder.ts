/**
 * The dense autoencoder detector (PyOD's `AutoEncoder`, Keras's classic fraud autoencoder): a network
 * trained to reproduce its input through a narrow middle; rows it reconstructs badly are anomalies.
 * Score = the row's reconstruction error (mean squared or absolute error over its columns).
 */
import type * as TF from "@tensorflow/tfjs";
import { checkFiniteNumber, checkInteger } from "../core/validation";
import { type Activation, checkActivationName } from "./activations";
import { denseForward } from "./fused-dense";
import { activityL1 } from "./fused-loss";
import { layerSeeds, NeuralDetector, type NeuralDetectorOptions } from "./neural-detector";
import { checkReconstructionError, meanReconstructionError, type ReconstructionError, reconstructionScores } from "./reconstruction";
import { denseStepLayer, type StepLayer, tapelessBackend, tapelessStep } from "./tapeless-step";
import type { BackendName } from "./tf";
import type { TrainingStep } from "./training";
import type { MatrixInput } from "../core/matrix";

/** One hidden layer of the autoencoder. */
export interface DenseLayerSpec {
  units: number;
  /** Default "relu". */
  activation?: Activation;
  /** L1 penalty on the layer's outputs (Keras `activity_regularizer=l1(...)`), added to the loss. Default 0. */
  activityL1?: number;
  /** L2 penalty on the layer's weights (Keras `kernel_regularizer=l2(...)`). Default 0. */
  kernelL2?: number;
}

export interface AutoencoderOptions extends NeuralDetectorOptions {
  /**
   * Hidden layers from input to output (the output layer has as many units as the input has columns).
   * Default: the credit-card tutorial's 14 tanh (activity L1 1e-4), 7 relu, 7 tanh.
   */
  layers?: readonly DenseLayerSpec[];
  /** Activation of the output layer. Default "linear" (the credit-card tutorial used "relu"). */
  outputActivation?: Activation;
  /** Training loss. Default "mse". */
  loss?: ReconstructionError;
  /** Score of a row; default: the same as `loss`. */
  scoreError?: ReconstructionError;
}

/** The credit-card tutorial's hidden layers (Curiousily, "Credit Card Fraud Detection using Autoencoders in Keras"). */
export const CREDIT_CARD_TUTORIAL_LAYERS: readonly DenseLayerSpec[] = [
  { units: 14, activation: "tanh", activityL1: 1e-4 },
  { units: 7, activation: "relu" },
  { units: 7, activation: "tanh" },
];

/**
 * Dense autoencoder under the detector contract; `fit` is asynchronous (training), everything else is not.
 *
 * @example
 * ```ts
 * const ae = new AutoencoderDetector({ epochs: 50, batchSize: 64, validationSplit: 0.1,
 *   earlyStopping: { patience: 5 }, seed: 1 });
 * await ae.fit(XTrainNormal);             // progress bar: epoch, loss, val_loss, time left
 * display(await lossChart(ae.history));   // the loss curves
 * rocAuc(yTest, ae.score(XTest));         // reconstruction error per row
 * await ae.save("models/fraud-ae");       // ... later: await AutoencoderDetector.load("models/fraud-ae")
 * ```
 */
export class AutoencoderDetector extends NeuralDetector {
  readonly layers: readonly Required<DenseLayerSpec>[];
  readonly outputActivation: Activation;
  readonly loss: ReconstructionError;
  readonly scoreError: ReconstructionError;

  constructor(options: AutoencoderOptions = {}) {
    super(options);
    const specs = options.layers ?? CREDIT_CARD_TUTORIAL_LAYERS;
    if (!Array.isArray(specs) || specs.length === 0) throw new RangeError("AutoencoderDetector: layers must be a non-empty array of { units, activation }");
    this.layers = specs.map((spec, i) => ({
      units: checkInteger(spec.units, `AutoencoderDetector: layers[${i}].units`, 1),
      activation: checkActivationName(spec.activation ?? "relu", `AutoencoderDetector: layers[${i}].activation`),
      activityL1: checkFiniteNumber(spec.activityL1 ?? 0, `AutoencoderDetector: layers[${i}].activityL1`),
      kernelL2: checkFiniteNumber(spec.kernelL2 ?? 0, `AutoencoderDetector: layers[${i}].kernelL2`),
    }));
    this.outputActivation = checkActivationName(options.outputActivation ?? "linear", "AutoencoderDetector: outputActivation");
    this.loss = checkReconstructionError(options.loss ?? "mse", "AutoencoderDetector: loss");
    this.scoreError = checkReconstructionError(options.scoreError ?? this.loss, "AutoencoderDetector: scoreError");
  }

  /** Loads a detector saved with `save(folder)`; no retraining. */
  static async load(folder: string, options: { backend?: BackendName } = {}): Promise<AutoencoderDetector> {
    return NeuralDetector.restore(folder, (saved) => new AutoencoderDetector(saved as AutoencoderOptions), "AutoencoderDetector", options.backend);
  }

  protected buildModel(tf: typeof TF, cols: number, seed: number): TF.LayersModel {
    const seeds = layerSeeds(seed, this.layers.length + 1);
    const model = tf.sequential({ name: "autoencoder" });
    this.layers.forEach((spec, i) => {
      model.add(
        tf.layers.dense({
          name: `hidden_${i + 1}`,
          inputShape: i === 0 ? [cols] : undefined,
          units: spec.units,
          activation: spec.activation,
          kernelInitializer: tf.initializers.glorotUniform({ seed: seeds[i] }),
          kernelRegularizer: spec.kernelL2 > 0 ? tf.regularizers.l2({ l2: spec.kernelL2 }) : undefined,
        }),
      );
    });
    model.add(
      tf.layers.dense({
        name: "reconstruction",
        units: cols,
        activation: this.outputActivation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seeds[this.layers.length] }),
      }),
    );
    return model;
  }

  protected batchLoss(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Scalar {
    // Layer by layer, to add the activity penalties that tfjs's activityRegularizer cannot (Keras: l1 · Σ|h| / batch).
    let h: TF.Tensor = batch;
    const penalties: TF.Scalar[] = [];
    model.layers.forEach((layer, i) => {
      // One kernel each way per layer, loss and penalty where the backend allows (fused-dense.ts, fused-loss.ts):
      // about a third of tfjs's kernel launches per step, the same numbers.
      const activation = this.layers[i]?.activation ?? this.outputActivation;
      h = denseForward(tf, layer, h, activation, i > 0) ?? (layer.apply(h, { training }) as TF.Tensor);
      const l1 = this.layers[i]?.activityL1 ?? 0;
      if (l1 > 0) penalties.push(activityL1(tf, h, l1, batch.shape[0]) ?? tf.mul(l1, tf.div(tf.sum(tf.abs(h)), batch.shape[0])));
    });
    const reconstruction = meanReconstructionError(tf, batch, h, this.loss);
    const weightPenalties = (model.losses as unknown as (() => TF.Scalar)[]).map((penalty) => penalty()); // kernel L2 terms
    return penalties.length + weightPenalties.length === 0 ? reconstruction : tf.addN([reconstruction, ...penalties, ...weightPenalties]);
  }

  /** Without penalties, the step runs without the gradient tape (src/nn/tapeless-step.ts: the same numbers). */
  protected override trainingStep(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor): TrainingStep | undefined {
    if (!tapelessBackend(tf) || batch.rank !== 2 || this.layers.some((layer) => layer.activityL1 > 0 || layer.kernelL2 > 0)) return undefined;
    const activations = [...this.layers.map((layer) => layer.activation), this.outputActivation];
    const steps = model.layers.map((layer, i) => denseStepLayer(layer, activations[i]!, i > 0));
    if (steps.length !== activations.length || steps.some((step) => step === undefined)) return undefined;
    return tapelessStep(tf, model, batch, steps as StepLayer[], this.loss);
  }

  protected batchScores(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor): TF.Tensor1D {
    return reconstructionScores(tf, model, batch, this.scoreError);
  }

  /** Reconstructions of `X` in the input's units (for plots of a row and its reconstruction). */
  reconstruct(X: MatrixInput): number[][] {
    return this.reconstructRows(X, (cols) => `${cols} columns`);
  }


  protected savedOptions(): Record<string, unknown> {
    return { layers: this.layers, outputActivation: this.outputActivation, loss: this.loss, scoreError: this.scoreError };
  }
}
