import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import { copyMatrix, createMatrix, type Matrix, type MatrixInput } from "../core/matrix";
import { numpySum } from "../core/summation";
import { checkInteger, checkNumberType, describeValue } from "../core/validation";
import { StandardScaler } from "../preprocessing/scalers";
import { defaultThreadCount } from "../threads/pool";
import { eigenRows, maskedCovariance, maskedMean } from "../linalg/covariance";
import { denseKernels } from "../linalg/dense-kernels";
import { distanceScores, passesOnThreads } from "../decomposition/pca-rows";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, encodeMatrix, type StateReader } from "../persistence/state-codec";

/** How {@link PCADetector} turns the principal components into a score. */
export type PCAMethod = "distance" | "reconstruction";

/** Hyper-parameters of {@link PCADetector}; defaults are PyOD's `PCA`. */
export interface PCAOptions extends DetectorOptions {
  /**
   * Components to keep: an integer in [1, min(n, p)], or a fraction in (0, 1) = the fewest
   * components whose cumulative explained variance ratio exceeds it (sklearn). Default: all.
   */
  nComponents?: number;
  /** "distance" scoring only: use the last (smallest-variance) k kept components. Default: all kept. */
  nSelectedComponents?: number;
  /** "distance" scoring only: divide each component's term by its explained variance ratio (default true). */
  weighted?: boolean;
  /** Standardise columns (StandardScaler, fitted on the training rows) before PCA (default true). */
  standardization?: boolean;
  /**
   * "distance" (default): PyOD's score. "reconstruction": squared error of reconstructing the
   * (standardised) row from the first `nComponents` components; needs nComponents < p.
   */
  method?: PCAMethod;
  /** Threads for the passes over the rows (default: the machine's cores, at most 8); any count, the same scores. */
  threads?: number;
  /**
   * The components' signs (PyOD's distance score depends on them): "largest-entry" (default, scikit-learn >= 1.5:
   * each component's largest-magnitude entry positive) or "row-votes" (scikit-learn < 1.5's `svd_flip` on U: the
   * training row projecting farthest on a component projects positively), which PyOD's published benchmark and
   * ADBench ran on.
   */
  signs?: PCASigns;
}

/** See {@link PCAOptions.signs}. */
export type PCASigns = "largest-entry" | "row-votes";

interface PCAModel {
  readonly scaler: StandardScaler | undefined;
  /** sklearn `mean_`: column means of the (standardised) training data. */
  readonly mean: Float64Array;
  /** Kept components as rows (k x p), sklearn's signs. */
  readonly components: Matrix;
  readonly explainedVariance: Float64Array;
  readonly explainedVarianceRatio: Float64Array;
  /** Index of the first component used by "distance" scoring. */
  readonly firstSelected: number;
  readonly weights: Float64Array;
}

/**
 * Principal-component outlier detector with PyOD's `PCA` semantics, or the reconstruction
 * error of a k-component PCA.
 *
 * "distance" (PyOD, default): the columns are standardised, sklearn's full-SVD PCA is fitted, and
 * with the selected components v_j (the last `nSelectedComponents`, i.e. the smallest-variance
 * ones) and their explained variance ratios r_j, the score of a standardised row x is
 * `sum_j ||x - v_j|| / r_j`: PyOD's `cdist(X, selected_components_) / w` is the Euclidean
 * distance from x to the unit vector v_j taken as a point (not the projection on v_j), and the
 * weight is the explained variance RATIO (with `weighted: false`, 1). Reproduced as PyOD
 * computes it, including component signs (sklearn's `svd_flip`, component-based since scikit-learn 1.5).
 *
 * "reconstruction": `||x - x_hat||^2`, x_hat = the projection of x on the first `nComponents`
 * components (sklearn `inverse_transform(transform(x))`), a common baseline for autoencoders.
 *
 * Assumes inliers lie near a linear subspace. Components come from the eigendecomposition of the
 * p x p covariance (equal to sklearn's SVD up to rounding unless eigenvalues are tied).
 * Complexity: O(n p^2 + p^3) to fit, O(m p k) to score.
 *
 * @example
 * const pca = new PCADetector({ contamination: 0.05 }).fit(XTrain); // PyOD defaults
 * const errors = new PCADetector({ method: "reconstruction", nComponents: 2 }).fit(XTrain).score(XTest);
 */
export class PCADetector extends BaseDetector<PCAModel> {
  readonly nComponents: number | undefined;
  readonly nSelectedComponents: number | undefined;
  readonly weighted: boolean;
  readonly standardization: boolean;
  readonly method: PCAMethod;
  readonly threads: number | undefined;
  readonly signs: PCASigns;

  constructor(options: PCAOptions = {}) {
    super(options);
    this.threads = options.threads === undefined ? undefined : checkInteger(options.threads, "threads");
    const signs: unknown = options.signs ?? "largest-entry";
    if (signs !== "largest-entry" && signs !== "row-votes") {
      throw new RangeError(`signs must be "largest-entry" or "row-votes", got ${describeValue(signs)}`);
    }
    this.signs = signs;
    this.nComponents = options.nComponents;
    if (this.nComponents !== undefined) {
      checkNumberType(this.nComponents, "nComponents", "a fraction in (0, 1) or an integer >= 1");
    }
    if (this.nComponents !== undefined && !(this.nComponents > 0 && this.nComponents < 1)) checkInteger(this.nComponents, "nComponents");
    this.nSelectedComponents = options.nSelectedComponents === undefined ? undefined : checkInteger(options.nSelectedComponents, "nSelectedComponents");
    this.weighted = options.weighted ?? true;
    this.standardization = options.standardization ?? true;
    this.method = options.method ?? "distance";
    if (this.method !== "distance" && this.method !== "reconstruction") {
      throw new RangeError(`method must be "distance" or "reconstruction", got ${String(this.method)}`);
    }
    if (this.method === "reconstruction" && this.nComponents === undefined) {
      throw new RangeError('method "reconstruction" needs nComponents (fewer components than columns)');
    }
  }

  protected override ownParams(): DetectorParams {
    const { nComponents, nSelectedComponents, weighted, standardization, method, threads, signs } = this;
    return { nComponents, nSelectedComponents, weighted, standardization, method, threads, signs };
  }

  /**
   * The standardisation's column statistics (when standardising), the column means, the kept components, their
   * explained variances and ratios, the first selected component and the weights.
   */
  protected override saveState(): Record<string, unknown> {
    const { scaler, mean, components, explainedVariance, explainedVarianceRatio, firstSelected, weights } = this.model;
    return {
      scaler:
        scaler === undefined
          ? null
          : { mean: encodeArray(scaler.mean), variance: encodeArray(scaler.variance), scale: encodeArray(scaler.scale) },
      mean: encodeArray(mean),
      components: encodeMatrix(components),
      explainedVariance: encodeArray(explainedVariance),
      explainedVarianceRatio: encodeArray(explainedVarianceRatio),
      firstSelected,
      weights: encodeArray(weights),
    };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const p = fit.cols;
    const components = state.matrix("components", { cols: p });
    const kept = components.rows;
    const rank = Math.min(fit.rows, p);
    state.expect(kept >= 1 && kept <= rank, "components.rows", `in [1, ${rank}]`, kept);
    let scaler: StandardScaler | undefined;
    if (this.standardization) {
      const statistics = state.object("scaler");
      scaler = StandardScaler.fromStatistics(
        statistics.float64("mean", { length: p }),
        statistics.float64("variance", { length: p, min: 0 }),
        statistics.float64("scale", { length: p, above: 0 }),
      );
    } else {
      state.expect(state.raw("scaler") === null, "scaler", "null (standardization is false)", state.raw("scaler"));
    }
    const firstSelected = state.count("firstSelected", 0, kept - 1);
    const weights = state.float64("weights", { length: kept, min: 0 });
    if (this.method === "distance") {
      for (let c = firstSelected; c < kept; c++) {
        state.expect(weights[c] > 0, `weights[${c}]`, "> 0 (a selected component's weight)", weights[c]);
      }
    }
    this.model = {
      scaler,
      mean: state.float64("mean", { length: p }),
      components,
      explainedVariance: state.float64("explainedVariance", { length: kept, min: 0 }),
      explainedVarianceRatio: state.float64("explainedVarianceRatio", { length: kept, min: 0 }),
      firstSelected,
      weights,
    };
  }

  /** Kept principal axes as rows, k x p (sklearn `components_`), a copy. */
  get components(): Matrix {
    return copyMatrix(this.model.components);
  }

  /** Variance along each kept component (sklearn `explained_variance_`). */
  get explainedVariance(): Float64Array {
    return this.model.explainedVariance.slice();
  }

  /** Share of the total variance along each kept component (sklearn `explained_variance_ratio_`). */
  get explainedVarianceRatio(): Float64Array {
    return this.model.explainedVarianceRatio.slice();
  }

  /**
   * Coordinates of rows on the kept components (sklearn `transform`, after standardisation).
   * @example new PCADetector({ nComponents: 2 }).fit(X).transform(X); // n x 2, e.g. for a scatter plot
   */
  transform(X: MatrixInput): Matrix {
    const model = this.model;
    const input = this.scoringMatrix(X);
    const rows = this.prepare(input, model);
    const k = model.components.rows;
    const p = rows.cols;
    const out = new Float64Array(rows.rows * k);
    for (let i = 0; i < rows.rows; i++) {
      for (let c = 0; c < k; c++) {
        let sum = 0;
        for (let j = 0; j < p; j++) sum += (rows.data[i * p + j] - model.mean[j]) * model.components.data[c * p + j];
        out[i * k + c] = sum;
      }
    }
    return createMatrix(rows.rows, k, out);
  }

  /** Standardisation, covariance and scores square deviations: the base refuses values whose squares overflow. */
  protected override get squaresValues(): boolean {
    return true;
  }

  protected fitScores(X: Matrix): Float64Array {
    const { rows: n, cols: p } = X;
    if (n < 2) throw new RangeError(`PCADetector needs at least 2 rows, got ${n}`);
    const threads = this.threads ?? defaultThreadCount();
    // PyOD's score from one WebAssembly copy of the rows (standardised there in place), where available.
    // Row votes need the standardised rows here, so they take the TypeScript path.
    const resident = this.method === "distance" && this.signs === "largest-entry" && !passesOnThreads(X, p, threads);
    const kernels = resident ? denseKernels() : null;
    const passes = kernels?.residentRows(X.data, n, p);
    let scaler: StandardScaler | undefined;
    let data = X;
    let mean: Float64Array;
    let covariance: Float64Array;
    if (passes !== undefined) {
      scaler = this.standardization ? new StandardScaler().fitMoments(n, p, passes.moments((sums) => sums.map((sum) => sum / n))) : undefined;
      if (scaler !== undefined) passes.standardize(scaler.mean, scaler.scale);
      mean = passes.columnMean();
      covariance = passes.covariance(mean, 1);
    } else {
      scaler = this.standardization ? new StandardScaler().fitValidated(X) : undefined;
      data = scaler ? scaler.transformValidated(X) : X;
      mean = maskedMean(data);
      covariance = maskedCovariance(data, mean, undefined, 1);
    }
    // Eigenvectors as rows: row k belongs to values[k] (ascending).
    const { values, rows: vectors } = passes !== undefined ? passes.eigenRows(covariance) : eigenRows(covariance, p);

    const rank = Math.min(n, p);
    const order = Array.from({ length: p }, (_, k) => p - 1 - k).slice(0, rank); // descending eigenvalues
    const explained = Float64Array.from(order, (k) => Math.max(values[k], 0));
    const total = numpySum(explained);
    if (!(total > 0)) throw new RangeError(`PCADetector: every column of X is constant (${n} rows); there is no variance to explain`);
    const ratios = explained.map((value) => value / total);
    const kept = this.componentCount(ratios, rank);
    if (this.method === "reconstruction" && kept >= p) {
      throw new RangeError(`method "reconstruction" needs nComponents below the number of columns (${p}), got ${kept}`);
    }
    const components = new Float64Array(kept * p);
    for (let c = 0; c < kept; c++) {
      for (let j = 0; j < p; j++) components[c * p + j] = vectors[order[c] * p + j];
    }
    const zero = zeroVarianceRatio(ratios, p);
    if (this.signs === "row-votes") {
      flipByRowVotes(components, kept, data, mean);
      // A zero-variance component's projections are rounding noise, so its vote is noise too: it takes the
      // largest-entry rule instead (on test/detectors-null-variance.test.ts's data, the sign of PyOD's).
      for (let c = 0; c < kept; c++) if (ratios[c] <= zero) flipByLargestEntry(components, c, p);
    } else {
      for (let c = 0; c < kept; c++) flipByLargestEntry(components, c, p);
    }
    const selected = this.nSelectedComponents ?? kept;
    if (selected > kept) {
      throw new RangeError(`nSelectedComponents (${selected}) must be at most the number of kept components (${kept})`);
    }
    const weights = this.weighted ? zeroVarianceFloored(ratios.slice(0, kept), zero) : new Float64Array(kept).fill(1);
    this.model = {
      scaler,
      mean,
      components: createMatrix(kept, p, components),
      explainedVariance: explained.slice(0, kept),
      explainedVarianceRatio: ratios.slice(0, kept),
      firstSelected: kept - selected,
      weights,
    };
    if (passes !== undefined) return passes.distances(components, kept, kept - selected, weights);
    return this.scoreRows(data, this.model);
  }

  protected decisionScores(X: Matrix): Float64Array {
    const model = this.model;
    return this.scoreRows(this.prepare(X, model), model);
  }

  private componentCount(ratios: Float64Array, rank: number): number {
    const requested = this.nComponents;
    if (requested === undefined) return rank;
    if (requested < 1) {
      // sklearn: searchsorted(cumsum(ratios), fraction, side="right") + 1
      let cumulative = 0;
      let count = 0;
      for (const ratio of ratios) {
        cumulative += ratio;
        if (cumulative <= requested) count++;
      }
      return Math.min(count + 1, rank);
    }
    if (requested > rank) throw new RangeError(`nComponents (${requested}) must be at most min(rows, columns) = ${rank}`);
    return requested;
  }

  private prepare(X: Matrix, model: PCAModel): Matrix {
    return model.scaler ? model.scaler.transformValidated(X) : X;
  }

  private scoreRows(X: Matrix, model: PCAModel): Float64Array {
    return this.method === "distance"
      ? distanceScores(X, model.components, model.weights, model.firstSelected, this.threads ?? defaultThreadCount())
      : reconstructionErrors(X, model);
  }
}

/** scikit-learn >= 1.5's `svd_flip(u_based_decision=False)` for component c: its largest-magnitude entry (the first on ties) positive. */
function flipByLargestEntry(components: Float64Array, c: number, p: number): void {
  let largest = c * p;
  for (let j = c * p + 1; j < (c + 1) * p; j++) if (Math.abs(components[j]) > Math.abs(components[largest])) largest = j;
  if (components[largest] < 0) for (let j = c * p; j < (c + 1) * p; j++) components[j] = -components[j];
}

/**
 * scikit-learn < 1.5's `svd_flip(U, Vt)`: for each component, the training row whose centred projection is
 * largest in magnitude (the first on ties, as numpy's argmax) must project positively.
 */
function flipByRowVotes(components: Float64Array, k: number, X: Matrix, mean: Float64Array): void {
  const p = X.cols;
  const largest = new Float64Array(k).fill(-1);
  const negative = new Uint8Array(k);
  // The projections (n x k dot products of p terms: most of a row-votes fit) in WebAssembly SIMD where available:
  // dense.c's dot_rows sums each one over the features in order, as the loop below, so the same bits.
  const session = denseKernels()?.rowDots(components, k, p);
  const projections = new Float64Array(k);
  let chunk = new Float64Array(0);
  for (let i = 0; i < X.rows; i++) {
    const r = i % CENTRED_CHUNK;
    if (r === 0) {
      // Rows centred a chunk at a time (a fresh array per chunk: the session copies a new source in).
      chunk = new Float64Array(Math.min(CENTRED_CHUNK, X.rows - i) * p);
      for (let q = 0; q < chunk.length; q++) chunk[q] = X.data[i * p + q] - mean[q % p];
    }
    if (session !== undefined) {
      projections.set(session.dotsOf(chunk, r));
    } else {
      for (let c = 0; c < k; c++) {
        let projection = 0;
        for (let j = 0; j < p; j++) projection += chunk[r * p + j] * components[c * p + j];
        projections[c] = projection;
      }
    }
    for (let c = 0; c < k; c++) {
      const projection = projections[c];
      if (Math.abs(projection) > largest[c]) {
        largest[c] = Math.abs(projection);
        negative[c] = projection < 0 ? 1 : 0;
      }
    }
  }
  for (let c = 0; c < k; c++) {
    if (negative[c] === 1) for (let j = 0; j < p; j++) components[c * p + j] = -components[c * p + j];
  }
}

/** Rows centred at a time by {@link flipByRowVotes}. */
const CENTRED_CHUNK = 1024;

/** sklearn: ((x - inverse_transform(transform(x)))^2).sum(), with the kept components. */
function reconstructionErrors(X: Matrix, model: PCAModel): Float64Array {
  const p = X.cols;
  const { components, mean } = model;
  const k = components.rows;
  const coordinates = new Float64Array(k);
  const errors = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    for (let c = 0; c < k; c++) {
      let sum = 0;
      for (let j = 0; j < p; j++) sum += (X.data[i * p + j] - mean[j]) * components.data[c * p + j];
      coordinates[c] = sum;
    }
    let error = 0;
    for (let j = 0; j < p; j++) {
      let reconstructed = 0;
      for (let c = 0; c < k; c++) reconstructed += coordinates[c] * components.data[c * p + j];
      const residual = X.data[i * p + j] - (reconstructed + mean[j]);
      error += residual * residual;
    }
    errors[i] = error;
  }
  return errors;
}

/**
 * The explained variance ratio at or below which a component has no variance: this eigendecomposition leaves
 * ~eps * largest on such components, and scipy's pinvh treats eigenvalues <= p * eps * largest as zero.
 */
function zeroVarianceRatio(ratios: Float64Array, p: number): number {
  return p * Number.EPSILON * ratios[0];
}

/**
 * PyOD's weights 1 / ratio, for components along which the training data does not vary (constant or linearly
 * dependent columns, fewer rows than columns): PyOD's published benchmark ran on scikit-learn's full SVD, whose
 * ratio there is rounding noise of ~eps^2 * largest, so dividing by it makes those components decide every
 * score. They get the common ratio eps^2 * largest, for the same effect without the noise. Where the SVD returns
 * an exact 0 (a constant column), PyOD scores every row +Infinity; so it does on scikit-learn >= 1.5, whose
 * covariance_eigh solver clips them to 0.
 */
function zeroVarianceFloored(ratios: Float64Array, zero: number): Float64Array {
  const floor = Number.EPSILON * Number.EPSILON * ratios[0];
  return ratios.map((ratio) => (ratio <= zero ? floor : ratio));
}

