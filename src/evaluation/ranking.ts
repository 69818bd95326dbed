import { percentile } from "../core/percentile";
import { checkNumberType } from "../core/validation";
import { numpySum } from "../core/summation";
import { checkSameLength, toBinaryLabels, toScores, type VectorInput } from "./inputs";
import { precision } from "./classification";

/**
 * Metrics of continuous outlier scores (higher = more anomalous) against 0/1
 * truth, with scikit-learn's and PyOD's semantics. Tied scores form one step
 * of the ROC curve, exactly as in sklearn.
 */

/** sklearn's `roc_curve` output: points sorted by increasing false positive rate. */
export interface RocCurve {
  /** False positive rate at each threshold. */
  readonly fpr: Float64Array;
  /** True positive rate at each threshold. */
  readonly tpr: Float64Array;
  /** Decreasing score thresholds (score >= threshold is flagged); the first is Infinity (nothing flagged). */
  readonly thresholds: Float64Array;
}

/** Options of {@link rocCurve}. */
export interface RocCurveOptions {
  /** Drop points on straight segments of the curve (sklearn default true). */
  dropIntermediate?: boolean;
}

/** Options of {@link precisionAtN}. */
export interface PrecisionAtNOptions {
  /** Number of top-ranked rows to flag (default: the number of outliers in yTrue). */
  n?: number;
}

/**
 * The ROC curve, as sklearn's `roc_curve(y_true, y_score, drop_intermediate=True)`
 * (the first threshold is Infinity, as in sklearn >= 1.3; sklearn 1.2 used `max(score) + 1`).
 * Both classes must be present.
 * @example rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1]
 */
export function rocCurve(yTrue: VectorInput, scores: VectorInput, options: RocCurveOptions = {}): RocCurve {
  return computeRocCurve(yTrue, scores, options.dropIntermediate ?? true, "rocCurve");
}

/**
 * Area under the ROC curve (sklearn `roc_auc_score` for binary truth): the
 * probability that a random outlier scores above a random inlier, ties counting half.
 * 1 = perfect ranking, 0.5 = random. Both classes must be present.
 * @example rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 */
export function rocAuc(yTrue: VectorInput, scores: VectorInput): number {
  const { fpr, tpr } = computeRocCurve(yTrue, scores, true, "rocAuc");
  // numpy.trapz: sum of dx * (y[i+1] + y[i]) / 2, summed in numpy's order.
  const areas = new Float64Array(fpr.length - 1);
  for (let i = 0; i < areas.length; i++) areas[i] = ((fpr[i + 1] - fpr[i]) * (tpr[i + 1] + tpr[i])) / 2.0;
  return numpySum(areas);
}

function computeRocCurve(yTrue: VectorInput, scores: VectorInput, dropIntermediate: boolean, caller: string): RocCurve {
  const { truth, values } = checkRankingInputs(yTrue, scores, caller);
  let { fps, tps, thresholds } = binaryClassifierCurve(truth, values);
  if (dropIntermediate && fps.length > 2) {
    // Keep the ends and every point where the curve changes direction (non-zero second difference).
    const keep = [0];
    for (let i = 1; i < fps.length - 1; i++) {
      const bendsFp = fps[i + 1] - fps[i] - (fps[i] - fps[i - 1]) !== 0;
      const bendsTp = tps[i + 1] - tps[i] - (tps[i] - tps[i - 1]) !== 0;
      if (bendsFp || bendsTp) keep.push(i);
    }
    keep.push(fps.length - 1);
    fps = keep.map((i) => fps[i]);
    tps = keep.map((i) => tps[i]);
    thresholds = keep.map((i) => thresholds[i]);
  }
  const negatives = fps[fps.length - 1];
  const positives = tps[tps.length - 1];
  return {
    fpr: Float64Array.from([0, ...fps], (count) => count / negatives),
    tpr: Float64Array.from([0, ...tps], (count) => count / positives),
    thresholds: Float64Array.from([Infinity, ...thresholds]),
  };
}

/**
 * Precision at rank n (PyOD `precision_n_scores`): flag the rows scoring above
 * the `100 * (1 - n / len)` percentile of the scores, n = number of outliers in
 * yTrue unless given, and return the precision of those flags.
 * @example precisionAtN(classes, detector.trainingScores); // 1 for the salary tutorial
 */
export function precisionAtN(yTrue: VectorInput, scores: VectorInput, options: PrecisionAtNOptions = {}): number {
  const truth = toBinaryLabels(yTrue, "yTrue");
  const values = toScores(scores, "scores");
  checkSameLength(truth, values, "yTrue", "scores");
  if (options.n !== undefined) checkNumberType(options.n, "precisionAtN: n", `an integer between 1 and ${truth.length}`);
  const n = options.n ?? truth.reduce((count, label) => count + label, 0);
  if (options.n === undefined && n === 0) {
    throw new RangeError("precisionAtN: yTrue has no outliers (1), so n would be 0; pass options.n");
  }
  if (!Number.isSafeInteger(n) || n < 1 || n > truth.length) {
    throw new RangeError(`precisionAtN: n must be an integer between 1 and ${truth.length}, got ${n}`);
  }
  const threshold = percentile(values, 100 * (1 - n / truth.length));
  return precision(truth, Uint8Array.from(values, (score) => (score > threshold ? 1 : 0)));
}

function checkRankingInputs(yTrue: VectorInput, scores: VectorInput, caller: string) {
  const truth = toBinaryLabels(yTrue, "yTrue");
  const values = toScores(scores, "scores");
  checkSameLength(truth, values, "yTrue", "scores");
  const positives = truth.reduce((count, label) => count + label, 0);
  if (positives === 0 || positives === truth.length) {
    throw new RangeError(
      `${caller}: yTrue contains only ${positives === 0 ? "inliers (0)" : "outliers (1)"}; ` +
        "ROC needs both classes",
    );
  }
  return { truth, values };
}

/**
 * sklearn's `_binary_clf_curve`: cumulative fp/tp counts at each distinct score, highest first
 * (shared with the precision-recall curve and the threshold sweep).
 * @example binaryClassifierCurve(Uint8Array.of(0, 1), Float64Array.of(0.2, 0.9)); // fps [0, 1], tps [1, 1], thresholds [0.9, 0.2]
 */
export function binaryClassifierCurve(truth: Uint8Array, scores: Float64Array) {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let truePositives = 0;
  order.forEach((row, rank) => {
    truePositives += truth[row];
    const next = order[rank + 1];
    // Only the last row of a group of tied scores closes a point of the curve.
    if (next === undefined || scores[next] !== scores[row]) {
      tps.push(truePositives);
      fps.push(rank + 1 - truePositives);
      thresholds.push(scores[row]);
    }
  });
  return { fps, tps, thresholds };
}
