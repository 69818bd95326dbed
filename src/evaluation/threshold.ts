import { checkFiniteNumber } from "../core/validation";
import { thresholdOf } from "../core/threshold";
import { checkSameLength, toBinaryLabels, toScores, type VectorInput } from "./inputs";

/**
 * Choosing a score threshold: what each candidate threshold would flag, and which one is
 * cheapest when missed outliers and false alarms have different costs.
 */

/** Counts and metrics of flagging the rows at one threshold (sklearn semantics, 0/0 = 0). */
export interface ThresholdPoint {
  readonly threshold: number;
  /** Outliers flagged. */
  readonly tp: number;
  /** Inliers flagged (false alarms). */
  readonly fp: number;
  /** Outliers missed. */
  readonly fn: number;
  /** Inliers left alone. */
  readonly tn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** Options of {@link thresholdSweep} and {@link costOptimalThreshold}. */
export interface ThresholdRuleOptions {
  /**
   * true (default): flag rows with score >= threshold, the convention of sklearn's ROC / PR curves.
   * false: flag score > threshold, the rule of a detector's `predict(X, { threshold })`.
   */
  inclusive?: boolean;
}

/** Costs of {@link costOptimalThreshold} (any unit; only their ratio matters). */
export interface CostOptions extends ThresholdRuleOptions {
  /** Cost of one missed outlier (>= 0). */
  costFalseNegative: number;
  /** Cost of one false alarm (>= 0). */
  costFalsePositive: number;
}

/** The cheapest threshold found by {@link costOptimalThreshold}. */
export interface CostOptimalThreshold extends ThresholdPoint {
  /** costFalseNegative * fn + costFalsePositive * fp. */
  readonly cost: number;
}

/**
 * Confusion counts, precision, recall and F1 at each threshold (each equal to sklearn's
 * `confusion_matrix` / `precision_score` / `recall_score` / `f1_score` of `score >= threshold`,
 * or `>` with `inclusive: false`). Default thresholds: every distinct score, highest first.
 * Complexity O(n log n + t log n).
 *
 * @example
 * thresholdSweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], [0.35]);
 * // [{ threshold: 0.35, tp: 2, fp: 1, fn: 0, tn: 1, precision: 0.667, recall: 1, f1: 0.8 }]
 */
export function thresholdSweep(
  yTrue: VectorInput,
  scores: VectorInput,
  thresholds?: ArrayLike<number>,
  options: ThresholdRuleOptions = {},
): ThresholdPoint[] {
  const ranking = rank(yTrue, scores);
  const inclusive = options.inclusive ?? true;
  const candidates = thresholds === undefined ? ranking.distinctDescending() : checkThresholds(thresholds);
  return Array.from(candidates, (threshold) => ranking.pointAt(threshold, inclusive));
}

/**
 * The threshold that minimises `costFalseNegative * fn + costFalsePositive * fp` over every
 * distinct score and the two ends, "flag nothing" and "flag everything". Ties go to the highest
 * threshold, i.e. the fewest flagged rows. Use the returned threshold with the same rule: with the
 * default (score >= threshold), or pass `inclusive: false` to get a threshold for a detector's `predict`.
 *
 * Every threshold returned is finite, so `predict(X, { threshold })` accepts it. The ends are the
 * nearest doubles that flag nothing or everything: with score >= t, "flag nothing" is the double just
 * above the top score (the lowest score flags everything); with score > t, the top score itself flags
 * nothing and the double just below the lowest score flags everything. (Only a top score of
 * Number.MAX_VALUE leaves no finite double above it: "flag nothing" is then Infinity.)
 *
 * @example
 * const best = costOptimalThreshold(yTest, scores, { costFalseNegative: 10, costFalsePositive: 1 });
 * best.threshold; best.cost; best.recall;
 */
export function costOptimalThreshold(yTrue: VectorInput, scores: VectorInput, options: CostOptions): CostOptimalThreshold {
  if (options === null || typeof options !== "object") {
    throw new TypeError("costOptimalThreshold: options { costFalseNegative, costFalsePositive } are required");
  }
  const costFn = checkCost(options.costFalseNegative, "costFalseNegative");
  const costFp = checkCost(options.costFalsePositive, "costFalsePositive");
  const inclusive = options.inclusive ?? true;
  const ranking = rank(yTrue, scores);
  const distinct = ranking.distinctDescending();
  // Candidates from "flag nothing" to "flag everything".
  const candidates = inclusive
    ? [adjacentDouble(distinct[0], 1), ...distinct]
    : [...distinct, adjacentDouble(distinct[distinct.length - 1], -1)];
  let best: CostOptimalThreshold | undefined;
  for (const threshold of candidates) {
    const point = ranking.pointAt(threshold, inclusive);
    const cost = costFn * point.fn + costFp * point.fp;
    if (best === undefined || cost < best.cost) best = { ...point, cost };
  }
  return best as CostOptimalThreshold;
}

/** Scores sorted from highest to lowest with running outlier counts, for O(log n) counts per threshold. */
function rank(yTrue: VectorInput, scores: VectorInput) {
  const truth = toBinaryLabels(yTrue, "yTrue");
  const values = toScores(scores, "scores");
  checkSameLength(truth, values, "yTrue", "scores");
  const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
  const sorted = Float64Array.from(order, (row) => values[row]);
  const outliersBefore = new Int32Array(order.length + 1); // outliers among the top k rows
  order.forEach((row, k) => (outliersBefore[k + 1] = outliersBefore[k] + truth[row]));
  const positives = outliersBefore[order.length];
  const negatives = order.length - positives;

  // Number of rows flagged: score >= t (inclusive) or score > t.
  const flaggedCount = (t: number, inclusive: boolean): number => {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (inclusive ? sorted[middle] >= t : sorted[middle] > t) low = middle + 1;
      else high = middle;
    }
    return low;
  };

  return {
    distinctDescending(): number[] {
      return Array.from(sorted).filter((value, k) => k === 0 || value !== sorted[k - 1]);
    },
    pointAt(threshold: number, inclusive: boolean): ThresholdPoint {
      const flagged = flaggedCount(threshold, inclusive);
      const tp = outliersBefore[flagged];
      const fp = flagged - tp;
      const fn = positives - tp;
      const tn = negatives - fp;
      return {
        threshold,
        tp,
        fp,
        fn,
        tn,
        precision: ratio(tp, tp + fp),
        recall: ratio(tp, positives),
        f1: ratio(2 * tp, 2 * tp + fp + fn),
      };
    },
  };
}

/** The double next to a finite `value`, above it (+1) or below it (-1): numpy's `nextafter(value, +-inf)`. */
function adjacentDouble(value: number, direction: 1 | -1): number {
  if (value === 0) return direction * Number.MIN_VALUE;
  const bits = new BigInt64Array(new Float64Array([value]).buffer);
  // Doubles of one sign are ordered like their bit patterns: one step of the magnitude away from or towards zero.
  bits[0] += (value > 0) === (direction > 0) ? 1n : -1n;
  return new Float64Array(bits.buffer)[0];
}

function checkThresholds(thresholds: ArrayLike<number>): number[] {
  if (thresholds === null || typeof thresholds !== "object" || typeof thresholds.length !== "number") {
    throw new TypeError("thresholdSweep: thresholds must be an array of numbers");
  }
  return Array.from(thresholds, (value, i) => {
    if (typeof value !== "number" || Number.isNaN(value)) {
      throw new RangeError(`thresholdSweep: thresholds[${i}] is ${String(value)}; thresholds must be numbers`);
    }
    return value;
  });
}

function checkCost(value: number, name: string): number {
  checkFiniteNumber(value, name);
  if (value < 0) throw new RangeError(`${name} must be >= 0, got ${value}`);
  return value;
}

// sklearn's zero_division default: an undefined ratio counts as 0.
function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/**
 * mean + k · std of scores of normal data (numpy's `np.mean(s) + k * np.std(s)`, ddof 0): the TensorFlow ECG
 * tutorial's threshold (k = 1 on the training errors). Give it the scores of normal rows the model did not
 * train on (a held-out part) to place the threshold where unseen normal rows fall.
 *
 * @example
 * const threshold = meanPlusStdThreshold(heldOutErrors, 1);
 * const labels = ae.predict(XTest, { threshold });
 */
export function meanPlusStdThreshold(scores: VectorInput, k = 1): number {
  const values = toScores(scores, "scores");
  if (values.length === 0) throw new RangeError("meanPlusStdThreshold: scores is empty");
  // The detectors' `threshold: { meanPlusStd: k }` rule, on scores of the caller's choosing.
  return thresholdOf({ meanPlusStd: checkFiniteNumber(k, "meanPlusStdThreshold: k") }, values);
}
