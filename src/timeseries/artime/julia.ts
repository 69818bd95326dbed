// The few Julia numerics ARTime's published output depends on, with Julia's exact semantics:
// rounding to nearest with ties to even, `round(x, digits=d)`, and Base.sum's summation order.

/** Julia's `round(x)` (RoundNearest: halfway cases to the even integer). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x); // halfway cases up
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Julia's `round(x, digits=d)` for d >= 0: round(x·10^d) / 10^d, ties to even.
 *
 * @example roundDigits(0.3885425, 6); // 0.388542 (as Julia prints it, 0.38854199999999997 is the same double)
 */
export function roundDigits(x: number, digits: number): number {
  const scale = 10 ** digits;
  const y = roundHalfEven(x * scale) / scale;
  return Number.isFinite(y) ? y : x;
}

/**
 * Julia's `sum` of a Float64 array in its summation order: left to right up to 1024 elements,
 * pairwise halves above (Base.mapreduce_impl). (SIMD reassociation of the inner loop, which
 * depends on the CPU, is not modelled.)
 */
export function juliaSum(values: ArrayLike<number>, from = 0, to = values.length): number {
  const n = to - from;
  if (n === 0) return 0;
  if (n === 1) return values[from]!;
  if (n <= 1024) {
    let s = values[from]! + values[from + 1]!;
    for (let i = from + 2; i < to; i++) s += values[i]!;
    return s;
  }
  const mid = from + ((n - 1) >> 1);
  return juliaSum(values, from, mid + 1) + juliaSum(values, mid + 1, to);
}

/** Julia's `Statistics.mean`: sum / n (NaN for an empty array). */
export function juliaMean(values: ArrayLike<number>, from = 0, to = values.length): number {
  return juliaSum(values, from, to) / (to - from);
}

/** LinearAlgebra's `norm(x)` for short vectors (generic_norm2 without rescaling): sqrt of the sum of squares, left to right. */
export function norm2(values: ArrayLike<number>): number {
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) maxAbs = Math.max(maxAbs, Math.abs(values[i]!));
  if (maxAbs === 0 || maxAbs === Infinity) return maxAbs;
  let s = values[0]! * values[0]!;
  for (let i = 1; i < values.length; i++) s += values[i]! * values[i]!;
  return Math.sqrt(s);
}
