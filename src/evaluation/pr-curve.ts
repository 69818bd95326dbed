import { numpySum } from "../core/summation";
import { checkSameLength, toBinaryLabels, toScores, type VectorInput } from "./inputs";
import { binaryClassifierCurve } from "./ranking";

/**
 * The precision-recall view of continuous outlier scores (higher = more anomalous). With rare
 * outliers it is more telling than ROC: precision drops as soon as inliers get flagged.
 */

/** sklearn's `precision_recall_curve` output. */
export interface PrecisionRecallCurve {
  /** Precision at each threshold, then a final 1 (the "flag nothing" end); one longer than thresholds. */
  readonly precision: Float64Array;
  /** Recall at each threshold, decreasing, then a final 0. */
  readonly recall: Float64Array;
  /** The distinct scores, increasing: a row is flagged when score >= threshold. */
  readonly thresholds: Float64Array;
}

/**
 * Precision and recall at every distinct score used as threshold (flag score >= threshold),
 * as scikit-learn 1.2's `precision_recall_curve`: thresholds increasing, the curve closed by the
 * point (recall 0, precision 1). yTrue must contain at least one outlier (1).
 *
 * @example
 * precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // precision [0.5, 0.667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8]
 */
export function precisionRecallCurve(yTrue: VectorInput, scores: VectorInput): PrecisionRecallCurve {
  const { truth, values } = checkInputs(yTrue, scores, "precisionRecallCurve");
  const { fps, tps, thresholds } = binaryClassifierCurve(truth, values);
  const m = tps.length;
  const positives = tps[m - 1];
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  // sklearn lists the curve from the lowest threshold (everything flagged) up.
  for (let k = 0; k < m; k++) {
    const source = m - 1 - k;
    const flagged = tps[source] + fps[source];
    precision[k] = flagged === 0 ? 0 : tps[source] / flagged;
    recall[k] = tps[source] / positives;
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: Float64Array.from(thresholds).reverse() };
}

/**
 * Average precision (sklearn `average_precision_score`): the step-wise area under the
 * precision-recall curve, sum over thresholds of (R_k - R_{k+1}) * P_k, with no interpolation.
 * A random ranking scores about the outlier share; a perfect one scores 1.
 *
 * @example averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333333333333333
 */
export function averagePrecision(yTrue: VectorInput, scores: VectorInput): number {
  const { precision, recall } = precisionRecallCurve(yTrue, scores);
  // -np.sum(np.diff(recall) * precision[:-1]), summed in numpy's order.
  const terms = new Float64Array(recall.length - 1);
  for (let k = 0; k < terms.length; k++) terms[k] = (recall[k + 1] - recall[k]) * precision[k];
  return -numpySum(terms);
}

function checkInputs(yTrue: VectorInput, scores: VectorInput, caller: string) {
  const truth = toBinaryLabels(yTrue, "yTrue");
  const values = toScores(scores, "scores");
  checkSameLength(truth, values, "yTrue", "scores");
  if (!truth.includes(1)) {
    throw new RangeError(`${caller}: yTrue contains no outliers (1), so recall is undefined; precision-recall needs at least one`);
  }
  return { truth, values };
}
