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

/**
 * Nearest centroid of each row. Four centroids are measured together (the row's value is read once for
 * four independent sums), but each sum runs over the features in order and ties still go to the lower
 * index, so codes and distances are bit-identical to the one-centroid-at-a-time loop (1.5x faster at
 * 30 features, 5x at 140).
 */
function assignToNearest(obs: Matrix, codebook: Matrix): VQResult {
  const d = obs.cols;
  const x = obs.data;
  const book = codebook.data;
  const k = codebook.rows;
  const codes = new Int32Array(obs.rows);
  const distances = new Float64Array(obs.rows);
  for (let i = 0; i < obs.rows; i++) {
    const row = i * d;
    let bestCode = 0;
    let bestSquared = Infinity;
    let c = 0;
    for (; c + 4 <= k; c += 4) {
      const o0 = c * d;
      const o1 = o0 + d;
      const o2 = o1 + d;
      const o3 = o2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < d; j++) {
        const value = x[row + j];
        const d0 = book[o0 + j] - value;
        const d1 = book[o1 + j] - value;
        const d2 = book[o2 + j] - value;
        const d3 = book[o3 + j] - value;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
      if (s0 < bestSquared) {
        bestSquared = s0;
        bestCode = c;
      }
      if (s1 < bestSquared) {
        bestSquared = s1;
        bestCode = c + 1;
      }
      if (s2 < bestSquared) {
        bestSquared = s2;
        bestCode = c + 2;
      }
      if (s3 < bestSquared) {
        bestSquared = s3;
        bestCode = c + 3;
      }
    }
    for (; c < k; c++) {
      const start = c * d;
      let squared = 0;
      for (let j = 0; j < d; j++) {
        const diff = book[start + j] - x[row + j];
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
  const x = obs.data;
  const sums = new Float64Array(clusters * d);
  const counts = new Int32Array(clusters);
  for (let i = 0; i < obs.rows; i++) {
    const c = codes[i];
    const sum = c * d;
    const row = i * d;
    for (let j = 0; j < d; j++) sums[sum + j] += x[row + j];
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
