import type { Matrix } from "../core/matrix";
import { checkInteger } from "../core/validation";
import { type SearchMethod, searchHere } from "./neighbor-search";
import { defaultThreadCount, readyWorkers, sharedFloat64, sharedInt32 } from "../threads/pool";
import { searchOnThreads } from "./neighbor-threads";

/** Search strategy of {@link kNearest}. */
export type NeighborAlgorithm = "auto" | "kd-tree" | "brute";

/** How a neighbour search runs (options of {@link kNearest}, KNN and LOF); results never depend on them. */
export interface NeighborSearchOptions {
  /**
   * "kd-tree", "brute" (blocked exact brute force), or "auto" (default): like
   * scikit-learn, a k-d tree up to 15 features, brute force above.
   */
  algorithm?: NeighborAlgorithm;
  /**
   * Threads for large searches (default: the machine's cores, at most 8). Results
   * are identical whatever the count; small searches always run on one thread.
   */
  threads?: number;
}

/** Options of {@link kNearest}. */
export interface KNearestOptions extends NeighborSearchOptions {
  /**
   * Query row i is training row i and must not count as its own neighbour
   * (sklearn's `kneighbors()` without X, used for training scores). Duplicated
   * rows still count as neighbours of each other, at distance 0.
   */
  excludeSelf?: boolean;
}

/**
 * Checks search options when a detector is built (not at its first fit); `threads` stays undefined
 * for the default.
 * @example checkNeighborSearchOptions({ algorithm: "brute" }); // { algorithm: "brute", threads: undefined }
 */
export function checkNeighborSearchOptions(options: NeighborSearchOptions): { algorithm: NeighborAlgorithm; threads: number | undefined } {
  const algorithm = options.algorithm ?? "auto";
  if (!ALGORITHMS.includes(algorithm)) {
    throw new RangeError(`algorithm must be one of ${ALGORITHMS.join(", ")}, got ${String(algorithm)}`);
  }
  return { algorithm, threads: options.threads === undefined ? undefined : checkInteger(options.threads, "threads") };
}

/** Neighbours of each query row, nearest first, stored row-major with stride `k`. */
export interface KNearestResult {
  /** Number of query rows. */
  readonly rows: number;
  readonly k: number;
  /** Euclidean distance from query row i to its j-th nearest neighbour at `[i * k + j]`. */
  readonly distances: Float64Array;
  /** Training row index of that neighbour (equal distances: the lower index first). */
  readonly indices: Int32Array;
}

/** scikit-learn's `algorithm="auto"` switches from trees to brute force above this many features. */
const TREE_MAX_FEATURES = 15;
const ALGORITHMS: readonly NeighborAlgorithm[] = ["auto", "kd-tree", "brute"];
/** Searches expected to take less than this many seconds on one core stay on one thread. */
// Starting the workers costs ~0.03-0.1 s in a fresh process (measured), so small searches stay here.
const PARALLEL_MIN_SECONDS = 0.2;
/** Once workers are up, a step costs a message per worker (about a millisecond), so smaller searches pay too. */
const WARM_PARALLEL_MIN_SECONDS = 0.02;

// Rough single-core seconds (measured: brute force ~5e9 multiply-adds/s; a k-d tree
// query ~1e9 "work units" as counted here), only to decide whether threads pay off.
function estimatedSeconds(method: SearchMethod, trainRows: number, queryRows: number, cols: number, k: number): number {
  if (method === "brute-self") return (queryRows * trainRows * cols) / 1e10;
  return method === "brute"
    ? (queryRows * trainRows * cols) / 5e9
    : (queryRows * (k + 30) * cols * 8 * Math.log2(trainRows + 1)) / 1e9;
}

/**
 * Exact k-nearest-neighbour search with Euclidean distance.
 *
 * Every distance is `sqrt(sum_j (a_j - b_j)^2)` summed over features in order,
 * the arithmetic of scikit-learn's KDTree, whatever the algorithm. Neighbours
 * are ordered by distance, then by lower training index: scikit-learn does not
 * guarantee an order among equal distances, so callers should not depend on it
 * (distances are unaffected). Memory is O(rows * k) for the result, never O(rows * n).
 *
 * - "kd-tree": O(n log n) build, about O(log n) per query in low dimension.
 * - "brute": O(rows * n * d) in cache-sized tiles with a WebAssembly SIMD
 *   inner-product filter and exact recomputation of the retained neighbours;
 *   a matrix searched against itself (`excludeSelf` with `query === train`)
 *   visits each pair once, for both of its rows.
 *
 * Large searches are split over worker threads (`threads`); `kNearest` stays
 * synchronous (the calling thread takes a share and waits for the others).
 *
 * @example
 * const train = toMatrix([[0], [1], [3]]);
 * kNearest(train, toMatrix([[0.9]]), 2).distances; // Float64Array [0.1, 0.9]
 * kNearest(train, train, 1, { excludeSelf: true }).indices; // Int32Array [1, 0, 1]
 */
export function kNearest(train: Matrix, query: Matrix, k: number, options: KNearestOptions = {}): KNearestResult {
  const excludeSelf = options.excludeSelf ?? false;
  const { algorithm } = checkNeighborSearchOptions(options);
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

  const useTree = algorithm === "kd-tree" || (algorithm === "auto" && train.cols <= TREE_MAX_FEATURES);
  // A matrix searched against itself visits each pair once (both rows learn from it).
  const method: SearchMethod = useTree ? "kd-tree" : excludeSelf && query.data === train.data ? "brute-self" : "brute";
  const threads = checkInteger(options.threads ?? defaultThreadCount(), "threads");
  const parallel = threads > 1 && query.rows >= 4 * threads &&
    estimatedSeconds(method, train.rows, query.rows, train.cols, k) >=
      (readyWorkers() > 0 ? WARM_PARALLEL_MIN_SECONDS : PARALLEL_MIN_SECONDS);
  const squared = parallel && method !== "brute-self" ? sharedFloat64(query.rows * k) : new Float64Array(query.rows * k);
  const indices = parallel && method !== "brute-self" ? sharedInt32(query.rows * k) : new Int32Array(query.rows * k);
  if (parallel) searchOnThreads(train, query, k, excludeSelf, method, squared, indices, threads);
  else searchHere(train, query, k, excludeSelf, method, squared, indices);

  const distances = new Float64Array(squared.length);
  for (let p = 0; p < squared.length; p++) distances[p] = Math.sqrt(squared[p]);
  return { rows: query.rows, k, distances, indices };
}

/**
 * The k nearest neighbours of the training rows when each row counts as its own
 * neighbour (a query of the training matrix itself), derived exactly from the
 * `excludeSelf` search with the same k in O(rows * k) instead of a new search:
 * the row itself enters at distance 0, after any duplicates with a lower index.
 *
 * @example
 * const excluded = kNearest(train, train, 5, { excludeSelf: true });
 * withSelfIncluded(excluded); // equal to kNearest(train, train, 5)
 */
export function withSelfIncluded(excluded: KNearestResult): KNearestResult {
  const { rows, k } = excluded;
  const distances = new Float64Array(rows * k);
  const indices = new Int32Array(rows * k);
  for (let q = 0; q < rows; q++) {
    const start = q * k;
    let position = 0;
    while (position < k && excluded.distances[start + position] === 0 && excluded.indices[start + position] < q) position++;
    for (let j = 0, from = 0; j < k; j++) {
      if (j === position) {
        distances[start + j] = 0;
        indices[start + j] = q;
      } else {
        distances[start + j] = excluded.distances[start + from];
        indices[start + j] = excluded.indices[start + from];
        from++;
      }
    }
  }
  return { rows, k, distances, indices };
}

/**
 * True when two matrices hold the same values in the same shape (a cheap O(n d)
 * check that lets detectors reuse their training neighbours when asked to score
 * the training data again).
 */
export function sameMatrixValues(a: Matrix, b: Matrix): boolean {
  if (a.rows !== b.rows || a.cols !== b.cols) return false;
  if (a.data === b.data) return true;
  for (let p = 0; p < a.data.length; p++) if (a.data[p] !== b.data[p]) return false;
  return true;
}
