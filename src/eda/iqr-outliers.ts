/** Tukey's fences: the rule behind boxplot whiskers. */
import { quantileOfSorted } from "./quantile";
import { toFiniteNumbers, type NumericInput } from "./numeric-input";

/** Result of {@link iqrOutliers}. */
export interface IqrOutliers {
  q1: number;
  q3: number;
  iqr: number;
  /** q1 - k * iqr; values strictly below are outliers. */
  lower: number;
  /** q3 + k * iqr; values strictly above are outliers. */
  upper: number;
  /** 1 where the value is an outlier, 0 elsewhere; same order as the input. */
  flags: Uint8Array;
  /** Positions of the outliers, ascending. */
  indices: number[];
}

/**
 * Flags values outside [q1 - k·IQR, q3 + k·IQR], quartiles by linear
 * interpolation (numpy default), i.e. the points a 1.5-IQR boxplot draws.
 *
 * @example
 * ```ts
 * const { indices, lower } = iqrOutliers(salaries);      // k = 1.5
 * iqrOutliers([1, 2, 3, 4, 100], { k: 3 }).indices;       // [4]
 * ```
 */
export function iqrOutliers(values: NumericInput, options: { k?: number } = {}): IqrOutliers {
  const k = options.k ?? 1.5;
  if (typeof k !== "number" || !Number.isFinite(k) || k < 0) {
    throw new RangeError(`iqrOutliers: k must be a finite number >= 0, got ${String(k)}`);
  }
  const data = toFiniteNumbers(values, "iqrOutliers(values)");
  const sorted = Float64Array.from(data).sort();
  const q1 = quantileOfSorted(sorted, 0.25);
  const q3 = quantileOfSorted(sorted, 0.75);
  const iqr = q3 - q1;
  const lower = q1 - k * iqr;
  const upper = q3 + k * iqr;
  const flags = new Uint8Array(data.length);
  const indices: number[] = [];
  data.forEach((value, i) => {
    if (value < lower || value > upper) {
      flags[i] = 1;
      indices.push(i);
    }
  });
  return { q1, q3, iqr, lower, upper, flags, indices };
}
