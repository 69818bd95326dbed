/**
 * Quantiles with numpy's default "linear" method (= pandas' default, R type 7).
 * polars' own quantile/describe interpolate differently, hence our own.
 */
import { toFiniteNumbers, type NumericInput } from "./numeric-input";

function checkProbability(q: number, context: string): void {
  if (typeof q !== "number" || !(q >= 0 && q <= 1)) {
    throw new RangeError(`${context}: q must be a number in [0, 1], got ${String(q)}`);
  }
}

/**
 * Quantile `q` of values already sorted ascending (no validation: internal
 * fast path). Mirrors numpy: virtual index (n-1)q, then numpy's `_lerp`, which
 * interpolates from the nearer end for exactness.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const virtualIndex = (sorted.length - 1) * q;
  const below = Math.floor(virtualIndex);
  const above = Math.min(below + 1, sorted.length - 1);
  const gamma = virtualIndex - below;
  const a = sorted[below];
  const b = sorted[above];
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** Sorted Float64Array copy of validated input. */
export function sortedCopy(values: NumericInput, context: string): Float64Array {
  return toFiniteNumbers(values, context).sort();
}

/**
 * The q-th quantile (0 <= q <= 1) by linear interpolation, identical to
 * `numpy.quantile(values, q)` and pandas' `Series.quantile(q)`.
 *
 * @example
 * ```ts
 * quantile([1, 2, 3, 4], 0.25); // 1.75
 * ```
 */
export function quantile(values: NumericInput, q: number): number {
  checkProbability(q, "quantile");
  return quantileOfSorted(sortedCopy(values, "quantile(values)"), q);
}

/**
 * Several quantiles at once (sorts the data once).
 *
 * @example
 * ```ts
 * quantiles([1, 2, 3, 4], [0.25, 0.5, 0.75]); // [1.75, 2.5, 3.25]
 * ```
 */
export function quantiles(values: NumericInput, qs: readonly number[]): number[] {
  qs.forEach((q) => checkProbability(q, "quantiles"));
  const sorted = sortedCopy(values, "quantiles(values)");
  return qs.map((q) => quantileOfSorted(sorted, q));
}
