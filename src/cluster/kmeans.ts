import { isMatrix, type Matrix, type MatrixInput, toMatrix } from "../core/matrix";
import { checkFiniteNumber, checkInteger } from "../core/validation";
import { generatorFor, seedOption, type Seed, type SeedOptions } from "../core/seed";
import { defaultThreadCount } from "../threads/pool";
import { nearestCentroid } from "./kmeans-bounds";
import { bestRun, type KMeansResult, pickRows, refine } from "./kmeans-runs";

export type { KMeansResult } from "./kmeans-runs";

/** Options of {@link kmeans}; defaults are scipy's. */
export interface KMeansOptions extends SeedOptions {
  /** Number of k-means runs from different random starts; the lowest distortion wins (default 20). */
  iter?: number;
  /** A run stops when the mean distance improves by no more than this (default 1e-5). */
  thresh?: number;
  /**
   * Source of the random initial centroids: a seed, or a {@link RandomState} advanced in place (like scipy's
   * global `np.random` state); see {@link Seed}. Omitted: seeded from OS entropy.
   */
  seed?: Seed;
  /**
   * Threads the runs are shared among (default: the machine's cores, at most 8). Any count gives the same
   * result; small problems stay on one thread.
   */
  threads?: number;
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
 * const { codebook, distortion } = kmeans(salaries, 4, { seed: 7 });
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
  const threads = checkInteger(options.threads ?? defaultThreadCount(), "threads");
  if (threads < 1) throw new RangeError(`threads must be >= 1, got ${threads}`);

  const k = checkInteger(kOrGuess, "k");
  if (k > observations.rows) {
    throw new RangeError(`k (${k}) is larger than the number of observations (${observations.rows})`);
  }
  const random = generatorFor(seedOption(options, "kmeans"));
  // Runs consume no random numbers, so drawing every start first keeps scipy's sequence of draws.
  const guesses = Array.from({ length: iter }, () => pickRows(observations, random.choice(observations.rows, k, { replace: false })));
  return bestRun(observations, guesses, thresh, threads);
}

/** Nearest centroid of each row (the full scan, see {@link nearestCentroid}). */
function assignToNearest(obs: Matrix, codebook: Matrix): VQResult {
  const codes = new Int32Array(obs.rows);
  const distances = new Float64Array(obs.rows);
  for (let i = 0; i < obs.rows; i++) {
    distances[i] = Math.sqrt(nearestCentroid(obs.data, i * obs.cols, obs.cols, codebook.data, codebook.rows, codes, i));
  }
  return { codes, distances };
}

// Matrices already validated by a detector skip the copy-and-check of toMatrix.
function asMatrix(input: MatrixInput, name: string): Matrix {
  return isMatrix(input) && input.data.every(Number.isFinite) ? input : toMatrix(input, { name });
}
