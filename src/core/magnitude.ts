/**
 * Finite values too large for a detector's arithmetic. toMatrix accepts every finite double, but a detector
 * that squares differences of values (distances, covariances, kernels, z-scores) overflows to Infinity once
 * they pass ~1e154, and one that takes a column's range (histograms, random split points) overflows once
 * max - min does. These checks refuse such input up front, naming the value, instead of letting it turn into
 * an Infinity threshold, a constant score or a NaN reported far from its cause.
 */
import type { Matrix } from "./matrix";

/**
 * The largest |value| a detector that squares differences accepts for data of `rows` x `cols`:
 * sqrt(MAX_VALUE / (16 rows cols)). Within it, every squared difference (at most (2v)^2), its sum over the
 * columns and over the rows (variances, covariances, |a|^2 + |b|^2 - 2 a.b) stays below MAX_VALUE / 4.
 *
 * @example squareBound(60, 3); // 2.5e+152
 */
export function squareBound(rows: number, cols: number): number {
  return Math.sqrt(Number.MAX_VALUE / (16 * Math.max(1, rows) * Math.max(1, cols)));
}

/**
 * Throws a RangeError naming the first value of `X` (row-major) beyond ±`bound` (see {@link squareBound});
 * `fit` describes the data the bound comes from ("60 rows and 3 columns", or "KNNDetector was fitted on ...").
 *
 * @example checkSquareable(X, squareBound(X.rows, X.cols), "KNNDetector", `${X.rows} rows and ${X.cols} columns`);
 */
export function checkSquareable(X: Matrix, bound: number, who: string, fit: string): void {
  const data = X.data;
  for (let p = 0; p < data.length; p++) {
    const value = data[p];
    if (value > bound || value < -bound) {
      const row = Math.floor(p / X.cols);
      throw new RangeError(
        `${who}: X row ${row}, column ${p % X.cols} is ${value}, too large to square: with ${fit}, values must stay ` +
          `within ±${bound.toPrecision(3)} so that squared distances and their sums stay finite in double ` +
          "precision. Rescale the column (e.g. standardise it) or drop the row.",
      );
    }
  }
}

/**
 * Throws a RangeError naming the first column of `X` whose range max - min overflows (values near ±1.8e308 of
 * both signs), with the rows of its extremes. For detectors that split or bin a column's range.
 *
 * @example checkFiniteRanges(X, "HBOSDetector");
 */
export function checkFiniteRanges(X: Matrix, who: string): void {
  const { rows, cols, data } = X;
  for (let j = 0; j < cols; j++) {
    let low = 0;
    let high = 0;
    for (let i = 1; i < rows; i++) {
      if (data[i * cols + j] < data[low * cols + j]) low = i;
      if (data[i * cols + j] > data[high * cols + j]) high = i;
    }
    const min = data[low * cols + j];
    const max = data[high * cols + j];
    if (!Number.isFinite(max - min)) {
      throw new RangeError(
        `${who}: column ${j} of X spans from ${min} (row ${low}) to ${max} (row ${high}), a range that overflows ` +
          "double precision. Rescale the column (e.g. standardise it) or drop those rows.",
      );
    }
  }
}
