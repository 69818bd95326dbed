import type { MatrixInput } from "../core/matrix";
import { percentile } from "../core/percentile";
import { MCDDetector, type MCDOptions } from "./mcd";

/**
 * sklearn's `EllipticEnvelope`: the {@link MCDDetector} model (robust covariance, scores =
 * squared Mahalanobis distances) with scikit-learn's threshold instead of PyOD's:
 * `offset = np.percentile(-distances, 100 * contamination)`, and a row is an outlier when
 * its distance exceeds `-offset` (sklearn: `decision_function < 0`). The two thresholds are the
 * same order statistic interpolated from opposite ends, so they agree up to rounding.
 *
 * Assumptions, options and complexity are those of {@link MCDDetector}.
 *
 * @example
 * const envelope = new EllipticEnvelope({ contamination: 0.1, seed: 0 }).fit(X);
 * envelope.offset;              // sklearn offset_
 * envelope.decisionFunction(X); // sklearn decision_function: negative = outlier
 * envelope.predict(X);          // 1 = outlier, as every detector here
 */
export class EllipticEnvelope extends MCDDetector {
  constructor(options: MCDOptions = {}) {
    super(options);
  }

  /** sklearn: `offset_` is the 100 * contamination percentile of the negated distances; the threshold is `-offset_`. */
  protected override fitThreshold(trainingScores: Float64Array): number {
    return -percentile(trainingScores.map((distance) => -distance), 100 * this.contamination);
  }

  /** sklearn's `offset_`: the 100 * contamination percentile of the negated training distances. */
  get offset(): number {
    return -this.threshold;
  }

  /** sklearn's `decision_function`: `-distance - offset`; negative for outliers. */
  decisionFunction(X: MatrixInput): Float64Array {
    const offset = this.offset;
    return this.score(X).map((distance) => -distance - offset);
  }
}
