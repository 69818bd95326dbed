import type { Matrix } from "../core/matrix";
import { checkInteger } from "../core/validation";

/** Options of {@link kNearest}. */
export interface KNearestOptions {
  /**
   * Query row i is training row i and must not count as its own neighbour
   * (sklearn's `kneighbors()` without X, used for training scores). Duplicated
   * rows still count as neighbours of each other, at distance 0.
   */
  excludeSelf?: boolean;
}

/** Neighbours of each query row, nearest first, stored row-major with stride `k`. */
export interface KNearestResult {
  /** Number of query rows. */
  readonly rows: number;
  readonly k: number;
  /** Euclidean distance from query row i to its j-th nearest neighbour at `[i * k + j]`. */
  readonly distances: Float64Array;
  /** Training row index of that neighbour (ties: the lower index first). */
  readonly indices: Int32Array;
}

/**
 * Exact k-nearest-neighbour search by brute force with Euclidean distance.
 *
 * Each distance is `sqrt(sum_j (a_j - b_j)^2)` summed over features in order, the
 * same arithmetic as scikit-learn's KDTree, so results agree bit for bit. Query
 * rows are processed one at a time with a sorted buffer of k candidates: memory
 * is O(rows * k) for the result, never O(rows * n); time is O(rows * n * d).
 *
 * @example
 * const train = toMatrix([[0], [1], [3]]);
 * kNearest(train, toMatrix([[0.9]]), 2).distances; // Float64Array [0.1, 0.9]
 * kNearest(train, train, 1, { excludeSelf: true }).indices; // Int32Array [1, 0, 1]
 */
export function kNearest(train: Matrix, query: Matrix, k: number, options: KNearestOptions = {}): KNearestResult {
  const excludeSelf = options.excludeSelf ?? false;
  checkInteger(k, "k");
  if (query.cols !== train.cols) {
    throw new RangeError(`query has ${query.cols} columns, but the training data has ${train.cols}`);
  }
  if (excludeSelf && query.rows !== train.rows) {
    throw new RangeError(`excludeSelf needs the training data as query: got ${query.rows} query rows for ${train.rows} training rows`);
  }
  const candidates = excludeSelf ? train.rows - 1 : train.rows;
  if (k > candidates) {
    throw new RangeError(
      `k (${k}) is larger than the ${candidates} available neighbours` +
        (excludeSelf ? ` (${train.rows} training rows, excluding the row itself)` : ""),
    );
  }

  const d = train.cols;
  const distances = new Float64Array(query.rows * k);
  const indices = new Int32Array(query.rows * k);
  const best = new Float64Array(k); // squared distances, ascending
  const bestIndex = new Int32Array(k);
  for (let q = 0; q < query.rows; q++) {
    const qOffset = q * d;
    let found = 0;
    for (let t = 0; t < train.rows; t++) {
      if (excludeSelf && t === q) continue;
      const worst = found === k ? best[k - 1] : Infinity;
      const tOffset = t * d;
      let squared = 0;
      for (let j = 0; j < d && squared <= worst; j++) {
        const diff = query.data[qOffset + j] - train.data[tOffset + j];
        squared += diff * diff;
      }
      // Strict comparison keeps the lower index first among equal distances.
      if (found === k && squared >= worst) continue;
      let position = found < k ? found++ : k - 1;
      while (position > 0 && best[position - 1] > squared) {
        best[position] = best[position - 1];
        bestIndex[position] = bestIndex[position - 1];
        position--;
      }
      best[position] = squared;
      bestIndex[position] = t;
    }
    for (let j = 0; j < k; j++) {
      distances[q * k + j] = Math.sqrt(best[j]);
      indices[q * k + j] = bestIndex[j];
    }
  }
  return { rows: query.rows, k, distances, indices };
}
