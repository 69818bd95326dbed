/**
 * The base of every neural detector (dense, LSTM and convolutional autoencoders, ...): the detector
 * contract of the classic detectors with an asynchronous `fit` ({@link AsyncBaseDetector}), plus what the
 * Keras user expects: a backend that is reported, seeded and repeatable training with validation split,
 * early stopping and a progress bar, a loss history to plot, scoring in batches, save and load, and
 * `dispose()` to free the weights.
 */
import * as path from "node:path";
import type * as TF from "@tensorflow/tfjs";
import { AsyncBaseDetector, type DetectorOptions } from "../core/detector";
import { warnDeprecated } from "../core/deprecation";
import { checkSeed, integerSeed, type Seed } from "../core/seed";
import { checkThresholdRule, describeThresholdRule } from "../core/threshold";
import { InterruptedError } from "../core/interrupt";
import { createMatrix, toMatrix, type Matrix, type MatrixInput } from "../core/matrix";
import { checkInteger } from "../core/validation";
import { RandomState } from "../random";
import { tfjs, useBackend, type BackendInfo, type BackendName } from "./tf";
import { resolveTraining, trainModel, type ResolvedTraining, type Trainable, type TrainingHistory, type TrainingOptions, type TrainingRun,
  type TrainingStep } from "./training";
import {
  applyColumnAffine,
  checkFloat32Range,
  checkInputScaling,
  fitColumnAffine,
  type ColumnAffine,
  type InputScaling,
} from "./input-scaling";
import {
  DETECTOR_FORMAT,
  DETECTOR_FORMAT_VERSION,
  readNetwork,
  readSavedDetector,
  writeModelFolder,
  type SavedDetector,
} from "./model-folder";
import { checkSavedState } from "./saved-state";
import type { DetectorParams } from "../persistence/params";

/** Options shared by the neural detectors. */
export interface NeuralDetectorOptions extends DetectorOptions, TrainingOptions {
  /**
   * Seed of the weights' initialisation and of the shuffling, recorded in `seed` as an integer: a number as is;
   * a RandomState gives its own seed while it has drawn nothing (`new RandomState(7)` trains as `seed: 7`), else
   * its next draw, and moves on by one draw. Omitted: a random seed is drawn (and recorded).
   */
  seed?: Seed;
  /** Force a tfjs backend (default: node, else wasm, else cpu; or ANOMALY_LAB_TF_BACKEND). */
  backend?: BackendName;
  /**
   * @deprecated The old spelling of `threshold` (`"contamination"` is the `contamination` option, `{ fixed }` and
   * `{ meanPlusStd }` are `threshold: { fixed }` / `{ meanPlusStd }`); warns once.
   */
  thresholdRule?: "contamination" | { fixed: number } | { meanPlusStd: number };
  /** Column scaling learned at fit and applied before the network; default "none" (Keras: the data as given). */
  preprocessing?: InputScaling;
  /**
   * Samples scored per batch (bounds memory when scoring large data). Default: as many as hold about 2^20 input
   * values (36,157 rows of 29 columns, 1,337 images of 28 x 28): each batch costs a fixed overhead, so
   * small batches score slower (measured: 4,096 rows of 29 columns per batch scored ~2.5x slower than 32,768).
   */
  scoreBatchSize?: number;
}

/** The fitted network and everything that goes with it. */
export interface Fitted {
  readonly model: TF.LayersModel;
  readonly affine: ColumnAffine;
  readonly history: TrainingHistory;
  readonly backend: BackendInfo;
}

export abstract class NeuralDetector extends AsyncBaseDetector {
  /** The seed training used (drawn at construction when not given, or taken from the RandomState given). */
  readonly seed: number;
  readonly preprocessing: InputScaling;
  /** Samples per scoring batch; undefined: about 2^20 input values per batch. */
  readonly scoreBatchSize: number | undefined;
  protected readonly training: ResolvedTraining;
  private readonly backendPreference: BackendName | undefined;
  private readonly validationRows: MatrixInput | undefined;
  private state: Fitted | undefined;

  protected constructor(options: NeuralDetectorOptions) {
    super(withThresholdRule(options, new.target.name));
    const name = new.target.name;
    this.seed = integerSeed(options.seed === undefined ? undefined : checkSeed(options.seed, `${name}: seed`));
    this.preprocessing = checkInputScaling(options.preprocessing ?? "none", name);
    this.scoreBatchSize = options.scoreBatchSize === undefined ? undefined : checkInteger(options.scoreBatchSize, `${name}: scoreBatchSize`, 1);
    this.training = resolveTraining(options, name);
    this.backendPreference = options.backend;
    this.validationRows = options.validationData;
  }

  /** Builds the (untrained) network for inputs of `cols` features, initialised from `seed`. */
  protected abstract buildModel(tf: typeof TF, cols: number, seed: number): TF.LayersModel;

  /** The network's input for scaled rows (2-D `[rows, cols]` for dense models; windows or images for others). */
  protected toInput(tf: typeof TF, X: Matrix): TF.Tensor {
    return tf.tensor2d(Float32Array.from(X.data), [X.rows, X.cols], "float32");
  }

  /** Mean training loss of a batch (reconstruction + penalties). */
  protected abstract batchLoss(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Scalar;

  /** One score per sample of `batch` (a 1-D tensor), higher = more anomalous. */
  protected abstract batchScores(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor): TF.Tensor1D;

  /**
   * One score per input row from one score per sample. Identity for models whose samples are rows; a
   * windowed model (several rows per sample) maps each window's score to the rows it stands for.
   */
  protected rowScores(sampleScores: Float64Array, rows: number): Float64Array {
    void rows;
    return sampleScores;
  }

  /** Consecutive rows that make one sample of the network: 1, or a windowed model's window length. */
  protected get rowsPerSample(): number {
    return 1;
  }

  /**
   * Called once the network is built, before training: what a detector fixes from the untrained network
   * (Deep SVDD's centre from an initial forward pass) or from the training input. Default: nothing.
   */
  protected beforeTraining(tf: typeof TF, model: TF.LayersModel, input: TF.Tensor): void {
    void tf;
    void model;
    void input;
  }

  /**
   * A training step without the gradient tape, the same numbers as `batchLoss` under it (src/nn/tapeless-step.ts), or
   * undefined (the default): the tape computes it.
   */
  protected trainingStep(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor): TrainingStep | undefined {
    void tf;
    void model;
    void batch;
    return undefined;
  }

  /**
   * Trains the network on the (scaled) input. Default: the single-loss loop of {@link trainModel} on
   * `batchLoss`; detectors whose training alternates several losses (GANs) override it and return the same
   * history. `run` carries the validation input and the interrupt check (before every batch).
   */
  protected trainNetwork(tf: typeof TF, model: TF.LayersModel, input: TF.Tensor, run: TrainingRun): Promise<TrainingHistory> {
    const trainable: Trainable = {
      model,
      loss: (batch, training) => this.batchLoss(tf, model, batch, training),
      step: (batch) => this.trainingStep(tf, model, batch),
    };
    return trainModel(tf, trainable, input, this.training, this.seed, { label: `${this.constructor.name} training`, ...run });
  }

  /** What to try when a fit's training scores are all equal (the network collapsed); see {@link fitScores}. */
  protected collapseAdvice(): string {
    return "try another seed, a smaller learningRate, fewer epochs or wider layers";
  }

  /** Options to store with a saved model, from which the subclass's constructor rebuilds the detector. */
  protected abstract savedOptions(): Record<string, unknown>;

  /**
   * Fitted values a subclass stores beside its options in a saved model (Deep SVDD's centre), read back by its
   * `load`. Default: none.
   */
  protected savedExtras(): Record<string, unknown> {
    return {};
  }

  /**
   * The subclass's options ({@link savedOptions}), the training and threshold options, and what only lives in
   * memory: the progress callback, the backend asked for, the validation rows.
   */
  protected override ownParams(): DetectorParams {
    return {
      ...this.savedOptions(),
      ...this.commonOptions(),
      progress: this.training.progress,
      backend: this.backendPreference,
      validationData: this.validationRows,
    };
  }

  /** The loss per epoch, the best epoch, seconds and the backend of the last `fit`. */
  get history(): TrainingHistory {
    return this.fittedNetwork().history;
  }

  /** The backend the detector trained (or was loaded) on. */
  get backend(): BackendInfo {
    return this.fittedNetwork().backend;
  }

  /**
   * The underlying tfjs model, for inspection (`model.summary()`); do not dispose it yourself. Neural detectors
   * keep their network in their own disposable state (see `dispose()`), not in the base class's model slot.
   */
  override get model(): TF.LayersModel {
    return this.fittedNetwork().model;
  }

  /**
   * Builds and trains a new network, then scores the training rows with it. The previous network stays
   * until the new one is trained: an interrupted fit puts it back (the detector is as before the fit), any
   * other failure frees both. Training scores that are all equal are refused: such a network ranks nothing.
   */
  protected async fitScores(X: Matrix, checkInterrupt: () => void): Promise<Float64Array> {
    const previous = this.state;
    this.state = undefined;
    let model: TF.LayersModel | undefined;
    let input: TF.Tensor | undefined;
    let validation: TF.Tensor | undefined;
    try {
      const { tf, info } = await useBackend(this.backendPreference);
      checkFloat32Range(X, "X"); // before the scaling is learned from X: a standard scaler turns 1e300 into 0
      const affine = fitColumnAffine(this.preprocessing, X);
      const scaled = applyColumnAffine(affine, X);
      validation = this.validationInput(tf, affine, X.cols);
      input = this.toInput(tf, scaled);
      model = this.buildModel(tf, X.cols, this.seed);
      this.beforeTraining(tf, model, input);
      const history = await this.trainNetwork(tf, model, input, { validationData: validation, checkInterrupt });
      const scores = this.rowScores(this.scoreInput(tf, model, input), X.rows);
      this.refuseConstantScores(scores, X);
      this.state = { model, affine, history, backend: info };
      previous?.model.dispose();
      return scores;
    } catch (error) {
      model?.dispose();
      if (error instanceof InterruptedError) this.state = previous;
      else previous?.model.dispose();
      throw error;
    } finally {
      input?.dispose();
      validation?.dispose();
    }
  }

  /** Throws when every training score is the same value: a collapsed network (or identical rows) ranks nothing. */
  private refuseConstantScores(scores: Float64Array, X: Matrix): void {
    if (scores.length < 2 || !scores.every((value) => value === scores[0])) return;
    const name = this.constructor.name;
    const what = `${name}: all ${scores.length} training scores are ${scores[0]}`;
    const rowLength = X.cols;
    const identicalRows = X.data.every((value, k) => value === X.data[k % rowLength]);
    if (identicalRows) {
      throw new Error(`${what}: the ${X.rows} training rows are all the same, so there is nothing to rank; fit on varied rows`);
    }
    throw new Error(
      `${what}: the network maps every training row to the same score (it collapsed), so it cannot rank them; ${this.collapseAdvice()}`,
    );
  }

  /** The `validationData` option as network input, scaled like the training rows (undefined without it). */
  private validationInput(tf: typeof TF, affine: ColumnAffine, cols: number): TF.Tensor | undefined {
    if (this.validationRows === undefined) return undefined;
    const name = this.constructor.name;
    const rows = toMatrix(this.validationRows, { name: `${name}: validationData` });
    if (rows.cols !== cols) throw new RangeError(`${name}: validationData has ${rows.cols} columns, but X has ${cols}`);
    return this.toInput(tf, applyColumnAffine(affine, rows, `${name}: validationData`));
  }

  protected decisionScores(X: Matrix): Float64Array {
    const { model, affine } = this.fittedNetwork();
    const tf = tfjs(); // its backend is ready: it trained (or loaded) this model
    const input = this.toInput(tf, applyColumnAffine(affine, X));
    try {
      return this.rowScores(this.scoreInput(tf, model, input), X.rows);
    } finally {
      input.dispose();
    }
  }

  /** Frees the network's weights (the detector is unfitted afterwards). Safe to call twice. */
  dispose(): void {
    this.state?.model.dispose();
    this.state = undefined;
    this.clearFit();
  }

  /**
   * Saves the fitted detector to `folder`: the network in tfjs's Layers format (model.json + weights.bin) and
   * detector.json (options, scaling, column names, threshold, training scores, history). Load it with the class's static
   * `load(folder)` on any backend. `folder` must be a new path, an empty folder, or a folder this method wrote
   * (replaced atomically); anything else there is refused, never deleted, and so is an empty path.
   *
   * @example
   * ```ts
   * await ae.save("models/fraud-ae");      // again later: replaces that model folder
   * await ae.save(".");                    // refused: "<current folder> is not an anomaly-lab model folder (it holds ...)"
   * ```
   */
  override async save(folder: string): Promise<void> {
    const { model, affine, history } = this.fittedNetwork();
    const { tf } = await useBackend(this.backendPreference);
    const saved: SavedDetector = {
      format: DETECTOR_FORMAT,
      formatVersion: DETECTOR_FORMAT_VERSION,
      detector: this.constructor.name,
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      libraryVersion: (require("../../package.json") as { version: string }).version,
      tfjsVersion: tf.version.tfjs,
      state: {
        options: { ...this.savedOptions(), ...this.savedExtras(), ...this.commonOptions() },
        cols: this.fittedCols(),
        featureNames: this.featureNames ?? null,
        affine,
        trainingScores: Array.from(this.trainingScores),
        history,
      },
    };
    await writeModelFolder(tf, model, saved, folder, `${this.constructor.name}.save`);
  }

  /**
   * Restores a detector saved by {@link save}: a fresh instance built from the saved options, given the saved
   * network. Every field is checked before the network is built, and a network that does not fit the rest of the
   * folder is freed again: a refused folder leaves no tensor behind.
   */
  protected static async restore<D extends NeuralDetector>(
    folder: string,
    make: (options: Record<string, unknown>) => D,
    className: string,
    backend?: BackendName,
  ): Promise<D> {
    const { tf, info } = await useBackend(backend);
    const { target, saved } = readSavedDetector(folder, className);
    const where = `${className}.load: ${path.join(target, "detector.json")}`;
    const state = checkSavedState(saved.state, where);
    let detector: D;
    try {
      detector = make({ ...savedThresholdOptions(state.options), backend });
    } catch (error) {
      throw new RangeError(`${where}: state.options: ${(error as Error).message}`);
    }
    const model = await readNetwork(tf, target, className);
    try {
      detector.state = { model, affine: state.affine, history: state.history, backend: info };
      detector.checkNetworkTakes(state.cols, target);
      const scores = Float64Array.from(state.trainingScores);
      detector.restoreFit({ rows: scores.length, cols: state.cols, featureNames: state.featureNames, scores });
    } catch (error) {
      detector.state = undefined;
      model.dispose();
      throw error;
    }
    return detector;
  }

  /**
   * Scores rows of zeros with the loaded network: options or columns that do not fit the network (a hand-edited
   * detector.json) fail here, at load, not at the first score.
   */
  private checkNetworkTakes(cols: number, target: string): void {
    try {
      this.decisionScores(createMatrix(this.rowsPerSample, cols));
    } catch (error) {
      const how = `rows of ${cols} values through the network: ${(error as Error).message}`;
      throw new Error(`${this.constructor.name}.load: ${target}: detector.json and model.json do not fit together (${how})`);
    }
  }

  private commonOptions(): Record<string, unknown> {
    const t = this.training;
    return {
      threshold: this.thresholdRule,
      seed: this.seed,
      preprocessing: this.preprocessing,
      scoreBatchSize: this.scoreBatchSize,
      epochs: t.epochs,
      batchSize: t.batchSize,
      learningRate: t.learningRate,
      validationSplit: t.validationSplit,
      earlyStopping: t.earlyStopping,
      shuffle: t.shuffle,
      progress: typeof t.progress === "function" ? true : t.progress,
    };
  }

  /** Columns of the fitted input rows (the column scaling has one entry per column; a windowed network's input is [T, cols]). */
  private fittedCols(): number {
    return this.fittedNetwork().affine.factor.length;
  }

  /** Scores `input` in batches of `scoreBatchSize` samples (default: ~2^20 input values per batch). */
  private scoreInput(tf: typeof TF, model: TF.LayersModel, input: TF.Tensor): Float64Array {
    const n = input.shape[0];
    const out = new Float64Array(n);
    const batchSize = this.scoreBatchSize ?? Math.max(1, Math.floor(2 ** 20 / Math.max(1, input.size / Math.max(1, n))));
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const scores = tf.tidy(() => this.batchScores(tf, model, input.slice(start, size)));
      out.set(scores.dataSync(), start);
      scores.dispose();
    }
    return out;
  }

  /**
   * The network's reconstruction of `X`, mapped back to the input's units (one row per input row): what the
   * autoencoders' `reconstruct` returns. `inputs` names what a row holds in the column-count error
   * (e.g. "columns", "images of N pixels").
   */
  protected reconstructRows(X: MatrixInput, inputs: (cols: number) => string): number[][] {
    const { model, affine } = this.fittedNetwork();
    const matrix = this.inputMatrix(X);
    if (matrix.cols !== affine.factor.length) {
      throw new RangeError(`X has ${matrix.cols} columns, but ${this.constructor.name} was fitted on ${inputs(affine.factor.length)}`);
    }
    const tf = tfjs();
    const input = this.toInput(tf, applyColumnAffine(affine, matrix));
    let output: TF.Tensor;
    try {
      output = tf.tidy(() => model.apply(input, { training: false }) as TF.Tensor);
    } finally {
      input.dispose();
    }
    const values = output.dataSync();
    output.dispose();
    return Array.from({ length: matrix.rows }, (_, i) =>
      Array.from({ length: matrix.cols }, (_, j) => (values[i * matrix.cols + j]! - affine.shift[j]!) / affine.factor[j]!),
    );
  }

  /** The fitted network, its input scaling, history and backend (throws when not fitted). */
  protected fittedNetwork(): Fitted {
    if (this.state === undefined) throw new Error(`${this.constructor.name} is not fitted: call await fit(X) first (or ${this.constructor.name}.load(folder))`);
    return this.state;
  }
}

/** Seeds for the layers of one network: distinct, repeatable. */
export function layerSeeds(seed: number, count: number): number[] {
  const random = new RandomState(seed);
  return Array.from({ length: count }, () => random.randint(0, 2 ** 31 - 1));
}

/** The options with the deprecated `thresholdRule` read as the `threshold` it stands for (one warning). */
function withThresholdRule(options: NeuralDetectorOptions, context: string): DetectorOptions {
  const { thresholdRule, ...rest } = options;
  if (thresholdRule === undefined) return rest;
  if (rest.threshold !== undefined) {
    const why = "thresholdRule is the old spelling";
    throw new TypeError(`${context}: pass either threshold or thresholdRule, not both (${why})`);
  }
  const rule = thresholdFromRule(thresholdRule, rest.contamination);
  const threshold = checkThresholdRule(rule, `${context} (thresholdRule)`);
  warnDeprecated("thresholdRule", 'the option "thresholdRule"', `threshold: ${describeThresholdRule(threshold)}`);
  // The old rule ignored contamination under { fixed } and { meanPlusStd }: so does its translation.
  const { contamination, ...withoutContamination } = rest;
  void contamination;
  return { ...withoutContamination, threshold };
}

/** What an old `thresholdRule` means as a `threshold` rule (contamination: the detector's, default 0.1). */
function thresholdFromRule(rule: unknown, contamination: unknown): unknown {
  return rule === "contamination" ? { contamination: contamination ?? 0.1 } : rule;
}

/**
 * Options saved by an older release (a `thresholdRule` beside `contamination`) in today's spelling, without the
 * deprecation warning: the user did not write them.
 */
function savedThresholdOptions(options: Record<string, unknown>): Record<string, unknown> {
  if (!("thresholdRule" in options)) return options;
  const { thresholdRule, contamination, ...rest } = options;
  return { ...rest, threshold: thresholdFromRule(thresholdRule, contamination) };
}
