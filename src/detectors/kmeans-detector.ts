import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import { generatorFor, seedOption, type Seed, type SeedOptions } from "../core/seed";
import { copyMatrix, type Matrix } from "../core/matrix";
import { checkFiniteNumber, checkInteger } from "../core/validation";
import { kmeans, type KMeansResult, vq } from "../cluster/kmeans";
import type { DetectorParams } from "../persistence/params";
import { encodeMatrix, type StateReader } from "../persistence/state-codec";

/** Hyper-parameters of {@link KMeansDetector}. */
export interface KMeansDetectorOptions extends DetectorOptions, SeedOptions {
  /** Number of clusters (default 4, as in the salary tutorial). */
  k?: number;
  /** k-means restarts (scipy default 20). */
  iter?: number;
  /** Convergence threshold on the mean distance (scipy default 1e-5). */
  thresh?: number;
  /**
   * Seed for the initial centroids: a number restarts every `fit` from it, a RandomState is
   * advanced by each `fit` (see {@link Seed}). Omitted: seeded from OS entropy.
   */
  seed?: Seed;
  /** Threads the restarts are shared among (default: the machine's cores, at most 8); any count, the same result. */
  threads?: number;
}

/**
 * Cluster-distance outlier detector: fits scipy-style k-means ({@link kmeans})
 * and scores each row by its Euclidean distance to the nearest centroid
 * ("the distance of each point to its centroid"), so rows far from every
 * cluster centre are anomalous.
 *
 * Assumes inliers form roughly spherical clusters of similar spread in unscaled
 * Euclidean space (whiten / standardise features with different units first).
 * Without `seed` or `random` the result varies between fits, as scipy's does unseeded.
 * Complexity: O(iter * iterations * n k d) to fit, O(m k d) to score.
 *
 * @example
 * const detector = new KMeansDetector({ k: 4, seed: 7, contamination: 0.02 }).fit(salaries);
 * detector.codebook;       // 4 x 1 centroids, equal to scipy's kmeans after np.random.seed(7)
 * detector.trainingScores; // distance of each salary to its centroid
 */
export class KMeansDetector extends BaseDetector<KMeansResult> {
  readonly k: number;
  readonly iter: number;
  readonly thresh: number;
  readonly seed: Seed | undefined;
  readonly threads: number | undefined;

  constructor(options: KMeansDetectorOptions = {}) {
    super(options);
    this.k = checkInteger(options.k ?? 4, "k");
    this.iter = checkInteger(options.iter ?? 20, "iter");
    this.thresh = checkFiniteNumber(options.thresh ?? 1e-5, "thresh");
    this.seed = seedOption(options, this.constructor.name);
    if (options.threads !== undefined) checkInteger(options.threads, "threads");
    this.threads = options.threads;
  }

  protected override ownParams(): DetectorParams {
    const { k, iter, thresh, seed, threads } = this;
    return { k, iter, thresh, seed, threads };
  }

  /** The centroids (clusters that lost their members dropped) and the training distortion. */
  protected override saveState(): Record<string, unknown> {
    return { codebook: encodeMatrix(this.model.codebook), distortion: this.model.distortion };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const codebook = state.matrix("codebook", { cols: fit.cols });
    state.expect(codebook.rows >= 1 && codebook.rows <= this.k, "codebook.rows", `in [1, ${this.k}] (k)`, codebook.rows);
    this.model = { codebook, distortion: state.number("distortion", { min: 0 }) };
  }

  /** The fitted centroids, one per row (a copy). */
  get codebook(): Matrix {
    return copyMatrix(this.model.codebook);
  }

  /** Mean distance of the training rows to their nearest centroid (scipy's distortion). */
  get distortion(): number {
    return this.model.distortion;
  }

  /** k-means distances square differences of values: the base refuses values whose squares overflow. */
  protected override get squaresValues(): boolean {
    return true;
  }

  protected fitScores(X: Matrix): Float64Array {
    const random = generatorFor(this.seed);
    this.model = kmeans(X, this.k, { iter: this.iter, thresh: this.thresh, seed: random, threads: this.threads });
    return vq(X, this.model.codebook).distances;
  }

  protected decisionScores(X: Matrix): Float64Array {
    return vq(X, this.model.codebook).distances;
  }
}
