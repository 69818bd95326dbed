// Test data that the reference scripts in test/reference/ also generate, bit for bit, so that
// fixtures store a seed and a shape instead of arrays.
import { createMatrix, type Matrix } from "../../src/core/matrix";
import { RandomState } from "../../src/random/random-state";

/** Arguments of `uniform_data` in test/reference/common.py. */
export interface UniformDataSpec {
  seed: number;
  n: number;
  d: number;
  outliers: number;
  n_new?: number;
}

/**
 * `uniform_data(seed, n, d, outliers, n_new)` of test/reference/common.py: n x d uniform in
 * [-1, 1) with the first `outliers` rows stretched 4x, then n_new query rows in [-4, 4).
 * random_sample is bit-exact in numpy and in our RandomState, and so is this arithmetic.
 */
export function uniformData(spec: UniformDataSpec): { X: Matrix; XNew: Matrix } {
  const rs = new RandomState(spec.seed);
  const X = rs.randomSample(spec.n * spec.d).map((u) => u * 2 - 1);
  for (let p = 0; p < spec.outliers * spec.d; p++) X[p] *= 4;
  const nNew = spec.n_new ?? 15;
  const XNew = rs.randomSample(nNew * spec.d).map((u) => u * 8 - 4);
  return { X: createMatrix(spec.n, spec.d, X), XNew: createMatrix(nNew, spec.d, XNew) };
}
