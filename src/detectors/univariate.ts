/**
 * The classic one-column rules (z-score, modified z-score, Tukey's fences) as
 * detectors: fitted on training data, applied to new rows, with the usual fixed
 * cut-offs as thresholds. With several columns, a row's score is its largest
 * per-column score ("any feature is extreme").
 */
import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import type { ThresholdRule } from "../core/threshold";
import type { Matrix } from "../core/matrix";
import { checkFiniteNumber } from "../core/validation";
import { mean, standardDeviation } from "../eda/moments";
import { quantileOfSorted } from "../eda/quantile";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, type StateReader } from "../persistence/state-codec";

/** Options shared by the rule detectors. */
export interface RuleDetectorOptions extends Omit<DetectorOptions, "threshold"> {
  /**
   * Where the threshold goes (see {@link ThresholdRule}); default: the rule's textbook cut-off as
   * `{ fixed: t }`, which `contamination` (or any other rule) replaces. The old spellings `threshold: t`
   * (for `{ fixed: t }`) and `threshold: null` (for the contamination rule) are deprecated: they warn once.
   */
  threshold?: ThresholdRule | number | null;
}

/**
 * Base of the rule detectors: {@link BaseDetector} whose default threshold is the rule's fixed cut-off
 * instead of the contamination percentile.
 */
abstract class RuleDetector<Model> extends BaseDetector<Model> {
  protected constructor(options: RuleDetectorOptions, defaultThreshold: number) {
    // The base reads (and warns about) the deprecated number and null spellings.
    super(options as DetectorOptions, { fixed: defaultThreshold });
  }

  /** The fixed threshold, or null when the threshold follows another rule (`contamination`, `quantile`, ...). */
  get rule(): number | null {
    return "fixed" in this.thresholdRule ? this.thresholdRule.fixed : null;
  }

  /** A per-column statistic of a saved rule (one value per fitted column); `above` bounds a divisor. */
  protected static column(state: StateReader, fit: FitShape, name: string, above?: number): Float64Array {
    return state.float64(name, { length: fit.cols, ...(above === undefined ? {} : { above }) });
  }
}

function columnValues(X: Matrix, j: number): Float64Array {
  const values = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) values[i] = X.data[i * X.cols + j];
  return values;
}

function sortedColumn(X: Matrix, j: number): Float64Array {
  return columnValues(X, j).sort();
}

// Largest per-column score of each row.
function maxOverColumns(X: Matrix, score: (value: number, column: number) => number): Float64Array {
  const scores = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let best = -Infinity;
    for (let j = 0; j < X.cols; j++) best = Math.max(best, score(X.data[i * X.cols + j], j));
    scores[i] = best;
  }
  return scores;
}

/**
 * |z-score| rule: score = |x - mean| / std per column (std with ddof 0, as
 * `scipy.stats.zscore`), mean and std learned at fit; default threshold 3.
 *
 * Assumes roughly normal columns; the mean and std are themselves pulled by
 * outliers (prefer {@link MADDetector} on small or contaminated data). A constant
 * column has std 0 and is rejected.
 * Complexity O(n d) to fit and to score.
 *
 * @example
 * const z = new ZScoreDetector().fit(salaries); // threshold 3
 * z.trainingScores; // |z| of each salary
 * z.predict([[37]]); // Uint8Array [1]
 */
export class ZScoreDetector extends RuleDetector<{ mean: Float64Array; std: Float64Array }> {
  constructor(options: RuleDetectorOptions = {}) {
    super(options, 3);
  }

  /** Per-column means and standard deviations learned by `fit`. */
  get parameters(): { mean: Float64Array; std: Float64Array } {
    return { mean: this.model.mean.slice(), std: this.model.std.slice() };
  }

  /** The standard deviation squares deviations from the mean: the base refuses values whose squares overflow. */
  protected override get squaresValues(): boolean {
    return true;
  }

  /** The per-column means and standard deviations. */
  protected override saveState(): Record<string, unknown> {
    return { mean: encodeArray(this.model.mean), std: encodeArray(this.model.std) };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    this.model = { mean: RuleDetector.column(state, fit, "mean"), std: RuleDetector.column(state, fit, "std", 0) };
  }

  protected fitScores(X: Matrix): Float64Array {
    const means = new Float64Array(X.cols);
    const stds = new Float64Array(X.cols);
    for (let j = 0; j < X.cols; j++) {
      const values = columnValues(X, j);
      means[j] = mean(values);
      stds[j] = standardDeviation(values, 0, means[j]);
      if (!(stds[j] > 0)) {
        throw new RangeError(`ZScoreDetector: column ${j} is constant (${values[0]}); its standard deviation is 0 and z-scores are undefined`);
      }
    }
    this.model = { mean: means, std: stds };
    return this.decisionScores(X);
  }

  protected decisionScores(X: Matrix): Float64Array {
    const { mean: means, std: stds } = this.model;
    return maxOverColumns(X, (value, j) => Math.abs((value - means[j]) / stds[j]));
  }
}

/** Iglewicz & Hoaglin's constant: 0.6745 * MAD estimates the standard deviation of normal data. */
const MAD_CONSTANT = 0.6745;

/**
 * Modified z-score rule (Iglewicz & Hoaglin 1993), PyOD's `MAD`:
 * score = 0.6745 * |x - median| / MAD per column, MAD = median(|x - median|),
 * both learned at fit (numpy's median); default threshold 3.5, as PyOD.
 *
 * Robust to the outliers it looks for (median and MAD ignore up to half the
 * data). A column where more than half the values are equal has MAD 0 and is
 * rejected (PyOD would divide by zero). PyOD accepts one column only; here
 * several columns give the largest per-column score.
 * Complexity O(n log n · d) to fit (sorting), O(n d) to score.
 *
 * @example
 * const mad = new MADDetector().fit(salaries); // threshold 3.5
 * mad.predict([[37], [1256]]); // Uint8Array [1, 0]
 */
export class MADDetector extends RuleDetector<{ median: Float64Array; mad: Float64Array }> {
  constructor(options: RuleDetectorOptions = {}) {
    super(options, 3.5);
  }

  /** Per-column medians and median absolute deviations learned by `fit`. */
  get parameters(): { median: Float64Array; mad: Float64Array } {
    return { median: this.model.median.slice(), mad: this.model.mad.slice() };
  }

  /** The per-column medians and median absolute deviations. */
  protected override saveState(): Record<string, unknown> {
    return { median: encodeArray(this.model.median), mad: encodeArray(this.model.mad) };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    this.model = { median: RuleDetector.column(state, fit, "median"), mad: RuleDetector.column(state, fit, "mad", 0) };
  }

  protected fitScores(X: Matrix): Float64Array {
    const medians = new Float64Array(X.cols);
    const mads = new Float64Array(X.cols);
    for (let j = 0; j < X.cols; j++) {
      const values = columnValues(X, j);
      medians[j] = quantileOfSorted(values.slice().sort(), 0.5);
      mads[j] = quantileOfSorted(values.map((value) => Math.abs(value - medians[j])).sort(), 0.5);
      if (!(mads[j] > 0)) {
        throw new RangeError(
          `MADDetector: column ${j} has median absolute deviation 0 (at least half the values equal ${medians[j]}); modified z-scores are undefined`,
        );
      }
    }
    this.model = { median: medians, mad: mads };
    return this.decisionScores(X);
  }

  protected decisionScores(X: Matrix): Float64Array {
    const { median: medians, mad: mads } = this.model;
    return maxOverColumns(X, (value, j) => (MAD_CONSTANT * Math.abs(value - medians[j])) / mads[j]);
  }
}

/** Options of {@link IQRDetector}. */
export interface IQRDetectorOptions extends RuleDetectorOptions {
  /** Fence distance in IQRs (default 1.5, Tukey's; 3 for "far out"). */
  k?: number;
}

/**
 * Tukey's fences as a detector: score = how far x lies outside
 * [q1 - k IQR, q3 + k IQR] (0 inside), quartiles learned at fit with numpy's
 * linear interpolation; default threshold 0, so the outliers are exactly the
 * points a k-IQR boxplot draws (`iqrOutliers` in the EDA module).
 *
 * Scores are in the column's units: with several columns, scale them first or
 * the widest-ranged column dominates. A column with IQR 0 still works: the
 * fences collapse onto the quartile and every other value is outside.
 * Complexity O(n log n · d) to fit (sorting), O(n d) to score.
 *
 * @example
 * const iqr = new IQRDetector().fit(salaries);
 * iqr.fences; // [{ lower, upper }] per column
 * iqr.predict([[37], [1256]]); // Uint8Array [1, 0]
 */
export class IQRDetector extends RuleDetector<{ lower: Float64Array; upper: Float64Array }> {
  readonly k: number;

  constructor(options: IQRDetectorOptions = {}) {
    super(options, 0);
    this.k = checkFiniteNumber(options.k ?? 1.5, "k");
    if (this.k < 0) throw new RangeError(`k must be >= 0, got ${this.k}`);
  }

  protected override ownParams(): DetectorParams {
    return { ...super.ownParams(), k: this.k };
  }

  /** The per-column lower and upper fences. */
  protected override saveState(): Record<string, unknown> {
    return { lower: encodeArray(this.model.lower), upper: encodeArray(this.model.upper) };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    this.model = { lower: RuleDetector.column(state, fit, "lower"), upper: RuleDetector.column(state, fit, "upper") };
  }

  /** Per column: the lower and upper fences learned by `fit`. */
  get fences(): { lower: number; upper: number }[] {
    const { lower, upper } = this.model;
    return Array.from(lower, (low, j) => ({ lower: low, upper: upper[j] }));
  }

  protected fitScores(X: Matrix): Float64Array {
    const lower = new Float64Array(X.cols);
    const upper = new Float64Array(X.cols);
    for (let j = 0; j < X.cols; j++) {
      const sorted = sortedColumn(X, j);
      const q1 = quantileOfSorted(sorted, 0.25);
      const q3 = quantileOfSorted(sorted, 0.75);
      const iqr = q3 - q1;
      lower[j] = q1 - this.k * iqr;
      upper[j] = q3 + this.k * iqr;
    }
    this.model = { lower, upper };
    return this.decisionScores(X);
  }

  protected decisionScores(X: Matrix): Float64Array {
    const { lower, upper } = this.model;
    return maxOverColumns(X, (value, j) => Math.max(lower[j] - value, value - upper[j], 0));
  }
}
