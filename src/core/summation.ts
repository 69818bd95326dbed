/**
 * Floating-point sums in numpy's exact order, so that means and distortions
 * agree with numpy/scipy bit for bit instead of to ~1e-15.
 */

/** numpy's pairwise summation block size (PW_BLOCKSIZE). */
const PAIRWISE_BLOCK = 128;

/**
 * Sum of `values[start, end)` in the order of `np.add.reduce` on a contiguous
 * float64 array: pairwise summation (8 accumulators, blocks of 128) of the whole
 * range, added to 0. (numpy before 2.3 summed buffers of 8192 elements one after
 * the other; numpy 2.3 reduces a contiguous array in one piece.)
 *
 * @example numpySum([0.1, 0.2, 0.3]); // 0.6000000000000001, like np.sum
 */
export function numpySum(values: ArrayLike<number>, start = 0, end = values.length): number {
  return 0 + pairwiseSum(values, start, Math.max(end - start, 0));
}

/**
 * Arithmetic mean as `np.mean` computes it (numpy-ordered sum divided by the count).
 * @example numpyMean([1, 2, 4]); // 2.3333333333333335
 */
export function numpyMean(values: ArrayLike<number>, start = 0, end = values.length): number {
  if (end <= start) throw new RangeError("mean of an empty range");
  return numpySum(values, start, end) / (end - start);
}

function pairwiseSum(a: ArrayLike<number>, offset: number, n: number): number {
  if (n < 8) {
    let result = 0;
    for (let i = 0; i < n; i++) result += a[offset + i];
    return result;
  }
  if (n <= PAIRWISE_BLOCK) {
    let r0 = a[offset], r1 = a[offset + 1], r2 = a[offset + 2], r3 = a[offset + 3];
    let r4 = a[offset + 4], r5 = a[offset + 5], r6 = a[offset + 6], r7 = a[offset + 7];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const k = offset + i;
      r0 += a[k]; r1 += a[k + 1]; r2 += a[k + 2]; r3 += a[k + 3];
      r4 += a[k + 4]; r5 += a[k + 5]; r6 += a[k + 6]; r7 += a[k + 7];
    }
    let result = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) result += a[offset + i];
    return result;
  }
  // Split in two halves, the first a multiple of the unroll factor 8.
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(a, offset, half) + pairwiseSum(a, offset + half, n - half);
}
