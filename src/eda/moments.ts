/** Mean and standard deviation shared by describe() and the z-score rule. */

/** Arithmetic mean of a non-empty array. */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/**
 * Standard deviation with `ddof` delta degrees of freedom (numpy's `std(ddof=)`),
 * two-pass around the mean for accuracy. Returns NaN when n - ddof <= 0; callers decide.
 */
export function standardDeviation(values: ArrayLike<number>, ddof: number, center = mean(values)): number {
  const dof = values.length - ddof;
  if (dof <= 0) return NaN;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i] - center;
    squares += d * d;
  }
  return Math.sqrt(squares / dof);
}
