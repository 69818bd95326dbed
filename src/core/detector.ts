import { type Matrix, type MatrixInput, toMatrix } from "./matrix";
import { erf } from "./erf";
import { percentile } from "./percentile";
import { numpyMean } from "./summation";
import { checkContamination, checkFiniteNumber } from "./validation";

/** Options every detector accepts. */
export interface DetectorOptions {
  /** Expected share of outliers in the training data, in (0, 0.5] (PyOD default 0.1). */
  contamination?: number;
}

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

/**
 * What every detector offers once fitted, classic or deep (PyOD's BaseDetector, in TypeScript names):
 * scores are "higher = more anomalous"; labels are 1 for outliers, 0 for inliers.
 */
export interface FittedDetector {
  /** Expected share of outliers, used to place the threshold. */
  readonly contamination: number;
  /** Whether `fit` has run. */
  readonly isFitted: boolean;
  /** Outlier scores of the training rows (PyOD `decision_scores_`). */
  readonly trainingScores: Float64Array;
  /** Score above which a row is an outlier (PyOD `threshold_`). */
  readonly threshold: number;
  /** 0/1 labels of the training rows (PyOD `labels_`). */
  readonly labels: Uint8Array;
  /** Outlier scores of new rows (PyOD `decision_function`). */
  score(X: MatrixInput): Float64Array;
  /** 0/1 labels of new rows: score > threshold. */
  predict(X: MatrixInput, options?: PredictOptions): Uint8Array;
  /** Outlier probability of each row in [0, 1] (PyOD `predict_proba(X)[:, 1]`). */
  predictProba(X: MatrixInput, options?: PredictProbaOptions): Float64Array;
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
}

/**
 * A detector whose training is asynchronous (the neural detectors: TensorFlow.js trains in a Promise so that a
 * progress bar can redraw between batches). Everything but `fit`/`fitPredict` is synchronous, as in {@link Detector}.
 */
export interface AsyncDetector extends FittedDetector {
  /** Learns from `X`; resolves to the detector once trained. */
  fit(X: MatrixInput): Promise<this>;
  /** `await fit(X)` then the training labels. */
  fitPredict(X: MatrixInput): Promise<Uint8Array>;
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

interface FittedState {
  readonly cols: number;
  readonly scores: Float64Array;
  readonly threshold: number;
  readonly labels: Uint8Array;
}

/**
 * What {@link BaseDetector} and {@link AsyncBaseDetector} share: fitted state, threshold, scoring,
 * labels, probabilities and the input checks. Only `fit` differs (sync or async).
 */
export abstract class DetectorCore implements FittedDetector {
  readonly contamination: number;
  private fitted: FittedState | undefined;

  protected constructor(options: DetectorOptions = {}) {
    this.contamination = checkContamination(options.contamination ?? 0.1);
  }

  /** Scores new rows with the learned model; only called after `fit`, with the training column count. */
  protected abstract decisionScores(X: Matrix): Float64Array;

  /**
   * The score threshold learned at fit time. PyOD's rule by default: the `1 - contamination` percentile of
   * the training scores (numpy linear interpolation). Detectors with another convention (sklearn's
   * EllipticEnvelope offset, fixed rule thresholds) override this one method; labels and predict follow.
   */
  protected fitThreshold(trainingScores: Float64Array): number {
    return percentile(trainingScores, 100 * (1 - this.contamination));
  }

  get isFitted(): boolean {
    return this.fitted !== undefined;
  }

  get trainingScores(): Float64Array {
    return this.requireFitted().scores;
  }

  get threshold(): number {
    return this.requireFitted().threshold;
  }

  get labels(): Uint8Array {
    return this.requireFitted().labels;
  }

  /** The training input as a validated matrix (first step of every `fit`). */
  protected trainingMatrix(X: MatrixInput): Matrix {
    return toMatrix(X, { name: "X" });
  }

  /** Forgets the fitted state (a detector whose model was freed is no longer fitted). */
  protected clearFit(): void {
    this.fitted = undefined;
  }

  /** Records the fitted state from the training scores (last step of every `fit`). */
  protected completeFit(matrix: { readonly rows: number; readonly cols: number }, trainingScores: Float64Array): void {
    const scores = this.checkScores(trainingScores, matrix.rows);
    const threshold = this.fitThreshold(scores);
    this.fitted = { cols: matrix.cols, scores, threshold, labels: exceeds(scores, threshold) };
  }

  score(X: MatrixInput): Float64Array {
    const state = this.requireFitted();
    const matrix = toMatrix(X, { name: "X" });
    if (matrix.cols !== state.cols) {
      throw new RangeError(
        `X has ${matrix.cols} columns, but ${this.constructor.name} was fitted on ${state.cols} columns`,
      );
    }
    return this.checkScores(this.decisionScores(matrix), matrix.rows);
  }

  predict(X: MatrixInput, options: PredictOptions = {}): Uint8Array {
    const threshold =
      options.threshold === undefined ? this.requireFitted().threshold : checkFiniteNumber(options.threshold, "threshold");
    return exceeds(this.score(X), threshold);
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

  private requireFitted(): FittedState {
    if (this.fitted === undefined) throw new Error(`${this.constructor.name} is not fitted: call fit(X) first`);
    return this.fitted;
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
 * {@link BaseDetector.fitScores} and {@link BaseDetector.decisionScores}; input
 * conversion, validation and "fit before use" checks live here.
 *
 * @example
 * class DistanceToOrigin extends BaseDetector {
 *   protected fitScores(X: Matrix) { return this.decisionScores(X); }
 *   protected decisionScores(X: Matrix) {
 *     return Float64Array.from({ length: X.rows }, (_, i) => Math.hypot(...matrixRow(X, i)));
 *   }
 * }
 * new DistanceToOrigin({ contamination: 0.05 }).fit(data).predict([[10, 10]]);
 */
export abstract class BaseDetector extends DetectorCore implements Detector {
  /** Learns the model from the training rows and returns their scores (same row order). */
  protected abstract fitScores(X: Matrix): Float64Array;

  fit(X: MatrixInput): this {
    const matrix = this.trainingMatrix(X);
    this.completeFit(matrix, this.fitScores(matrix));
    return this;
  }

  fitPredict(X: MatrixInput): Uint8Array {
    return this.fit(X).labels;
  }
}

/**
 * Base of the detectors that train asynchronously (TensorFlow.js models): the same contract as
 * {@link BaseDetector}, with `fit` returning a Promise. Subclasses implement an async `fitScores`
 * and a synchronous `decisionScores`.
 */
export abstract class AsyncBaseDetector extends DetectorCore implements AsyncDetector {
  /** Learns the model from the training rows and resolves to their scores (same row order). */
  protected abstract fitScores(X: Matrix): Promise<Float64Array>;

  async fit(X: MatrixInput): Promise<this> {
    const matrix = this.trainingMatrix(X);
    this.completeFit(matrix, await this.fitScores(matrix));
    return this;
  }

  async fitPredict(X: MatrixInput): Promise<Uint8Array> {
    return (await this.fit(X)).labels;
  }
}

function exceeds(scores: Float64Array, threshold: number): Uint8Array {
  return Uint8Array.from(scores, (value) => (value > threshold ? 1 : 0));
}

function clip01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
