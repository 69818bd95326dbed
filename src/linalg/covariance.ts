import type { Matrix } from "../core/matrix";
import { denseKernels } from "./dense-kernels";
import { logDeterminantJs, mahalanobisSquaredJs, maskedCovarianceJs, pseudoInverseSymmetricJs } from "./covariance-js";
import { symmetricEigenRows } from "./symmetric-eigen";

/**
 * Dense covariance arithmetic on row-major Float64Arrays for the covariance-based detectors
 * (MCD, PCA): means and covariances of row subsets, symmetric eigendecomposition, scipy's
 * `pinvh`, numpy's `slogdet` and squared Mahalanobis distances. The O(p^3) and O(n p^2) work runs
 * in the WebAssembly SIMD kernels of src/linalg (dense.c); where WebAssembly is unavailable, in the
 * plain TypeScript of covariance-js.ts / symmetric-eigen.ts. Both give the same bits.
 */

/**
 * Column means of the rows where `mask` is 1 (all rows without a mask), summed row by row
 * as numpy's `X[mask].mean(axis=0)` does.
 */
export function maskedMean(X: Matrix, mask?: Uint8Array): Float64Array {
  const p = X.cols;
  const kernels = mask === undefined && X.rows > 0 ? denseKernels() : null;
  if (kernels !== null) return kernels.residentRows(X.data, X.rows, p).columnMean();
  const sums = new Float64Array(p);
  let count = 0;
  for (let i = 0; i < X.rows; i++) {
    if (mask !== undefined && mask[i] === 0) continue;
    count++;
    for (let j = 0; j < p; j++) sums[j] += X.data[i * p + j];
  }
  if (count === 0) throw new RangeError("mean of an empty selection of rows");
  for (let j = 0; j < p; j++) sums[j] /= count;
  return sums;
}

/**
 * Covariance of the rows where `mask` is 1 (all rows without a mask) around `location`,
 * row-major p x p, divided by (count - ddof): ddof 0 is sklearn's `empirical_covariance`
 * (`np.cov(X.T, bias=1)`), ddof 1 the sample covariance. Each entry is summed over rows in
 * order, as numpy's matrix product does.
 */
export function maskedCovariance(X: Matrix, location: Float64Array, mask?: Uint8Array, ddof = 0): Float64Array {
  const kernels = denseKernels();
  if (kernels === null) return maskedCovarianceJs(X, location, mask, ddof);
  // numpy multiplies by 1 / count rather than dividing.
  return kernels.covariance(X.data, X.rows, X.cols, location, mask, (count) => 1 / (count - ddof));
}

/** Eigenvalues (ascending) and eigenvectors (columns of a row-major p x p array) of a symmetric matrix. */
export interface SymmetricEigen {
  readonly values: Float64Array;
  readonly vectors: Float64Array;
}

/**
 * Eigendecomposition of a symmetric p x p matrix (Householder tridiagonalisation + QL; bit-identical to
 * ml-matrix's `EigenvalueDecomposition`, see symmetric-eigen.ts).
 * @example symmetricEigen(Float64Array.of(2, 0, 0, 1), 2).values; // [1, 2]
 */
export function symmetricEigen(symmetric: Float64Array, p: number): SymmetricEigen {
  const { values, rows } = eigenRows(symmetric, p);
  const vectors = new Float64Array(p * p);
  for (let k = 0; k < p; k++) for (let i = 0; i < p; i++) vectors[i * p + k] = rows[k * p + i];
  return { values, vectors };
}

/** The same decomposition with the eigenvectors as rows: row k of `rows` is the vector of `values[k]`. */
export function eigenRows(symmetric: Float64Array, p: number): { values: Float64Array; rows: Float64Array } {
  if (symmetric.length !== p * p) throw new RangeError(`expected a ${p} x ${p} matrix, got ${symmetric.length} values`);
  const kernels = denseKernels();
  return kernels === null ? symmetricEigenRows(symmetric, p) : kernels.eigenRows(symmetric, p);
}

/**
 * Pseudo-inverse of a symmetric matrix, as scipy's `linalg.pinvh`: eigenvalues with
 * |s| <= max|s| * p * eps are treated as zero, the rest inverted: B = U diag(1/s) U^T.
 */
export function pseudoInverseSymmetric(symmetric: Float64Array, p: number): Float64Array {
  if (symmetric.length !== p * p) throw new RangeError(`expected a ${p} x ${p} matrix, got ${symmetric.length} values`);
  const kernels = denseKernels();
  return kernels === null ? pseudoInverseSymmetricJs(symmetric, p) : kernels.pseudoInverse(symmetric, p);
}

/**
 * log(det A) of a square matrix by LU with partial pivoting, as sklearn's `fast_logdet`
 * (numpy `slogdet`): -Infinity when the determinant is zero or negative.
 */
export function logDeterminant(square: Float64Array, p: number): number {
  const kernels = denseKernels();
  if (kernels === null) return logDeterminantJs(square, p);
  const { sign: permutation, pivots } = kernels.luPivots(square, p);
  if (permutation === 0) return -Infinity;
  let sign = permutation;
  let logAbs = 0;
  for (let k = 0; k < p; k++) {
    if (pivots[k] < 0) sign = -sign;
    logAbs += Math.log(Math.abs(pivots[k]));
  }
  return sign > 0 ? logAbs : -Infinity;
}

/**
 * Squared Mahalanobis distance of every row to `location` under a symmetric `precision`:
 * (x - location)' P (x - location), as sklearn computes MCD distances (equal up to rounding).
 * The symmetry of P halves the work.
 */
export function mahalanobisSquared(X: Matrix, location: Float64Array, precision: Float64Array): Float64Array {
  const kernels = denseKernels();
  if (kernels === null) return mahalanobisSquaredJs(X, location, precision);
  return kernels.mahalanobis(X.data, X.rows, X.cols, location, precision);
}
