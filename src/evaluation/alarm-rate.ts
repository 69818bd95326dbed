import { checkNumberType } from "../core/validation";
import { binaryClassifierCurve } from "./ranking";
import { checkSameLength, toBinaryLabels, toScores, type VectorInput } from "./inputs";

/**
 * Recall at a fixed alarm rate: the share of all outliers that are among the `rate * n`
 * highest-scoring rows, the question "if the team can check 1 in 20 rows, how many of the frauds
 * does it see?". Rows with tied scores are ordered at random, so the value is the expected recall:
 * linear interpolation of the true-positive count between the curve's points, i.e. `np.interp(rate * n,
 * tp + fp, tp) / positives` on scikit-learn's `roc_curve` counts.
 *
 * @example recallAtAlarmRate([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1], 0.25); // 0.5: one alarm, one of two frauds
 */
export function recallAtAlarmRate(yTrue: VectorInput, scores: VectorInput, rate: number): number {
  const truth = toBinaryLabels(yTrue, "yTrue");
  const values = toScores(scores, "scores");
  checkSameLength(truth, values, "yTrue", "scores");
  checkNumberType(rate, "recallAtAlarmRate: rate", "a share in [0, 1]");
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`recallAtAlarmRate: rate must be a share in [0, 1], got ${rate}`);
  const positives = truth.reduce((count, label) => count + label, 0);
  if (positives === 0) throw new RangeError("recallAtAlarmRate: yTrue has no outliers (1), so recall is undefined");
  const { fps, tps } = binaryClassifierCurve(truth, values);
  const alarms = rate * truth.length;
  let previousAlarms = 0;
  let previousTp = 0;
  for (let k = 0; k < tps.length; k++) {
    const pointAlarms = tps[k] + fps[k];
    if (alarms <= pointAlarms) {
      const caught = previousTp + ((tps[k] - previousTp) * (alarms - previousAlarms)) / (pointAlarms - previousAlarms);
      return caught / positives;
    }
    previousAlarms = pointAlarms;
    previousTp = tps[k];
  }
  return 1;
}
