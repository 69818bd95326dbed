import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import { warnDeprecated } from "../core/deprecation";
import type { Matrix } from "../core/matrix";
import { checkInteger } from "../core/validation";
import { mahalanobisSquared, maskedCovariance, maskedMean, pseudoInverseSymmetric } from "../linalg/covariance";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, type StateReader } from "../persistence/state-codec";

/** Hyper-parameters of {@link MahalanobisDetector}. */
export interface MahalanobisOptions extends DetectorOptions {
  /** Covariance divisor n - ddof: 1 (default) as numpy's `np.cov`, 0 as sklearn's `EmpiricalCovariance`. */
  ddof?: number;
  /** Score the squared distance (sklearn's `mahalanobis`, PyOD's MCD) instead of the distance (default false). */
  squared?: boolean;
  /** @deprecated The old spelling of `threshold: { meanMultiple: k }` (Flovik's rule); warns once. */
  meanMultiple?: number;
}

/**
 * Classical (non-robust) Mahalanobis distance to the training rows' mean under their covariance: the
 * detector of V. Flovik's "Machine learning for anomaly detection and condition monitoring" (bearing data,
 * after PCA to 2 components), where every training row is normal operation. Use {@link MCDDetector} when the
 * training rows may themselves hold outliers. The covariance is inverted as scipy's `pinvh` does.
 *
 * Assumes normal rows form one elliptical cloud. Complexity: O(n p² + p³) to fit, O(m p²) to score.
 *
 * @example
 * const md = new MahalanobisDetector({ threshold: { meanMultiple: 3 } }).fit(pcaOfNormalRows); // Flovik's threshold
 * md.predict(pcaOfNewRows); // 1 where the distance exceeds 3 x the mean training distance
 */
interface MahalanobisModel {
  location: Float64Array;
  covariance: Float64Array;
  precision: Float64Array;
}

export class MahalanobisDetector extends BaseDetector<MahalanobisModel> {
  readonly ddof: number;
  readonly squared: boolean;

  constructor(options: MahalanobisOptions = {}) {
    super(withMeanMultiple(options));
    this.ddof = checkInteger(options.ddof ?? 1, "MahalanobisDetector: ddof", 0);
    this.squared = options.squared ?? false;
  }

  /** The k of a `{ meanMultiple: k }` threshold (Flovik's rule); undefined under another rule. */
  get meanMultiple(): number | undefined {
    return "meanMultiple" in this.thresholdRule ? this.thresholdRule.meanMultiple : undefined;
  }

  protected override ownParams(): DetectorParams {
    return { ddof: this.ddof, squared: this.squared };
  }

  /** The training mean, covariance and its pseudo-inverse. */
  protected override saveState(): Record<string, unknown> {
    const { location, covariance, precision } = this.model;
    return { location: encodeArray(location), covariance: encodeArray(covariance), precision: encodeArray(precision) };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const p = fit.cols;
    this.model = {
      location: state.float64("location", { length: p }),
      covariance: state.float64("covariance", { length: p * p }),
      precision: state.float64("precision", { length: p * p }),
    };
  }

  /** Mean of the training rows. */
  get location(): Float64Array {
    return this.model.location.slice();
  }

  /** Covariance of the training rows, row-major p x p. */
  get covariance(): Float64Array {
    return this.model.covariance.slice();
  }

  /** The covariance and the distances square deviations: the base refuses values whose squares overflow. */
  protected override get squaresValues(): boolean {
    return true;
  }

  protected fitScores(X: Matrix): Float64Array {
    if (X.rows <= this.ddof + 1) throw new RangeError(`MahalanobisDetector needs more than ${this.ddof + 1} rows, got ${X.rows}`);
    const location = maskedMean(X);
    const covariance = maskedCovariance(X, location, undefined, this.ddof);
    for (let j = 0; j < X.cols; j++) {
      if (!(covariance[j * X.cols + j] > 0)) throw new RangeError(`MahalanobisDetector: column ${j} of X is constant; its covariance is singular, drop the column`);
    }
    this.model = { location, covariance, precision: pseudoInverseSymmetric(covariance, X.cols) };
    return this.decisionScores(X);
  }

  protected decisionScores(X: Matrix): Float64Array {
    const { location, precision } = this.model;
    const distances = mahalanobisSquared(X, location, precision);
    if (!this.squared) for (let i = 0; i < distances.length; i++) distances[i] = Math.sqrt(Math.max(0, distances[i]));
    return distances;
  }
}

/** The options with the deprecated `meanMultiple: k` read as `threshold: { meanMultiple: k }` (one warning). */
function withMeanMultiple(options: MahalanobisOptions): DetectorOptions {
  const { meanMultiple, ...rest } = options;
  if (meanMultiple === undefined) return rest;
  for (const other of ["threshold", "contamination"] as const) {
    if (rest[other] !== undefined) {
      const why = "meanMultiple is the old spelling of a threshold";
      throw new TypeError(`MahalanobisDetector: pass either ${other} or meanMultiple, not both (${why})`);
    }
  }
  warnDeprecated("meanMultiple", `the option "meanMultiple"`, `threshold: { meanMultiple: ${String(meanMultiple)} }`);
  return { ...rest, threshold: { meanMultiple } };
}
