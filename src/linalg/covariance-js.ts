import type { Matrix } from "../core/matrix";
import { symmetricEigenRows } from "./symmetric-eigen";

/**
 * The covariance arithmetic of covariance.ts in plain TypeScript: the fallback where WebAssembly is unavailable
 * and the oracle the tests hold the WebAssembly kernels (src/linalg/dense.c) to, bit for bit. Matrices are p x p
 * with p = number of features; the O(n p^2) loops use typed arrays.
 */

/**
 * Covariance of the rows where `mask` is 1 (all rows without a mask) around `location`,
 * row-major p x p, divided by (count - ddof): ddof 0 is sklearn's `empirical_covariance`
 * (`np.cov(X.T, bias=1)`), ddof 1 the sample covariance. Each entry is summed over rows in
 * order, as numpy's matrix product does.
 */
export function maskedCovarianceJs(X: Matrix, location: Float64Array, mask?: Uint8Array, ddof = 0): Float64Array {
  const p = X.cols;
  let count = 0;
  for (let i = 0; i < X.rows; i++) if (mask === undefined || mask[i] === 1) count++;
  // Centred selected rows, column-major, so that each entry is a contiguous dot product.
  const columns = new Float64Array(p * count);
  for (let i = 0, r = 0; i < X.rows; i++) {
    if (mask !== undefined && mask[i] === 0) continue;
    for (let j = 0; j < p; j++) columns[j * count + r] = X.data[i * p + j] - location[j];
    r++;
  }
  const covariance = new Float64Array(p * p);
  // numpy multiplies by 1 / count rather than dividing.
  const factor = 1 / (count - ddof);
  for (let a = 0; a < p; a++) {
    const ca = a * count;
    let b = a;
    for (; b + 3 < p; b += 4) {
      const c0 = b * count;
      const c1 = c0 + count;
      const c2 = c1 + count;
      const c3 = c2 + count;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let r = 0; r < count; r++) {
        const value = columns[ca + r];
        s0 += value * columns[c0 + r];
        s1 += value * columns[c1 + r];
        s2 += value * columns[c2 + r];
        s3 += value * columns[c3 + r];
      }
      setSymmetric(covariance, p, a, b, s0 * factor);
      setSymmetric(covariance, p, a, b + 1, s1 * factor);
      setSymmetric(covariance, p, a, b + 2, s2 * factor);
      setSymmetric(covariance, p, a, b + 3, s3 * factor);
    }
    for (; b < p; b++) {
      const cb = b * count;
      let sum = 0;
      for (let r = 0; r < count; r++) sum += columns[ca + r] * columns[cb + r];
      setSymmetric(covariance, p, a, b, sum * factor);
    }
  }
  return covariance;
}

function setSymmetric(matrix: Float64Array, p: number, a: number, b: number, value: number): void {
  matrix[a * p + b] = value;
  matrix[b * p + a] = value;
}

/**
 * Pseudo-inverse of a symmetric matrix, as scipy's `linalg.pinvh`: eigenvalues with
 * |s| <= max|s| * p * eps are treated as zero, the rest inverted: B = U diag(1/s) U^T.
 */
export function pseudoInverseSymmetricJs(symmetric: Float64Array, p: number): Float64Array {
  // Eigenvectors as rows, so that each rank-one update below reads contiguous memory.
  const { values, rows } = symmetricEigenRows(symmetric, p);
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  const cutoff = largest * p * Number.EPSILON;
  const inverse = new Float64Array(p * p);
  for (let k = 0; k < p; k++) {
    if (!(Math.abs(values[k]) > cutoff)) continue;
    const reciprocal = 1 / values[k];
    const vector = k * p;
    for (let i = 0; i < p; i++) {
      const scaled = rows[vector + i] * reciprocal;
      if (scaled === 0) continue;
      const row = i * p;
      for (let j = 0; j < p; j++) inverse[row + j] += scaled * rows[vector + j];
    }
  }
  return inverse;
}

/**
 * log(det A) of a square matrix by LU with partial pivoting, as sklearn's `fast_logdet`
 * (numpy `slogdet`): -Infinity when the determinant is zero or negative.
 */
export function logDeterminantJs(square: Float64Array, p: number): number {
  const lu = Float64Array.from(square);
  let sign = 1;
  let logAbs = 0;
  for (let k = 0; k < p; k++) {
    let pivot = k;
    for (let i = k + 1; i < p; i++) if (Math.abs(lu[i * p + k]) > Math.abs(lu[pivot * p + k])) pivot = i;
    if (lu[pivot * p + k] === 0) return -Infinity;
    if (pivot !== k) {
      for (let j = 0; j < p; j++) {
        const held = lu[k * p + j];
        lu[k * p + j] = lu[pivot * p + j];
        lu[pivot * p + j] = held;
      }
      sign = -sign;
    }
    const diagonal = lu[k * p + k];
    if (diagonal < 0) sign = -sign;
    logAbs += Math.log(Math.abs(diagonal));
    for (let i = k + 1; i < p; i++) {
      const factor = lu[i * p + k] / diagonal;
      if (factor === 0) continue;
      for (let j = k + 1; j < p; j++) lu[i * p + j] -= factor * lu[k * p + j];
    }
  }
  return sign > 0 ? logAbs : -Infinity;
}

/**
 * Squared Mahalanobis distance of every row to `location` under a symmetric `precision`:
 * (x - location)' P (x - location), as sklearn computes MCD distances (equal up to rounding).
 * The symmetry of P halves the work; four rows at a time keep four independent sums in flight.
 */
export function mahalanobisSquaredJs(X: Matrix, location: Float64Array, precision: Float64Array): Float64Array {
  const p = X.cols;
  const n = X.rows;
  const data = X.data;
  const distances = new Float64Array(n);
  // Centred rows of the current block of four, one after the other.
  const c = new Float64Array(4 * p);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    for (let j = 0; j < 4 * p; j++) c[j] = data[i * p + j] - location[j % p];
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    for (let a = 0; a < p; a++) {
      const row = a * p;
      let o0 = 0;
      let o1 = 0;
      let o2 = 0;
      let o3 = 0;
      for (let b = a + 1; b < p; b++) {
        const weight = precision[row + b];
        o0 += weight * c[b];
        o1 += weight * c[p + b];
        o2 += weight * c[2 * p + b];
        o3 += weight * c[3 * p + b];
      }
      const diagonal = precision[row + a];
      d0 += c[a] * (diagonal * c[a] + 2 * o0);
      d1 += c[p + a] * (diagonal * c[p + a] + 2 * o1);
      d2 += c[2 * p + a] * (diagonal * c[2 * p + a] + 2 * o2);
      d3 += c[3 * p + a] * (diagonal * c[3 * p + a] + 2 * o3);
    }
    distances[i] = d0;
    distances[i + 1] = d1;
    distances[i + 2] = d2;
    distances[i + 3] = d3;
  }
  for (; i < n; i++) {
    for (let j = 0; j < p; j++) c[j] = data[i * p + j] - location[j];
    let sum = 0;
    for (let a = 0; a < p; a++) {
      const row = a * p;
      let offDiagonal = 0;
      for (let b = a + 1; b < p; b++) offDiagonal += precision[row + b] * c[b];
      sum += c[a] * (precision[row + a] * c[a] + 2 * offDiagonal);
    }
    distances[i] = sum;
  }
  return distances;
}
