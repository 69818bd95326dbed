/**
 * The LSTM autoencoder detector (B. Larzalere's "LSTM Autoencoder for Anomaly Detection" on the NASA bearing
 * data): windows of T consecutive rows go through encoder LSTM layers to a small state, which RepeatVector
 * hands to decoder LSTM layers and a per-timestep Dense layer that rebuilds the window. Score = the window's
 * reconstruction error: one score per window, on the sequence contract (sequence-detector.ts).
 *
 * With T = 1 (the tutorial's shape) every LSTM runs one step from a zero state, which tfjs cannot train
 * (issue 8255); there the LSTM layers are built as the gated dense layers they equal (`lstm-step.ts`), same
 * function, same weight layout. With T > 1 they are LSTM layers with the sigmoid recurrent activation of
 * Keras 2.3+ / PyTorch (tfjs defaults to the hard sigmoid of old Keras): on wasm and cpu our fused LSTM layer
 * (`lstm-layer.ts`: one kernel forward, one for backpropagation through time; tfjs's numbers bit for bit),
 * elsewhere (and for activations it does not fuse) tfjs's own.
 */
import { createHash } from "node:crypto";
import type * as TF from "@tensorflow/tfjs";
import type { FitOptions, PredictOptions } from "../core/detector";
import { warnDeprecated } from "../core/deprecation";
import { createMatrix, type Matrix } from "../core/matrix";
import { aboveThreshold } from "../core/threshold";
import { checkFiniteNumber, checkInteger } from "../core/validation";
import { type Activation, checkActivationName } from "./activations";
import { lstmKernelApplies } from "./fused-lstm";
import { lstmLayer, lstmLayerClass } from "./lstm-layer";
import { lstmStepClass, lstmStepLayer } from "./lstm-step";
import { layerSeeds, NeuralDetector, type NeuralDetectorOptions } from "./neural-detector";
import { applyColumnAffine } from "./input-scaling";
import { checkReconstructionError, type ReconstructionError, reconstructionLoss, reconstructionScores } from "./reconstruction";
import { sequenceRows, type RowScoreOptions, type SequenceDetector, type SequenceInput } from "./sequence-detector";
import { tfjs, type BackendName } from "./tf";
import { windowsToRows } from "./window-mapping";
import { WindowStream, type SequenceStream, type SequenceStreamSnapshot, type WindowScorer } from "./window-stream";
import { slidingWindows, windowCount } from "./windows";

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

/**
 * LSTM autoencoder on the sequence contract (sequence-detector.ts): rows in time order are cut into windows of T
 * rows (window k = rows k .. k + T - 1), each window gets one score, and the threshold, `trainingScores` and
 * `labels` are those of the training windows (rows - T + 1 of them). Rows get scores only through a mapping the
 * user names, `scoreRows(X, { mapping: "last" | "max" | "mean" })`; `open()` scores rows as they arrive.
 * With T = 1 windows are rows: `score(X)` is the row contract as for every detector.
 *
 * `score(X)` (so `predict`, `predictProba`) with T > 1 is deprecated (one warning): it is
 * `scoreRows(X, { mapping: "max" })` (it used to copy the first window's score into rows 0 .. T-2).
 *
 * @example
 * ```ts
 * const lstm = new LstmAutoencoderDetector({ epochs: 100, batchSize: 10, validationSplit: 0.05,
 *   preprocessing: "minmax", threshold: { fixed: 0.275 }, seed: 7 });       // the tutorial, T = 1
 * await lstm.fit(train.X);
 * const alarms = lstm.predict(all.X);                     // one 0/1 per row, in time order
 * const windowed = new LstmAutoencoderDetector({ timesteps: 5, epochs: 40, preprocessing: "minmax", seed: 7 });
 * await windowed.fit(train);                              // a TimeSeries, or its matrix train.X
 * windowed.scoreWindows(all.X);                           // all.X.rows - 4 scores, window k ends at row k + 4
 * windowed.scoreRows(all.X, { mapping: "last" });         // [null, null, null, null, w0, w1, ...]
 * const live = windowed.open();
 * live.update(row);                                       // undefined for the first 4 rows, then a window's score
 * ```
 */
export class LstmAutoencoderDetector extends NeuralDetector implements SequenceDetector {
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
    this.loss = checkReconstructionError(options.loss ?? "mae", "LstmAutoencoderDetector: loss");
    this.scoreError = checkReconstructionError(options.scoreError ?? this.loss, "LstmAutoencoderDetector: scoreError");
  }

  /** Loads a detector saved with `save(folder)`; no retraining. */
  static async load(folder: string, options: { backend?: BackendName } = {}): Promise<LstmAutoencoderDetector> {
    lstmStepClass(tfjs()); // model.json may name our layers: register them before tfjs reads the file
    lstmLayerClass(tfjs());
    return NeuralDetector.restore(folder, (saved) => new LstmAutoencoderDetector(saved as LstmAutoencoderOptions), "LstmAutoencoderDetector", options.backend);
  }

  /** The network in words, e.g. "LSTM 16 relu -> LSTM 4 relu -> RepeatVector 1 -> ... (one timestep: gated dense)". */
  get architecture(): string {
    const lstm = (spec: Required<LstmLayerSpec>) => `LSTM ${spec.units} ${spec.activation}`;
    const parts = [...this.encoder.map(lstm), `RepeatVector ${this.timesteps}`, ...this.decoder.map(lstm), "TimeDistributed Dense"];
    const how = this.timesteps === 1 ? "one timestep: each LSTM built as its equivalent gated dense layer" : `windows of ${this.timesteps} rows: LSTM layers`;
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
      const recurrentInitializer = tf.initializers.orthogonal({ seed: recurrentSeed, gain: 1 });
      // One kernel each way per layer where the fused LSTM applies (the same numbers as tfjs's LSTM), else tfjs's.
      if (lstmKernelApplies(tf, spec.activation)) {
        return lstmLayer(tf, { name, units: spec.units, activation: spec.activation, returnSequences, kernelInitializer, recurrentInitializer });
      }
      return tf.layers.lstm({
        name,
        units: spec.units,
        activation: spec.activation,
        recurrentActivation: "sigmoid",
        returnSequences,
        kernelInitializer,
        recurrentInitializer,
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

  /** Learns from the training series (rows in time order; a TimeSeries or its matrix): one sample per window. */
  override fit(X: SequenceInput, options?: FitOptions): Promise<this> {
    return super.fit(sequenceRows(X), options);
  }

  override fitPredict(X: SequenceInput, options?: FitOptions): Promise<Uint8Array> {
    return super.fitPredict(sequenceRows(X), options);
  }

  /**
   * One score per window of `X` (rows in time order, at least T): window k = rows k .. k + T - 1, its score the
   * reconstruction error of the window.
   * @example windowed.scoreWindows(study.X).length; // study.X.rows - windowed.timesteps + 1
   */
  scoreWindows(X: SequenceInput): Float64Array {
    return this.matrixWindowScores(this.scoringMatrix(sequenceRows(X)));
  }

  /** 0/1 per window of `X`: window score > threshold (the fitted one, or `options.threshold`). */
  predictWindows(X: SequenceInput, options: PredictOptions = {}): Uint8Array {
    const threshold = options.threshold === undefined ? this.threshold : checkFiniteNumber(options.threshold, "threshold");
    return aboveThreshold(this.scoreWindows(X), threshold);
  }

  /**
   * One entry per row of `X` from the window scores, by the mapping named (required): "last", the window ending at
   * the row (rows 0 .. T-2 end none and get null, no score), or "max" / "mean" over the windows covering the row.
   * @example
   * windowed.scoreRows(X, { mapping: "last" }); // (number | null)[]: null for rows 0 .. T-2
   * windowed.scoreRows(X, { mapping: "max" });  // Float64Array: every row a score
   */
  scoreRows(X: SequenceInput, options: RowScoreOptions<"last">): (number | null)[];
  scoreRows(X: SequenceInput, options: RowScoreOptions<"max" | "mean">): Float64Array;
  scoreRows(X: SequenceInput, options: RowScoreOptions): (number | null)[] | Float64Array;
  scoreRows(X: SequenceInput, options: RowScoreOptions): (number | null)[] | Float64Array {
    const mapping = (options as Partial<RowScoreOptions> | undefined)?.mapping;
    if (mapping === undefined) {
      const how = '{ mapping: "last" | "max" | "mean" }';
      throw new TypeError(`${this.constructor.name}.scoreRows: name the mapping of window scores to rows: ${how}`);
    }
    const matrix = this.scoringMatrix(sequenceRows(X));
    return windowsToRows(this.matrixWindowScores(matrix), matrix.rows, this.timesteps, mapping);
  }

  /**
   * Row scores. With T = 1, the window scores (windows are rows). With T > 1 deprecated (one warning): it is
   * `scoreRows(X, { mapping: "max" })`; name the mapping, or use `scoreWindows(X)`.
   */
  override score(X: SequenceInput): Float64Array {
    if (this.timesteps === 1) return this.scoreWindows(X);
    warnDeprecated(
      "sequence score(X)",
      `score(X) of a sequence detector (timesteps > 1: one score per window of T rows, not per row)`,
      'scoreWindows(X), or scoreRows(X, { mapping: "last" | "max" | "mean" }); ' +
        'until then score(X) is scoreRows(X, { mapping: "max" })',
    );
    return this.scoreRows(X, { mapping: "max" });
  }

  /**
   * A stream of rows through the fitted model: `update(row)` returns undefined until T rows have arrived, then the
   * score of the window of the last T rows (equal to `scoreWindows` of the same rows). `snapshot()` saves it as
   * JSON; `restore(snapshot)` on this detector (or one loaded from its save) continues it.
   * @example
   * const live = windowed.open();
   * for (const row of rows) {
   *   const score = live.update(row); // undefined for the first T - 1 rows
   *   if (score !== undefined && score > windowed.threshold) alarm();
   * }
   */
  open(): SequenceStream {
    return new WindowStream(this.windowScorer());
  }

  /** Continues a stream from `snapshot` (refused when taken on another model, T or column count). */
  restore(snapshot: SequenceStreamSnapshot): SequenceStream {
    return new WindowStream(this.windowScorer(), snapshot);
  }

  /** The window scores of checked rows (at least T of them). */
  private matrixWindowScores(matrix: Matrix): Float64Array {
    if (matrix.rows < this.timesteps) {
      const rows = `${matrix.rows} row${matrix.rows === 1 ? " is" : "s are"}`;
      const few = `${rows} too few for one window of ${this.timesteps} timesteps`;
      throw new RangeError(`${this.constructor.name}: ${few}; to score rows as they arrive, use detector.open()`);
    }
    const scores = this.decisionScores(matrix);
    const bad = scores.findIndex((value) => Number.isNaN(value));
    if (bad >= 0) throw new Error(`${this.constructor.name} produced a NaN score for window ${bad}`);
    return scores;
  }

  protected override toInput(tf: typeof TF, X: Matrix): TF.Tensor {
    const windows = slidingWindows(X, this.timesteps, "LstmAutoencoderDetector");
    return tf.tensor3d(windows.data, [windows.count, windows.timesteps, windows.features], "float32");
  }

  /** The network's samples are windows, and so are the scores: one per window (threshold and labels included). */
  protected override rowScores(sampleScores: Float64Array, rows: number): Float64Array {
    const count = windowCount(rows, this.timesteps, this.constructor.name);
    if (sampleScores.length !== count) {
      throw new Error(`${this.constructor.name}: ${sampleScores.length} scores for ${count} windows`);
    }
    return sampleScores;
  }

  protected override get rowsPerSample(): number {
    return this.timesteps;
  }

  /** A fit's training scores are window scores: the threshold and labels are placed on the windows. */
  protected override completeFit(shape: { readonly rows: number; readonly cols: number }, windowScores: Float64Array): void {
    super.completeFit({ rows: windowScores.length, cols: shape.cols }, windowScores);
  }

  /**
   * A model folder saved before the sequence contract holds one training score per row, rows 0 .. T-2 copies of the
   * first window's: those copies are dropped, so the threshold is placed on the windows as at fit.
   */
  protected override restoreFit(fit: SavedFit): void {
    const { trainRows, validationRows } = this.history;
    const T = this.timesteps;
    const windows = fit.scores.length - (T - 1);
    // The old layout: T - 1 more scores than the fit had windows (validation split or not), the first T all equal.
    const fitWindows = windows === trainRows || windows === trainRows + validationRows;
    const oldLayout = T > 1 && fitWindows && fit.scores.subarray(0, T).every((v) => v === fit.scores[0]);
    const scores = oldLayout ? fit.scores.subarray(T - 1) : fit.scores;
    super.restoreFit({ ...fit, rows: scores.length, scores });
  }

  private windowScorer(): WindowScorer {
    const columns = this.fittedSummary().cols;
    const network = this.fittedNetwork();
    const { affine } = network;
    // A stream scores with the model it was opened on: after a new fit it refuses to go on rather than mix models.
    const sameModel = () => {
      if (this.fittedNetwork() !== network) {
        throw new Error(`${this.constructor.name}: the detector was fitted again after this stream opened: open a new one with open()`);
      }
    };
    return {
      kind: this.constructor.name,
      timesteps: this.timesteps,
      columns,
      model: this.modelDigest(columns),
      // A value the network cannot take is refused at the update of its row, not T - 1 rows later in a window.
      checkRow: (row, where) => {
        sameModel();
        try {
          applyColumnAffine(affine, createMatrix(1, columns, row));
        } catch (error) {
          throw new RangeError(`${where}: ${(error as Error).message.replace(/^X: row 0, /, "")}`);
        }
      },
      scoreWindow: (rows) => {
        sameModel();
        return this.decisionScores(rows)[0]!;
      },
    };
  }

  /** What ties a stream snapshot to this fitted model: a digest of T, the columns and the training scores' bits. */
  private modelDigest(columns: number): string {
    const scores = this.trainingScores;
    const hash = createHash("sha256").update(`${this.timesteps}x${columns}:`).update(new Uint8Array(scores.buffer));
    return hash.digest("hex").slice(0, 16);
  }

  protected batchLoss(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Scalar {
    return reconstructionLoss(tf, model, batch, training, this.loss);
  }

  protected batchScores(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor): TF.Tensor1D {
    return reconstructionScores(tf, model, batch, this.scoreError);
  }

  protected savedOptions(): Record<string, unknown> {
    return { timesteps: this.timesteps, encoder: this.encoder, decoder: this.decoder, loss: this.loss, scoreError: this.scoreError };
  }
}

/** The fit a saved detector puts back (DetectorCore's restoreFit argument). */
interface SavedFit {
  readonly rows: number;
  readonly cols: number;
  readonly featureNames: readonly string[] | undefined;
  readonly scores: Float64Array;
}

function checkLayers(specs: readonly LstmLayerSpec[], name: string, minimum = 1): Required<LstmLayerSpec>[] {
  if (!Array.isArray(specs) || specs.length < minimum) {
    throw new RangeError(`LstmAutoencoderDetector: ${name} must be an array of at least ${minimum} { units, activation }`);
  }
  return specs.map((spec, i) => {
    const activation = checkActivationName(spec.activation ?? "tanh", `LstmAutoencoderDetector: ${name}[${i}].activation`);
    return { units: checkInteger(spec.units, `LstmAutoencoderDetector: ${name}[${i}].units`, 1), activation };
  });
}
