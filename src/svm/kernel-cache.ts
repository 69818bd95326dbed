import type { Matrix } from "../core/matrix";
import { denseKernels, type RowDots } from "../linalg/dense-kernels";

/**
 * Rows of the RBF kernel matrix K(i, j) = exp(-gamma ||x_i - x_j||^2) of the training rows,
 * computed on demand and kept in a least-recently-used cache of bounded size, as libsvm does:
 * memory stays O(cacheBytes) instead of the O(n^2) full matrix. Values are stored as float32
 * (libsvm's `Qfloat`), computed with libsvm's formula exp(-gamma (|x_i|^2 + |x_j|^2 - 2 x_i.x_j)).
 */
export class RbfKernelRows {
  readonly size: number;
  readonly gamma: number;
  /** K(i, i) in double precision (libsvm's `QD`). */
  readonly diagonal: Float64Array;
  private readonly X: Matrix;
  private readonly squaredNorms: Float64Array;
  private readonly rows = new Map<number, Float32Array>();
  private readonly maxRows: number;
  /** Number of kernel rows computed so far (cache misses). */
  computedRows = 0;
  /** The dot products in WebAssembly SIMD (the same bits), where available. */
  private readonly rowDots: RowDots | undefined;

  /**
   * @param X training rows (not copied: do not modify while the cache is in use)
   * @param cacheBytes memory budget for cached rows; at least two rows are always kept
   */
  constructor(X: Matrix, gamma: number, cacheBytes: number) {
    this.X = X;
    this.size = X.rows;
    this.gamma = gamma;
    const p = X.cols;
    this.squaredNorms = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) this.squaredNorms[i] = dot(X.data, i * p, i * p, p);
    this.diagonal = Float64Array.from({ length: X.rows }, (_, i) => this.evaluate(i, i));
    this.maxRows = Math.max(2, Math.floor(cacheBytes / (4 * Math.max(1, X.rows))));
    this.rowDots = denseKernels()?.rowDots(X.data, X.rows, p);
  }

  /** Row i of the kernel matrix (all n columns, in row order). Do not modify it. */
  row(i: number): Float32Array {
    const cached = this.rows.get(i);
    if (cached !== undefined) {
      // Move to the most recently used end.
      this.rows.delete(i);
      this.rows.set(i, cached);
      return cached;
    }
    if (this.rows.size >= this.maxRows) this.rows.delete(this.rows.keys().next().value as number);
    const values = this.computeRow(i);
    this.rows.set(i, values);
    this.computedRows++;
    return values;
  }

  /**
   * The solver's hot loop, with evaluate()'s arithmetic. The dot products run in WebAssembly where available
   * (dense.c's dot_rows, each summed over the features in order: the same bits); else: four columns at a time so that four
   * independent sums are in flight (each still summed over features in order, so the values
   * are bit-identical to the one-at-a-time loop).
   */
  private computeRow(i: number): Float32Array {
    if (this.rowDots !== undefined) {
      const dots = this.rowDots.dots(i);
      const norms = this.squaredNorms;
      const normI = norms[i];
      const values = new Float32Array(this.size);
      for (let j = 0; j < values.length; j++) values[j] = Math.exp(-this.gamma * (normI + norms[j] - 2 * dots[j]));
      return values;
    }
    const data = this.X.data;
    const p = this.X.cols;
    const n = this.size;
    const norms = this.squaredNorms;
    const gamma = this.gamma;
    const xi = data.slice(i * p, (i + 1) * p);
    const normI = norms[i];
    const values = new Float32Array(n);
    let j = 0;
    for (; j + 7 < n; j += 8) {
      const o = j * p;
      let d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0, d7 = 0;
      for (let k = 0; k < p; k++) {
        const x = xi[k];
        const b = o + k;
        d0 += x * data[b];
        d1 += x * data[b + p];
        d2 += x * data[b + 2 * p];
        d3 += x * data[b + 3 * p];
        d4 += x * data[b + 4 * p];
        d5 += x * data[b + 5 * p];
        d6 += x * data[b + 6 * p];
        d7 += x * data[b + 7 * p];
      }
      values[j] = Math.exp(-gamma * (normI + norms[j] - 2 * d0));
      values[j + 1] = Math.exp(-gamma * (normI + norms[j + 1] - 2 * d1));
      values[j + 2] = Math.exp(-gamma * (normI + norms[j + 2] - 2 * d2));
      values[j + 3] = Math.exp(-gamma * (normI + norms[j + 3] - 2 * d3));
      values[j + 4] = Math.exp(-gamma * (normI + norms[j + 4] - 2 * d4));
      values[j + 5] = Math.exp(-gamma * (normI + norms[j + 5] - 2 * d5));
      values[j + 6] = Math.exp(-gamma * (normI + norms[j + 6] - 2 * d6));
      values[j + 7] = Math.exp(-gamma * (normI + norms[j + 7] - 2 * d7));
    }
    for (; j < n; j++) values[j] = this.evaluate(i, j);
    return values;
  }

  private evaluate(i: number, j: number): number {
    const p = this.X.cols;
    const squared = this.squaredNorms[i] + this.squaredNorms[j] - 2 * dot(this.X.data, i * p, j * p, p);
    return Math.exp(-this.gamma * squared);
  }
}

function dot(data: Float64Array, a: number, b: number, p: number): number {
  let sum = 0;
  for (let k = 0; k < p; k++) sum += data[a + k] * data[b + k];
  return sum;
}
