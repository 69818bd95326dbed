import type { PredictOptions } from "../core/detector";
import type { MatrixInput } from "../core/matrix";
import { percentile } from "../core/percentile";
import { checkFiniteNumber } from "../core/validation";
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
  private envelope: { offset: number; labels: Uint8Array } | undefined;

  constructor(options: MCDOptions = {}) {
    super(options);
  }

  override fit(X: MatrixInput): this {
    super.fit(X);
    const offset = percentile(this.trainingScores.map((distance) => -distance), 100 * this.contamination);
    this.envelope = { offset, labels: Uint8Array.from(this.trainingScores, (distance) => (distance > -offset ? 1 : 0)) };
    return this;
  }

  /** sklearn's `offset_`: the 100 * contamination percentile of the negated training distances. */
  get offset(): number {
    return this.fittedEnvelope().offset;
  }

  /** Distance above which a row is an outlier: `-offset`. */
  override get threshold(): number {
    return -this.fittedEnvelope().offset;
  }

  override get labels(): Uint8Array {
    return this.fittedEnvelope().labels;
  }

  override predict(X: MatrixInput, options: PredictOptions = {}): Uint8Array {
    const threshold = options.threshold === undefined ? this.threshold : checkFiniteNumber(options.threshold, "threshold");
    return super.predict(X, { threshold });
  }

  /** sklearn's `decision_function`: `-distance - offset`; negative for outliers. */
  decisionFunction(X: MatrixInput): Float64Array {
    const offset = this.offset;
    return this.score(X).map((distance) => -distance - offset);
  }

  private fittedEnvelope(): { offset: number; labels: Uint8Array } {
    if (this.envelope === undefined) throw new Error("EllipticEnvelope is not fitted: call fit(X) first");
    return this.envelope;
  }
}
