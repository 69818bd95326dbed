import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import { createMatrix, type Matrix } from "../core/matrix";
import { searchSorted } from "../core/search-sorted";
import { numpySum } from "../core/summation";
import { denseKernels, type TailCombination } from "../linalg/dense-kernels";
import { encodeMatrix, type StateReader } from "../persistence/state-codec";

/** Options of {@link ECODDetector}: only `contamination` (ECOD has no hyper-parameters). */
export type ECODOptions = DetectorOptions;

/** scipy's skew treats a variance at or below (1e-15 * mean)^2 as zero (skewness NaN, then 0 in PyOD). */
const FLOAT64_RESOLUTION = 1e-15;

/**
 * The shared machinery of ECOD and COPOD: the model is the training rows, and scoring recomputes the empirical
 * CDFs on them plus the new rows (as PyOD does); the two differ only in how a value's two tails combine.
 */
export abstract class TailProbabilityDetector extends BaseDetector<Matrix> {
  protected abstract readonly tails: TailCombination;

  /** The training rows: scoring recomputes the ECDFs on them plus the new rows. */
  protected override saveState(): Record<string, unknown> {
    return { train: encodeMatrix(this.model) };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    this.model = state.matrix("train", fit);
  }

  protected fitScores(X: Matrix): Float64Array {
    this.model = X; // the detector's own copy (toMatrix copies)
    return ecodScores(this.model, this.tails);
  }

  protected decisionScores(X: Matrix): Float64Array {
    const train = this.model;
    const data = new Float64Array((train.rows + X.rows) * X.cols);
    data.set(train.data);
    data.set(X.data, train.data.length);
    return ecodScores(createMatrix(train.rows + X.rows, X.cols, data), this.tails).slice(train.rows);
  }
}

/**
 * ECOD, Empirical-Cumulative-distribution-based Outlier Detection (Li et al.
 * 2022), PyOD's `ECOD` step for step (pyod/models/ecod.py).
 *
 * Per feature, a row's left and right tail probabilities come from the
 * empirical CDF (ties share the highest rank: F(x) = #{x_i <= x} / n, on numpy's
 * `linspace(1/n, 1, n)` grid); their negative logs U_l, U_r measure
 * extremeness. The tail used follows the sign of the feature's skewness
 * (scipy's biased `skew`): left for negative skew, right for positive, both
 * summed when it is 0; each feature contributes max(that, U_l, U_r) (PyOD's
 * `np.maximum(U_skew, np.maximum(U_l, U_r))`, so the skewness only matters where it
 * is 0), and a row's score is the sum over features. No parameters, no distances.
 *
 * Like PyOD, `score(X)` recomputes the ECDFs and skewness on the training rows
 * followed by X, and returns the scores of X's rows: a new batch's scores depend on
 * the batch (score rows one by one for batch-independent scores).
 *
 * Assumes outliers are extreme in some marginal (feature-wise) tail; invariant to
 * monotone rescaling of each feature.
 * Complexity: O(n log n · d) (one sort per feature), O(n d) memory; `score` on m
 * rows costs O((n + m) log(n + m) · d).
 *
 * @example
 * const ecod = new ECODDetector({ contamination: 0.05 }).fit(X);
 * ecod.trainingScores; // sum over features of tail -log probabilities
 */
export class ECODDetector extends TailProbabilityDetector {
  protected readonly tails = "max";

  constructor(options: ECODOptions = {}) {
    super(options);
  }
}

/**
 * ECOD scores of every row of Z, with ECDFs and skewness estimated on Z itself. `tails` "max" is PyOD's ECOD
 * (max of the two tails since PyOD 0.9.9), "mean" its COPOD (their mean).
 */
export function ecodScores(Z: Matrix, tails: TailCombination = "max"): Float64Array {
  const { rows: n, cols: d } = Z;
  const grid = linspaceGrid(n);
  const kernels = denseKernels();
  if (kernels !== null) {
    // The same arithmetic in WebAssembly (ranks from a radix sort instead of binary searches): the same bits.
    return kernels.ecodScores(Z.data, n, d, grid.map((value) => -Math.log(value)), skewSignOf, tails);
  }
  const outlyingness = new Float64Array(n * d);
  const column = new Float64Array(n);
  const sorted = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) column[i] = Z.data[i * d + j];
    sorted.set(column);
    sorted.sort();
    const skewSign = skewnessSign(column, d === 1);
    for (let i = 0; i < n; i++) {
      const value = column[i];
      const left = -Math.log(grid[searchSorted(sorted, value, "right") - 1]); // -log P(X <= x)
      const right = -Math.log(grid[n - searchSorted(sorted, value) - 1]); // -log P(X >= x)
      // PyOD: U_l * -1 * sign(s - 1) + U_r * sign(s + 1), with s the skewness sign.
      const skewed = left * -1 * Math.sign(skewSign - 1) + right * Math.sign(skewSign + 1);
      outlyingness[i * d + j] = Math.max(skewed, tails === "mean" ? (left + right) / 2 : Math.max(left, right));
    }
  }
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) scores[i] = numpySum(outlyingness, i * d, (i + 1) * d);
  return scores;
}

/**
 * `np.linspace(1/n, 1, n)` as numpy computes it for PyOD's per-column call
 * (array endpoints): r * ((1 - 1/n) / (n - 1)) + 1/n, the last value exactly 1.
 */
function linspaceGrid(n: number): Float64Array {
  const grid = new Float64Array(n);
  const start = 1 / n;
  const step = (1 - start) / (n - 1);
  for (let r = 0; r < n - 1; r++) grid[r] = r * step + start;
  grid[n - 1] = 1;
  return grid;
}

/**
 * Sign of `scipy.stats.skew(x)` (biased), 0 where scipy returns NaN (near-zero
 * variance; PyOD maps NaN to 0). Moments use numpy's summation order for the
 * column: pairwise for a lone column, sequential down a column of a wider matrix.
 */
function skewnessSign(x: Float64Array, loneColumn: boolean): number {
  const n = x.length;
  const sum = (values: Float64Array) => (loneColumn ? numpySum(values) : sequentialSum(values));
  const mean = sum(x) / n;
  const squares = new Float64Array(n);
  const cubes = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const centred = x[i] - mean;
    squares[i] = centred * centred;
    cubes[i] = squares[i] * centred;
  }
  return skewSignOf(mean, sum(squares) / n, sum(cubes) / n);
}

/**
 * The sign of scipy's biased skewness m3 / m2^1.5 from the moments; 0 where scipy returns NaN (near-zero variance,
 * or moments that overflow: Infinity / Infinity, +Infinity - Infinity), as PyOD's nan_to_num makes it.
 */
function skewSignOf(mean: number, m2: number, m3: number): number {
  if (m2 <= (FLOAT64_RESOLUTION * mean) ** 2) return 0;
  const skewness = m3 / m2 ** 1.5;
  return Number.isNaN(skewness) ? 0 : Math.sign(skewness);
}

function sequentialSum(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}
