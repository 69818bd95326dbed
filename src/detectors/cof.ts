import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import type { Matrix } from "../core/matrix";
import { numpySum } from "../core/summation";
import { checkInteger } from "../core/validation";
import { checkNeighborSearchOptions, kNearest, type NeighborAlgorithm, type NeighborSearchOptions } from "../neighbors/k-nearest";
import type { DetectorParams } from "../persistence/params";
import { type StateReader } from "../persistence/state-codec";

/** Hyper-parameters of {@link COFDetector}; defaults are PyOD's. */
export interface COFOptions extends DetectorOptions, NeighborSearchOptions {
  /** Neighbourhood size k (default 20); clamped to n - 1 on small training data, as PyOD does. */
  nNeighbors?: number;
}

/**
 * Connectivity-based Outlier Factor (Tang et al. 2002), PyOD's `COF` with `method="fast"`.
 *
 * Each row's k nearest neighbours, nearest first, form its path; the j-th step of the path costs the
 * distance from the j-th neighbour to the nearest of the row and the neighbours before it. The average
 * chaining distance weights step h (1-based) by `2 (k + 1 - h) / ((k + 1) k)`; the score is the row's
 * average chaining distance times k divided by the sum of its neighbours' (about 1 inside clusters, larger
 * for outliers). As PyOD's `np.nan_to_num`, 0 / 0 gives 0 and x / 0 the largest double.
 *
 * **Scoring new rows is transductive, as in PyOD**: `score(X)` (PyOD's `decision_function`) computes COF
 * among the rows of X alone, with the fit's k, without the training rows, so a batch needs more than k rows
 * and a row's score depends on its batch. The training scores are the same computation on the training rows.
 *
 * Distances are `sqrt` of numpy's pairwise sum of squared differences (scipy's `distance_matrix`). Rows at
 * equal distance are ordered by lower index (PyOD's `np.argsort` order among ties depends on the CPU's sort
 * kernel), so scores can differ from PyOD's where a tie decides the k-th neighbour. PyOD's "fast" method
 * holds the full n x n distance matrix; here one k-nearest-neighbour search keeps memory at O(n k).
 *
 * Assumes features on comparable scales (standardise first).
 * Defaults: `nNeighbors = 20`, `contamination = 0.1`.
 * Complexity: one k-nearest-neighbour search, then O(n k^2 d), per fit and per `score` call.
 *
 * @example
 * const cof = new COFDetector({ nNeighbors: 20, contamination: 0.05 }).fit(X);
 * cof.trainingScores; // ~1 inside clusters, larger for isolated rows
 * cof.score(batch);   // COF among the batch's own rows (batch.length > 20)
 */
export class COFDetector extends BaseDetector<{ readonly k: number }> {
  readonly nNeighbors: number;
  readonly algorithm: NeighborAlgorithm;
  readonly threads: number | undefined;

  constructor(options: COFOptions = {}) {
    super(options);
    this.nNeighbors = checkInteger(options.nNeighbors ?? 20, "nNeighbors");
    ({ algorithm: this.algorithm, threads: this.threads } = checkNeighborSearchOptions(options));
  }

  protected override ownParams(): DetectorParams {
    return { nNeighbors: this.nNeighbors, algorithm: this.algorithm, threads: this.threads };
  }

  /** Only the neighbourhood size: COF scores a batch among its own rows. */
  protected override saveState(): Record<string, unknown> {
    return { k: this.model.k };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const k = Math.min(this.nNeighbors, fit.rows - 1);
    this.model = { k: state.count("k", k, k) };
  }

  /** The neighbourhood size actually used: min(nNeighbors, n - 1) of the training rows, as PyOD. */
  get effectiveNeighbors(): number {
    return this.model.k;
  }

  protected fitScores(X: Matrix): Float64Array {
    if (X.rows < 2) throw new RangeError(`COFDetector needs at least 2 training rows, got ${X.rows}`);
    this.model = { k: Math.min(this.nNeighbors, X.rows - 1) };
    return this.connectivityScores(X);
  }

  protected decisionScores(X: Matrix): Float64Array {
    const { k } = this.model;
    if (X.rows <= k) {
      throw new RangeError(
        `COFDetector scores a batch among its own rows, as PyOD does: it needs more than ${k} rows (nNeighbors), got ${X.rows}`,
      );
    }
    return this.connectivityScores(X);
  }

  private connectivityScores(Z: Matrix): Float64Array {
    const { k } = this.model;
    const n = Z.rows;
    // The k + 1 nearest rows of each row, itself included (ties by lower index, as a stable argsort).
    const nearest = kNearest(Z, Z, k + 1, { algorithm: this.algorithm, threads: this.threads });
    const path = new Int32Array(k + 1);
    const pathDistance = new Float64Array(k + 1);
    const chaining = new Float64Array(k);
    const neighbours = new Int32Array(n * k);
    const averageChaining = new Float64Array(n);
    const squares = new Float64Array(Z.cols);
    const distance = (a: number, b: number) => numpyDistance(Z, a, b, squares);
    for (let i = 0; i < n; i++) {
      // The path in numpy's distance order (the search's distances are summed in another order).
      for (let p = 0; p <= k; p++) {
        path[p] = nearest.indices[i * (k + 1) + p];
        pathDistance[p] = distance(i, path[p]);
      }
      sortPath(path, pathDistance);
      for (let j = 0; j < k; j++) {
        neighbours[i * k + j] = path[j + 1];
        let cost = Infinity;
        for (let t = 0; t <= j; t++) cost = Math.min(cost, distance(path[j + 1], path[t]));
        chaining[j] = ((2 * (k + 1 - (j + 1))) / ((k + 1) * k)) * cost;
      }
      averageChaining[i] = numpySum(chaining);
    }
    const scores = new Float64Array(n);
    const around = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) around[j] = averageChaining[neighbours[i * k + j]];
      scores[i] = nanToNum((averageChaining[i] * k) / numpySum(around));
    }
    return scores;
  }
}

/** sqrt(np.sum((b - a) ** 2)) over the row's features in numpy's pairwise order (scipy's distance_matrix). */
function numpyDistance(Z: Matrix, a: number, b: number, squares: Float64Array): number {
  const d = Z.cols;
  for (let j = 0; j < d; j++) {
    const difference = Z.data[b * d + j] - Z.data[a * d + j];
    squares[j] = difference * difference;
  }
  return Math.sqrt(numpySum(squares));
}

/** Orders the path by distance, ties by lower row index (insertion sort: k is small). */
function sortPath(path: Int32Array, distances: Float64Array): void {
  for (let p = 1; p < path.length; p++) {
    const row = path[p];
    const value = distances[p];
    let q = p - 1;
    while (q >= 0 && (distances[q] > value || (distances[q] === value && path[q] > row))) {
      path[q + 1] = path[q];
      distances[q + 1] = distances[q];
      q--;
    }
    path[q + 1] = row;
    distances[q + 1] = value;
  }
}

/** `np.nan_to_num`: NaN (0 / 0) to 0, +-Infinity to +-the largest double. */
function nanToNum(value: number): number {
  if (Number.isNaN(value)) return 0;
  if (value === Infinity) return Number.MAX_VALUE;
  if (value === -Infinity) return -Number.MAX_VALUE;
  return value;
}
