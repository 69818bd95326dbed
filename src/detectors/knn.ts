import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import type { Matrix } from "../core/matrix";
import { numpyMean } from "../core/summation";
import { checkInteger } from "../core/validation";
import { checkNeighborSearchOptions, type KNearestResult, kNearest, type NeighborAlgorithm, type NeighborSearchOptions, sameMatrixValues, withSelfIncluded } from "../neighbors/k-nearest";
import type { DetectorParams } from "../persistence/params";
import { encodeMatrix, type StateReader } from "../persistence/state-codec";
import { encodeNeighbours, readNeighbours } from "../neighbors/saved-neighbours";

/** How the k neighbour distances become one score (PyOD's `method`). */
export type KNNMethod = "largest" | "mean" | "median";

/** Hyper-parameters of {@link KNNDetector}; defaults are PyOD's. */
export interface KNNOptions extends DetectorOptions, NeighborSearchOptions {
  /** Number of neighbours k (default 5); must be below the number of training rows. */
  nNeighbors?: number;
  /** "largest": distance to the k-th neighbour (default); "mean" / "median" of the k distances. */
  method?: KNNMethod;
}

const METHODS: readonly KNNMethod[] = ["largest", "mean", "median"];

/**
 * k-nearest-neighbour outlier detector, PyOD's `KNN` with Euclidean distance.
 *
 * Assumes inliers live in dense regions: a row far from its k-th nearest
 * neighbour is anomalous. Training scores use the k nearest *other* training
 * rows (a row is not its own neighbour); `score` on new rows uses the k nearest
 * training rows. Features are not scaled: standardise them first if their units differ.
 *
 * Defaults: `nNeighbors = 5`, `method = "largest"`, `contamination = 0.1`,
 * `algorithm = "auto"` (as LOF and scikit-learn: a k-d tree up to 15 features, blocked brute force above),
 * `threads` = the machine's cores (at most 8). Searches are exact whatever the algorithm and thread count.
 * Complexity: one k-nearest-neighbour search to fit (k-d tree: ~O(n log n) in low dimension; brute
 * force: O(n^2 d) in cache-sized tiles, multi-threaded), one per `score` call (scoring the training
 * matrix again reuses the fit's neighbours); O(n k) memory.
 *
 * @example
 * const knn = new KNNDetector({ nNeighbors: 5, contamination: 0.02 }).fit(salaries);
 * knn.predict([[37], [1256]]); // Uint8Array [1, 0]
 */
interface KNNModel {
  readonly train: Matrix;
  /** Training neighbours (each row excluding itself), reused when the training rows are scored again. */
  readonly neighbours: KNearestResult;
}

export class KNNDetector extends BaseDetector<KNNModel> {
  readonly nNeighbors: number;
  readonly method: KNNMethod;
  readonly algorithm: NeighborAlgorithm;
  readonly threads: number | undefined;

  constructor(options: KNNOptions = {}) {
    super(options);
    this.nNeighbors = checkInteger(options.nNeighbors ?? 5, "nNeighbors");
    this.method = options.method ?? "largest";
    if (!METHODS.includes(this.method)) {
      throw new RangeError(`method must be one of ${METHODS.join(", ")}, got ${String(this.method)}`);
    }
    ({ algorithm: this.algorithm, threads: this.threads } = checkNeighborSearchOptions(options));
  }

  protected override ownParams(): DetectorParams {
    return { nNeighbors: this.nNeighbors, method: this.method, algorithm: this.algorithm, threads: this.threads };
  }

  /** The training rows and their neighbours (reused when the training rows are scored again). */
  protected override saveState(): Record<string, unknown> {
    const { train, neighbours } = this.model;
    return { train: encodeMatrix(train), neighbours: encodeNeighbours(neighbours) };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const neighbours = readNeighbours(state.object("neighbours"), fit.rows, this.nNeighbors, fit.rows);
    this.model = { train: state.matrix("train", fit), neighbours };
  }

  /** Euclidean distances square differences of values: the base refuses values whose squares overflow. */
  protected override get squaresValues(): boolean {
    return true;
  }

  protected fitScores(X: Matrix): Float64Array {
    if (this.nNeighbors >= X.rows) {
      throw new RangeError(
        `nNeighbors (${this.nNeighbors}) must be less than the number of training rows (${X.rows})`,
      );
    }
    // X is the detector's own copy (toMatrix copies), so later edits to the caller's data cannot reach the model.
    this.model = { train: X, neighbours: kNearest(X, X, this.nNeighbors, { excludeSelf: true, ...this.search }) };
    return this.aggregate(this.model.neighbours);
  }

  protected decisionScores(X: Matrix): Float64Array {
    const { train, neighbours } = this.model;
    // Scoring the training rows again (common in notebooks) needs no second search: a row is then its own
    // nearest neighbour, followed by the k - 1 nearest others found at fit time.
    if (sameMatrixValues(X, train)) return this.aggregate(withSelfIncluded(neighbours));
    return this.aggregate(kNearest(train, X, this.nNeighbors, this.search));
  }

  private get search(): NeighborSearchOptions {
    return { algorithm: this.algorithm, threads: this.threads };
  }

  private aggregate(neighbours: KNearestResult): Float64Array {
    const { rows, k, distances } = neighbours;
    const scores = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const start = i * k;
      if (this.method === "largest") scores[i] = distances[start + k - 1];
      else if (this.method === "mean") scores[i] = numpyMean(distances, start, start + k);
      else scores[i] = median(distances, start, k);
    }
    return scores;
  }
}

// Distances arrive sorted ascending; numpy's median averages the two middle values as (a + b) / 2.
function median(sorted: Float64Array, start: number, k: number): number {
  const middle = start + (k >> 1);
  return k % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
