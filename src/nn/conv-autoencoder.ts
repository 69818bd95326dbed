/**
 * The 2-D convolutional autoencoder detector for images (pyimagesearch's "Anomaly detection with Keras,
 * TensorFlow, and Deep Learning"): rows of `height · width · channels` pixels are reshaped to images,
 * encoded by convolutions to a small dense latent and decoded back; the score is the image's
 * reconstruction error. Two forms of the same net:
 *
 * - "strided" (default; the article's, on every backend: on wasm through {@link registerWasmConvGradients}):
 *     [28, 28, 1] -> Conv2D(32, 3, stride 2) LeakyReLU(0.2) BatchNorm -> Conv2D(64, 3, stride 2) LeakyReLU BatchNorm
 *     -> Flatten -> Dense(16) -> Dense(7·7·64) -> Reshape -> Conv2DTranspose(64, 3, stride 2) LeakyReLU BatchNorm
 *     -> Conv2DTranspose(32, 3, stride 2) LeakyReLU BatchNorm -> Conv2DTranspose(1, 3) sigmoid
 * - "pooled": each stride-2 convolution becomes a stride-1 convolution followed by MaxPool(2), each
 *     stride-2 transposed convolution an UpSampling(2) followed by a stride-1 convolution (the form that
 *     trains with only stride-1 filter gradients). Same filters, latent and
 *     output; about 4x the arithmetic of the strided form (convolutions at full resolution): ~2.3x slower.
 */
import type * as TF from "@tensorflow/tfjs";
import type { MatrixInput } from "../core/matrix";
import { checkInteger } from "../core/validation";
import { layerSeeds, NeuralDetector, type NeuralDetectorOptions } from "./neural-detector";
import { convForward } from "./fused-conv";
import { denseForward } from "./fused-dense";
import { checkReconstructionError, meanReconstructionError, type ReconstructionError, reconstructionScores } from "./reconstruction";
import type { Activation } from "./activations";
import { convStepLayer, denseStepLayer, reshapeStepLayer, type StepLayer, tapelessBackend, tapelessStep } from "./tapeless-step";
import type { BackendName } from "./tf";
import type { TrainingStep } from "./training";
import { registerWasmConvGradients } from "./wasm-conv-gradients";

/** The two forms of the network; see the module comment. */
export type ConvArchitecture = "strided" | "pooled";

export interface ConvAutoencoderOptions extends NeuralDetectorOptions {
  /** Image shape [height, width, channels] of a row; height and width divisible by 2^filters.length. Default [28, 28, 1]. */
  imageShape?: [number, number, number];
  /** Filters of the encoder's convolutions (each halves the resolution); mirrored by the decoder. Default [32, 64]. */
  filters?: number[];
  /** Units of the dense latent code. Default 16. */
  latentDim?: number;
  /** "strided" (the article's net, default) or "pooled" (stride-1 convolutions with pooling and upsampling). */
  architecture?: ConvArchitecture;
  /**
   * Batch normalisation after each hidden convolution, as the article. Default false: with tfjs layers in a
   * custom training loop the moving statistics that scoring uses do not follow training, and the scores suffer.
   */
  batchNorm?: boolean;
  /** Training loss. Default "mse" (the article). */
  loss?: ReconstructionError;
  /** Score of an image; default: the same as `loss`. */
  scoreError?: ReconstructionError;
}

/**
 * Convolutional autoencoder under the detector contract: one row = one image of `imageShape` pixels
 * (row-major, channels last), preferably scaled to [0, 1] (sigmoid output).
 *
 * @example
 * ```ts
 * const cae = new ConvAutoencoderDetector({ epochs: 20, batchSize: 32, seed: 42 }); // the article's settings
 * await cae.fit(images);                     // rows of 784 pixels in [0, 1]
 * const errors = cae.trainingScores;         // reconstruction error per image
 * const again = cae.reconstruct(images.slice(0, 8)); // for a montage next to the originals
 * ```
 */
export class ConvAutoencoderDetector extends NeuralDetector {
  readonly imageShape: readonly [number, number, number];
  readonly filters: readonly number[];
  readonly latentDim: number;
  /** The form of the network: "strided" (the article's) or "pooled" (see the module comment). */
  readonly architecture: ConvArchitecture;
  readonly batchNorm: boolean;
  readonly loss: ReconstructionError;
  readonly scoreError: ReconstructionError;

  constructor(options: ConvAutoencoderOptions = {}) {
    super(options);
    const shape = options.imageShape ?? [28, 28, 1];
    if (!Array.isArray(shape) || shape.length !== 3) throw new RangeError("ConvAutoencoderDetector: imageShape must be [height, width, channels], e.g. [28, 28, 1]");
    this.imageShape = [
      checkInteger(shape[0], "ConvAutoencoderDetector: imageShape[0] (height)", 1),
      checkInteger(shape[1], "ConvAutoencoderDetector: imageShape[1] (width)", 1),
      checkInteger(shape[2], "ConvAutoencoderDetector: imageShape[2] (channels)", 1),
    ];
    const filters = options.filters ?? [32, 64];
    if (!Array.isArray(filters) || filters.length === 0) throw new RangeError("ConvAutoencoderDetector: filters must be a non-empty array of positive integers, e.g. [32, 64]");
    this.filters = filters.map((f, i) => checkInteger(f, `ConvAutoencoderDetector: filters[${i}]`, 1));
    const factor = 2 ** this.filters.length;
    if (this.imageShape[0] % factor !== 0 || this.imageShape[1] % factor !== 0) {
      throw new RangeError(`ConvAutoencoderDetector: images of ${this.imageShape[0]} x ${this.imageShape[1]} cannot be halved ${this.filters.length} times: height and width must be divisible by ${factor}`);
    }
    this.latentDim = checkInteger(options.latentDim ?? 16, "ConvAutoencoderDetector: latentDim", 1);
    const architecture = options.architecture ?? "strided";
    if (architecture !== "strided" && architecture !== "pooled") {
      throw new RangeError(`ConvAutoencoderDetector: architecture must be "strided" or "pooled", got ${String(architecture)}`);
    }
    this.architecture = architecture;
    this.batchNorm = options.batchNorm ?? false;
    this.loss = checkReconstructionError(options.loss ?? "mse", "ConvAutoencoderDetector: loss");
    this.scoreError = checkReconstructionError(options.scoreError ?? this.loss, "ConvAutoencoderDetector: scoreError");
  }

  /** Loads a detector saved with `save(folder)`; no retraining. */
  static async load(folder: string, options: { backend?: BackendName } = {}): Promise<ConvAutoencoderDetector> {
    return NeuralDetector.restore(folder, (saved) => new ConvAutoencoderDetector(saved as ConvAutoencoderOptions), "ConvAutoencoderDetector", options.backend);
  }

  /** @deprecated The same as {@link architecture} (which it only repeats); use that. Kept for one release. */
  get architectureUsed(): ConvArchitecture {
    return this.architecture;
  }

  protected buildModel(tf: typeof TF, cols: number, seed: number): TF.LayersModel {
    const [height, width, channels] = this.imageShape;
    if (cols !== height * width * channels) {
      throw new RangeError(`ConvAutoencoderDetector: rows have ${cols} values, images of ${height} x ${width} x ${channels} need ${height * width * channels} (set imageShape)`);
    }
    const architecture = this.architecture;
    if (tf.getBackend() === "wasm") registerWasmConvGradients(tf);
    const seeds = layerSeeds(seed, 2 * this.filters.length + 3);
    let next = 0;
    const init = () => tf.initializers.glorotUniform({ seed: seeds[next++] });
    const model = tf.sequential({ name: `conv_autoencoder_${architecture}` });
    const activate = (name: string) => {
      model.add(tf.layers.leakyReLU({ name: `${name}_leaky_relu`, alpha: 0.2 }));
      if (this.batchNorm) model.add(tf.layers.batchNormalization({ name: `${name}_batch_norm`, axis: -1 }));
    };
    model.add(tf.layers.reshape({ name: "as_image", inputShape: [cols], targetShape: [height, width, channels] }));
    this.filters.forEach((filters, i) => {
      const name = `encoder_${i + 1}`;
      const strides = architecture === "strided" ? 2 : 1;
      model.add(tf.layers.conv2d({ name: `${name}_conv`, filters, kernelSize: 3, strides, padding: "same", kernelInitializer: init() }));
      if (architecture === "pooled") model.add(tf.layers.maxPooling2d({ name: `${name}_pool`, poolSize: 2 }));
      activate(name);
    });
    const factor = 2 ** this.filters.length;
    const [h, w, last] = [height / factor, width / factor, this.filters[this.filters.length - 1]!];
    model.add(tf.layers.flatten({ name: "flatten" }));
    model.add(tf.layers.dense({ name: "latent", units: this.latentDim, kernelInitializer: init() }));
    model.add(tf.layers.dense({ name: "decoder_dense", units: h * w * last, kernelInitializer: init() }));
    model.add(tf.layers.reshape({ name: "decoder_reshape", targetShape: [h, w, last] }));
    [...this.filters].reverse().forEach((filters, i) => {
      const name = `decoder_${i + 1}`;
      if (architecture === "strided") {
        model.add(tf.layers.conv2dTranspose({ name: `${name}_deconv`, filters, kernelSize: 3, strides: 2, padding: "same", kernelInitializer: init() }));
      } else {
        model.add(tf.layers.upSampling2d({ name: `${name}_upsample`, size: [2, 2] }));
        model.add(tf.layers.conv2d({ name: `${name}_conv`, filters, kernelSize: 3, padding: "same", kernelInitializer: init() }));
      }
      activate(name);
    });
    const output =
      architecture === "strided"
        ? tf.layers.conv2dTranspose({ name: "reconstruction", filters: channels, kernelSize: 3, padding: "same", activation: "sigmoid", kernelInitializer: init() })
        : tf.layers.conv2d({ name: "reconstruction", filters: channels, kernelSize: 3, padding: "same", activation: "sigmoid", kernelInitializer: init() });
    model.add(output);
    model.add(tf.layers.reshape({ name: "as_row", targetShape: [cols] }));
    return model;
  }

  protected batchLoss(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Scalar {
    return meanReconstructionError(tf, batch, trainingForward(tf, model, batch, training), this.loss);
  }

  /**
   * Without the gradient tape where every layer runs through the fused kernels (tapeless-step.ts: the same numbers
   * as batchLoss under the tape): the strided architecture without batch normalisation; else undefined (the tape).
   */
  protected override trainingStep(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor): TrainingStep | undefined {
    if (!tapelessBackend(tf)) return undefined;
    const layers = model.layers;
    const steps: StepLayer[] = [];
    let inputGradient = false; // as in trainingForward: no gradient for the data
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i]!;
      const next = layers[i + 1];
      const leakyReluAlpha = next?.getClassName() === "LeakyReLU" ? (next.getConfig() as { alpha: number }).alpha : undefined;
      let step = convStepLayer(tf, layer, leakyReluAlpha, inputGradient);
      if (step !== undefined && leakyReluAlpha !== undefined) i++; // the LeakyReLU runs inside
      step ??= layer.getClassName() === "Dense"
        ? denseStepLayer(layer, (layer.getConfig() as { activation: Activation }).activation, inputGradient)
        : reshapeStepLayer(layer);
      if (step === undefined) return undefined;
      steps.push(step);
      if (layer.trainableWeights.length > 0) inputGradient = true;
    }
    return tapelessStep(tf, model, batch, steps, this.loss);
  }

  protected batchScores(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor): TF.Tensor1D {
    return reconstructionScores(tf, model, batch, this.scoreError);
  }

  /** Reconstructions of `X` (rows of pixels) in the input's units, e.g. for a montage beside the originals. */
  reconstruct(X: MatrixInput): number[][] {
    return this.reconstructRows(X, (cols) => `images of ${cols} pixels`);
  }


  protected savedOptions(): Record<string, unknown> {
    return {
      imageShape: this.imageShape,
      filters: this.filters,
      latentDim: this.latentDim,
      architecture: this.architecture,
      batchNorm: this.batchNorm,
      loss: this.loss,
      scoreError: this.scoreError,
    };
  }
}

/**
 * The model applied layer by layer for a training step: each convolution with the LeakyReLU after it, and each
 * dense layer, as one kernel each way (fused-conv.ts, fused-dense.ts: the same numbers as the layers, a fraction
 * of the launches, and no gradient for the first layer's input, the data); the other layers (reshapes, pooling,
 * batch normalisation) as themselves.
 */
function trainingForward(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Tensor {
  const layers = model.layers;
  let h = batch;
  let inputGradient = false; // h depends on no weight until a layer with weights has run
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    const next = layers[i + 1];
    const leakyReluAlpha = next?.getClassName() === "LeakyReLU" ? (next.getConfig() as { alpha: number }).alpha : undefined;
    let fused = convForward(tf, layer, h, { leakyReluAlpha, inputGradient });
    if (fused !== undefined && leakyReluAlpha !== undefined) i++; // the LeakyReLU ran inside
    if (fused === undefined && layer.getClassName() === "Dense") {
      fused = denseForward(tf, layer, h, (layer.getConfig() as { activation: Activation }).activation, inputGradient);
    }
    h = fused ?? (layer.apply(h, { training }) as TF.Tensor);
    if (layer.trainableWeights.length > 0) inputGradient = true;
  }
  return h;
}
