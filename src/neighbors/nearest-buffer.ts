/**
 * The k best candidates of one query, kept sorted in a slice of shared arrays.
 *
 * Order is by squared distance, then by training index, so that the k nearest
 * neighbours are one well-defined set whatever order candidates arrive in: the
 * k-d tree, the blocked brute force and every worker thread agree bit for bit.
 */

/**
 * Offers candidate `(squared, index)` to the sorted slice `[start, start + size)`
 * of `squaredOut` / `indexOut` holding at most `k` entries; returns the new size.
 * A candidate equal in distance to the current k-th one wins only with a lower index.
 *
 * @example
 * const d2 = new Float64Array(2), ids = new Int32Array(2);
 * let size = offerNeighbour(d2, ids, 0, 2, 0, 4, 7); // size 1
 * size = offerNeighbour(d2, ids, 0, 2, size, 1, 3);  // d2 [1, 4], ids [3, 7]
 */
export function offerNeighbour(
  squaredOut: Float64Array,
  indexOut: Int32Array,
  start: number,
  k: number,
  size: number,
  squared: number,
  index: number,
): number {
  let position: number;
  if (size < k) {
    position = start + size;
    size++;
  } else {
    const last = start + k - 1;
    const worst = squaredOut[last];
    if (squared > worst || (squared === worst && index > indexOut[last])) return size;
    position = last;
  }
  while (position > start) {
    const previous = squaredOut[position - 1];
    if (previous < squared || (previous === squared && indexOut[position - 1] < index)) break;
    squaredOut[position] = previous;
    indexOut[position] = indexOut[position - 1];
    position--;
  }
  squaredOut[position] = squared;
  indexOut[position] = index;
  return size;
}

/**
 * Squared Euclidean distance between row `a` of `aData` and row `b` of `bData`
 * (both with `d` columns), summed over features in order: scikit-learn's KDTree
 * arithmetic, and the exact value every search path reports.
 */
export function squaredDistance(aData: Float64Array, a: number, bData: Float64Array, b: number, d: number): number {
  const aOffset = a * d;
  const bOffset = b * d;
  let sum = 0;
  for (let j = 0; j < d; j++) {
    const diff = aData[aOffset + j] - bData[bOffset + j];
    sum += diff * diff;
  }
  return sum;
}
