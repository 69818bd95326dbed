/**
 * The q-th percentile (0 <= q <= 100) with numpy's default "linear" method
 * (Hyndman & Fan type 7), reproducing `np.percentile(values, q)` exactly,
 * including numpy's two-sided interpolation formula. This is how PyOD turns
 * a contamination rate into a score threshold.
 *
 * @param values finite numbers (not modified); NaN throws instead of propagating
 * @param q percentile in [0, 100]
 * @example
 * percentile([1, 2, 3, 4], 50); // 2.5
 * percentile(scores, 100 * (1 - 0.1)); // PyOD threshold for contamination 0.1
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (typeof q !== "number" || !(q >= 0 && q <= 100)) {
    throw new RangeError(`percentile: q must be between 0 and 100, got ${q}`);
  }
  const n = values.length;
  if (n === 0) throw new RangeError("percentile: values is empty");
  // slice() copies natively; Float64Array.from walks an iterator (~10x slower).
  const sorted = values instanceof Float64Array ? values.slice() : Float64Array.from(values);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(sorted[i])) throw new RangeError(`percentile: value ${i} is NaN`);
  }
  sorted.sort();
  // numpy: q / 100, virtual index (n - 1) * q, neighbours floor and floor + 1 clipped to the array.
  const virtualIndex = (n - 1) * (q / 100);
  const below = Math.floor(virtualIndex);
  if (virtualIndex >= n - 1) return sorted[n - 1];
  const gamma = virtualIndex - below;
  return lerp(sorted[below], sorted[below + 1], gamma);
}

/** numpy's `_lerp`: interpolates from the nearer end so that gamma = 1 returns b exactly. */
function lerp(a: number, b: number, gamma: number): number {
  const difference = b - a;
  return gamma >= 0.5 ? b - difference * (1 - gamma) : a + difference * gamma;
}
