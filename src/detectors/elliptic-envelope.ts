import type { MatrixInput } from "../core/matrix";
import { warnDeprecated } from "../core/deprecation";
import { percentile } from "../core/percentile";
import { MCDDetector, type MCDOptions } from "./mcd";

/**
 * sklearn's `EllipticEnvelope`: the {@link MCDDetector} model (robust covariance, scores =
 * squared Mahalanobis distances) with scikit-learn's threshold instead of PyOD's:
 * `offset = np.percentile(-distances, 100 * contamination)`, and a row is an outlier when
 * its distance exceeds `-offset` (sklearn: `decision_function < 0`). The two thresholds are the
 * same order statistic interpolated from opposite ends, so they agree up to rounding. The other
 * threshold rules (`{ fixed }`, `{ quantile }`, ...) are placed as for every detector.
 *
 * Assumptions, options and complexity are those of {@link MCDDetector}.
 *
 * @example
 * const envelope = new EllipticEnvelopeDetector({ contamination: 0.1, seed: 0 }).fit(X);
 * envelope.offset;              // sklearn offset_
 * envelope.decisionFunction(X); // sklearn decision_function: negative = outlier
 * envelope.predict(X);          // 1 = outlier, as every detector here
 */
export class EllipticEnvelopeDetector extends MCDDetector {
  constructor(options: MCDOptions = {}) {
    super(options);
  }

  /** sklearn: `offset_` is the 100 * contamination percentile of the negated distances; the threshold is `-offset_`. */
  protected override fitThreshold(trainingScores: Float64Array): number {
    const rule = this.thresholdRule;
    if (!("contamination" in rule)) return super.fitThreshold(trainingScores);
    return -percentile(trainingScores.map((distance) => -distance), 100 * rule.contamination);
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

/**
 * @deprecated Renamed {@link EllipticEnvelopeDetector} (every detector's name ends in "Detector"); this alias
 * warns once and goes in the next release.
 */
export class EllipticEnvelope extends EllipticEnvelopeDetector {
  constructor(options: MCDOptions = {}) {
    warnDeprecated("EllipticEnvelope", "EllipticEnvelope", "EllipticEnvelopeDetector (the same class, renamed)");
    super(options);
  }
}
