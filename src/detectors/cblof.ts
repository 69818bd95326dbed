import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import { generatorFor, seedOption, type Seed, type SeedOptions } from "../core/seed";
import { copyMatrix, type Matrix } from "../core/matrix";
import { numpySum } from "../core/summation";
import { checkFiniteNumber, checkInteger } from "../core/validation";
import { RandomState } from "../random/random-state";
import { nearestCenters, sklearnKMeans } from "../cluster/sklearn-kmeans";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, encodeMatrix, type StateReader } from "../persistence/state-codec";

/** Hyper-parameters of {@link CBLOFDetector}; defaults are PyOD's. */
export interface CBLOFOptions extends DetectorOptions, SeedOptions {
  /** k-means clusters (default 8). */
  nClusters?: number;
  /** Large clusters hold at least this share of the rows together, in (0, 1) (default 0.9). */
  alpha?: number;
  /** A size ratio at least this between consecutive clusters (sorted by size) also separates large from small, > 1 (default 5). */
  beta?: number;
  /** Multiply each score by the size of the row's cluster (default false, as PyOD). */
  useWeights?: boolean;
  /**
   * Seed of k-means++ (scikit-learn's `random_state=seed`): a number restarts every `fit` from it, a RandomState is
   * advanced by each `fit` (see {@link Seed}). Omitted: seeded from OS entropy.
   */
  seed?: Seed;
}

interface CBLOFModel {
  readonly centers: Matrix;
  readonly clusterSizes: Int32Array;
  /** Whether each cluster is large. */
  readonly large: Uint8Array;
  /** Indices of the large clusters, largest first. */
  readonly largeClusters: Int32Array;
}

/**
 * Cluster-Based Local Outlier Factor (He, Xu & Deng 2003), PyOD's `CBLOF` with its defaults: scikit-learn
 * `KMeans` (k-means++, one run, Lloyd) into 8 clusters, then clusters sorted by size split into large and small
 * ones at the first boundary where the large ones hold `alpha` of the rows and the size drops by a factor
 * `beta` (PyOD's rule: the first boundary meeting both, else the first meeting alpha, else beta). A row in a
 * large cluster scores its distance to that cluster's centre; a row in a small cluster, its distance to the
 * nearest large centre. With `useWeights` the score is multiplied by the cluster's size (the original paper's
 * CBLOF; PyOD's default leaves it out). New rows join the nearest centre as `KMeans.predict` does.
 *
 * k-means draws from our numpy-compatible {@link RandomState}, so `seed: s` gives the clustering of
 * `CBLOF(random_state=s)`: centres within ~1e-15 (scikit-learn's BLAS products and threaded sums differ in the
 * last bits), scores within ~1e-12. Clusters of equal size are ordered by lower index (numpy's `argsort` order
 * among ties depends on the CPU's sort kernel).
 *
 * Assumes features on comparable scales (standardise first) and normal data in a few large clusters.
 * Defaults: `nClusters = 8`, `alpha = 0.9`, `beta = 5`, `useWeights = false`, `contamination = 0.1`.
 * Complexity: k-means O(iterations · n · k · d); scoring O(m · k · d).
 *
 * @example
 * const cblof = new CBLOFDetector({ seed: 42, contamination: 0.05 }).fit(X);
 * cblof.trainingScores; // distance to the own (large) or nearest large centre
 * cblof.predict(XNew);
 */
export class CBLOFDetector extends BaseDetector<CBLOFModel> {
  readonly nClusters: number;
  readonly alpha: number;
  readonly beta: number;
  readonly useWeights: boolean;
  readonly seed: Seed | undefined;

  constructor(options: CBLOFOptions = {}) {
    super(options);
    this.nClusters = checkInteger(options.nClusters ?? 8, "nClusters", 2);
    this.alpha = checkFiniteNumber(options.alpha ?? 0.9, "alpha", 0);
    if (!(this.alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${this.alpha}`);
    this.beta = checkFiniteNumber(options.beta ?? 5, "beta", 1);
    this.useWeights = options.useWeights ?? false;
    this.seed = seedOption(options, this.constructor.name);
  }

  protected override ownParams(): DetectorParams {
    const { nClusters, alpha, beta, useWeights, seed } = this;
    return { nClusters, alpha, beta, useWeights, seed };
  }

  /** The k-means centres, the clusters' sizes, which are large, and the large ones largest first. */
  protected override saveState(): Record<string, unknown> {
    const { centers, clusterSizes, large, largeClusters } = this.model;
    return {
      centers: encodeMatrix(centers),
      clusterSizes: encodeArray(clusterSizes),
      large: encodeArray(large),
      largeClusters: encodeArray(largeClusters),
    };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const centers = state.matrix("centers", { rows: this.nClusters, cols: fit.cols });
    const clusterSizes = state.int32("clusterSizes", { min: 0, max: fit.rows });
    const clusters = clusterSizes.length;
    state.expect(clusters >= 1 && clusters <= centers.rows, "clusterSizes.length", `in [1, ${centers.rows}]`, clusters);
    const large = state.uint8("large", { length: clusterSizes.length, max: 1 });
    const largeClusters = state.int32("largeClusters", { min: 0, max: clusterSizes.length - 1 });
    state.expect(largeClusters.length >= 1, "largeClusters.length", "at least 1", largeClusters.length);
    this.model = { centers, clusterSizes, large, largeClusters };
  }

  /** The k-means centres, one per row (a copy). */
  get clusterCenters(): Matrix {
    return copyMatrix(this.model.centers);
  }

  /** Indices of the large clusters, largest first (PyOD's `large_cluster_labels_`; a copy). */
  get largeClusters(): Int32Array {
    return this.model.largeClusters.slice();
  }

  protected fitScores(X: Matrix): Float64Array {
    if (X.rows < this.nClusters) {
      throw new RangeError(`CBLOFDetector needs at least nClusters (${this.nClusters}) training rows, got ${X.rows}`);
    }
    const { centers, labels } = sklearnKMeans(X, this.nClusters, generatorFor(this.seed));
    const clusterSizes = bincount(labels);
    const largeClusters = this.splitClusters(clusterSizes, X.rows);
    const large = new Uint8Array(clusterSizes.length);
    for (const cluster of largeClusters) large[cluster] = 1;
    this.model = { centers, clusterSizes, large, largeClusters };
    return this.scoreRows(X, labels);
  }

  protected decisionScores(X: Matrix): Float64Array {
    return this.scoreRows(X, nearestCenters(X, this.model.centers));
  }

  /** PyOD's `_set_small_large_clusters`: the large clusters, largest first. */
  private splitClusters(sizes: Int32Array, n: number): Int32Array {
    const order = Int32Array.from(sizes.keys()).sort((a, b) => sizes[b] - sizes[a] || a - b);
    let both: number | undefined;
    let alphaFirst: number | undefined;
    let betaFirst: number | undefined;
    let covered = 0;
    for (let i = 1; i < sizes.length; i++) {
      covered += sizes[order[i - 1]];
      const alphaHolds = covered >= n * this.alpha;
      const betaHolds = sizes[order[i - 1]] / sizes[order[i]] >= this.beta;
      if (alphaHolds && alphaFirst === undefined) alphaFirst = i;
      if (betaHolds && betaFirst === undefined) betaFirst = i;
      if (alphaHolds && betaHolds && both === undefined) both = i;
    }
    const split = both ?? alphaFirst ?? betaFirst;
    if (split === undefined) {
      throw new RangeError(
        `CBLOFDetector could not separate large from small clusters (sizes ${Array.from(sizes).join(", ")}; ` +
          `alpha ${this.alpha}, beta ${this.beta}): change nClusters, alpha or beta`,
      );
    }
    return order.slice(0, split);
  }

  private scoreRows(X: Matrix, labels: Int32Array): Float64Array {
    const { centers, clusterSizes, large, largeClusters } = this.model;
    const d = X.cols;
    const squares = new Float64Array(d);
    const scores = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      const label = labels[i];
      if (large[label] === 1) {
        // pairwise_distances_no_broadcast: sqrt(np.sum(np.square(x - c), axis=1)), numpy's pairwise row sum.
        for (let j = 0; j < d; j++) {
          const deviation = X.data[i * d + j] - centers.data[label * d + j];
          squares[j] = deviation * deviation;
        }
        scores[i] = Math.sqrt(numpySum(squares));
      } else {
        let nearest = Infinity;
        for (const cluster of largeClusters) {
          let sum = 0;
          for (let j = 0; j < d; j++) {
            const deviation = X.data[i * d + j] - centers.data[cluster * d + j];
            sum += deviation * deviation;
          }
          nearest = Math.min(nearest, Math.sqrt(sum));
        }
        scores[i] = nearest;
      }
      if (this.useWeights) scores[i] *= clusterSizes[label];
    }
    return scores;
  }
}

/** `np.bincount(labels)`: as long as the largest label + 1. */
function bincount(labels: Int32Array): Int32Array {
  let largest = 0;
  for (const label of labels) if (label > largest) largest = label;
  const counts = new Int32Array(largest + 1);
  for (const label of labels) counts[label]++;
  return counts;
}
