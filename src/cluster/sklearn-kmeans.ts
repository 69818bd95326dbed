import type { Matrix } from "../core/matrix";
import { denseKernels } from "../linalg/dense-kernels";
import { searchSorted } from "../core/search-sorted";
import { numpySum } from "../core/summation";
import type { RandomState } from "../random/random-state";

/** A k-means clustering as scikit-learn's `KMeans` leaves it. */
export interface SklearnKMeansResult {
  /** k x d cluster centres (`cluster_centers_`). */
  readonly centers: Matrix;
  /** Cluster of each training row (`labels_`). */
  readonly labels: Int32Array;
  /** Lloyd iterations run (`n_iter_`). */
  readonly iterations: number;
}

/** Options of {@link sklearnKMeans}; defaults are scikit-learn's. */
export interface SklearnKMeansOptions {
  /** Most Lloyd iterations (default 300). */
  maxIter?: number;
  /** Relative tolerance: stop when the squared centre shifts sum to at most tol * mean feature variance (1e-4). */
  tol?: number;
}

/**
 * scikit-learn's `KMeans(n_clusters=k, random_state=...)` with its defaults (`init="k-means++"`, `n_init="auto"`
 * = one run, `algorithm="lloyd"`, dense data), draw for draw from a numpy-compatible {@link RandomState}.
 *
 * As scikit-learn: the rows are centred on their mean; greedy k-means++ picks the first centre with
 * `choice(n, p=1/n)` and each next one as the best of `2 + floor(ln k)` candidates drawn by `uniform() * potential`
 * on the cumulative squared distances; Lloyd iterations assign each row to the centre minimising
 * `|c|^2 - 2 x.c` (first on ties), move centres to the means of their rows (sums times 1 / count), relocate empty
 * clusters to the rows farthest from their centres, and stop when the labels repeat (then no last assignment) or the
 * squared centre shifts sum to at most `tol * mean(var(X))` (then the rows are assigned once more to the final centres).
 *
 * Not bit-identical: scikit-learn's dot products are BLAS matrix products and its centre sums are split over
 * OpenMP threads, so centres agree to ~1e-15 relative and labels agree except for rows within that of a tie.
 * Empty clusters (rare after k-means++) take the farthest rows in decreasing distance, ties by lower index;
 * scikit-learn's `argpartition` order among equal distances is unspecified.
 *
 * @example
 * const { centers, labels } = sklearnKMeans(X, 8, new RandomState(42));
 */
export function sklearnKMeans(X: Matrix, k: number, random: RandomState, options: SklearnKMeansOptions = {}): SklearnKMeansResult {
  const { rows: n, cols: d } = X;
  if (n < k) throw new RangeError(`k-means needs at least as many rows as clusters: ${n} rows for ${k} clusters`);
  const maxIter = options.maxIter ?? 300;
  const tol = varianceTolerance(X, options.tol ?? 1e-4);
  const mean = columnMeans(X);
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) centred[i * d + j] = X.data[i * d + j] - mean[j];
  const Xc: Matrix = { rows: n, cols: d, data: centred };

  let centers = kMeansPlusPlus(Xc, k, random);
  let next = new Float64Array(k * d);
  const labels = new Int32Array(n).fill(-1);
  const previous = new Int32Array(n).fill(-1);
  const counts = new Float64Array(k);
  let strict = false;
  let iteration = 0;
  for (; iteration < maxIter; iteration++) {
    const shift = lloydStep(Xc, centers, next, counts, labels);
    [centers, next] = [next, centers];
    if (sameLabels(labels, previous)) {
      strict = true;
      break;
    }
    if (shift <= tol) break;
    previous.set(labels);
  }
  if (!strict) assignLabels(Xc, centers, k, labels);
  // scikit-learn counts the iteration that converged (its loop variable plus one).
  const iterations = Math.min(iteration + 1, maxIter);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) centers[c * d + j] += mean[j];
  return { centers: { rows: k, cols: d, data: centers }, labels, iterations };
}

/** `KMeans.predict`: the centre minimising `|c|^2 - 2 x.c` for each row (first on ties). */
export function nearestCenters(X: Matrix, centers: Matrix): Int32Array {
  const labels = new Int32Array(X.rows);
  assignLabels(X, centers.data, centers.rows, labels);
  return labels;
}

/** tol * mean over features of `np.var(X, axis=0)` (scikit-learn's `_tolerance`). */
function varianceTolerance(X: Matrix, tol: number): number {
  const { rows: n, cols: d } = X;
  const mean = columnMeans(X);
  const variances = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const deviation = X.data[i * d + j] - mean[j];
      variances[j] += deviation * deviation;
    }
  }
  for (let j = 0; j < d; j++) variances[j] /= n;
  return (numpySum(variances) / d) * tol;
}

/** `X.mean(axis=0)`: numpy adds the rows in order for each column. */
function columnMeans(X: Matrix): Float64Array {
  const { rows: n, cols: d } = X;
  const sums = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sums[j] += X.data[i * d + j];
  for (let j = 0; j < d; j++) sums[j] /= n;
  return sums;
}

function squaredNorm(data: Float64Array, start: number, d: number): number {
  let sum = 0;
  for (let j = 0; j < d; j++) sum += data[start + j] * data[start + j];
  return sum;
}

function dot(a: Float64Array, aStart: number, b: Float64Array, bStart: number, d: number): number {
  let sum = 0;
  for (let j = 0; j < d; j++) sum += a[aStart + j] * b[bStart + j];
  return sum;
}

/**
 * scikit-learn's `_kmeans_plusplus` with unit sample weights. Squared distances are `-2 x.c + |c|^2 + |x|^2`
 * clipped at 0 (its `_euclidean_distances`), potentials their sums.
 */
function kMeansPlusPlus(X: Matrix, k: number, random: RandomState): Float64Array {
  const { rows: n, cols: d, data } = X;
  const trials = 2 + Math.floor(Math.log(k));
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) norms[i] = squaredNorm(data, i * d, d);
  const centers = new Float64Array(k * d);

  const first = choiceUniformP(n, random);
  centers.set(data.subarray(first * d, first * d + d), 0);
  let closest = squaredDistancesTo(X, norms, first);
  let potential = sequentialSum(closest);
  const cumulative = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let running = 0;
    for (let i = 0; i < n; i++) cumulative[i] = running += closest[i];
    let best: { row: number; distances: Float64Array; potential: number } | undefined;
    const draws = Array.from({ length: trials }, () => random.uniform() * potential);
    const candidates = draws.map((draw) => Math.min(searchSorted(cumulative, draw), n - 1));
    const candidateDistances = squaredDistancesToRows(X, norms, candidates);
    for (let t = 0; t < trials; t++) {
      const row = candidates[t];
      const distances = candidateDistances[t];
      for (let i = 0; i < n; i++) if (closest[i] < distances[i]) distances[i] = closest[i];
      const candidatePotential = sequentialSum(distances);
      if (best === undefined || candidatePotential < best.potential) best = { row, distances, potential: candidatePotential };
    }
    const chosen = best as { row: number; distances: Float64Array; potential: number };
    potential = chosen.potential;
    closest = chosen.distances;
    centers.set(data.subarray(chosen.row * d, chosen.row * d + d), c * d);
  }
  return centers;
}

/** Legacy numpy `choice(n, p=ones(n) / n)`: one `random_sample` against the normalised cumulative sum of p. */
function choiceUniformP(n: number, random: RandomState): number {
  const p = 1 / n;
  const cdf = new Float64Array(n);
  let running = 0;
  for (let i = 0; i < n; i++) cdf[i] = running += p;
  const last = cdf[n - 1];
  for (let i = 0; i < n; i++) cdf[i] /= last;
  const u = random.randomSample();
  return searchSorted(cdf, u, "right");
}

/**
 * {@link squaredDistancesTo} of several rows in one pass over X: the dot products of each row of X with the
 * candidates from dense.c's dot_rows where available (two candidates per lane pair, each sum in feature order,
 * so the same bits), else one row at a time.
 */
function squaredDistancesToRows(X: Matrix, norms: Float64Array, rows: readonly number[]): Float64Array[] {
  const { rows: n, cols: d, data } = X;
  const m = rows.length;
  const kernels = denseKernels();
  if (kernels === null) return rows.map((row) => squaredDistancesTo(X, norms, row));
  const chosen = new Float64Array(m * d);
  rows.forEach((row, t) => chosen.set(data.subarray(row * d, row * d + d), t * d));
  const own = rows.map((row) => squaredNorm(data, row * d, d));
  const distances = rows.map(() => new Float64Array(n));
  const session = kernels.rowDots(chosen, m, d);
  for (let i = 0; i < n; i++) {
    const dots = session.dotsOf(data, i);
    for (let t = 0; t < m; t++) {
      const value = -2 * dots[t] + own[t] + norms[i];
      distances[t][i] = value > 0 ? value : 0;
    }
  }
  return distances;
}

function squaredDistancesTo(X: Matrix, norms: Float64Array, row: number): Float64Array {
  const { rows: n, cols: d, data } = X;
  const own = squaredNorm(data, row * d, d);
  const distances = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const value = -2 * dot(data, row * d, data, i * d, d) + own + norms[i];
    distances[i] = value > 0 ? value : 0;
  }
  return distances;
}

function sequentialSum(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}

/**
 * Labels of the rows: argmin over centres of `|c|^2 - 2 x.c`, the first on ties; with `sums` and `counts`, also each
 * centre's sum of its rows (in row order) and their count.
 */
function assignLabels(
  X: Matrix, centers: Float64Array, k: number, labels: Int32Array, sums?: Float64Array, counts?: Float64Array,
): void {
  const { rows: n, cols: d, data } = X;
  const centerNorms = new Float64Array(k);
  for (let c = 0; c < k; c++) centerNorms[c] = squaredNorm(centers, c * d, d);
  // WebAssembly SIMD where available: dense.c's nearest_centres, the same sums in the same order.
  const kernels = denseKernels();
  if (kernels !== null) {
    kernels.nearestCentres(data, n, d, centers, k, centerNorms, labels, sums, counts);
    return;
  }
  const dots = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    rowDots(data, i * d, centers, k, d, dots);
    let best = 0;
    let bestValue = centerNorms[0] + -2 * dots[0];
    for (let c = 1; c < k; c++) {
      const value = centerNorms[c] + -2 * dots[c];
      if (value < bestValue) {
        bestValue = value;
        best = c;
      }
    }
    labels[i] = best;
  }
  if (sums === undefined || counts === undefined) return;
  sums.fill(0);
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    counts[c] += 1;
    const to = c * d;
    const from = i * d;
    for (let j = 0; j < d; j++) sums[to + j] += data[from + j];
  }
}

/**
 * `dots[c] = dot(row, centre c)` for the k centres, four (then two) centres per pass over the row: independent sums
 * (each still added feature by feature, so each equals {@link dot} bit for bit) instead of one latency-bound
 * chain, and each feature of the row loaded once per four centres. Lloyd's assignments spend most of k-means here.
 */
function rowDots(data: Float64Array, start: number, centers: Float64Array, k: number, d: number, dots: Float64Array): Float64Array {
  let c = 0;
  for (; c + 4 <= k; c += 4) {
    const c0 = c * d;
    const c1 = c0 + d;
    const c2 = c1 + d;
    const c3 = c2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < d; j++) {
      const x = data[start + j];
      s0 += x * centers[c0 + j];
      s1 += x * centers[c1 + j];
      s2 += x * centers[c2 + j];
      s3 += x * centers[c3 + j];
    }
    dots[c] = s0;
    dots[c + 1] = s1;
    dots[c + 2] = s2;
    dots[c + 3] = s3;
  }
  for (; c + 2 <= k; c += 2) {
    const c0 = c * d;
    const c1 = c0 + d;
    let s0 = 0;
    let s1 = 0;
    for (let j = 0; j < d; j++) {
      const x = data[start + j];
      s0 += x * centers[c0 + j];
      s1 += x * centers[c1 + j];
    }
    dots[c] = s0;
    dots[c + 1] = s1;
  }
  if (c < k) dots[c] = dot(data, start, centers, c * d, d);
  return dots;
}

/**
 * One Lloyd iteration (`lloyd_iter_chunked_dense`): labels from `centers`, new centres into `next`.
 * Returns the summed squared centre shifts.
 */
function lloydStep(X: Matrix, centers: Float64Array, next: Float64Array, counts: Float64Array, labels: Int32Array): number {
  const d = X.cols;
  const k = counts.length;
  assignLabels(X, centers, k, labels, next, counts);
  relocateEmptyClusters(X, centers, next, counts, labels);
  let largest = 0;
  for (let c = 1; c < k; c++) if (counts[c] > counts[largest]) largest = c;
  for (let c = 0; c < k; c++) {
    if (counts[c] > 0) {
      const scale = 1 / counts[c];
      for (let j = 0; j < d; j++) next[c * d + j] *= scale;
    } else {
      for (let j = 0; j < d; j++) next[c * d + j] = next[largest * d + j];
    }
  }
  let shift = 0;
  for (let c = 0; c < k; c++) {
    const moved = euclideanUnrolled(next, centers, c * d, d);
    shift += moved * moved;
  }
  return shift;
}

/** scikit-learn's `_relocate_empty_clusters_dense`: each empty cluster takes one of the rows farthest from their centre. */
function relocateEmptyClusters(X: Matrix, centers: Float64Array, next: Float64Array, counts: Float64Array, labels: Int32Array): void {
  const { rows: n, cols: d, data } = X;
  const empty: number[] = [];
  for (let c = 0; c < counts.length; c++) if (counts[c] === 0) empty.push(c);
  if (empty.length === 0) return;
  const distances = new Float64Array(n);
  const squares = new Float64Array(d);
  let farthest = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const deviation = data[i * d + j] - centers[labels[i] * d + j];
      squares[j] = deviation * deviation;
    }
    distances[i] = numpySum(squares);
    if (distances[i] > farthest) farthest = distances[i];
  }
  if (farthest === 0) return;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => distances[b] - distances[a] || a - b);
  empty.forEach((cluster, position) => {
    const row = order[position];
    const old = labels[row];
    for (let j = 0; j < d; j++) {
      next[old * d + j] -= data[row * d + j];
      next[cluster * d + j] = data[row * d + j];
    }
    counts[cluster] = 1;
    counts[old] -= 1;
  });
}

/** `_euclidean_dense_dense`: squared differences summed four features at a time, then the rest. */
function euclideanUnrolled(a: Float64Array, b: Float64Array, start: number, d: number): number {
  let result = 0;
  let j = 0;
  for (; j + 4 <= d; j += 4) {
    const p = start + j;
    result += (a[p] - b[p]) * (a[p] - b[p]) + (a[p + 1] - b[p + 1]) * (a[p + 1] - b[p + 1]) +
      (a[p + 2] - b[p + 2]) * (a[p + 2] - b[p + 2]) + (a[p + 3] - b[p + 3]) * (a[p + 3] - b[p + 3]);
  }
  for (; j < d; j++) result += (a[start + j] - b[start + j]) * (a[start + j] - b[start + j]);
  return Math.sqrt(result);
}

function sameLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
