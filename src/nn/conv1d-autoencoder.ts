/**
 * The 1-D convolutional autoencoder detector: each row is a sequence (a heartbeat, a window of a signal),
 * encoded by convolutions along time with max pooling and decoded by upsampling and convolutions back to
 * the sequence; the score is the sequence's reconstruction error. Unlike a dense autoencoder it shares its
 * filters along time, so it learns local shapes (a QRS complex, a T wave) wherever they fall.
 *
 * Architecture for `filters: [16, 8]`, kernel k, T steps (the Keras "Timeseries anomaly detection using
 * an Autoencoder" shape with pooling and upsampling instead of strides):
 *   [T, 1] -> Conv1D(16, k, same, relu) -> MaxPool(2) -> Conv1D(8, k, same, relu) -> MaxPool(2)   [T/4, 8]
 *          -> UpSample(2) -> Conv1D(8, k, same, relu) -> UpSample(2) -> Conv1D(16, k, same, relu)
 *          -> Conv1D(1, k, same, output activation)                                                [T, 1]
 * Stride-1 convolutions with pooling keep the model small and fast on one thread; on wasm the missing
 * convolution gradients come from {@link registerWasmConvGradients} (forward convolutions on XNNPACK).
 */
import type * as TF from "@tensorflow/tfjs";
import type { Matrix, MatrixInput } from "../core/matrix";
import { checkInteger } from "../core/validation";
import { reconstructionError, type Activation, type ReconstructionError } from "./autoencoder";
import { reconstructionLoss } from "./fused-loss";
import { layerSeeds, NeuralDetector, type NeuralDetectorOptions } from "./neural-detector";
import type { BackendName } from "./tf";
import { registerWasmConvGradients } from "./wasm-conv-gradients";

export interface Conv1dAutoencoderOptions extends NeuralDetectorOptions {
  /** Filters of the encoder's convolutions, one pooling (halving the length) after each; mirrored by the decoder. Default [16, 8]. */
  filters?: number[];
  /** Width of every convolution (odd, so that "same" padding is symmetric). Default 7. */
  kernelSize?: number;
  /**
   * Units of a dense code between encoder and decoder (flatten -> Dense(codeSize, relu) -> Dense back ->
   * reshape). Without it the code is the last pooling's output, (steps / 2^k) x last filters values, which
   * may be as large as the input itself and let the network copy abnormal sequences too. Default: none.
   */
  codeSize?: number;
  /** Activation of the last convolution. Default "linear" ("sigmoid" for data scaled to [0, 1]). */
  outputActivation?: Activation;
  /** Training loss. Default "mse". */
  loss?: ReconstructionError;
  /** Score of a sequence; default: the same as `loss`. */
  scoreError?: ReconstructionError;
}

const OUTPUT_ACTIVATIONS: readonly Activation[] = ["linear", "relu", "elu", "tanh", "sigmoid", "selu", "softplus"];

/**
 * 1-D convolutional autoencoder under the detector contract: one row = one univariate sequence, whose
 * length must be divisible by 2^(number of filters) (each pooling halves it).
 *
 * @example
 * ```ts
 * const conv = new Conv1dAutoencoderDetector({ filters: [16, 8], kernelSize: 7, loss: "mae",
 *   outputActivation: "sigmoid", epochs: 30, batchSize: 64, thresholdRule: { meanPlusStd: 1 }, seed: 1 });
 * await conv.fit(normalBeats);       // rows = beats of 140 samples
 * conv.predict(testBeats);           // 1 = reconstructs badly = anomaly
 * conv.reconstruct(testBeats.slice(0, 1));
 * ```
 */
export class Conv1dAutoencoderDetector extends NeuralDetector {
  readonly filters: readonly number[];
  readonly kernelSize: number;
  readonly codeSize: number | undefined;
  readonly outputActivation: Activation;
  readonly loss: ReconstructionError;
  readonly scoreError: ReconstructionError;

  constructor(options: Conv1dAutoencoderOptions = {}) {
    super(options);
    const filters = options.filters ?? [16, 8];
    if (!Array.isArray(filters) || filters.length === 0) throw new RangeError("Conv1dAutoencoderDetector: filters must be a non-empty array of positive integers, e.g. [16, 8]");
    this.filters = filters.map((f, i) => checkInteger(f, `Conv1dAutoencoderDetector: filters[${i}]`, 1));
    this.kernelSize = checkInteger(options.kernelSize ?? 7, "Conv1dAutoencoderDetector: kernelSize", 1);
    if (this.kernelSize % 2 === 0) throw new RangeError(`Conv1dAutoencoderDetector: kernelSize must be odd (symmetric "same" padding), got ${this.kernelSize}`);
    this.codeSize = options.codeSize === undefined ? undefined : checkInteger(options.codeSize, "Conv1dAutoencoderDetector: codeSize", 1);
    const activation = options.outputActivation ?? "linear";
    if (!OUTPUT_ACTIVATIONS.includes(activation)) {
      throw new RangeError(`Conv1dAutoencoderDetector: outputActivation must be one of ${OUTPUT_ACTIVATIONS.join(", ")}, got ${String(activation)}`);
    }
    this.outputActivation = activation;
    this.loss = checkError(options.loss ?? "mse", "loss");
    this.scoreError = checkError(options.scoreError ?? this.loss, "scoreError");
  }

  /** Loads a detector saved with `save(folder)`; no retraining. */
  static async load(folder: string, options: { backend?: BackendName } = {}): Promise<Conv1dAutoencoderDetector> {
    return NeuralDetector.restore(folder, (saved) => new Conv1dAutoencoderDetector(saved as Conv1dAutoencoderOptions), "Conv1dAutoencoderDetector", options.backend);
  }

  protected buildModel(tf: typeof TF, cols: number, seed: number): TF.LayersModel {
    const factor = 2 ** this.filters.length;
    if (cols % factor !== 0) {
      throw new RangeError(
        `Conv1dAutoencoderDetector: sequences of ${cols} steps cannot pass ${this.filters.length} poolings by 2: ` +
          `the length must be divisible by ${factor} (trim or pad the rows, or use fewer filters)`,
      );
    }
    if (tf.getBackend() === "wasm") registerWasmConvGradients(tf);
    const seeds = layerSeeds(seed, 2 * this.filters.length + 3);
    let next = 0;
    const conv = (filters: number, activation: Activation, name: string, inputShape?: number[]) =>
      tf.layers.conv1d({
        name,
        inputShape,
        filters,
        kernelSize: this.kernelSize,
        padding: "same",
        activation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seeds[next++] }),
      });
    const model = tf.sequential({ name: "conv1d_autoencoder" });
    let steps = cols;
    this.filters.forEach((filters, i) => {
      model.add(conv(filters, "relu", `encoder_conv_${i + 1}`, i === 0 ? [cols, 1] : undefined));
      model.add(tf.layers.maxPooling1d({ name: `encoder_pool_${i + 1}`, poolSize: 2 }));
      steps /= 2;
    });
    const last = this.filters[this.filters.length - 1]!;
    if (this.codeSize !== undefined) {
      const dense = (units: number, name: string) =>
        tf.layers.dense({ name, units, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: seeds[seeds.length - (name === "code" ? 2 : 1)] }) });
      model.add(tf.layers.flatten({ name: "encoder_flatten" }));
      model.add(dense(this.codeSize, "code"));
      model.add(dense(steps * last, "decoder_dense"));
      model.add(tf.layers.reshape({ name: "decoder_unflatten", targetShape: [steps, last] }));
    }
    [...this.filters].reverse().forEach((filters, i) => {
      const channels = i === 0 ? this.filters[this.filters.length - 1]! : [...this.filters].reverse()[i - 1]!;
      // Nearest upsampling by 2 (tfjs has no UpSampling1D): repeat the flattened sequence, then interleave
      // the copies, [steps, ch] -> [2, steps·ch] -> [steps, 2, ch] -> [2·steps, ch]. Not UpSampling2D: tfjs
      // 4.22's cpu gradient of it (ResizeNearestNeighborGrad) mixes up the samples of a batch.
      const n = i + 1;
      model.add(tf.layers.reshape({ name: `decoder_flatten_${n}`, targetShape: [steps * channels] }));
      model.add(tf.layers.repeatVector({ name: `decoder_repeat_${n}`, n: 2 }));
      model.add(tf.layers.reshape({ name: `decoder_copies_${n}`, targetShape: [2, steps, channels] }));
      model.add(tf.layers.permute({ name: `decoder_interleave_${n}`, dims: [2, 1, 3] }));
      steps *= 2;
      model.add(tf.layers.reshape({ name: `decoder_upsampled_${n}`, targetShape: [steps, channels] }));
      model.add(conv(filters, "relu", `decoder_conv_${i + 1}`));
    });
    model.add(conv(1, this.outputActivation, "reconstruction"));
    return model;
  }

  /** Rows become univariate sequences `[rows, steps, 1]`. */
  protected override toInput(tf: typeof TF, X: Matrix): TF.Tensor {
    return tf.tensor3d(Float32Array.from(X.data), [X.rows, X.cols, 1], "float32");
  }

  protected batchLoss(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Scalar {
    const output = model.apply(batch, { training }) as TF.Tensor;
    // One kernel each way instead of ~20 where the backend allows (fused-loss.ts), the same numbers.
    return reconstructionLoss(tf, batch, output, this.loss) ?? (reconstructionError(tf, batch, output, this.loss).mean() as TF.Scalar);
  }

  protected batchScores(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor): TF.Tensor1D {
    return reconstructionError(tf, batch, model.predict(batch) as TF.Tensor, this.scoreError);
  }

  /** Reconstructions of `X` in the input's units (for plots of a sequence and its reconstruction). */
  reconstruct(X: MatrixInput): number[][] {
    return this.reconstructRows(X, (cols) => `sequences of ${cols} steps`);
  }


  protected savedOptions(): Record<string, unknown> {
    return { filters: this.filters, kernelSize: this.kernelSize, codeSize: this.codeSize, outputActivation: this.outputActivation, loss: this.loss, scoreError: this.scoreError };
  }
}

function checkError(value: unknown, name: string): ReconstructionError {
  if (value === "mse" || value === "mae") return value;
  throw new RangeError(`Conv1dAutoencoderDetector: ${name} must be "mse" or "mae", got ${String(value)}`);
}
