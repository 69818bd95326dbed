import { DENSE_WASM_BASE64 } from "./dense-wasm";
import { heapOf, instantiate, Layout, type WasmMemory } from "./wasm-module";

/**
 * The WebAssembly SIMD build of dense.c (see there, src/linalg/README.md and scripts/build-wasm.sh): the dense
 * arithmetic of MCD, PCA, the scalers, k-means, the one-class SVM and ECOD, each bit-identical to the TypeScript it
 * replaces (covariance-js.ts, symmetric-eigen.ts and the detectors' own loops). One instance per thread (worker
 * threads load their own), created on first use; each call lays its arrays out from the start of the heap, copies
 * the inputs in and the results out. Sessions (ResidentRows, KMeansPasses, rowDots) keep data there across calls
 * and throw if another call reused it. `denseKernels()` is null where WebAssembly is unavailable.
 */

interface DenseExports {
  readonly memory: WasmMemory;
  readonly __heap_base: { readonly value: number };
  eigen(n: number, w: number, d: number, e: number): void;
  pinvh_from_eigen(n: number, rows: number, values: number, cutoff: number, out: number): void;
  lu_pivots(p: number, lu: number, diagonal: number): number;
  covariance_rows(rows: number, p: number, X: number, mask: number, location: number, centred: number, acc: number): number;
  covariance_finish(p: number, acc: number, factor: number): void;
  mahalanobis(rows: number, p: number, X: number, location: number, precision: number, block: number, out: number): void;
  column_sums(rows: number, p: number, X: number, sums: number): void;
  centred_moments(rows: number, p: number, X: number, mean: number, correction: number, squares: number): void;
  standardize(rows: number, p: number, X: number, offset: number, divisor: number, out: number): void;
  pca_distances(rows: number, p: number, k: number, X: number, VT: number, weights: number, terms: number, out: number): void;
  transpose_codebook(k: number, d: number, book: number, bookT: number): void;
  interleave_pairs(rows: number, p: number, X: number, out: number): void;
  dot_rows(rows: number, p: number, pairs: number, x: number, dots: number): void;
  nearest_centres(
    rows: number, p: number, X: number, k: number, pairs: number, norms: number, dots: number, labels: number,
    sums: number, counts: number,
  ): void;
  squared_distances(rows: number, p: number, X: number, m: number, pairs: number, out: number): void;
  ecod_moments(n: number, d: number, j: number, Z: number, column: number, squares: number, cubes: number, out: number): void;
  ecod_column(
    n: number, d: number, j: number, Z: number, tail: number, leftSign: number, rightSign: number, tailMean: number,
    keys: number, order: number, keysCopy: number, orderCopy: number, outlyingness: number,
  ): void;
  row_sums(n: number, d: number, values: number, scores: number): void;
  kmeans_assign(
    rows: number, d: number, X: number, k: number, book: number, bookT: number, shifts: number, travelled: number,
    lower: number, codes: number, distances: number, sums: number, counts: number, squares: number,
  ): number;
}

/**
 * Rows handed to a kernel per call. A bound on the memory a call needs, and it lets V8 switch to optimised
 * code: WebAssembly starts in the baseline compiler and moves a function to the optimising one between
 * calls, never inside a running loop, so one call over all the rows would run entirely unoptimised.
 */
const ROWS_PER_CALL = 1024;

/** How ECOD-family scores combine a value's two tail terms: ECOD's max(left, right), COPOD's (left + right) / 2. */
export type TailCombination = "max" | "mean";

export class DenseKernels {
  private readonly exports: DenseExports;
  private readonly heapBase: number;
  /** Counts the claims of the memory: a session (k-means passes, kernel rows) is valid while no other claim followed it. */
  private epoch = 0;

  constructor(exports: Record<string, unknown>) {
    this.exports = exports as unknown as DenseExports;
    this.heapBase = Number(this.exports.__heap_base.value);
  }

  /**
   * Eigenvalues (ascending) and eigenvectors (row k = the vector of value k) of the symmetric n x n row-major
   * `symmetric` (not modified); bit-identical to `symmetricEigenRowsJs`.
   */
  eigenRows(symmetric: Float64Array, n: number): { values: Float64Array; rows: Float64Array } {
    const layout = this.claim();
    const w = layout.take(8 * n * n);
    const d = layout.take(8 * n);
    const e = layout.take(8 * n);
    return decompose(this.exports, this.heap(layout.end), { w, d, e }, symmetric, n);
  }

  /** scipy's `pinvh` (see `pseudoInverseSymmetric`), bit-identical to the TypeScript. */
  pseudoInverse(symmetric: Float64Array, n: number): Float64Array {
    const layout = this.claim();
    const w = layout.take(8 * n * n);
    const d = layout.take(8 * n);
    const e = layout.take(8 * n);
    const out = layout.take(8 * n * n);
    const heap = this.heap(layout.end);
    const { values } = decompose(this.exports, heap, { w, d, e }, symmetric, n);
    let largest = 0;
    for (let k = 0; k < n; k++) largest = Math.max(largest, Math.abs(values[k]));
    heap.fill(0, out / 8, out / 8 + n * n);
    this.exports.pinvh_from_eigen(n, w, d, largest * n * Number.EPSILON, out);
    return heap.slice(out / 8, out / 8 + n * n);
  }

  /** The pivots of LU with partial pivoting and the permutation's sign (0: a pivot is exactly zero). */
  luPivots(square: Float64Array, p: number): { sign: number; pivots: Float64Array } {
    const layout = this.claim();
    const lu = layout.take(8 * p * p);
    const diagonal = layout.take(8 * p);
    const heap = this.heap(layout.end);
    heap.set(square, lu / 8);
    const sign = this.exports.lu_pivots(p, lu, diagonal);
    return { sign, pivots: heap.slice(diagonal / 8, diagonal / 8 + p) };
  }

  /** Covariance of the selected rows (see `maskedCovariance`), bit-identical to the TypeScript. */
  covariance(data: Float64Array, rows: number, p: number, location: Float64Array, mask: Uint8Array | undefined, factorFor: (count: number) => number): Float64Array {
    const chunk = Math.max(1, Math.min(rows, ROWS_PER_CALL));
    const layout = this.claim();
    const X = layout.take(8 * chunk * p);
    const maskAt = mask === undefined ? 0 : layout.take(chunk);
    const locationAt = layout.take(8 * p);
    const centred = layout.take(8 * chunk * p);
    const acc = layout.take(8 * p * p);
    const heap = this.heap(layout.end);
    heap.set(location, locationAt / 8);
    heap.fill(0, acc / 8, acc / 8 + p * p);
    let count = 0;
    for (let from = 0; from < rows; from += chunk) {
      const size = Math.min(chunk, rows - from);
      heap.set(data.subarray(from * p, (from + size) * p), X / 8);
      if (mask !== undefined) new Uint8Array(this.exports.memory.buffer, maskAt, size).set(mask.subarray(from, from + size));
      count += this.exports.covariance_rows(size, p, X, maskAt, locationAt, centred, acc);
    }
    this.exports.covariance_finish(p, acc, factorFor(count));
    return heap.slice(acc / 8, acc / 8 + p * p);
  }

  /** Squared Mahalanobis distances (see `mahalanobisSquared`), bit-identical to the TypeScript. */
  mahalanobis(data: Float64Array, rows: number, p: number, location: Float64Array, precision: Float64Array): Float64Array {
    const layout = this.claim();
    const locationAt = layout.take(8 * p);
    const precisionAt = layout.take(8 * p * p);
    const block = layout.take(8 * 4 * p);
    const heap = this.heap(layout.end);
    heap.set(location, locationAt / 8);
    heap.set(precision, precisionAt / 8);
    return this.mapRows(data, rows, p, layout, 1, (size, X, out) => this.exports.mahalanobis(size, p, X, locationAt, precisionAt, block, out));
  }

  /**
   * The assignment passes of one k-means run over `data` (rows x d), copied into linear memory once. The
   * passes keep their state (codes, lower bounds) there: no other kernel may run on this thread until the
   * run ends (k-means runs are synchronous and call no other kernel).
   */
  kmeansPasses(data: Float64Array, rows: number, d: number, k: number): KMeansPasses {
    const layout = this.claim();
    return new KMeansPasses(this.exports, this.heap.bind(this), layout, this.guard("a k-means run"), data, rows, d, k);
  }

  /**
   * ECOD's scores of the rows of `data` (n x d), as ecod.ts computes them: per column the skewness moments (whose
   * sign `skewSign(mean, m2, m3)` decides, in JavaScript: it needs Math.pow), the ranks of a radix sort and the
   * tail terms from `tail` (-log of numpy's linspace grid), then numpy's sum of each row's terms.
   */
  ecodScores(
    data: Float64Array,
    n: number,
    d: number,
    tail: Float64Array,
    skewSign: (mean: number, m2: number, m3: number) => number,
    tails: TailCombination,
  ): Float64Array {
    const layout = this.claim();
    const Z = layout.take(8 * n * d);
    const tailAt = layout.take(8 * n);
    const column = layout.take(8 * n);
    const squares = layout.take(8 * n);
    const cubes = layout.take(8 * n);
    const moments = layout.take(8 * 3 * d);
    const keys = layout.take(8 * n);
    const keysCopy = layout.take(8 * n);
    const order = layout.take(4 * n);
    const orderCopy = layout.take(4 * n);
    const outlyingness = layout.take(8 * n * d);
    const scores = layout.take(8 * n);
    const heap = this.heap(layout.end);
    heap.set(data.subarray(0, n * d), Z / 8);
    heap.set(tail, tailAt / 8);
    for (let j = 0; j < d; j++) {
      this.exports.ecod_moments(n, d, j, Z, column, squares, cubes, moments);
      const view = this.heap(0);
      const sign = skewSign(view[moments / 8 + 3 * j], view[moments / 8 + 3 * j + 1], view[moments / 8 + 3 * j + 2]);
      const tailMean = tails === "mean" ? 1 : 0;
      this.exports.ecod_column(n, d, j, Z, tailAt, Math.sign(sign - 1), Math.sign(sign + 1), tailMean, keys, order, keysCopy, orderCopy, outlyingness);
    }
    this.exports.row_sums(n, d, outlyingness, scores);
    return this.heap(0).slice(scores / 8, scores / 8 + n);
  }

  /**
   * `data` (rows x p) copied into linear memory once, for several passes over the same rows: column statistics,
   * standardisation in place, mean, covariance, eigendecomposition and PCA's distance scores
   * (PCADetector's whole fit; the scalers; PCA's slices on threads). Valid until another kernel call on this thread.
   */
  residentRows(data: Float64Array, rows: number, p: number): ResidentRows {
    const layout = this.claim();
    return new ResidentRows(this.exports, this.heap.bind(this), layout, this.guard("a pass over resident rows"), data, rows, p);
  }

  /**
   * k-means' assignment (sklearn-kmeans.ts): `labels[i]` = the centre (k x p, row-major) minimising
   * `norms[c] + -2 * x_i.c` for each of the n rows of `data`, the first on ties, each dot product summed over the
   * features in order (the TypeScript's bits). With `sums` (k x p, zeroed by the caller) and `counts`, each row is
   * also added to its centre's sum in row order and counted.
   */
  nearestCentres(
    data: Float64Array, n: number, p: number, centres: Float64Array, k: number, norms: Float64Array, labels: Int32Array,
    sums?: Float64Array, counts?: Float64Array,
  ): void {
    const layout = this.claim();
    const kk = 2 * Math.ceil(k / 2);
    const pairs = layout.take(8 * kk * p);
    const normsAt = layout.take(8 * k);
    const dots = layout.take(8 * kk);
    const sumsAt = layout.take(8 * k * p);
    const countsAt = layout.take(4 * k);
    const chunk = Math.max(1, Math.min(n, ROWS_PER_CALL));
    const X = layout.take(8 * Math.max(chunk * p, k * p));
    const labelsAt = layout.take(4 * chunk);
    let heap = this.heap(layout.end);
    heap.set(centres.subarray(0, k * p), X / 8); // raw centres, read once by interleave_pairs
    this.exports.interleave_pairs(k, p, X, pairs);
    heap.set(norms.subarray(0, k), normsAt / 8);
    if (sums !== undefined) {
      heap.fill(0, sumsAt / 8, sumsAt / 8 + k * p);
      new Int32Array(heap.buffer, countsAt, k).fill(0);
    }
    for (let from = 0; from < n; from += chunk) {
      const size = Math.min(chunk, n - from);
      heap.set(data.subarray(from * p, (from + size) * p), X / 8);
      this.exports.nearest_centres(size, p, X, k, pairs, normsAt, dots, labelsAt, sums === undefined ? 0 : sumsAt, countsAt);
      labels.set(new Int32Array(heap.buffer, labelsAt, size), from);
    }
    if (sums !== undefined && counts !== undefined) {
      heap = this.heap(0);
      sums.set(heap.subarray(sumsAt / 8, sumsAt / 8 + k * p));
      counts.set(new Int32Array(heap.buffer, countsAt, k));
    }
  }

  /**
   * The dot products of one row with every row of `data` (rows x p), for the RBF kernel's rows: the rows are
   * copied in once (pair-interleaved); the session is valid until another kernel call on this thread.
   */
  rowDots(data: Float64Array, rows: number, p: number): RowDots {
    const layout = this.claim();
    const pairs = layout.take(8 * 2 * Math.ceil(rows / 2) * p);
    const x = layout.take(8 * p);
    const dots = layout.take(8 * (rows + 1));
    // The raw rows are only read by interleave_pairs: afterwards their place holds a chunk of dotsOf's rows.
    const raw = new Layout(layout.end).take(Math.max(8 * rows * p, 8 * ROWS_PER_CALL * p));
    const heap = this.heap(raw + Math.max(8 * rows * p, 8 * ROWS_PER_CALL * p));
    heap.set(data.subarray(0, rows * p), raw / 8);
    this.exports.interleave_pairs(rows, p, raw, pairs);
    const check = this.guard("a kernel-row session");
    let output = heap.subarray(dots / 8, dots / 8 + rows);
    let chunk = { source: null as Float64Array | null, from: 0, to: 0 };
    // One copy per ROWS_PER_CALL rows of `source` and views made once (k-means++ calls this for every row).
    const dotsOf = (source: Float64Array, row: number): Float64Array => {
      check();
      if (output.length !== rows) output = this.heap(0).subarray(dots / 8, dots / 8 + rows); // detached by a growth
      if (source !== chunk.source || row < chunk.from || row >= chunk.to) {
        const to = Math.min(source.length / p, row + ROWS_PER_CALL);
        this.heap(0).set(source.subarray(row * p, to * p), raw / 8);
        chunk = { source, from: row, to };
      }
      this.exports.dot_rows(rows, p, pairs, raw + 8 * (row - chunk.from) * p, dots);
      return output;
    };
    return {
      dots: (i: number): Float64Array => {
        check();
        const memory = this.heap(0);
        memory.set(data.subarray(i * p, (i + 1) * p), x / 8);
        this.exports.dot_rows(rows, p, pairs, x, dots);
        return memory.subarray(dots / 8, dots / 8 + rows);
      },
      dotsOf,
    };
  }

  /**
   * Squared distances of every row of `data` (rows x p) to the m rows of `vectors`, each summed over the features
   * in order, handed to `consume(from, size, squared, stride)` in slices of rows: squared[r * stride + s] is row
   * (from + r) to vector s. The view is only valid inside `consume`.
   */
  squaredDistances(
    data: Float64Array, rows: number, p: number, vectors: Float64Array, m: number,
    consume: (from: number, size: number, squared: Float64Array, stride: number) => void,
  ): void {
    const stride = 2 * Math.ceil(m / 2);
    const chunk = Math.max(1, Math.min(rows, ROWS_PER_CALL, Math.floor(2 ** 19 / Math.max(1, stride))));
    const layout = this.claim();
    const pairs = layout.take(8 * stride * p);
    const X = layout.take(8 * chunk * p);
    const out = layout.take(8 * chunk * stride);
    const raw = new Layout(layout.end).take(8 * m * p);
    let heap = this.heap(raw + 8 * m * p);
    heap.set(vectors.subarray(0, m * p), raw / 8);
    this.exports.interleave_pairs(m, p, raw, pairs);
    for (let from = 0; from < rows; from += chunk) {
      const size = Math.min(chunk, rows - from);
      heap = this.heap(0);
      heap.set(data.subarray(from * p, (from + size) * p), X / 8);
      this.exports.squared_distances(size, p, X, m, pairs, out);
      consume(from, size, heap.subarray(out / 8, out / 8 + size * stride), stride);
    }
  }

  /** Copies the rows in slices after `layout`; `run(size, X, out)` writes `width` outputs per row, gathered into one array. */
  private mapRows(data: Float64Array, rows: number, p: number, layout: Layout, width: number, run: (size: number, X: number, out: number) => void): Float64Array {
    const chunk = Math.max(1, Math.min(rows, ROWS_PER_CALL));
    const after = new Layout(layout.end);
    const X = after.take(8 * chunk * p);
    const out = after.take(8 * chunk * width);
    const heap = this.heap(after.end);
    const result = new Float64Array(rows * width);
    for (let from = 0; from < rows; from += chunk) {
      const size = Math.min(chunk, rows - from);
      heap.set(data.subarray(from * p, (from + size) * p), X / 8);
      run(size, X, out);
      result.set(heap.subarray(out / 8, out / 8 + size * width), from * width);
    }
    return result;
  }

  /** Bytes for the arrays of one call (or session), laid out from the start of the heap. */
  private claim(): Layout {
    this.epoch++;
    return new Layout(this.heapBase);
  }

  /** A check for sessions: throws once another call has reused the memory their state lives in. */
  private guard(what: string): () => void {
    const epoch = this.epoch;
    return () => {
      if (this.epoch !== epoch) throw new Error(`dense kernels: ${what} was interleaved with another kernel call on this thread (internal error)`);
    };
  }

  /** Size of this instance's linear memory. */
  get memoryBytes(): number {
    return this.exports.memory.buffer.byteLength;
  }

  /** A float64 view of the memory, grown first to at least `bytes`. */
  private heap(bytes: number): Float64Array {
    return heapOf(this.exports.memory, bytes);
  }
}

/** See {@link DenseKernels.residentRows}. Each method runs its kernel over slices of ROWS_PER_CALL rows of the copy. */
export class ResidentRows {
  private readonly at: {
    X: number; sums: number; mean: number; correction: number; squares: number; offset: number; divisor: number;
    acc: number; centred: number; VT: number; weights: number; terms: number; scores: number; w: number; d: number; e: number;
  };

  constructor(
    private readonly exports: DenseExports,
    private readonly heap: (bytes: number) => Float64Array,
    layout: Layout,
    private readonly check: () => void,
    data: Float64Array,
    private readonly rows: number,
    private readonly p: number,
  ) {
    const kk = p + (p % 2);
    this.at = {
      X: layout.take(8 * rows * p), sums: layout.take(8 * p), mean: layout.take(8 * p), correction: layout.take(8 * p),
      squares: layout.take(8 * p), offset: layout.take(8 * p), divisor: layout.take(8 * p),
      centred: layout.take(8 * Math.min(rows, ROWS_PER_CALL) * p), VT: layout.take(8 * p * kk),
      weights: layout.take(8 * p), terms: layout.take(8 * kk),
      scores: layout.take(8 * rows), d: layout.take(8 * p), e: layout.take(8 * p),
      // The p x p arrays last: the memory grows to them only when a covariance or eigendecomposition needs them.
      acc: layout.take(8 * p * p), w: layout.take(8 * p * p),
    };
    this.squaresEnd = layout.end;
    heap(this.at.acc).set(data.subarray(0, rows * p), this.at.X / 8);
  }

  private readonly squaresEnd: number;

  /** The rows as they are now (after `standardize`, the standardised rows). */
  values(): Float64Array {
    this.check();
    return this.heap(0).slice(this.at.X / 8, this.at.X / 8 + this.rows * this.p);
  }

  /**
   * StandardScaler's statistics, as its TypeScript computes them: column sums (numpy's axis-0 order), then the
   * sums of the centred values and of their squares around `meanOf(sums)`.
   */
  moments(meanOf: (sums: Float64Array) => Float64Array): { mean: Float64Array; correction: Float64Array; squares: Float64Array } {
    const { at, p } = this;
    const sums = this.columnSums();
    const mean = meanOf(sums);
    const heap = this.heap(0);
    heap.set(mean, at.mean / 8);
    heap.fill(0, at.correction / 8, at.correction / 8 + p);
    heap.fill(0, at.squares / 8, at.squares / 8 + p);
    this.slices((size, X) => this.exports.centred_moments(size, p, X, at.mean, at.correction, at.squares));
    const after = this.heap(0);
    return { mean, correction: after.slice(at.correction / 8, at.correction / 8 + p), squares: after.slice(at.squares / 8, at.squares / 8 + p) };
  }

  /** Replaces every row by (x - offset) / divisor, in place. */
  standardize(offset: Float64Array, divisor: Float64Array): void {
    const { at, p } = this;
    const heap = this.heap(0);
    heap.set(offset, at.offset / 8);
    heap.set(divisor, at.divisor / 8);
    this.slices((size, X) => this.exports.standardize(size, p, X, at.offset, at.divisor, X));
  }

  /** Column means of the rows (numpy's order: sums row by row, then divided). */
  columnMean(): Float64Array {
    return this.columnSums().map((sum) => sum / this.rows);
  }

  /** Covariance around `location` divided by (rows - ddof) (see `maskedCovariance`). */
  covariance(location: Float64Array, ddof: number): Float64Array {
    const { at, p } = this;
    const heap = this.heap(this.squaresEnd);
    heap.set(location, at.mean / 8);
    heap.fill(0, at.acc / 8, at.acc / 8 + p * p);
    this.slices((size, X) => this.exports.covariance_rows(size, p, X, 0, at.mean, at.centred, at.acc));
    this.exports.covariance_finish(p, at.acc, 1 / (this.rows - ddof));
    return this.heap(0).slice(at.acc / 8, at.acc / 8 + p * p);
  }

  /** Eigenvalues (ascending) and eigenvectors as rows of the symmetric p x p `symmetric` (see DenseKernels.eigenRows). */
  eigenRows(symmetric: Float64Array): { values: Float64Array; rows: Float64Array } {
    this.check();
    return decompose(this.exports, this.heap(this.squaresEnd), this.at, symmetric, this.p);
  }

  /** PyOD's PCA distance score of every row, with components first..k-1 of `components` (k x p). */
  distances(components: Float64Array, k: number, first: number, weights: Float64Array): Float64Array {
    const { at, p } = this;
    const selected = k - first;
    const heap = this.heap(0);
    setTransposed(heap, at.VT, components, first, k, p);
    heap.set(weights.subarray(first, k), at.weights / 8);
    this.slices((size, X, from) => this.exports.pca_distances(size, p, selected, X, at.VT, at.weights, at.terms, at.scores + 8 * from));
    return this.heap(0).slice(at.scores / 8, at.scores / 8 + this.rows);
  }

  /** Column sums over all rows, each summed row by row (numpy's axis-0 order). */
  columnSums(): Float64Array {
    const { at, p } = this;
    this.heap(0).fill(0, at.sums / 8, at.sums / 8 + p);
    this.slices((size, X) => this.exports.column_sums(size, p, X, at.sums));
    return this.heap(0).slice(at.sums / 8, at.sums / 8 + p);
  }

  /** Calls `run(size, X, from)` on consecutive slices of the resident rows. */
  private slices(run: (size: number, X: number, from: number) => void): void {
    this.check();
    for (let from = 0; from < this.rows; from += ROWS_PER_CALL) {
      run(Math.min(ROWS_PER_CALL, this.rows - from), this.at.X + 8 * from * this.p, from);
    }
  }
}

/** dense.c's eigen on the n x n `symmetric`, in the arrays at byte offsets w (n x n), d and e (n each). */
function decompose(exports: DenseExports, heap: Float64Array, at: { w: number; d: number; e: number }, symmetric: Float64Array, n: number): { values: Float64Array; rows: Float64Array } {
  // ml-matrix's transposed storage: value(i, j) goes to V(j, i).
  const base = at.w / 8;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) heap[base + j * n + i] = symmetric[i * n + j];
  exports.eigen(n, at.w, at.d, at.e);
  return { values: heap.slice(at.d / 8, at.d / 8 + n), rows: heap.slice(base, base + n * n) };
}

/** Rows first..last-1 of the row-major `matrix` (width p) written transposed at byte `at`: p rows of kk (even) values, padding 0. */
function setTransposed(heap: Float64Array, at: number, matrix: Float64Array, first: number, last: number, p: number): void {
  const count = last - first;
  const kk = count + (count % 2);
  const base = at / 8;
  heap.fill(0, base, base + p * kk);
  for (let c = 0; c < count; c++) for (let j = 0; j < p; j++) heap[base + j * kk + c] = matrix[(first + c) * p + j];
}

/** See {@link DenseKernels.rowDots}: `dots(i)` is a view, valid until the next call. */
export interface RowDots {
  /** The dot products of row i of the session's rows with every one of them. */
  dots(i: number): Float64Array;
  /**
   * The dot products of row `row` of `source` (rows of p values) with every row: k-means++'s data rows with its
   * candidate centres. Fastest row after row (the rows are copied in a chunk at a time). The view is valid until the next call.
   */
  dotsOf(source: Float64Array, row: number): Float64Array;
}

/** See {@link DenseKernels.kmeansPasses}. */
export class KMeansPasses {
  private readonly at: { X: number; lower: number; codes: number; distances: number; book: number; bookT: number; shifts: number; sums: number; counts: number; squares: number };

  constructor(
    private readonly exports: DenseExports,
    private readonly heap: (bytes: number) => Float64Array,
    layout: Layout,
    private readonly check: () => void,
    data: Float64Array,
    private readonly rows: number,
    private readonly d: number,
    k: number,
  ) {
    // Room for the largest codebook (the first); later ones can only lose empty clusters.
    const kk = k + (k % 2);
    this.at = {
      X: layout.take(8 * rows * d),
      lower: layout.take(8 * rows * k),
      codes: layout.take(4 * rows),
      distances: layout.take(8 * rows),
      book: layout.take(8 * k * d),
      bookT: layout.take(8 * d * kk),
      shifts: layout.take(8 * k),
      sums: layout.take(8 * k * d),
      counts: layout.take(4 * k),
      squares: layout.take(8 * kk),
    };
    heap(layout.end).set(data.subarray(0, rows * d), this.at.X / 8);
  }

  /**
   * Assigns every row to its nearest centroid of `book` (k x d): a full scan without `shifts`, else Elkan's
   * bounds lowered by each centroid's shift. Returns the numpy-ordered sum of the distances and each
   * centroid's sum of rows and count, gathered in row order.
   */
  assign(book: Float64Array, k: number, shifts: Float64Array | undefined, travelled: number): { distanceSum: number; sums: Float64Array; counts: Int32Array } {
    this.check();
    const { at, d } = this;
    const heap = this.heap(0);
    heap.set(book.subarray(0, k * d), at.book / 8);
    if (shifts !== undefined) heap.set(shifts.subarray(0, k), at.shifts / 8);
    else this.exports.transpose_codebook(k, d, at.book, at.bookT);
    const distanceSum = this.exports.kmeans_assign(
      this.rows, d, at.X, k, at.book, at.bookT, shifts === undefined ? 0 : at.shifts, travelled,
      at.lower, at.codes, at.distances, at.sums, at.counts, at.squares,
    );
    const buffer = this.exports.memory.buffer;
    return {
      distanceSum,
      sums: new Float64Array(buffer, at.sums, k * d).slice(),
      counts: new Int32Array(buffer, at.counts, k).slice(),
    };
  }
}

let kernels: DenseKernels | null | undefined;
let disabled = false;

/**
 * Runs `body` with the kernels switched off on this thread, so that callers take their TypeScript paths (the
 * fallback where WebAssembly is unavailable). For tests that hold the two paths to the same bits.
 * @internal
 */
export function withoutDenseKernels<T>(body: () => T): T {
  disabled = true;
  try {
    return body();
  } finally {
    disabled = false;
  }
}

/**
 * A linear memory never shrinks: after a call that needed more than this (PCA on a million rows holds ~250 MB),
 * the next call gets a fresh instance and the large memory is left to the garbage collector (sessions still in
 * use keep theirs until they end).
 */
const RETAINED_BYTES = 64 * 2 ** 20;

/** This thread's kernels, compiled and instantiated on first use; null where WebAssembly SIMD is unavailable. */
export function denseKernels(): DenseKernels | null {
  if (disabled) return null;
  if (kernels instanceof DenseKernels && kernels.memoryBytes > RETAINED_BYTES) kernels = undefined;
  if (kernels === undefined) {
    const exports = instantiate(DENSE_WASM_BASE64);
    kernels = exports === null ? null : new DenseKernels(exports);
  }
  return kernels;
}
