import { createMatrix, isMatrix, type Matrix, type MatrixInput, toMatrix } from "../core/matrix";
import { numpyMean } from "../core/summation";
import { checkFiniteNumber, checkInteger } from "../core/validation";
import { RandomState } from "../random/random-state";

/** Options of {@link kmeans}; defaults are scipy's. */
export interface KMeansOptions {
  /** Number of k-means runs from different random starts; the lowest distortion wins (default 20). */
  iter?: number;
  /** A run stops when the mean distance improves by no more than this (default 1e-5). */
  thresh?: number;
  /**
   * Source of the random initial centroids: a {@link RandomState} (advanced in place,
   * like scipy's global `np.random` state) or a seed. Omitted: seeded from OS entropy.
   */
  random?: RandomState | number;
}

/** Result of {@link kmeans}. */
export interface KMeansResult {
  /** One centroid per row (clusters that lost all members are dropped, so maybe fewer than k). */
  readonly codebook: Matrix;
  /** Mean (non-squared) Euclidean distance from each observation to its nearest centroid. */
  readonly distortion: number;
}

/** Result of {@link vq}. */
export interface VQResult {
  /** Index of the nearest centroid (codebook row) of each observation. */
  readonly codes: Int32Array;
  /** Euclidean distance of each observation to that centroid. */
  readonly distances: Float64Array;
}

/**
 * Assigns each observation to its nearest centroid: `scipy.cluster.vq.vq`.
 *
 * Ties go to the lower centroid index. Distances are `sqrt(sum (c_j - x_j)^2)`
 * over features in order, scipy's own arithmetic for fewer than 5 features (for
 * 5 or more scipy switches to a BLAS expansion that can differ in the last bits).
 * Complexity O(n k d).
 *
 * @example
 * vq([[1.9, 2.3], [0.8, 0.6]], [[1, 1], [2, 2]]); // codes [1, 0], distances [0.316..., 0.447...]
 */
export function vq(obs: MatrixInput, codebook: MatrixInput): VQResult {
  const observations = asMatrix(obs, "obs");
  const book = asMatrix(codebook, "codebook");
  if (book.cols !== observations.cols) {
    throw new RangeError(`codebook has ${book.cols} columns, but obs has ${observations.cols}`);
  }
  return assignToNearest(observations, book);
}

/**
 * k-means clustering with scipy's `scipy.cluster.vq.kmeans` algorithm, draw for draw.
 *
 * Each of `iter` runs starts from k distinct observations chosen with
 * `random.choice(n, k, { replace: false })` and alternates assignment (vq) and
 * centroid update until the mean distance improves by `thresh` or less; the run
 * with the lowest distortion is returned. Seeding with `s` reproduces scipy's
 * result after `np.random.seed(s)`. Pass a matrix as `kOrGuess` to run once from
 * given initial centroids. scipy expects whitened (unit-variance) features.
 *
 * Complexity: O(iter * runs-to-converge * n k d).
 *
 * @example
 * const { codebook, distortion } = kmeans(salaries, 4, { random: 7 });
 */
export function kmeans(obs: MatrixInput, kOrGuess: number | MatrixInput, options: KMeansOptions = {}): KMeansResult {
  const observations = asMatrix(obs, "obs");
  const iter = checkInteger(options.iter ?? 20, "iter");
  const thresh = checkFiniteNumber(options.thresh ?? 1e-5, "thresh");
  if (thresh < 0) throw new RangeError(`thresh must be >= 0, got ${thresh}`);

  if (typeof kOrGuess !== "number") {
    const guess = asMatrix(kOrGuess, "kOrGuess");
    if (guess.cols !== observations.cols) {
      throw new RangeError(`initial codebook has ${guess.cols} columns, but obs has ${observations.cols}`);
    }
    return refine(observations, guess, thresh);
  }

  const k = checkInteger(kOrGuess, "k");
  if (k > observations.rows) {
    throw new RangeError(`k (${k}) is larger than the number of observations (${observations.rows})`);
  }
  const random = options.random instanceof RandomState ? options.random : new RandomState(options.random);
  let best: KMeansResult | undefined;
  for (let run = 0; run < iter; run++) {
    const guess = pickRows(observations, random.choice(observations.rows, k, { replace: false }));
    const result = refine(observations, guess, thresh);
    if (best === undefined || result.distortion < best.distortion) best = result;
  }
  return best as KMeansResult;
}

/** One k-means run: scipy's private `_kmeans`, including its stopping rule. */
function refine(obs: Matrix, guess: Matrix, thresh: number): KMeansResult {
  let codebook = guess;
  let previous = Infinity;
  let current = Infinity;
  let improvement = Infinity;
  while (improvement > thresh) {
    const { codes, distances } = assignToNearest(obs, codebook);
    current = numpyMean(distances);
    // scipy returns the centroids updated after the last assignment, with that assignment's distortion.
    codebook = updateClusterMeans(obs, codes, codebook.rows);
    improvement = previous - current;
    previous = current;
  }
  return { codebook, distortion: current };
}

function assignToNearest(obs: Matrix, codebook: Matrix): VQResult {
  const d = obs.cols;
  const codes = new Int32Array(obs.rows);
  const distances = new Float64Array(obs.rows);
  for (let i = 0; i < obs.rows; i++) {
    let bestCode = 0;
    let bestSquared = Infinity;
    for (let c = 0; c < codebook.rows; c++) {
      let squared = 0;
      for (let j = 0; j < d; j++) {
        const diff = codebook.data[c * d + j] - obs.data[i * d + j];
        squared += diff * diff;
      }
      if (squared < bestSquared) {
        bestSquared = squared;
        bestCode = c;
      }
    }
    codes[i] = bestCode;
    distances[i] = Math.sqrt(bestSquared);
  }
  return { codes, distances };
}

/** scipy's `_vq.update_cluster_means`: sums in observation order, divides, drops empty clusters. */
function updateClusterMeans(obs: Matrix, codes: Int32Array, clusters: number): Matrix {
  const d = obs.cols;
  const sums = new Float64Array(clusters * d);
  const counts = new Int32Array(clusters);
  for (let i = 0; i < obs.rows; i++) {
    const c = codes[i];
    for (let j = 0; j < d; j++) sums[c * d + j] += obs.data[i * d + j];
    counts[c]++;
  }
  const kept: number[] = [];
  for (let c = 0; c < clusters; c++) {
    if (counts[c] === 0) continue;
    for (let j = 0; j < d; j++) sums[c * d + j] /= counts[c];
    kept.push(c);
  }
  return kept.length === clusters ? createMatrix(clusters, d, sums) : pickRows(createMatrix(clusters, d, sums), kept);
}

function pickRows(matrix: Matrix, rows: readonly number[]): Matrix {
  const d = matrix.cols;
  const data = new Float64Array(rows.length * d);
  rows.forEach((row, i) => data.set(matrix.data.subarray(row * d, (row + 1) * d), i * d));
  return createMatrix(rows.length, d, data);
}

// Matrices already validated by a detector skip the copy-and-check of toMatrix.
function asMatrix(input: MatrixInput, name: string): Matrix {
  return isMatrix(input) && input.data.every(Number.isFinite) ? input : toMatrix(input, { name });
}
