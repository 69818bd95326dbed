import { createMatrix, type Matrix, type MatrixInput, toMatrix } from "../core/matrix";
import { percentile } from "../core/percentile";
import { denseKernels } from "../linalg/dense-kernels";

/**
 * Feature scalers with scikit-learn's semantics: learn per-column statistics with `fit` on the
 * training rows, then apply the same affine map to any rows with `transform` (test data included).
 * Output is a new {@link Matrix}; the input is never modified. NaN / Infinity are rejected
 * (sklearn would ignore NaN in fit and keep it in transform; here a NaN is an error).
 */

/** Per-column affine map learned by a scaler: `transform(x)[j] = (x[j] - offset[j]) * factor[j]`. */
interface FittedColumns {
  readonly cols: number;
  readonly offset: Float64Array;
  readonly factor: Float64Array;
  /** True: apply as `(x - offset) / divisor` (sklearn's order of operations for Standard/Robust). */
  readonly divide: boolean;
}

/** `(x - offset) / factor` (WebAssembly SIMD where available: same bits) or `x * factor + offset`, column by column. */
function scaled(matrix: Matrix, state: FittedColumns): Matrix {
  const { rows, cols, data } = matrix;
  const { offset, factor, divide } = state;
  const kernels = divide ? denseKernels() : null;
  if (kernels !== null) {
    const resident = kernels.residentRows(data, rows, cols);
    resident.standardize(offset, factor);
    return createMatrix(rows, cols, resident.values());
  }
  const out = new Float64Array(data.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = i * cols + j;
      out[k] = divide ? (data[k] - offset[j]) / factor[j] : data[k] * factor[j] + offset[j];
    }
  }
  return createMatrix(rows, cols, out);
}

/** Shared `fit` / `transform` / `inverseTransform` plumbing and the fit-before-use checks. */
abstract class ColumnScaler {
  private fitted: FittedColumns | undefined;

  /** Learns the column statistics of `X` (rows = observations). */
  fit(X: MatrixInput): this {
    return this.fitValidated(toMatrix(X, { name: "X" }));
  }

  /** Scales `X` with the statistics learned by `fit`. */
  transform(X: MatrixInput): Matrix {
    const { matrix, state } = this.checked(X);
    return scaled(matrix, state);
  }

  /**
   * `fit` on a matrix the caller has already validated (a detector's own copy): no second copy or check.
   * @internal
   */
  fitValidated(X: Matrix): this {
    this.fitted = this.learn(X);
    return this;
  }

  protected setFitted(fitted: FittedColumns): void {
    this.fitted = fitted;
  }

  /**
   * `transform` of a validated matrix with the fitted column count.
   * @internal
   */
  transformValidated(X: Matrix): Matrix {
    const state = this.state();
    if (X.cols !== state.cols) throw new RangeError(`X has ${X.cols} columns, but ${this.constructor.name} was fitted on ${state.cols} columns`);
    return scaled(X, state);
  }

  /** `fit(X)` then `transform(X)`. */
  fitTransform(X: MatrixInput): Matrix {
    return this.fit(X).transform(X);
  }

  /** Maps scaled values back to the original units (sklearn's `inverse_transform`). */
  inverseTransform(X: MatrixInput): Matrix {
    const { matrix, state } = this.checked(X);
    const out = new Float64Array(matrix.data.length);
    const { cols, offset, factor, divide } = state;
    for (let k = 0; k < out.length; k++) {
      const j = k % cols;
      out[k] = divide ? matrix.data[k] * factor[j] + offset[j] : (matrix.data[k] - offset[j]) / factor[j];
    }
    return createMatrix(matrix.rows, cols, out);
  }

  /** Whether `fit` has run. */
  get isFitted(): boolean {
    return this.fitted !== undefined;
  }

  /** Number of columns seen by `fit` (sklearn's `n_features_in_`). */
  get nFeatures(): number {
    return this.state().cols;
  }

  protected abstract learn(X: Matrix): FittedColumns;

  protected state(): FittedColumns {
    if (this.fitted === undefined) throw new Error(`${this.constructor.name} is not fitted: call fit(X) first`);
    return this.fitted;
  }

  private checked(X: MatrixInput): { matrix: Matrix; state: FittedColumns } {
    const state = this.state();
    const matrix = toMatrix(X, { name: "X" });
    if (matrix.cols !== state.cols) {
      throw new RangeError(`X has ${matrix.cols} columns, but ${this.constructor.name} was fitted on ${state.cols} columns`);
    }
    return { matrix, state };
  }
}

/**
 * Standardises each column to zero mean and unit variance: `(x - mean) / std`, sklearn's
 * `StandardScaler` (population std, ddof 0). Columns whose variance is zero up to rounding
 * (sklearn's `_is_constant_feature` bound) get scale 1, so they are centred but not blown up.
 *
 * @example
 * const scaler = new StandardScaler().fit(XTrain);
 * const XTestScaled = scaler.transform(XTest); // uses the training mean and std
 * scaler.mean; scaler.scale;
 */
export class StandardScaler extends ColumnScaler {
  private statistics: { mean: Float64Array; variance: Float64Array; scale: Float64Array } | undefined;

  /** Column means of the training data (sklearn `mean_`). */
  get mean(): Float64Array {
    this.state();
    return this.statistics!.mean.slice();
  }

  /** Column variances, ddof 0 (sklearn `var_`). */
  get variance(): Float64Array {
    this.state();
    return this.statistics!.variance.slice();
  }

  /** Column standard deviations, 1 for constant columns (sklearn `scale_`). */
  get scale(): Float64Array {
    this.state();
    return this.statistics!.scale.slice();
  }

  protected learn(X: Matrix): FittedColumns {
    return this.fromMoments(X.rows, X.cols, columnMoments(X));
  }

  /**
   * `fit` from the column statistics of `rows` rows, computed elsewhere in the same order (PCADetector computes
   * them where its rows already are, in WebAssembly memory).
   * @internal
   */
  fitMoments(rows: number, cols: number, moments: ColumnMoments): this {
    this.setFitted(this.fromMoments(rows, cols, moments));
    return this;
  }

  /**
   * A fitted scaler from its saved statistics (`mean`, `variance`, `scale`, as the accessors return them): what a
   * saved PCADetector restores.
   * @internal
   */
  static fromStatistics(mean: Float64Array, variance: Float64Array, scale: Float64Array): StandardScaler {
    const scaler = new StandardScaler();
    scaler.statistics = { mean, variance, scale };
    scaler.setFitted({ cols: mean.length, offset: mean, factor: scale, divide: true });
    return scaler;
  }

  private fromMoments(n: number, cols: number, { mean, correction, squares }: ColumnMoments): FittedColumns {
    const variance = squares.map((square, j) => (square - (correction[j] * correction[j]) / n) / n);
    const eps = Number.EPSILON;
    const scale = variance.map((v, j) => {
      const constant = v <= n * eps * v + (n * mean[j] * eps) ** 2;
      return constant ? 1 : Math.sqrt(v);
    });
    this.statistics = { mean, variance, scale };
    return { cols, offset: mean, factor: scale, divide: true };
  }
}

/** Column means, and the sums of the centred values and of their squares (sklearn's corrected two-pass variance). */
export interface ColumnMoments {
  readonly mean: Float64Array;
  readonly correction: Float64Array;
  readonly squares: Float64Array;
}

/**
 * sklearn's corrected two-pass statistics: column means (numpy sums along axis 0 row by row), then the sums of
 * the centred values and of their squares. WebAssembly SIMD where available (the same bits).
 */
function columnMoments(X: Matrix): ColumnMoments {
  const { rows: n, cols, data } = X;
  const meanOf = (sums: Float64Array): Float64Array => sums.map((sum) => sum / n);
  const kernels = denseKernels();
  if (kernels !== null) return kernels.residentRows(data, n, cols).moments(meanOf);
  const sums = new Float64Array(cols);
  for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) sums[j] += data[i * cols + j];
  const mean = meanOf(sums);
  const correction = new Float64Array(cols);
  const squares = new Float64Array(cols);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < cols; j++) {
      const centred = data[i * cols + j] - mean[j];
      correction[j] += centred;
      squares[j] += centred * centred;
    }
  }
  return { mean, correction, squares };
}

/** Options of {@link MinMaxScaler}. */
export interface MinMaxScalerOptions {
  /** Target range [low, high] of each column (default [0, 1]). */
  featureRange?: readonly [number, number];
}

/**
 * Rescales each column linearly so that the training minimum maps to `featureRange[0]` and the
 * maximum to `featureRange[1]`: sklearn's `MinMaxScaler` (`x * scale + min`, computed in that
 * order). Constant columns (zero range) use range 1. New data may fall outside the range.
 *
 * @example
 * const scaler = new MinMaxScaler({ featureRange: [0, 1] }).fit(normalTrain);
 * scaler.transform(test); // the ECG tutorial's min-max scaling with the training min / max
 */
export class MinMaxScaler extends ColumnScaler {
  readonly featureRange: readonly [number, number];
  private statistics: { dataMin: Float64Array; dataMax: Float64Array; scale: Float64Array; min: Float64Array } | undefined;

  constructor(options: MinMaxScalerOptions = {}) {
    super();
    const range = options.featureRange ?? [0, 1];
    if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite) || !(range[0] < range[1])) {
      throw new RangeError(`MinMaxScaler: featureRange must be [low, high] with finite low < high, got ${JSON.stringify(range)}`);
    }
    this.featureRange = [range[0], range[1]];
  }

  /** Column minima of the training data (sklearn `data_min_`). */
  get dataMin(): Float64Array {
    this.state();
    return this.statistics!.dataMin.slice();
  }

  /** Column maxima of the training data (sklearn `data_max_`). */
  get dataMax(): Float64Array {
    this.state();
    return this.statistics!.dataMax.slice();
  }

  /** Per-column factor (sklearn `scale_`). */
  get scale(): Float64Array {
    this.state();
    return this.statistics!.scale.slice();
  }

  /** Per-column offset added after scaling (sklearn `min_`). */
  get min(): Float64Array {
    this.state();
    return this.statistics!.min.slice();
  }

  protected learn(X: Matrix): FittedColumns {
    const { rows: n, cols, data } = X;
    const dataMin = new Float64Array(cols).fill(Infinity);
    const dataMax = new Float64Array(cols).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < cols; j++) {
        const value = data[i * cols + j];
        if (value < dataMin[j]) dataMin[j] = value;
        if (value > dataMax[j]) dataMax[j] = value;
      }
    }
    const [low, high] = this.featureRange;
    const scale = dataMin.map((minimum, j) => (high - low) / nonZeroScale(dataMax[j] - minimum));
    const min = dataMin.map((minimum, j) => low - minimum * scale[j]);
    this.statistics = { dataMin, dataMax, scale, min };
    return { cols, offset: min, factor: scale, divide: false };
  }
}

/** Options of {@link RobustScaler}. */
export interface RobustScalerOptions {
  /** Percentiles [low, high] whose distance is the scale (default [25, 75], the IQR). */
  quantileRange?: readonly [number, number];
}

/**
 * Centres each column on its median and divides by its inter-quantile range (default IQR,
 * percentiles 25 and 75 with numpy's linear interpolation): sklearn's `RobustScaler`. Outliers
 * barely move these statistics, unlike mean and standard deviation. Zero ranges use scale 1.
 *
 * @example
 * const scaled = new RobustScaler().fitTransform(amounts);
 */
export class RobustScaler extends ColumnScaler {
  readonly quantileRange: readonly [number, number];
  private statistics: { center: Float64Array; scale: Float64Array } | undefined;

  constructor(options: RobustScalerOptions = {}) {
    super();
    const range = options.quantileRange ?? [25, 75];
    if (!Array.isArray(range) || range.length !== 2 || !(range[0] >= 0 && range[0] <= range[1] && range[1] <= 100)) {
      throw new RangeError(`RobustScaler: quantileRange must be [low, high] with 0 <= low <= high <= 100, got ${JSON.stringify(range)}`);
    }
    this.quantileRange = [range[0], range[1]];
  }

  /** Column medians of the training data (sklearn `center_`). */
  get center(): Float64Array {
    this.state();
    return this.statistics!.center.slice();
  }

  /** Column inter-quantile ranges, 1 where zero (sklearn `scale_`). */
  get scale(): Float64Array {
    this.state();
    return this.statistics!.scale.slice();
  }

  protected learn(X: Matrix): FittedColumns {
    const { rows: n, cols, data } = X;
    const center = new Float64Array(cols);
    const scale = new Float64Array(cols);
    const column = new Float64Array(n);
    for (let j = 0; j < cols; j++) {
      for (let i = 0; i < n; i++) column[i] = data[i * cols + j];
      center[j] = median(column);
      scale[j] = nonZeroScale(percentile(column, this.quantileRange[1]) - percentile(column, this.quantileRange[0]));
    }
    this.statistics = { center, scale };
    return { cols, offset: center, factor: scale, divide: true };
  }
}

/** sklearn's `_handle_zeros_in_scale`: scales below 10 machine epsilons become 1. */
function nonZeroScale(scale: number): number {
  return scale < 10 * Number.EPSILON ? 1 : scale;
}

/** numpy's median: the middle value, or the mean of the two middle values as (a + b) / 2. */
function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Min-max scaling with ONE minimum and maximum over every value of the training data (not per column):
 * `(x - min) / (max - min)`. This is what TensorFlow's "Intro to Autoencoders" does to ECG5000
 * (`tf.reduce_min(train_data)`, `tf.reduce_max(train_data)`): a beat keeps its shape, since every sample is
 * scaled alike, where sklearn's per-column `MinMaxScaler` would stretch each time step on its own.
 *
 * @example
 * const scaler = new GlobalMinMaxScaler().fit(split.train.X);   // all training beats, normal and abnormal
 * const train = scaler.transform(split.normalTrain);            // roughly in [0, 1]
 * scaler.dataMin; scaler.dataMax;
 */
export class GlobalMinMaxScaler extends ColumnScaler {
  private range: { min: number; max: number } | undefined;

  /** The smallest training value. */
  get dataMin(): number {
    this.state();
    return this.range!.min;
  }

  /** The largest training value. */
  get dataMax(): number {
    this.state();
    return this.range!.max;
  }

  protected learn(X: Matrix): FittedColumns {
    let min = Infinity;
    let max = -Infinity;
    for (const value of X.data) {
      if (value < min) min = value;
      if (value > max) max = value;
    }
    if (X.data.length === 0) throw new RangeError("GlobalMinMaxScaler: X has no values to learn a minimum and maximum from");
    this.range = { min, max };
    return { cols: X.cols, offset: new Float64Array(X.cols).fill(min), factor: new Float64Array(X.cols).fill(nonZeroScale(max - min)), divide: true };
  }
}
