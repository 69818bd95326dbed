import { BaseDetector, type DetectorOptions } from "../core/detector";
import type { Matrix } from "../core/matrix";
import { numpySum } from "../core/summation";
import { checkInteger } from "../core/validation";
import { checkNeighborSearchOptions, kNearest, type NeighborAlgorithm, type NeighborSearchOptions } from "../neighbors/k-nearest";
import { numbaArgsort } from "../linalg/numba-argsort";
import type { DetectorParams } from "../persistence/params";

/** Hyper-parameters of {@link SODDetector}; defaults are PyOD's. */
export interface SODOptions extends DetectorOptions, NeighborSearchOptions {
  /** Neighbours per row for the shared-neighbour similarity (default 20); must be below the number of rows. */
  nNeighbors?: number;
  /** Size of each row's reference set, at most `nNeighbors` (default 10). */
  refSet?: number;
  /** A feature is relevant where its variance in the reference set is below alpha times the mean variance, in [0, 1] (default 0.8). */
  alpha?: number;
}

/**
 * Subspace Outlier Degree (Kriegel et al. 2009), PyOD's `SOD`.
 *
 * Each row's reference set is the `refSet` rows sharing the most of its `nNeighbors` nearest neighbours
 * (shared-nearest-neighbour similarity). The features in which that set varies little (variance below
 * `alpha` times its mean variance per feature) span the subspace the row should lie in; the score is the
 * row's root mean squared deviation from the set's mean in those features (0 when there is none).
 *
 * As PyOD: the reference set is taken from numba's (unstable) `np.argsort` of the shared-neighbour counts, so
 * among equal counts (most are equal) the same rows are chosen; variances are numpy's (ddof 0).
 * **Scoring new rows is transductive, as in PyOD**: `score(X)` (PyOD's `decision_function`) computes SOD among
 * the rows of X alone, without the training rows, so a batch needs more than `nNeighbors` rows and a row's
 * score depends on its batch. Neighbour ties are taken by lower row index (scikit-learn's order among equal
 * distances is unspecified).
 *
 * Assumes features on comparable scales (standardise first).
 * Defaults: `nNeighbors = 20`, `refSet = 10`, `alpha = 0.8`, `contamination = 0.1`.
 * Complexity: one k-nearest-neighbour search, then O(n^2 log n) for the reference sets (an argsort of n
 * shared-neighbour counts per row, as PyOD) and O(n refSet d) for the scores; O(n) memory besides the neighbours.
 *
 * @example
 * const sod = new SODDetector({ contamination: 0.05 }).fit(X);
 * sod.trainingScores; // deviation in the row's low-variance subspace
 * sod.score(batch);   // SOD among the batch's own rows (batch.length > 20)
 */
export class SODDetector extends BaseDetector<true> {
  readonly nNeighbors: number;
  readonly refSet: number;
  readonly alpha: number;
  readonly algorithm: NeighborAlgorithm;
  readonly threads: number | undefined;

  constructor(options: SODOptions = {}) {
    super(options);
    this.nNeighbors = checkInteger(options.nNeighbors ?? 20, "nNeighbors");
    this.refSet = checkInteger(options.refSet ?? 10, "refSet");
    if (this.refSet > this.nNeighbors) {
      throw new RangeError(`refSet (${this.refSet}) must be at most nNeighbors (${this.nNeighbors})`);
    }
    const alpha = options.alpha ?? 0.8;
    if (typeof alpha !== "number" || !(alpha >= 0 && alpha <= 1)) throw new RangeError(`alpha must be in [0, 1], got ${alpha}`);
    this.alpha = alpha;
    ({ algorithm: this.algorithm, threads: this.threads } = checkNeighborSearchOptions(options));
  }

  protected override ownParams(): DetectorParams {
    const { nNeighbors, refSet, alpha, algorithm, threads } = this;
    return { nNeighbors, refSet, alpha, algorithm, threads };
  }

  /** Nothing: SOD scores a batch among its own rows. */
  protected override saveState(): Record<string, unknown> {
    return {};
  }

  protected override loadState(): void {
    this.model = true;
  }

  protected fitScores(X: Matrix): Float64Array {
    this.checkRows(X, "training rows");
    this.model = true; // SOD keeps nothing: every call computes among its own rows
    return this.subspaceScores(X);
  }

  protected decisionScores(X: Matrix): Float64Array {
    this.checkRows(X, "rows: it scores a batch among its own rows, as PyOD does");
    return this.subspaceScores(X);
  }

  private checkRows(X: Matrix, what: string): void {
    if (X.rows <= this.nNeighbors) {
      throw new RangeError(`SODDetector needs more than nNeighbors (${this.nNeighbors}) ${what}; got ${X.rows}`);
    }
  }

  private subspaceScores(Z: Matrix): Float64Array {
    const references = referenceSets(Z, this.nNeighbors, this.refSet, { algorithm: this.algorithm, threads: this.threads });
    const { rows: n, cols: d } = Z;
    const r = this.refSet;
    const means = new Float64Array(d);
    const variances = new Float64Array(d);
    const squares = new Float64Array(r * d);
    const relevant = new Float64Array(d);
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const set = references.subarray(i * r, (i + 1) * r);
      // np.mean(ref, axis=0) and np.var(ref, axis=0): the rows added in order per column.
      means.fill(0);
      for (const row of set) for (let j = 0; j < d; j++) means[j] += Z.data[row * d + j];
      for (let j = 0; j < d; j++) means[j] /= r;
      variances.fill(0);
      set.forEach((row, s) => {
        for (let j = 0; j < d; j++) {
          const deviation = Z.data[row * d + j] - means[j];
          squares[s * d + j] = deviation * deviation;
          variances[j] += deviation * deviation;
        }
      });
      const totalVariance = numpySum(squares) / r;
      const expected = (this.alpha * totalVariance) / d;
      let dimensions = 0;
      let deviation = 0;
      for (let j = 0; j < d; j++) {
        relevant[j] = variances[j] / r < expected ? 1 : 0;
        dimensions += relevant[j];
        const offset = Z.data[i * d + j] - means[j];
        deviation += relevant[j] * (offset * offset);
      }
      scores[i] = dimensions === 0 ? 0 : Math.sqrt(deviation / dimensions);
    }
    return scores;
  }
}

/**
 * Each row's `r` most similar rows by shared nearest neighbours (PyOD's `_snn_imp`): counts of common neighbours
 * with every row (the row itself set to the uint32 maximum), numba's argsort, reversed, the first skipped.
 */
function referenceSets(Z: Matrix, k: number, r: number, search: NeighborSearchOptions): Int32Array {
  const n = Z.rows;
  const { indices } = kNearest(Z, Z, k, { ...search, excludeSelf: true });
  // Who lists each row among its neighbours: counting shared neighbours is then O(k * in-degree) per row.
  const listedBy: number[][] = Array.from({ length: n }, () => []);
  for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) listedBy[indices[j * k + t]].push(j);
  const shared = new Float64Array(n);
  const sets = new Int32Array(n * r);
  for (let i = 0; i < n; i++) {
    shared.fill(0);
    // |N(i) ∩ N(j)| as sets (a neighbour list has no repeats).
    for (let t = 0; t < k; t++) for (const j of listedBy[indices[i * k + t]]) shared[j]++;
    shared[i] = 0xffffffff;
    const order = numbaArgsort(shared);
    for (let s = 0; s < r; s++) sets[i * r + s] = order[n - 2 - s];
  }
  return sets;
}
