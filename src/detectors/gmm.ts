import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import { generatorFor, seedOption, type Seed, type SeedOptions } from "../core/seed";
import type { Matrix } from "../core/matrix";
import { checkFiniteNumber, checkInteger } from "../core/validation";
import { sklearnKMeans } from "../cluster/sklearn-kmeans";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, type StateReader } from "../persistence/state-codec";

/** Hyper-parameters of {@link GMMDetector}; defaults are PyOD's (scikit-learn `GaussianMixture`'s). */
export interface GMMOptions extends DetectorOptions, SeedOptions {
  /** Mixture components (default 1). */
  nComponents?: number;
  /** EM stops when the mean log-likelihood changes by less than this (default 1e-3). */
  tol?: number;
  /** Added to every covariance diagonal so that it stays positive definite (default 1e-6). */
  regCovar?: number;
  /** Most EM iterations per initialisation (default 100). */
  maxIter?: number;
  /** Initialisations (k-means on the same generator, one after the other); the best log-likelihood wins (default 1). */
  nInit?: number;
  /**
   * Seed of the k-means initialisation (`random_state=seed`): a number restarts every `fit` from it, a RandomState is
   * advanced by each `fit` (see {@link Seed}). Omitted: seeded from OS entropy.
   */
  seed?: Seed;
}

const LOG_2PI = Math.log(2 * Math.PI);
/** numpy's float64 epsilon: scikit-learn adds 10 of them to every component's weight sum. */
const EPSILON = 2 ** -52;

interface Mixture {
  readonly k: number;
  readonly d: number;
  readonly weights: Float64Array;
  /** k x d. */
  readonly means: Float64Array;
  /** k x d x d upper-triangular Cholesky factors of the precisions (scikit-learn's `precisions_cholesky_`). */
  readonly precisionCholesky: Float64Array;
}

/**
 * Gaussian mixture outlier detector, PyOD's `GMM` = scikit-learn `GaussianMixture` with full covariances:
 * the score of a row is minus its log-likelihood under the fitted mixture (`-score_samples`).
 *
 * Fitted as scikit-learn does: responsibilities start from k-means labels ({@link sklearnKMeans}, so `seed: s`
 * gives `random_state=s`'s initial clusters), then EM alternates the log-responsibilities (log-sum-exp over the
 * weighted Gaussian log-densities, via the Cholesky factors of the precisions) and the weighted means and
 * covariances (`+ regCovar` on the diagonal) until the mean log-likelihood changes by less than `tol`.
 * With PyOD's default single component this is the Gaussian of the training mean and (ddof 0) covariance.
 * Only `covariance_type="full"` (PyOD's default) is offered.
 *
 * Scores agree with PyOD's to ~1e-12 relative (scikit-learn's BLAS products and LAPACK factorisations round
 * differently in the last bits, and EM iterates on them).
 *
 * Assumes normal data is a mixture of a few Gaussians.
 * Defaults: `nComponents = 1`, `tol = 1e-3`, `regCovar = 1e-6`, `maxIter = 100`, `nInit = 1`, `contamination = 0.1`.
 * Complexity: O(iterations · n · k · d²) plus O(k · d³) per iteration; scoring O(m · k · d²).
 *
 * @example
 * const gmm = new GMMDetector({ nComponents: 3, seed: 0, contamination: 0.05 }).fit(X);
 * gmm.trainingScores; // -log-likelihood
 * gmm.predict(XNew);
 */
export class GMMDetector extends BaseDetector<Mixture> {
  readonly nComponents: number;
  readonly tol: number;
  readonly regCovar: number;
  readonly maxIter: number;
  readonly nInit: number;
  readonly seed: Seed | undefined;
  private iterations = 0;
  private converged = false;

  constructor(options: GMMOptions = {}) {
    super(options);
    this.nComponents = checkInteger(options.nComponents ?? 1, "nComponents");
    this.tol = checkFiniteNumber(options.tol ?? 1e-3, "tol", 0);
    this.regCovar = checkFiniteNumber(options.regCovar ?? 1e-6, "regCovar");
    if (this.regCovar < 0) throw new RangeError(`regCovar must be >= 0, got ${this.regCovar}`);
    this.maxIter = checkInteger(options.maxIter ?? 100, "maxIter");
    this.nInit = checkInteger(options.nInit ?? 1, "nInit");
    this.seed = seedOption(options, this.constructor.name);
  }

  protected override ownParams(): DetectorParams {
    const { nComponents, tol, regCovar, maxIter, nInit, seed } = this;
    return { nComponents, tol, regCovar, maxIter, nInit, seed };
  }

  /** The mixture (weights, means, Cholesky factors of the precisions) and the EM run that found it. */
  protected override saveState(): Record<string, unknown> {
    const { weights, means, precisionCholesky } = this.model;
    return {
      weights: encodeArray(weights),
      means: encodeArray(means),
      precisionCholesky: encodeArray(precisionCholesky),
      iterations: this.iterations,
      converged: this.converged,
    };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const k = this.nComponents;
    const d = fit.cols;
    const precisionCholesky = state.float64("precisionCholesky", { length: k * d * d });
    // Their logarithms are taken: a factor's diagonal must be positive.
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) {
        const at = c * d * d + j * d + j;
        const entry = precisionCholesky[at];
        state.expect(entry > 0, `precisionCholesky[${at}]`, "> 0 (a diagonal entry)", entry);
      }
    }
    const weights = state.float64("weights", { length: k, above: 0 });
    this.model = { k, d, weights, means: state.float64("means", { length: k * d }), precisionCholesky };
    this.iterations = state.count("iterations");
    this.converged = state.boolean("converged");
  }

  /** Mixture weights of the fitted components (a copy). */
  get weights(): Float64Array {
    return this.model.weights.slice();
  }

  /** Component means, k x d row-major (a copy). */
  get means(): Float64Array {
    return this.model.means.slice();
  }

  /** EM iterations of the retained initialisation, and whether it converged within `maxIter`. */
  get convergence(): { iterations: number; converged: boolean } {
    return { iterations: this.iterations, converged: this.converged };
  }

  protected fitScores(X: Matrix): Float64Array {
    if (X.rows < 2) throw new RangeError(`GMMDetector needs at least 2 training rows, got ${X.rows}`);
    if (X.rows < this.nComponents) {
      throw new RangeError(`GMMDetector needs at least nComponents (${this.nComponents}) training rows, got ${X.rows}`);
    }
    const random = generatorFor(this.seed);
    let best: { mixture: Mixture; bound: number; iterations: number; converged: boolean } | undefined;
    for (let init = 0; init < this.nInit; init++) {
      const { labels } = sklearnKMeans(X, this.nComponents, random);
      const responsibilities = new Float64Array(X.rows * this.nComponents);
      for (let i = 0; i < X.rows; i++) responsibilities[i * this.nComponents + labels[i]] = 1;
      let mixture = this.estimate(X, responsibilities, X.rows);
      let bound = -Infinity;
      let converged = false;
      let iteration = 1;
      for (; iteration <= this.maxIter; iteration++) {
        const previous = bound;
        const { logNorms, logResponsibilities } = expectation(mixture, X);
        mixture = this.estimate(X, logResponsibilities.map(Math.exp));
        bound = mean(logNorms);
        if (Math.abs(bound - previous) < this.tol) {
          converged = true;
          break;
        }
      }
      if (best === undefined || bound > best.bound) best = { mixture, bound, iterations: Math.min(iteration, this.maxIter), converged };
    }
    const chosen = best as NonNullable<typeof best>;
    this.iterations = chosen.iterations;
    this.converged = chosen.converged;
    this.model = chosen.mixture;
    return this.decisionScores(X);
  }

  protected decisionScores(X: Matrix): Float64Array {
    return expectation(this.model, X).logNorms.map((value) => -value);
  }

  /**
   * scikit-learn's `_estimate_gaussian_parameters` (full covariances) and precision Cholesky factors. The weights are
   * the responsibility sums divided by `normaliser` (n at initialisation) or by their own total (after an E-step).
   */
  private estimate(X: Matrix, responsibilities: Float64Array, normaliser?: number): Mixture {
    const { rows: n, cols: d } = X;
    const k = this.nComponents;
    const weights = new Float64Array(k);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) weights[c] += responsibilities[i * k + c];
    for (let c = 0; c < k; c++) weights[c] += 10 * EPSILON;
    const means = new Float64Array(k * d);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const r = responsibilities[i * k + c];
        for (let j = 0; j < d; j++) means[c * d + j] += r * X.data[i * d + j];
      }
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means[c * d + j] /= weights[c];
    const precisionCholesky = new Float64Array(k * d * d);
    const covariance = new Float64Array(d * d);
    const difference = new Float64Array(d);
    for (let c = 0; c < k; c++) {
      covariance.fill(0);
      for (let i = 0; i < n; i++) {
        const r = responsibilities[i * k + c];
        for (let j = 0; j < d; j++) difference[j] = X.data[i * d + j] - means[c * d + j];
        for (let a = 0; a < d; a++) {
          const weighted = r * difference[a];
          for (let b = 0; b < d; b++) covariance[a * d + b] += weighted * difference[b];
        }
      }
      for (let p = 0; p < d * d; p++) covariance[p] /= weights[c];
      for (let j = 0; j < d; j++) covariance[j * d + j] += this.regCovar;
      precisionCholesky.set(inverseCholeskyTransposed(covariance, d, c), c * d * d);
    }
    let total = normaliser ?? 0;
    if (normaliser === undefined) for (let c = 0; c < k; c++) total += weights[c];
    for (let c = 0; c < k; c++) weights[c] /= total;
    return { k, d, weights, means, precisionCholesky };
  }
}

/**
 * Weighted Gaussian log-densities of each row, their log-sum-exp (`logNorms`, the row's log-likelihood) and the
 * log-responsibilities (scikit-learn's `_estimate_log_prob_resp`).
 */
function expectation(mixture: Mixture, X: Matrix): { logNorms: Float64Array; logResponsibilities: Float64Array } {
  const { k, d, weights, means, precisionCholesky } = mixture;
  const n = X.rows;
  const weighted = new Float64Array(n * k);
  const projectedMean = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    const P = precisionCholesky.subarray(c * d * d, (c + 1) * d * d);
    let logDet = 0;
    for (let j = 0; j < d; j++) logDet += Math.log(P[j * d + j]);
    for (let b = 0; b < d; b++) {
      let sum = 0;
      for (let a = 0; a < d; a++) sum += means[c * d + a] * P[a * d + b];
      projectedMean[b] = sum;
    }
    const logWeight = Math.log(weights[c]);
    for (let i = 0; i < n; i++) {
      let squares = 0;
      for (let b = 0; b < d; b++) {
        let sum = 0;
        for (let a = 0; a < d; a++) sum += X.data[i * d + a] * P[a * d + b];
        const y = sum - projectedMean[b];
        squares += y * y;
      }
      weighted[i * k + c] = -0.5 * (d * LOG_2PI + squares) + logDet + logWeight;
    }
  }
  const logNorms = new Float64Array(n);
  const logResponsibilities = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let largest = -Infinity;
    for (let c = 0; c < k; c++) largest = Math.max(largest, weighted[i * k + c]);
    let total = 0;
    for (let c = 0; c < k; c++) total += Math.exp(weighted[i * k + c] - largest);
    logNorms[i] = largest + Math.log(total);
    for (let c = 0; c < k; c++) logResponsibilities[i * k + c] = weighted[i * k + c] - logNorms[i];
  }
  return { logNorms, logResponsibilities };
}

/** (L^-1)^T for the Cholesky factor L of a symmetric positive-definite d x d matrix (upper triangular). */
function inverseCholeskyTransposed(S: Float64Array, d: number, component: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let diagonal = S[j * d + j];
    for (let t = 0; t < j; t++) diagonal -= L[j * d + t] * L[j * d + t];
    if (!(diagonal > 0)) {
      throw new RangeError(
        `GMMDetector: component ${component}'s covariance is not positive definite (a singleton or collapsed cluster); ` +
          "use fewer components, a larger regCovar, or scale the data",
      );
    }
    const root = Math.sqrt(diagonal);
    L[j * d + j] = root;
    for (let i = j + 1; i < d; i++) {
      let value = S[i * d + j];
      for (let t = 0; t < j; t++) value -= L[i * d + t] * L[j * d + t];
      L[i * d + j] = value / root;
    }
  }
  // Forward substitution L Y = I, column by column; the result is returned transposed.
  const transposedInverse = new Float64Array(d * d);
  for (let column = 0; column < d; column++) {
    for (let i = column; i < d; i++) {
      let value = i === column ? 1 : 0;
      for (let t = column; t < i; t++) value -= L[i * d + t] * transposedInverse[column * d + t];
      transposedInverse[column * d + i] = value / L[i * d + i];
    }
  }
  return transposedInverse;
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
