import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import { generatorFor, seedOption, type Seed, type SeedOptions } from "../core/seed";
import { copyMatrix, createMatrix, type Matrix, type MatrixInput, toMatrix } from "../core/matrix";
import { checkInteger, checkNumberType, describeValue } from "../core/validation";
import { defaultThreadCount } from "../threads/pool";
import { chiSquareIsf, upperRegularizedGamma } from "../linalg/chi-square";
import { mahalanobisSquared, maskedCovariance, maskedMean, pseudoInverseSymmetric } from "../linalg/covariance";
import { fastMcd, mcdSupportSize, type RawMcd } from "../robust/fast-mcd";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, encodeMatrix, type StateReader } from "../persistence/state-codec";

/** Options of {@link minCovDet}; defaults are scikit-learn's `MinCovDet`. */
export interface MinCovDetOptions extends SeedOptions {
  /**
   * Share of rows in the raw MCD support, in (0, 1]. Default: the smallest, h = ceil((n + p + 1) / 2) (at most n),
   * which tolerates the most outliers.
   */
  supportFraction?: number;
  /** Seed or shared generator of FastMCD's random subsets (sklearn `random_state`, {@link Seed}); omitted: random. */
  seed?: Seed;
  /**
   * Threads FastMCD's C-steps are shared among (default: the machine's cores, at most 8). Any count gives
   * the same result.
   */
  threads?: number;
  /**
   * How the raw distances are made consistent at the normal model: "consistency" (default, scikit-learn >= 1.8:
   * the consistency factor of the support's fraction, and the reweighted covariance scaled by that of 0.975) or
   * "median" (scikit-learn < 1.8: median(raw distances) / chi2(p).isf(0.5), no scaling), which PyOD's published
   * benchmark and ADBench ran on.
   */
  correction?: MCDCorrection;
}

/** See {@link MinCovDetOptions.correction}. */
export type MCDCorrection = "consistency" | "median";

/** A fitted Minimum Covariance Determinant estimate (sklearn `MinCovDet` attributes). */
export interface MinCovDetResult {
  /** Robust location after reweighting (`location_`). */
  readonly location: Float64Array;
  /** Robust covariance after reweighting, p x p (`covariance_`). */
  readonly covariance: Matrix;
  /** Pseudo-inverse of `covariance` (`precision_`). */
  readonly precision: Matrix;
  /** 1 for the rows used by the reweighted estimate (`support_`). */
  readonly support: Uint8Array;
  /** Squared Mahalanobis distances of the fitted rows under the final estimate (`dist_`). */
  readonly distances: Float64Array;
  /** Raw FastMCD location, covariance and support before correction and reweighting. */
  readonly rawLocation: Float64Array;
  readonly rawCovariance: Matrix;
  readonly rawSupport: Uint8Array;
  /** Consistency factor of the raw support (sklearn's `_consistency_factor(p, h / n)`) that rescaled the raw distances. */
  readonly correction: number;
}

/**
 * Robust location and covariance by the Minimum Covariance Determinant, scikit-learn's (>= 1.8)
 * `MinCovDet(support_fraction, random_state).fit(X)`: FastMCD finds the h rows whose
 * covariance has the smallest determinant ({@link fastMcd}); the raw distances are divided by the
 * consistency factor of a fraction h / n ({@link consistencyFactor}); rows with rescaled distance
 * below chi2(p).isf(0.025) are kept and their mean / covariance, times the consistency factor of
 * 0.975, is the final estimate.
 *
 * Assumes a unimodal, roughly elliptical inlier cloud with n > p. With p >= n (sklearn caps the default h at n)
 * the support is every row: the estimate is the mean and the singular covariance of all rows, and distances are
 * taken under its pseudo-inverse, as sklearn's pinvh takes them. Complexity: FastMCD's fixed
 * number of C-steps, each O(m p^2) on m <= min(n, 1500) rows, plus a few O(n p^2) passes.
 *
 * @example
 * const mcd = minCovDet(X, { seed: 0 });
 * mcd.location; mcd.covariance; mcd.distances; // as sklearn with random_state=0
 */
export function minCovDet(X: MatrixInput, options: MinCovDetOptions = {}): MinCovDetResult {
  return fitMinCovDet(checkMcdInput(toMatrix(X, { name: "X" })), options);
}

/** {@link minCovDet} on a checked matrix, without copying it. */
function fitMinCovDet(matrix: Matrix, options: MinCovDetOptions): MinCovDetResult {
  const nSupport = checkedSupportSize(matrix, options.supportFraction);
  const random = generatorFor(seedOption(options, "minCovDet"));
  const threads = checkInteger(options.threads ?? defaultThreadCount(), "threads");
  return correctAndReweight(matrix, fastMcd(matrix, nSupport, random, threads), checkCorrection(options.correction));
}

function checkCorrection(correction: unknown): MCDCorrection {
  if (correction === undefined) return "consistency";
  if (correction === "consistency" || correction === "median") return correction;
  throw new RangeError(`correction must be "consistency" or "median", got ${describeValue(correction)}`);
}

/**
 * The MCD estimate from a given raw support (e.g. sklearn's `raw_support_`): raw location and
 * covariance of those rows, raw distances under their pseudo-inverse, then sklearn's
 * `correct_covariance` and `reweight_covariance`. Equal to `MinCovDet` whenever its C-steps
 * converged on that support (their last two supports coincide), which is the usual case.
 *
 * @example
 * mcdFromRawSupport(X, sklearnRawSupport).distances; // sklearn's dist_
 */
export function mcdFromRawSupport(X: MatrixInput, rawSupport: ArrayLike<number | boolean>): MinCovDetResult {
  const matrix = checkMcdInput(toMatrix(X, { name: "X" }));
  if (rawSupport === null || typeof rawSupport !== "object" || rawSupport.length !== matrix.rows) {
    throw new RangeError(`mcdFromRawSupport: rawSupport must have one 0/1 entry per row (${matrix.rows})`);
  }
  const support = Uint8Array.from(rawSupport as ArrayLike<number>, (value) => (value ? 1 : 0));
  if (!support.includes(1)) throw new RangeError("mcdFromRawSupport: rawSupport selects no rows");
  const location = maskedMean(matrix, support);
  const covariance = maskedCovariance(matrix, location, support);
  const distances = mahalanobisSquared(matrix, location, pseudoInverseSymmetric(covariance, matrix.cols));
  return correctAndReweight(matrix, { location, covariance, support, distances });
}

/** sklearn's `correct_covariance` (distances only; the corrected covariance is not kept) and `reweight_covariance`. */
function correctAndReweight(X: Matrix, raw: RawMcd, rule: MCDCorrection = "consistency"): MinCovDetResult {
  const p = X.cols;
  const supportSize = raw.support.reduce((sum, value) => sum + value, 0);
  if (supportSize < X.rows && raw.covariance.every((value) => Math.abs(value) <= 1e-8)) {
    throw new RangeError(
      "MCD: the covariance of the support rows is 0 (more than half of the rows are identical); increase supportFraction",
    );
  }
  const correction =
    rule === "median" ? numpyMedian(raw.distances) / chiSquareIsf(0.5, p) : consistencyFactor(p, supportSize / X.rows);
  const corrected = raw.distances.map((distance) => distance / correction);
  const cutoff = chiSquareIsf(REWEIGHT_QUANTILE, p);
  const support = Uint8Array.from(corrected, (distance) => (distance < cutoff ? 1 : 0));
  const location = maskedMean(X, support);
  const factor = rule === "median" ? 1 : consistencyFactor(p, 1 - REWEIGHT_QUANTILE);
  const covariance = maskedCovariance(X, location, support).map((value) => value * factor);
  const precision = pseudoInverseSymmetric(covariance, p);
  return {
    location,
    covariance: createMatrix(p, p, covariance),
    precision: createMatrix(p, p, precision),
    support,
    distances: mahalanobisSquared(X, location, precision),
    rawLocation: raw.location,
    rawCovariance: createMatrix(p, p, raw.covariance),
    rawSupport: raw.support,
    correction,
  };
}

/** numpy's median: the middle value of the sorted copy, or the mean of the two middle ones. */
function numpyMedian(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** sklearn's reweighting keeps rows whose corrected distance is below chi2(p).isf(0.025). */
const REWEIGHT_QUANTILE = 0.025;

/**
 * sklearn's `_consistency_factor(p, alpha)` (Croux & Haesbroeck 1999, Pison et al. 2002): the factor
 * alpha / P(chi2(p + 2) <= chi2(p).ppf(alpha)) that makes the covariance of the fraction alpha of a normal
 * sample nearest its centre consistent for the full covariance; 1 when alpha = 1 (every row kept).
 *
 * @example consistencyFactor(2, 0.975); // 1.1044679239029054 (the reweighting's factor in two dimensions)
 */
export function consistencyFactor(p: number, alpha: number): number {
  if (alpha >= 1) return 1;
  const quantile = chiSquareIsf(1 - alpha, p); // chi2(p).ppf(alpha)
  return alpha / (1 - upperRegularizedGamma((p + 2) / 2, quantile / 2));
}

/** Hyper-parameters of {@link MCDDetector}; defaults are PyOD's `MCD`. */
export interface MCDOptions extends DetectorOptions, SeedOptions {
  /** Share of rows in the raw support, in (0, 1] (default: h = ceil((n + p + 1) / 2)). */
  supportFraction?: number;
  /**
   * Seed for FastMCD's random subsets: a number restarts every `fit` from it, a RandomState is
   * advanced by each `fit` (see {@link Seed}). Omitted: seeded from OS entropy.
   */
  seed?: Seed;
  /** Threads for FastMCD (default: the machine's cores, at most 8); any count, the same result. */
  threads?: number;
  /** See {@link MinCovDetOptions.correction}: "consistency" (default, scikit-learn >= 1.8) or "median" (< 1.8). */
  correction?: MCDCorrection;
}

/**
 * Minimum Covariance Determinant outlier detector, PyOD's `MCD` (sklearn `MinCovDet`): rows far
 * from a robust estimate of the data's centre and shape are anomalous. Training scores are the
 * squared robust Mahalanobis distances (PyOD `decision_scores_` = sklearn `dist_`); `score`
 * gives the same distance for new rows (sklearn `mahalanobis`).
 *
 * Assumes inliers form one elliptical (roughly Gaussian) cloud and n > p; outliers may be up to
 * about half the rows. With p >= n it scores as PyOD does (the support is every row, see {@link minCovDet}). Constant (or linearly dependent) columns are scored as sklearn scores them: the
 * covariance is then singular and inverted by pinvh, so distances ignore the directions without variance.
 * Defaults: `contamination = 0.1`, `supportFraction` = sklearn's minimum, random subsets seeded
 * by `seed` (PyOD `random_state`). Complexity: see {@link minCovDet}; scoring is O(m p^2).
 *
 * @example
 * const mcd = new MCDDetector({ contamination: 0.05, seed: 42 }).fit(XTrain);
 * mcd.score(XTest); // squared Mahalanobis distances
 * mcd.location; mcd.covariance;
 */
export class MCDDetector extends BaseDetector<MinCovDetResult> {
  readonly supportFraction: number | undefined;
  readonly seed: Seed | undefined;
  readonly threads: number | undefined;
  readonly correction: MCDCorrection;

  constructor(options: MCDOptions = {}) {
    super(options);
    if (options.supportFraction !== undefined) checkSupportFraction(options.supportFraction);
    this.supportFraction = options.supportFraction;
    this.seed = seedOption(options, this.constructor.name);
    if (options.threads !== undefined) checkInteger(options.threads, "threads");
    this.threads = options.threads;
    this.correction = checkCorrection(options.correction);
  }

  protected override ownParams(): DetectorParams {
    return { supportFraction: this.supportFraction, seed: this.seed, threads: this.threads, correction: this.correction };
  }

  /** The MCD estimate: location, covariance, precision, supports, distances, raw estimate and correction. */
  protected override saveState(): Record<string, unknown> {
    const model = this.model;
    return {
      location: encodeArray(model.location),
      covariance: encodeMatrix(model.covariance),
      precision: encodeMatrix(model.precision),
      support: encodeArray(model.support),
      distances: encodeArray(model.distances),
      rawLocation: encodeArray(model.rawLocation),
      rawCovariance: encodeMatrix(model.rawCovariance),
      rawSupport: encodeArray(model.rawSupport),
      correction: model.correction,
    };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const { rows: n, cols: p } = fit;
    const square = { rows: p, cols: p };
    this.model = {
      location: state.float64("location", { length: p }),
      covariance: state.matrix("covariance", square),
      precision: state.matrix("precision", square),
      support: state.uint8("support", { length: n, max: 1 }),
      distances: state.float64("distances", { length: n }),
      rawLocation: state.float64("rawLocation", { length: p }),
      rawCovariance: state.matrix("rawCovariance", square),
      rawSupport: state.uint8("rawSupport", { length: n, max: 1 }),
      correction: state.number("correction"),
    };
  }

  /** The fitted MCD estimate (location, covariance, supports, raw estimate), copied. */
  get estimate(): MinCovDetResult {
    const model = this.model;
    return {
      ...model,
      location: model.location.slice(),
      covariance: copyMatrix(model.covariance),
      precision: copyMatrix(model.precision),
      support: model.support.slice(),
      distances: model.distances.slice(),
      rawLocation: model.rawLocation.slice(),
      rawCovariance: copyMatrix(model.rawCovariance),
      rawSupport: model.rawSupport.slice(),
    };
  }

  /** Robust location (sklearn `location_`), a copy. */
  get location(): Float64Array {
    return this.model.location.slice();
  }

  /** Robust covariance (sklearn `covariance_`), a copy. */
  get covariance(): Matrix {
    return copyMatrix(this.model.covariance);
  }

  /** Covariances and Mahalanobis distances square deviations: the base refuses values whose squares overflow. */
  protected override get squaresValues(): boolean {
    return true;
  }

  protected fitScores(X: Matrix): Float64Array {
    this.model = fitMinCovDet(checkMcdInput(X), {
      supportFraction: this.supportFraction,
      seed: generatorFor(this.seed),
      threads: this.threads,
      correction: this.correction,
    });
    warnIfRankDeficient(X, this.model.distances);
    return this.model.distances;
  }

  protected decisionScores(X: Matrix): Float64Array {
    return mahalanobisSquared(X, this.model.location, this.model.precision.data);
  }
}

/**
 * Constant columns are accepted, as scikit-learn's MinCovDet accepts them (it warns that the covariance is not
 * full rank and goes on): their log-determinant of -Infinity ends the C-steps and pinvh's pseudo-inverse gives
 * finite distances. So are more columns than rows (p >= n), as scikit-learn scores them: the support is then
 * every row ({@link mcdSupportSize}). Only a single row (sklearn's `ensure_min_samples=2`) and a support
 * covariance of all zeros (in correctAndReweight) are refused.
 */
function checkMcdInput(matrix: Matrix): Matrix {
  const { rows: n, cols: p } = matrix;
  if (n < 2) {
    throw new RangeError(`MCD needs at least 2 rows (scikit-learn's MinCovDet requires 2): X is ${n} x ${p}`);
  }
  return matrix;
}

/**
 * With as many columns as rows less one, the rows span fewer dimensions than the columns: the covariance is not
 * full rank (scikit-learn warns so and goes on) and distances live in the rows' span. If every training row then
 * gets the same score, the training scores cannot rank them: said, never silent.
 */
function warnIfRankDeficient(X: Matrix, distances: Float64Array): void {
  const { rows: n, cols: p } = X;
  if (p < n - 1) return;
  const first = distances[0];
  const same = distances.every((d) => Math.abs(d - first) <= 1e-9 * Math.abs(first));
  console.warn(
    `Warning: MCDDetector: X is ${n} x ${p} (at least as many columns as rows - 1): the covariance is not full rank, as ` +
      "scikit-learn warns; distances are measured within the rows' span" +
      (same ? `, and every training row gets the same score (${first.toPrecision(6)}): the training scores cannot rank ` +
        "these rows. Score other rows, or reduce the columns first (e.g. PCA)" : ""),
  );
}

function checkSupportFraction(fraction: number): number {
  checkNumberType(fraction, "supportFraction", "a number in (0, 1]");
  if (!(fraction > 0 && fraction <= 1)) {
    throw new RangeError(`supportFraction must be in (0, 1], got ${fraction}`);
  }
  return fraction;
}

function checkedSupportSize(X: Matrix, supportFraction: number | undefined): number {
  if (supportFraction !== undefined) checkSupportFraction(supportFraction);
  const h = mcdSupportSize(X.rows, X.cols, supportFraction);
  // A support of every row needs no subsets (p >= n under the default h); a smaller one with no more rows than
  // columns has a singular covariance in every C-step, whose determinants compare rounding noise.
  if (h < X.rows && h <= X.cols) {
    throw new RangeError(`MCD: the support (${h} rows) must have more rows than X has columns (${X.cols}); raise supportFraction`);
  }
  return h;
}
