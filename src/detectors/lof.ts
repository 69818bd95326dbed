import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import type { Matrix } from "../core/matrix";
import { numpyMean } from "../core/summation";
import { checkInteger } from "../core/validation";
import { checkNeighborSearchOptions, kNearest, type KNearestResult, type NeighborAlgorithm, type NeighborSearchOptions, sameMatrixValues, withSelfIncluded } from "../neighbors/k-nearest";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, encodeMatrix, type StateReader } from "../persistence/state-codec";
import { encodeNeighbours, readNeighbours } from "../neighbors/saved-neighbours";

/** Hyper-parameters of {@link LOFDetector}; defaults are PyOD's / scikit-learn's. */
export interface LOFOptions extends DetectorOptions, NeighborSearchOptions {
  /** Neighbourhood size k (default 20); clamped to n - 1 on small data, as scikit-learn does. */
  nNeighbors?: number;
}

/** scikit-learn adds this to mean reachability distances so that duplicates do not divide by zero. */
const DUPLICATE_GUARD = 1e-10;

interface LOFModel {
  readonly train: Matrix;
  readonly k: number;
  /** Training neighbours (each row excluding itself). */
  readonly neighbours: KNearestResult;
  /** Distance of each training row to its k-th neighbour. */
  readonly kDistance: Float64Array;
  /** Local reachability density of each training row. */
  readonly lrd: Float64Array;
}

/**
 * Local Outlier Factor (Breunig et al. 2000), PyOD's `LOF` = scikit-learn's
 * `LocalOutlierFactor(novelty=True)` with Euclidean distance.
 *
 * Compares each row's local density with its neighbours': the reachability
 * distance to a neighbour o is `max(d(x, o), k-distance(o))`, the local
 * reachability density is `1 / (mean reachability distance + 1e-10)`, and the
 * score is the mean of `lrd(o) / lrd(x)` over the k neighbours (about 1 inside
 * clusters, well above 1 for outliers). Training scores are PyOD's
 * `decision_scores_` (= -`negative_outlier_factor_`), each row excluding itself
 * from its neighbours; `score` on new rows is PyOD's `decision_function`
 * (= -`score_samples`). Duplicated rows behave as in scikit-learn: a row with
 * more than k duplicates has density 1e10.
 *
 * Assumes features on comparable scales (standardise first). With fewer than
 * k + 1 training rows, k becomes n - 1 (`effectiveNeighbors`), like scikit-learn.
 * Rows tied at the k-th distance: neighbours are taken by lower row index;
 * scikit-learn's choice among ties is unspecified, so scores can differ there.
 *
 * Defaults: `nNeighbors = 20`, `contamination = 0.1`.
 * Complexity: one k-nearest-neighbour search to fit (k-d tree: ~O(n log n) in
 * low dimension; brute force: O(n^2 d) in cache-sized tiles, multi-threaded),
 * one per `score` call; O(n k) memory. Scoring the training matrix again reuses
 * the fit's neighbours.
 *
 * @example
 * const lof = new LOFDetector({ nNeighbors: 20, contamination: 0.05 }).fit(X);
 * lof.trainingScores; // ~1 for inliers, > 1 for outliers
 * lof.predict(XNew);  // 1 where the LOF exceeds the training threshold
 */
export class LOFDetector extends BaseDetector<LOFModel> {
  readonly nNeighbors: number;
  readonly algorithm: NeighborAlgorithm;
  readonly threads: number | undefined;

  constructor(options: LOFOptions = {}) {
    super(options);
    this.nNeighbors = checkInteger(options.nNeighbors ?? 20, "nNeighbors");
    ({ algorithm: this.algorithm, threads: this.threads } = checkNeighborSearchOptions(options));
  }

  protected override ownParams(): DetectorParams {
    return { nNeighbors: this.nNeighbors, algorithm: this.algorithm, threads: this.threads };
  }

  /** The training rows, their neighbours, k-distances and local reachability densities. */
  protected override saveState(): Record<string, unknown> {
    const { train, k, neighbours, kDistance, lrd } = this.model;
    return {
      train: encodeMatrix(train),
      k,
      neighbours: encodeNeighbours(neighbours),
      kDistance: encodeArray(kDistance),
      lrd: encodeArray(lrd),
    };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const k = Math.min(this.nNeighbors, fit.rows - 1);
    state.count("k", k, k);
    this.model = {
      train: state.matrix("train", fit),
      k,
      neighbours: readNeighbours(state.object("neighbours"), fit.rows, k, fit.rows),
      kDistance: state.float64("kDistance", { length: fit.rows, min: 0 }),
      lrd: state.float64("lrd", { length: fit.rows, above: 0 }),
    };
  }

  /** The neighbourhood size actually used: min(nNeighbors, n - 1). */
  get effectiveNeighbors(): number {
    return this.model.k;
  }

  /** Euclidean distances square differences of values: the base refuses values whose squares overflow. */
  protected override get squaresValues(): boolean {
    return true;
  }

  protected fitScores(X: Matrix): Float64Array {
    if (X.rows < 2) throw new RangeError(`LOFDetector needs at least 2 training rows, got ${X.rows}`);
    const k = Math.min(this.nNeighbors, X.rows - 1);
    // X is the detector's own copy (toMatrix copies): kept as is.
    const train = X;
    const neighbours = kNearest(train, train, k, { excludeSelf: true, algorithm: this.algorithm, threads: this.threads });
    const kDistance = new Float64Array(train.rows);
    for (let i = 0; i < train.rows; i++) kDistance[i] = neighbours.distances[i * k + k - 1];
    const lrd = reachabilityDensity(neighbours, kDistance);
    this.model = { train, k, neighbours, kDistance, lrd };
    return outlierFactors(neighbours, lrd, lrd);
  }

  protected decisionScores(X: Matrix): Float64Array {
    const { train, k, neighbours: trainNeighbours, kDistance, lrd } = this.model;
    const neighbours = sameMatrixValues(X, train)
      ? withSelfIncluded(trainNeighbours)
      : kNearest(train, X, k, { algorithm: this.algorithm, threads: this.threads });
    return outlierFactors(neighbours, reachabilityDensity(neighbours, kDistance), lrd);
  }
}

/** `1 / (mean_j max(d(x, o_j), k-distance(o_j)) + 1e-10)` per query row (numpy's mean order). */
function reachabilityDensity(neighbours: KNearestResult, kDistance: Float64Array): Float64Array {
  const { rows, k, distances, indices } = neighbours;
  const reach = new Float64Array(k);
  const density = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < k; j++) reach[j] = Math.max(distances[i * k + j], kDistance[indices[i * k + j]]);
    density[i] = 1 / (numpyMean(reach) + DUPLICATE_GUARD);
  }
  return density;
}

/** Mean of `lrd(o_j) / lrd(x)` over each query row's neighbours (numpy's mean order). */
function outlierFactors(neighbours: KNearestResult, queryDensity: Float64Array, trainDensity: Float64Array): Float64Array {
  const { rows, k, indices } = neighbours;
  const ratios = new Float64Array(k);
  const scores = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < k; j++) ratios[j] = trainDensity[indices[i * k + j]] / queryDensity[i];
    scores[i] = numpyMean(ratios);
  }
  return scores;
}
