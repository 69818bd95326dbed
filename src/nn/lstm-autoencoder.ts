/**
 * The LSTM autoencoder detector (B. Larzalere's "LSTM Autoencoder for Anomaly Detection" on the NASA bearing
 * data): windows of T consecutive rows go through encoder LSTM layers to a small state, which RepeatVector
 * hands to decoder LSTM layers and a per-timestep Dense layer that rebuilds the window. Score = the window's
 * reconstruction error, given to the row the window ends at (see `windowScoresToRows`).
 *
 * With T = 1 (the tutorial's shape) every LSTM runs one step from a zero state, which tfjs cannot train
 * (issue 8255); there the LSTM layers are built as the gated dense layers they equal (`lstm-step.ts`), same
 * function, same weight layout. With T > 1 they are tfjs LSTM layers, with the sigmoid recurrent activation
 * of Keras 2.3+ / PyTorch (tfjs defaults to the hard sigmoid of old Keras).
 */
import type * as TF from "@tensorflow/tfjs";
import type { Matrix } from "../core/matrix";
import { checkInteger } from "../core/validation";
import { reconstructionError, type Activation, type ReconstructionError } from "./autoencoder";
import { reconstructionLoss } from "./fused-loss";
import { lstmStepClass, lstmStepLayer } from "./lstm-step";
import { layerSeeds, NeuralDetector, type NeuralDetectorOptions } from "./neural-detector";
import { tfjs, type BackendName } from "./tf";
import { slidingWindows, windowScoresToRows } from "./windows";

/** One LSTM layer of the encoder or decoder. */
export interface LstmLayerSpec {
  units: number;
  /** Cell and output activation (Keras `activation`); default "tanh". Gates use the sigmoid. */
  activation?: Activation;
}

export interface LstmAutoencoderOptions extends NeuralDetectorOptions {
  /** Rows per window (T). Default 1, the tutorial's (samples, 1, features). */
  timesteps?: number;
  /** Encoder LSTM layers; the last one's final state is the code. Default: the tutorial's 16 relu, 4 relu. */
  encoder?: LstmLayerSpec[];
  /** Decoder LSTM layers after RepeatVector(T). Default: the tutorial's 4 relu, 16 relu. */
  decoder?: LstmLayerSpec[];
  /** Training loss. Default "mae" (the tutorial's). */
  loss?: ReconstructionError;
  /** Score of a window; default: the same as `loss`. */
  scoreError?: ReconstructionError;
}

/** The bearing tutorial's encoder: LSTM(16, relu, return_sequences) -> LSTM(4, relu). */
export const BEARING_TUTORIAL_ENCODER: readonly LstmLayerSpec[] = [
  { units: 16, activation: "relu" },
  { units: 4, activation: "relu" },
];
/** The bearing tutorial's decoder: LSTM(4, relu) -> LSTM(16, relu), both returning sequences. */
export const BEARING_TUTORIAL_DECODER: readonly LstmLayerSpec[] = [
  { units: 4, activation: "relu" },
  { units: 16, activation: "relu" },
];

const ACTIVATIONS: readonly Activation[] = ["linear", "relu", "elu", "tanh", "sigmoid", "selu", "softplus"];

/**
 * LSTM autoencoder under the detector contract. Rows must be in time order; each gets the score of the
 * window of T rows that ends at it (the first T - 1 rows: the first window's score).
 *
 * @example
 * ```ts
 * const lstm = new LstmAutoencoderDetector({ epochs: 100, batchSize: 10, validationSplit: 0.05,
 *   preprocessing: "minmax", thresholdRule: { fixed: 0.275 }, seed: 7 });   // the tutorial, T = 1
 * await lstm.fit(train.X);
 * const alarms = lstm.predict(all.X);                     // one 0/1 per row, in time order
 * const windowed = new LstmAutoencoderDetector({ timesteps: 5, epochs: 40, preprocessing: "minmax", seed: 7 });
 * ```
 */
export class LstmAutoencoderDetector extends NeuralDetector {
  readonly timesteps: number;
  readonly encoder: readonly Required<LstmLayerSpec>[];
  readonly decoder: readonly Required<LstmLayerSpec>[];
  readonly loss: ReconstructionError;
  readonly scoreError: ReconstructionError;

  constructor(options: LstmAutoencoderOptions = {}) {
    super(options);
    this.timesteps = checkInteger(options.timesteps ?? 1, "LstmAutoencoderDetector: timesteps", 1);
    this.encoder = checkLayers(options.encoder ?? BEARING_TUTORIAL_ENCODER, "encoder");
    this.decoder = checkLayers(options.decoder ?? BEARING_TUTORIAL_DECODER, "decoder", 0);
    this.loss = checkError(options.loss ?? "mae", "loss");
    this.scoreError = checkError(options.scoreError ?? this.loss, "scoreError");
  }

  /** Loads a detector saved with `save(folder)`; no retraining. */
  static async load(folder: string, options: { backend?: BackendName } = {}): Promise<LstmAutoencoderDetector> {
    lstmStepClass(tfjs()); // model.json may name the one-step layer: register it before tfjs reads the file
    return NeuralDetector.restore(folder, (saved) => new LstmAutoencoderDetector(saved as LstmAutoencoderOptions), "LstmAutoencoderDetector", options.backend);
  }

  /** The network in words, e.g. "LSTM 16 relu -> LSTM 4 relu -> RepeatVector 1 -> ... (one timestep: gated dense)". */
  get architecture(): string {
    const lstm = (spec: Required<LstmLayerSpec>) => `LSTM ${spec.units} ${spec.activation}`;
    const parts = [...this.encoder.map(lstm), `RepeatVector ${this.timesteps}`, ...this.decoder.map(lstm), "TimeDistributed Dense"];
    const how = this.timesteps === 1 ? "one timestep: each LSTM built as its equivalent gated dense layer" : `windows of ${this.timesteps} rows: tfjs LSTM layers`;
    return `${parts.join(" -> ")} (${how})`;
  }

  protected buildModel(tf: typeof TF, cols: number, seed: number): TF.LayersModel {
    const T = this.timesteps;
    const seeds = layerSeeds(seed, 2 * (this.encoder.length + this.decoder.length) + 1);
    let next = 0;
    const lstm = (spec: Required<LstmLayerSpec>, name: string, returnSequences: boolean): TF.layers.Layer => {
      const kernelInitializer = tf.initializers.glorotUniform({ seed: seeds[next++] });
      const recurrentSeed = seeds[next++];
      if (T === 1) return lstmStepLayer(tf, { name, units: spec.units, activation: spec.activation, returnSequences, kernelInitializer });
      return tf.layers.lstm({
        name,
        units: spec.units,
        activation: spec.activation,
        recurrentActivation: "sigmoid",
        returnSequences,
        kernelInitializer,
        recurrentInitializer: tf.initializers.orthogonal({ seed: recurrentSeed, gain: 1 }),
      });
    };
    const input = tf.input({ shape: [T, cols], name: "window" });
    let h = input as TF.SymbolicTensor;
    this.encoder.forEach((spec, i) => {
      h = lstm(spec, `encoder_${i + 1}`, i < this.encoder.length - 1).apply(h) as TF.SymbolicTensor;
    });
    h = tf.layers.repeatVector({ n: T, name: "repeat" }).apply(h) as TF.SymbolicTensor;
    this.decoder.forEach((spec, i) => {
      h = lstm(spec, `decoder_${i + 1}`, true).apply(h) as TF.SymbolicTensor;
    });
    // Dense on [batch, T, units] acts on the last axis, step by step: what TimeDistributed(Dense) computes.
    const output = tf.layers
      .dense({ name: "reconstruction", units: cols, kernelInitializer: tf.initializers.glorotUniform({ seed: seeds[next] }) })
      .apply(h) as TF.SymbolicTensor;
    return tf.model({ inputs: input, outputs: output, name: "lstm_autoencoder" });
  }

  protected override toInput(tf: typeof TF, X: Matrix): TF.Tensor {
    const windows = slidingWindows(X, this.timesteps, "LstmAutoencoderDetector");
    return tf.tensor3d(windows.data, [windows.count, windows.timesteps, windows.features], "float32");
  }

  protected override rowScores(sampleScores: Float64Array, rows: number): Float64Array {
    return windowScoresToRows(sampleScores, rows, this.timesteps);
  }

  protected override get rowsPerSample(): number {
    return this.timesteps;
  }

  protected batchLoss(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Scalar {
    const reconstruction = model.apply(batch, { training }) as TF.Tensor;
    // One kernel each way instead of ~20 where the backend allows (fused-loss.ts), the same numbers.
    return reconstructionLoss(tf, batch, reconstruction, this.loss) ?? (reconstructionError(tf, batch, reconstruction, this.loss).mean() as TF.Scalar);
  }

  protected batchScores(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor): TF.Tensor1D {
    return reconstructionError(tf, batch, model.predict(batch) as TF.Tensor, this.scoreError);
  }

  protected savedOptions(): Record<string, unknown> {
    return { timesteps: this.timesteps, encoder: this.encoder, decoder: this.decoder, loss: this.loss, scoreError: this.scoreError };
  }
}

function checkLayers(specs: readonly LstmLayerSpec[], name: string, minimum = 1): Required<LstmLayerSpec>[] {
  if (!Array.isArray(specs) || specs.length < minimum) {
    throw new RangeError(`LstmAutoencoderDetector: ${name} must be an array of at least ${minimum} { units, activation }`);
  }
  return specs.map((spec, i) => {
    const activation = spec.activation ?? "tanh";
    if (!(ACTIVATIONS as readonly unknown[]).includes(activation)) {
      throw new RangeError(`LstmAutoencoderDetector: ${name}[${i}].activation must be one of ${ACTIVATIONS.join(", ")}, got ${String(activation)}`);
    }
    return { units: checkInteger(spec.units, `LstmAutoencoderDetector: ${name}[${i}].units`, 1), activation };
  });
}

function checkError(value: unknown, name: string): ReconstructionError {
  if (value === "mse" || value === "mae") return value;
  throw new RangeError(`LstmAutoencoderDetector: ${name} must be "mse" or "mae", got ${String(value)}`);
}
