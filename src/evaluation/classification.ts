import { checkSameLength, toBinaryLabels, type VectorInput } from "./inputs";

/**
 * Metrics of 0/1 predictions against 0/1 truth (1 = outlier = the positive class),
 * with scikit-learn's semantics for binary targets. Where a ratio is 0/0
 * (no predicted positives for precision, no actual positives for recall, both
 * for F1) the value is 0, as sklearn's `zero_division` default returns (sklearn
 * also warns; here it is documented instead).
 */

/** A 2 x 2 confusion matrix; `matrix` is sklearn's layout `[[tn, fp], [fn, tp]]`. */
export interface ConfusionMatrix {
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  readonly tp: number;
  readonly matrix: readonly [readonly [number, number], readonly [number, number]];
}

/** Per-class line of a {@link ClassificationReport}. */
export interface ClassMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Number of rows of this class in yTrue. */
  readonly support: number;
}

/** sklearn's `classification_report(output_dict=True)` for labels [0, 1], in camelCase. */
export interface ClassificationReport {
  /** Inliers (label 0) as the positive class. */
  readonly inlier: ClassMetrics;
  /** Outliers (label 1) as the positive class. */
  readonly outlier: ClassMetrics;
  readonly accuracy: number;
  /** Unweighted mean of the two classes. */
  readonly macroAvg: ClassMetrics;
  /** Support-weighted mean of the two classes. */
  readonly weightedAvg: ClassMetrics;
  readonly confusion: ConfusionMatrix;
}

/**
 * Counts of true/false positives/negatives (sklearn `confusion_matrix(labels=[0, 1])`).
 * @example confusionMatrix([0, 1, 1], [0, 1, 0]); // { tn: 1, fp: 0, fn: 1, tp: 1, matrix: [[1, 0], [1, 1]] }
 */
export function confusionMatrix(yTrue: VectorInput, yPred: VectorInput): ConfusionMatrix {
  const truth = toBinaryLabels(yTrue, "yTrue");
  const predicted = toBinaryLabels(yPred, "yPred");
  checkSameLength(truth, predicted, "yTrue", "yPred");
  let tn = 0, fp = 0, fn = 0, tp = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] === 1) predicted[i] === 1 ? tp++ : fn++;
    else predicted[i] === 1 ? fp++ : tn++;
  }
  return { tn, fp, fn, tp, matrix: [[tn, fp], [fn, tp]] };
}

/**
 * Share of correct predictions.
 * @example accuracy([0, 1, 1], [0, 1, 0]); // 0.6666666666666666
 */
export function accuracy(yTrue: VectorInput, yPred: VectorInput): number {
  const { tn, fp, fn, tp } = confusionMatrix(yTrue, yPred);
  return (tp + tn) / (tn + fp + fn + tp);
}

/**
 * tp / (tp + fp): how many flagged rows are real outliers; 0 when nothing is flagged.
 * @example precision([0, 1, 1], [1, 1, 0]); // 0.5
 */
export function precision(yTrue: VectorInput, yPred: VectorInput): number {
  return binaryMetrics(confusionMatrix(yTrue, yPred)).precision;
}

/**
 * tp / (tp + fn): how many real outliers are flagged; 0 when yTrue has no outliers.
 * @example recall([0, 1, 1], [1, 1, 0]); // 0.5
 */
export function recall(yTrue: VectorInput, yPred: VectorInput): number {
  return binaryMetrics(confusionMatrix(yTrue, yPred)).recall;
}

/**
 * Harmonic mean of precision and recall, 2 tp / (2 tp + fp + fn); 0 when both are 0/0.
 * @example f1([0, 1, 1], [1, 1, 0]); // 0.5
 */
export function f1(yTrue: VectorInput, yPred: VectorInput): number {
  return binaryMetrics(confusionMatrix(yTrue, yPred)).f1;
}

/**
 * Precision, recall, F1 and support for both classes plus accuracy and the
 * macro / weighted averages, like sklearn's `classification_report`.
 * @example classificationReport(classes, detector.labels).outlier.recall;
 */
export function classificationReport(yTrue: VectorInput, yPred: VectorInput): ClassificationReport {
  const confusion = confusionMatrix(yTrue, yPred);
  const { tn, fp, fn, tp } = confusion;
  const outlier = binaryMetrics(confusion);
  // Swapping the roles of the labels makes inliers the positive class.
  const inlier = binaryMetrics({ tn: tp, fp: fn, fn: fp, tp: tn });
  const total = tn + fp + fn + tp;
  const average = (pick: (m: ClassMetrics) => number, w0: number, w1: number) =>
    (pick(inlier) * w0 + pick(outlier) * w1) / (w0 + w1);
  const averages = (w0: number, w1: number): ClassMetrics => ({
    precision: average((m) => m.precision, w0, w1),
    recall: average((m) => m.recall, w0, w1),
    f1: average((m) => m.f1, w0, w1),
    support: total,
  });
  return {
    inlier,
    outlier,
    accuracy: (tp + tn) / total,
    macroAvg: averages(1, 1),
    weightedAvg: averages(inlier.support, outlier.support),
    confusion,
  };
}

function binaryMetrics(counts: { tn: number; fp: number; fn: number; tp: number }): ClassMetrics {
  const { fp, fn, tp } = counts;
  return {
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    support: tp + fn,
  };
}

// sklearn's zero_division default: an undefined ratio counts as 0.
function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
