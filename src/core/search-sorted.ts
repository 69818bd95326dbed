/**
 * numpy's `searchsorted` on an ascending array: where `x` would be inserted to keep it sorted. `"left"` counts the
 * values below x (`< x`), `"right"` the values at or below it (`<= x`). One binary search, O(log n).
 *
 * @example
 * searchSorted(Float64Array.of(1, 2, 3, 4, 5), 3);          // 2 (numpy's docs: np.searchsorted([1,2,3,4,5], 3))
 * searchSorted(Float64Array.of(1, 2, 3, 4, 5), 3, "right"); // 3
 */
export function searchSorted(sorted: ArrayLike<number>, x: number, side: "left" | "right" = "left"): number {
  let low = 0;
  let high = sorted.length;
  if (side === "left") {
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (sorted[middle]! < x) low = middle + 1;
      else high = middle;
    }
  } else {
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (sorted[middle]! <= x) low = middle + 1;
      else high = middle;
    }
  }
  return low;
}
