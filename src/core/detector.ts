import { type DataFrameLike, isDataFrameLike, type Matrix, type MatrixInput, toMatrix } from "./matrix";
import { erf } from "./erf";
import { checkSquareable, squareBound } from "./magnitude";
import { numpyMean } from "./summation";
import {
  aboveThreshold,
  DEFAULT_THRESHOLD,
  resolveThreshold,
  thresholdOf,
  type ThresholdOptions,
  type ThresholdRule,
} from "./threshold";
import { checkFiniteNumber } from "./validation";
import { InterruptedError, interruptCheckpoint } from "./interrupt";
import { readDetectorFile, writeDetectorFile, type ReadContent, type SavedContent } from "../persistence/detector-file";
import { cloneParams, decodeParams, encodeParams, withOverrides, type DetectorParams } from "../persistence/params";
import { encodeArray, StateReader } from "../persistence/state-codec";

/**
 * Options every detector accepts: where its threshold goes. `contamination: c` (PyOD's spelling) and
 * `threshold: { contamination: c }` are the same rule; the default is `{ contamination: 0.1 }` (PyOD's), except
 * for the one-column rule detectors (z-score 3, MAD 3.5, IQR fences). Detectors that draw random numbers take
 * `seed` as well ({@link SeedOptions}).
 */
export interface DetectorOptions extends ThresholdOptions {}

/** Options of {@link BaseDetector.predictProba}. */
export interface PredictProbaOptions {
  /**
   * "linear" (default): min-max scale the scores by the training scores' range, clipped to [0, 1];
   * "unify": erf of the scores standardised by the training scores' mean and std (Kriegel et al. 2011).
   * Both are PyOD's `predict_proba` methods.
   */
  method?: "linear" | "unify";
}

/** Options of {@link Detector.predict}. */
export interface PredictOptions {
  /** Use this score threshold instead of the one learned from `contamination`. */
  threshold?: number;
}

/** Options of an asynchronous {@link AsyncDetector.fit}. */
export interface FitOptions {
  /**
   * Cancels the fit: once aborted, training stops before its next batch and `fit` rejects with an
   * InterruptedError, leaving the detector as it was before the fit (its previous model, or unfitted). The
   * kernel's Stop (`requestInterrupt`) does the same to every fit running when it arrives.
   */
  signal?: AbortSignal;
}

/**
 * What every detector offers once fitted, classic or deep (PyOD's BaseDetector, in TypeScript names):
 * scores are "higher = more anomalous"; labels are 1 for outliers, 0 for inliers.
 */
export interface FittedDetector {
  /** Expected share of outliers of the `{ contamination }` threshold rule; 0.1 (PyOD's default) under another rule. */
  readonly contamination: number;
  /** Where the threshold goes, as resolved from the options (`contamination` reads `{ contamination: c }`). */
  readonly thresholdRule: ThresholdRule;
  /** Whether `fit` has run. */
  readonly isFitted: boolean;
  /** Outlier scores of the training rows (PyOD `decision_scores_`); a copy, like every array a detector hands out. */
  readonly trainingScores: Float64Array;
  /** Score above which a row is an outlier (PyOD `threshold_`), placed at fit by `thresholdRule`. */
  readonly threshold: number;
  /** 0/1 labels of the training rows (PyOD `labels_`); a copy. */
  readonly labels: Uint8Array;
  /**
   * The column names of a DataFrame fit, in fit order (sklearn `feature_names_in_`); undefined after a fit on
   * unnamed rows. Scoring a DataFrame then matches its columns by name; a copy.
   */
  readonly featureNames: string[] | undefined;
  /** Outlier scores of new rows (PyOD `decision_function`). */
  score(X: MatrixInput): Float64Array;
  /** 0/1 labels of new rows: score > threshold. */
  predict(X: MatrixInput, options?: PredictOptions): Uint8Array;
  /** Outlier probability of each row in [0, 1] (PyOD `predict_proba(X)[:, 1]`). */
  predictProba(X: MatrixInput, options?: PredictProbaOptions): Float64Array;
  /**
   * The constructor options, every one of them, defaults filled in (scikit-learn's `get_params`): what
   * `new Class(detector.getParams())` needs to build the same detector, unfitted.
   */
  getParams(): DetectorParams;
  /**
   * A new, unfitted detector with the same options (scikit-learn's `clone`), some of them replaced by `overrides`
   * (an unknown option is refused). A RandomState option is copied in its current state.
   */
  clone(overrides?: DetectorParams): this;
}

/**
 * A detector whose training is synchronous (every classic detector): `fit` returns the detector.
 * `await detector.fit(X)` works too, so one loop serves classic and deep detectors alike.
 */
export interface Detector extends FittedDetector {
  /** Learns from `X` (rows = observations); returns the detector for chaining. */
  fit(X: MatrixInput): this;
  /** `fit(X)` then the training labels. */
  fitPredict(X: MatrixInput): Uint8Array;
  /** Writes the fitted detector to one JSON file (`<Class>.load(file)` or `loadDetector(file)` reads it back). */
  save(file: string): void;
}

/**
 * A detector whose training is asynchronous (the neural detectors: TensorFlow.js trains in a Promise so that a
 * progress bar can redraw between batches). Everything but `fit`/`fitPredict` is synchronous, as in {@link Detector}.
 */
export interface AsyncDetector extends FittedDetector {
  /** Learns from `X`; resolves to the detector once trained. */
  fit(X: MatrixInput, options?: FitOptions): Promise<this>;
  /** `await fit(X)` then the training labels. */
  fitPredict(X: MatrixInput, options?: FitOptions): Promise<Uint8Array>;
  /** Writes the fitted detector to a model folder (`<Class>.load(folder)` or `loadDetector(folder)` reads it back). */
  save(folder: string): Promise<void>;
}

/**
 * Any detector of the library. `await detector.fit(X)` is valid for every one of them:
 *
 * @example
 * for (const detector of [new IForestDetector({ seed: 0 }), new AutoencoderDetector({ seed: 0 })] as AnyDetector[]) {
 *   await detector.fit(XTrain);
 *   console.log(rocAuc(yTest, detector.score(XTest)));
 * }
 */
export type AnyDetector = Detector | AsyncDetector;

/** The shape of the training rows of a fit (what a saved model's sizes are checked against). */
export interface FitShape {
  readonly rows: number;
  readonly cols: number;
}

/** What a saved detector keeps of its fit besides the model: the shape, column names and training scores. */
interface FitSummary extends FitShape {
  readonly featureNames: readonly string[] | undefined;
  readonly scores: Float64Array;
}

interface FittedState {
  readonly rows: number;
  readonly cols: number;
  readonly featureNames: readonly string[] | undefined;
  /** Largest |value| new rows may hold (detectors that square values; see {@link squareBound}). */
  readonly squareBound: number | undefined;
  readonly scores: Float64Array;
  readonly threshold: number;
  readonly labels: Uint8Array;
}

/**
 * What {@link BaseDetector} and {@link AsyncBaseDetector} share: fitted state, threshold, scoring,
 * labels, probabilities and the input checks. Only `fit` differs (sync or async).
 *
 * **The fitted model.** `Model` is the type of what a subclass learns (a forest, a covariance, a
 * TensorFlow.js model...). The subclass stores it with `this.model = ...` while fitting and reads it
 * with `this.model` anywhere else; reading it before a fit throws
 * `"<ClassName> is not fitted: call fit(X) first"` with the subclass's own name, so no subclass writes
 * that guard. A fit that throws leaves the detector unfitted (no half-replaced model); an asynchronous fit
 * that is interrupted (InterruptedError) leaves it as it was before the fit.
 *
 * **Fitted state is private.** Every array a detector hands out (`trainingScores`, `labels`, what
 * `fitPredict` returns, and subclass accessors such as `location` or `components`) is a fresh copy:
 * writing into it never changes the detector. (Typed arrays cannot be frozen in JavaScript, so copies
 * are the only safe rule.) Read such a property once into a variable rather than inside a loop.
 * Subclasses keep this rule with {@link copyMatrix} and `array.slice()` in their accessors. The
 * training matrix passed to `fitScores` is already the detector's own copy of the caller's data
 * (`toMatrix` copies), so a subclass may keep it without copying again.
 *
 * **Column names.** A fit on a DataFrame records its column names (`featureNames`, sklearn's
 * `feature_names_in_`). Scoring a DataFrame then takes its columns by those names, in fit order, so a
 * reordered frame scores the same, and a frame missing a fitted column or carrying an unknown one is refused
 * with both lists named. Unnamed input (arrays, matrices) is checked by width, against either kind of fit.
 * Subclass methods that take new rows (`transform`, `reconstruct`) read them with {@link DetectorCore.inputMatrix}.
 *
 * **Values too large to square.** A detector whose arithmetic squares differences of values (distances,
 * covariances, kernels) says so with {@link DetectorCore.squaresValues}; the base then refuses, at fit and at
 * score, a value whose square would overflow ({@link squareBound}), naming its row and column.
 *
 * **Options.** The constructor's options are recorded as given; `getParams()` returns them with the class's
 * resolved values ({@link DetectorCore.ownParams}, defaults filled in) and `clone()` builds a new detector from them.
 */
export abstract class DetectorCore<Model = unknown> implements FittedDetector {
  readonly contamination: number;
  readonly thresholdRule: ThresholdRule;
  /** The options given to the constructor (a shallow copy), the base of `getParams()`. */
  private readonly givenOptions: DetectorParams;
  private fitted: FittedState | undefined;
  private fittedModel: Model | undefined;
  /** Column names and square bound of the input of the fit under way (between `beginFit` and `completeFit`). */
  private fittingNames: readonly string[] | undefined;
  private fittingBound: number | undefined;

  /**
   * @param options the shared options (`contamination` or `threshold`)
   * @param defaultThreshold the rule without either (PyOD's `{ contamination: 0.1 }` unless the detector has its own)
   */
  protected constructor(options: DetectorOptions = {}, defaultThreshold: ThresholdRule = DEFAULT_THRESHOLD) {
    this.thresholdRule = resolveThreshold(options, new.target.name, defaultThreshold);
    this.contamination = "contamination" in this.thresholdRule ? this.thresholdRule.contamination : 0.1;
    this.givenOptions = { ...options };
  }

  /**
   * The constructor options, every one of them, defaults filled in (scikit-learn's `get_params`), in today's
   * spelling: `threshold` (the rule, whichever way it was given), the class's own resolved options
   * ({@link DetectorCore.ownParams}; `seed` where the class draws random numbers), then any other option given.
   * Values are plain JSON values except a RandomState (the detector's own generator, not a copy: `clone()` copies
   * it) and what only lives in memory (a progress callback, validation rows).
   *
   * @example
   * new IForestDetector({ seed: 1 }).getParams();
   * // { threshold: { contamination: 0.1 }, nEstimators: 100, maxSamples: "auto", maxFeatures: 1, bootstrap: false,
   * //   seed: 1 }
   */
  getParams(): DetectorParams {
    const known = { threshold: this.thresholdRule, ...this.ownParams() };
    const others = Object.entries(this.givenOptions).filter(
      ([name]) => !(name in known) && !this.respelledOptions().includes(name),
    );
    return { ...known, ...Object.fromEntries(others) };
  }

  /**
   * A new, unfitted detector of the same class with the same options (scikit-learn's `clone`): the options deep
   * copied, a RandomState in its current state (the clone draws what the original would draw next), and
   * `overrides` applied; an override that is not an option of the class is refused.
   *
   * @example
   * const forests = [0, 1, 2].map((seed) => new IForestDetector({ nEstimators: 200 }).clone({ seed }));
   */
  clone(overrides: DetectorParams = {}): this {
    const Class = this.constructor as new (options: DetectorParams) => this;
    const params = this.getParams();
    // `contamination: c` is PyOD's spelling of `threshold: { contamination: c }`: as an override it replaces the rule
    // (given with a `threshold` override too, the constructor refuses the pair, as it does in options).
    const given = "contamination" in overrides ? { ...params, threshold: undefined, contamination: undefined } : params;
    return new Class(cloneParams(withOverrides(given, overrides, `${Class.name}.clone`)));
  }

  /**
   * The class's own options with their resolved values (defaults filled in), for `getParams()`; `threshold` is
   * added by the base. Default: none beyond those given (a subclass of the user's keeps its given options).
   */
  protected ownParams(): DetectorParams {
    return {};
  }

  /**
   * Options the class reads as another one that `getParams()` returns (`contamination` as `threshold`, the
   * deprecated `random` as `seed`): left out of `getParams()`, so a clone gets each rule or seed once.
   */
  protected respelledOptions(): readonly string[] {
    return ["contamination", "random"];
  }

  /**
   * The model learned by the last fit (set it in `fitScores`). Reading it before that throws
   * "<ClassName> is not fitted: call fit(X) first".
   */
  protected get model(): Model {
    if (this.fittedModel === undefined) throw this.notFitted();
    return this.fittedModel;
  }

  protected set model(model: Model) {
    this.fittedModel = model;
  }

  /**
   * Whether the detector squares differences of input values (distances, covariances, an RBF kernel, standard
   * deviations): then values beyond {@link squareBound} are refused at fit and at score. Default false (trees,
   * histograms, ranks, medians).
   */
  protected get squaresValues(): boolean {
    return false;
  }

  /** Scores new rows with the learned model; only called after `fit`, with the training column count. */
  protected abstract decisionScores(X: Matrix): Float64Array;

  /**
   * The score threshold learned at fit time: what `thresholdRule` places on the training scores (PyOD's
   * `1 - contamination` percentile by default). A detector with its own reading of a rule (sklearn's
   * EllipticEnvelope offset for `{ contamination }`) overrides this one method; labels and predict follow.
   */
  protected fitThreshold(trainingScores: Float64Array): number {
    return thresholdOf(this.thresholdRule, trainingScores);
  }

  get isFitted(): boolean {
    return this.fitted !== undefined;
  }

  /** A copy of the training rows' outlier scores. */
  get trainingScores(): Float64Array {
    return this.requireFitted().scores.slice();
  }

  get threshold(): number {
    return this.requireFitted().threshold;
  }

  /** A copy of the training rows' 0/1 labels. */
  get labels(): Uint8Array {
    return this.requireFitted().labels.slice();
  }

  get featureNames(): string[] | undefined {
    const names = this.requireFitted().featureNames;
    return names === undefined ? undefined : [...names];
  }

  /** The training input as a validated matrix (a fresh copy), with the previous fit forgotten. */
  protected beginFit(X: MatrixInput): Matrix {
    const matrix = toMatrix(X, { name: "X" });
    this.forgetFit();
    this.fittingNames = isDataFrameLike(X) ? [...X.columns] : undefined;
    if (this.squaresValues) {
      this.fittingBound = squareBound(matrix.rows, matrix.cols);
      const shape = `${matrix.rows} rows and ${matrix.cols} columns`;
      checkSquareable(matrix, this.fittingBound, this.constructor.name, shape);
    }
    return matrix;
  }

  /** Back to the unfitted state (a failed fit must not leave half of a model behind). */
  protected forgetFit(): void {
    this.fitted = undefined;
    this.fittedModel = undefined;
    this.fittingNames = undefined;
    this.fittingBound = undefined;
  }

  /** A function that puts the current fitted state back (what an interrupted fit does). */
  protected fittedStateRestorer(): () => void {
    const fitted = this.fitted;
    const model = this.fittedModel;
    return () => {
      this.fitted = fitted;
      this.fittedModel = model;
    };
  }

  /** Forgets the fitted state (a detector whose model was freed is no longer fitted). */
  protected clearFit(): void {
    this.fitted = undefined;
  }

  /** Records the fitted state from the training scores (last step of every `fit`). */
  protected completeFit(matrix: { readonly rows: number; readonly cols: number }, trainingScores: Float64Array): void {
    const scores = this.checkScores(trainingScores, matrix.rows);
    const threshold = this.fitThreshold(scores);
    const { fittingNames: featureNames, fittingBound: bound } = this;
    this.fittingNames = undefined;
    this.fittingBound = undefined;
    const labels = aboveThreshold(scores, threshold);
    this.fitted = { rows: matrix.rows, cols: matrix.cols, featureNames, squareBound: bound, scores, threshold, labels };
  }

  /**
   * Puts back the fitted state of a saved detector: its shape, column names and training scores; the threshold
   * and labels follow from the scores as at fit. The subclass restores its model first.
   */
  protected restoreFit(fit: FitSummary): void {
    this.fittingNames = fit.featureNames === undefined ? undefined : [...fit.featureNames];
    this.fittingBound = this.squaresValues ? squareBound(fit.rows, fit.cols) : undefined;
    this.completeFit(fit, fit.scores);
  }

  /** The fit's shape, column names and training scores (what a save writes besides the model). */
  protected fittedSummary(): FitSummary {
    const { rows, cols, featureNames, scores } = this.requireFitted();
    return { rows, cols, featureNames, scores };
  }

  /**
   * New rows as a validated matrix (a fresh copy) in the fit's column order: a DataFrame scored after a DataFrame
   * fit is read by the fitted column names (any order; missing or unknown columns throw, naming them). The width
   * of unnamed input is the caller's to check (`score` does).
   */
  protected inputMatrix(X: MatrixInput): Matrix {
    const names = this.requireFitted().featureNames;
    if (names === undefined || !isDataFrameLike(X)) return toMatrix(X, { name: "X" });
    this.checkColumnNames(X, names);
    return toMatrix(X, { name: "X", columns: names });
  }

  /**
   * New rows ready for the model: {@link DetectorCore.inputMatrix}, then the fit's column count, then (detectors
   * that square values) no value too large to square. What `score` reads; `transform`-like methods too.
   */
  protected scoringMatrix(X: MatrixInput): Matrix {
    const state = this.requireFitted();
    const matrix = this.inputMatrix(X);
    if (matrix.cols !== state.cols) {
      throw new RangeError(
        `X has ${matrix.cols} columns, but ${this.constructor.name} was fitted on ${state.cols} columns`,
      );
    }
    if (state.squareBound !== undefined) {
      const fit = `a fit on ${state.rows} rows and ${state.cols} columns`;
      checkSquareable(matrix, state.squareBound, this.constructor.name, fit);
    }
    return matrix;
  }

  score(X: MatrixInput): Float64Array {
    const matrix = this.scoringMatrix(X);
    return this.checkScores(this.decisionScores(matrix), matrix.rows);
  }

  predict(X: MatrixInput, options: PredictOptions = {}): Uint8Array {
    const threshold =
      options.threshold === undefined ? this.requireFitted().threshold : checkFiniteNumber(options.threshold, "threshold");
    return aboveThreshold(this.score(X), threshold);
  }

  /**
   * Outlier probability of each row in [0, 1] (PyOD's `predict_proba(X)[:, 1]`), from the scores and the
   * training scores' distribution; `1 - p` is the inlier probability.
   *
   * @example
   * ```ts
   * detector.predictProba(XTest);                       // linear
   * detector.predictProba(XTest, { method: "unify" });  // erf-unified
   * ```
   */
  predictProba(X: MatrixInput, options: PredictProbaOptions = {}): Float64Array {
    const method = options.method ?? "linear";
    const training = this.requireFitted().scores;
    const scores = this.score(X);
    if (method === "linear") {
      let min = Infinity;
      let max = -Infinity;
      for (const value of training) {
        if (value < min) min = value;
        if (value > max) max = value;
      }
      // sklearn's MinMaxScaler maps a constant range to 0 (scale 1).
      const range = max - min === 0 ? 1 : max - min;
      return scores.map((value) => clip01((value - min) / range));
    }
    if (method === "unify") {
      const mean = numpyMean(training);
      let squares = 0;
      for (const value of training) squares += (value - mean) ** 2;
      const std = Math.sqrt(squares / training.length); // numpy std, ddof 0
      if (std === 0) throw new RangeError(`${this.constructor.name}.predictProba: the training scores are constant, "unify" needs spread`);
      return scores.map((value) => clip01(erf((value - mean) / (std * Math.SQRT2))));
    }
    throw new RangeError(`predictProba: method must be "linear" or "unify", got ${String(method)}`);
  }

  private checkColumnNames(frame: DataFrameLike, names: readonly string[]): void {
    const missing = names.filter((name) => !frame.columns.includes(name));
    const unknown = frame.columns.filter((name) => !names.includes(name));
    if (missing.length === 0 && unknown.length === 0) return;
    const quoted = (list: readonly string[]) => list.map((name) => JSON.stringify(name)).join(", ");
    const problems = [
      ...(missing.length > 0 ? [`missing ${quoted(missing)}`] : []),
      ...(unknown.length > 0 ? [`unknown ${quoted(unknown)}`] : []),
    ];
    throw new RangeError(
      `X does not have the columns ${this.constructor.name} was fitted on: ${problems.join("; ")} ` +
        `(fitted on ${quoted(names)})`,
    );
  }

  private requireFitted(): FittedState {
    if (this.fitted === undefined) throw this.notFitted();
    return this.fitted;
  }

  private notFitted(): Error {
    return new Error(`${this.constructor.name} is not fitted: call fit(X) first`);
  }

  // Guards against a subclass bug leaking NaN scores into thresholds and labels.
  private checkScores(scores: Float64Array, rows: number): Float64Array {
    if (scores.length !== rows) {
      throw new Error(`${this.constructor.name} returned ${scores.length} scores for ${rows} rows`);
    }
    const bad = scores.findIndex((value) => Number.isNaN(value));
    if (bad >= 0) throw new Error(`${this.constructor.name} produced a NaN score for row ${bad}`);
    return scores;
  }
}

/**
 * Base class implementing the {@link Detector} contract with PyOD's semantics:
 * `threshold = np.percentile(trainingScores, 100 * (1 - contamination))` (linear
 * interpolation) and `label = score > threshold`. Subclasses implement only
 * {@link BaseDetector.fitScores} and {@link BaseDetector.decisionScores}, and keep what they
 * learn in the typed `this.model` slot ({@link DetectorCore}); input conversion, validation,
 * "fit before use" checks and copies of fitted arrays live here.
 *
 * @example
 * class DistanceToCentre extends BaseDetector<{ centre: Float64Array }> {
 *   protected fitScores(X: Matrix) {
 *     this.model = { centre: columnMeans(X) };
 *     return this.decisionScores(X);
 *   }
 *   protected decisionScores(X: Matrix) {
 *     const { centre } = this.model; // throws "DistanceToCentre is not fitted: call fit(X) first" before fit
 *     return Float64Array.from({ length: X.rows }, (_, i) => Math.hypot(...matrixRow(X, i).map((v, j) => v - centre[j])));
 *   }
 * }
 * new DistanceToCentre({ contamination: 0.05 }).fit(data).predict([[10, 10]]);
 */
export abstract class BaseDetector<Model = unknown> extends DetectorCore<Model> implements Detector {
  // Public, so a subclass needs no constructor of its own (DetectorCore's is protected).
  constructor(options: DetectorOptions = {}, defaultThreshold: ThresholdRule = DEFAULT_THRESHOLD) {
    super(options, defaultThreshold);
  }

  /**
   * Learns the model from the training rows (store it with `this.model = ...`) and returns their
   * scores (same row order). `X` is the detector's own copy of the data: keep it without copying.
   */
  protected abstract fitScores(X: Matrix): Float64Array;

  fit(X: MatrixInput): this {
    const matrix = this.beginFit(X);
    try {
      this.completeFit(matrix, this.fitScores(matrix));
    } catch (error) {
      this.forgetFit();
      throw error;
    }
    return this;
  }

  fitPredict(X: MatrixInput): Uint8Array {
    return this.fit(X).labels;
  }

  /**
   * The fitted model as JSON values, for `save` (typed arrays through `encodeArray`, numbers JSON cannot hold
   * through `encodeNumber`: see src/persistence/state-codec.ts). A class that does not override it cannot be saved.
   */
  protected saveState(): Record<string, unknown> {
    throw new Error(`${this.constructor.name} cannot be saved: it does not implement saveState() and loadState()`);
  }

  /**
   * Rebuilds the model saved by {@link BaseDetector.saveState} (store it with `this.model = ...`), reading every
   * field through `state`, which checks it and names the file and the field when it is missing or wrong. `fit`
   * is the training shape, against which the fields' sizes are checked.
   */
  protected loadState(state: StateReader, fit: FitShape): void {
    void fit;
    throw new Error(`${state.where}: ${this.constructor.name} cannot be loaded: it does not implement loadState()`);
  }

  /**
   * Saves the fitted detector to one JSON file: its class, options, the fit's shape, column names and training
   * scores, and the fitted model (typed arrays as base64, exact to the bit). Written atomically (a temporary file
   * renamed into place); an existing path is replaced only when it is an anomaly-lab detector file: any other
   * file, a folder or a link is refused and left as it is. Read it back with `<Class>.load(file)` or
   * `loadDetector(file)`.
   *
   * @example
   * forest.save("models/forest.json");
   * const again = IForestDetector.load("models/forest.json"); // same scores, to the last bit
   */
  save(file: string): void {
    const context = `${this.constructor.name}.save`;
    writeDetectorFile(file, this.savedContent(context), context);
  }

  /**
   * What `save` writes, as an object: class, options, fit and model. Also how a detector saves the detectors it is
   * made of (FeatureBaggingDetector's LOFs), read back by {@link BaseDetector.fromNested}.
   * @internal
   */
  savedContent(context: string): SavedContent {
    const { rows, cols, featureNames, scores } = this.fittedSummary();
    return {
      class: this.constructor.name,
      params: encodeParams(this.getParams(), context),
      fit: { rows, cols, featureNames: featureNames ?? null, trainingScores: encodeArray(scores) },
      state: this.saveState(),
    };
  }

  /**
   * The detector saved in `file` by `save`: built from the saved options, with the saved model, column names and
   * training scores (so the same threshold and labels). Refused, naming the file and the field: a file of another
   * class, of a newer format version, or with a field missing or out of its range.
   *
   * @example const forest = IForestDetector.load("models/forest.json");
   */
  static load<T extends BaseDetector>(this: new (options: never) => T, file: string): T {
    const content = readDetectorFile(file, this.name, `${this.name}.load`);
    return BaseDetector.fromSaved(this, content);
  }

  /**
   * A detector of `Class` from a checked file's content (what `loadDetector` calls).
   * @internal
   */
  static fromSaved<T extends BaseDetector>(Class: new (options: never) => T, content: ReadContent): T {
    const { where } = content;
    const fit = StateReader.of(content.fit, where, "fit");
    return BaseDetector.restore(Class, where, content.params, "params", fit, StateReader.of(content.state, where, "state"));
  }

  /**
   * A detector of `Class` saved inside another's state ({@link BaseDetector.savedContent}); `shape`, when given,
   * is the fit shape it must have.
   * @internal
   */
  static fromNested<T extends BaseDetector>(
    Class: new (options: never) => T,
    saved: StateReader,
    shape?: Partial<FitShape>,
  ): T {
    saved.choice("class", [Class.name]);
    const fit = saved.object("fit");
    if (shape?.rows !== undefined) fit.count("rows", shape.rows, shape.rows);
    if (shape?.cols !== undefined) fit.count("cols", shape.cols, shape.cols);
    const state = saved.object("state");
    return BaseDetector.restore(Class, saved.where, saved.raw("params"), `${saved.path}.params`, fit, state);
  }

  /** Builds a `Class` detector from saved options, then puts back its model and fit; errors name the file and field. */
  private static restore<T extends BaseDetector>(
    Class: new (options: never) => T,
    where: string,
    savedParams: unknown,
    paramsPath: string,
    fit: StateReader,
    state: StateReader,
  ): T {
    const params = decodeParams(savedParams, where, paramsPath);
    let detector: T;
    try {
      detector = new (Class as unknown as new (options: DetectorParams) => T)(params);
    } catch (error) {
      throw new Error(`${where}: ${paramsPath}: ${(error as Error).message}`);
    }
    const rows = fit.count("rows", 1);
    const cols = fit.count("cols", 1);
    const featureNames = fit.strings("featureNames", { length: cols, nullable: true });
    const scores = fit.float64("trainingScores", { length: rows, finite: false });
    detector.loadState(state, { rows, cols });
    detector.restoreFit({ rows, cols, featureNames, scores });
    return detector;
  }
}

/**
 * Base of the detectors that train asynchronously (TensorFlow.js models): the same contract as
 * {@link BaseDetector}, with `fit` returning a Promise. Subclasses implement an async `fitScores`
 * and a synchronous `decisionScores`.
 */
export abstract class AsyncBaseDetector<Model = unknown> extends DetectorCore<Model> implements AsyncDetector {
  constructor(options: DetectorOptions = {}, defaultThreshold: ThresholdRule = DEFAULT_THRESHOLD) {
    super(options, defaultThreshold);
  }

  /**
   * Learns the model from the training rows (store it with `this.model = ...`) and resolves to their
   * scores (same row order). `X` is the detector's own copy of the data. Call `checkInterrupt` between
   * steps (each batch): it throws an InterruptedError once the fit must stop, and the subclass then puts
   * back what it had before the fit (`fit` does so for the fitted state).
   */
  protected abstract fitScores(X: Matrix, checkInterrupt: () => void): Promise<Float64Array>;

  /**
   * Learns from `X`. Rejects with an InterruptedError when `options.signal` aborts or the kernel's Stop
   * arrives while training, and then leaves the detector as it was before (its previous fit, or unfitted).
   *
   * @example
   * ```ts
   * const controller = new AbortController();
   * setTimeout(() => controller.abort("too slow"), 60_000);
   * await detector.fit(X, { signal: controller.signal }); // InterruptedError after a minute
   * ```
   */
  async fit(X: MatrixInput, options: FitOptions = {}): Promise<this> {
    const checkInterrupt = interruptCheckpoint(options.signal);
    checkInterrupt(); // an already aborted signal: nothing starts
    const restore = this.fittedStateRestorer();
    const matrix = this.beginFit(X);
    try {
      this.completeFit(matrix, await this.fitScores(matrix, checkInterrupt));
    } catch (error) {
      if (error instanceof InterruptedError) restore();
      else this.forgetFit();
      throw error;
    }
    return this;
  }

  async fitPredict(X: MatrixInput, options: FitOptions = {}): Promise<Uint8Array> {
    return (await this.fit(X, options)).labels;
  }

  /**
   * Writes the fitted detector to a model folder (the neural detectors implement it: src/nn/model-folder.ts). A
   * subclass that does not override it cannot be saved.
   */
  async save(folder: string): Promise<void> {
    void folder;
    throw new Error(`${this.constructor.name} cannot be saved: it does not implement save(folder)`);
  }
}

function clip01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
