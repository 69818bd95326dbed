/**
 * numpy's default `np.argsort` (kind="quicksort", numpy <= 1.25 without SIMD dispatch): an
 * introsort of indices (median-of-3 quicksort, insertion sort below 17 elements, heapsort past
 * the depth limit). It is not stable; reproducing it exactly makes ties come out in numpy's
 * order, which matters where sklearn keeps "the first h" of an argsort (MCD supports: in one
 * dimension the two ends of the shortest half are always tied).
 */

const SMALL_QUICKSORT = 15;

/**
 * Indices that sort `values` ascending, tie order included, as numpy 1.24's `np.argsort(values)`.
 * NaN is not supported (callers pass finite values).
 * @example numpyArgsort([3, 1, 2]); // Int32Array [1, 2, 0]
 */
export function numpyArgsort(values: ArrayLike<number>): Int32Array {
  const n = values.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return order;
  const v = values;
  const swap = (a: number, b: number) => {
    const held = order[a];
    order[a] = order[b];
    order[b] = held;
  };
  const stack: number[] = [];
  const depths: number[] = [];
  let left = 0;
  let right = n - 1;
  let depth = mostSignificantBit(n) * 2;
  for (;;) {
    if (depth < 0) {
      heapsortRange(v, order, left, right - left + 1);
    } else {
      while (right - left > SMALL_QUICKSORT) {
        const middle = left + ((right - left) >> 1);
        if (v[order[middle]] < v[order[left]]) swap(middle, left);
        if (v[order[right]] < v[order[middle]]) swap(right, middle);
        if (v[order[middle]] < v[order[left]]) swap(middle, left);
        const pivot = v[order[middle]];
        let i = left;
        let j = right - 1;
        swap(middle, j);
        for (;;) {
          do ++i; while (v[order[i]] < pivot);
          do --j; while (pivot < v[order[j]]);
          if (i >= j) break;
          swap(i, j);
        }
        swap(i, right - 1);
        // Push the larger partition, continue with the smaller one.
        if (i - left < right - i) {
          stack.push(i + 1, right);
          right = i - 1;
        } else {
          stack.push(left, i - 1);
          left = i + 1;
        }
        depths.push(--depth);
      }
      for (let i = left + 1; i <= right; i++) {
        const held = order[i];
        const value = v[held];
        let j = i;
        while (j > left && value < v[order[j - 1]]) {
          order[j] = order[j - 1];
          j--;
        }
        order[j] = held;
      }
    }
    if (stack.length === 0) break;
    right = stack.pop() as number;
    left = stack.pop() as number;
    depth = depths.pop() as number;
  }
  return order;
}

/** numpy's `aheapsort` on `order[start, start + n)` (1-based heap indexing as in numpy). */
function heapsortRange(v: ArrayLike<number>, order: Int32Array, start: number, n: number): void {
  const at = (k: number) => order[start + k - 1];
  const set = (k: number, value: number) => (order[start + k - 1] = value);
  for (let l = n >> 1; l > 0; --l) {
    const held = at(l);
    let i = l;
    for (let j = l << 1; j <= n; ) {
      if (j < n && v[at(j)] < v[at(j + 1)]) j += 1;
      if (v[held] < v[at(j)]) {
        set(i, at(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, held);
  }
  for (let size = n; size > 1; ) {
    const held = at(size);
    set(size, at(1));
    size -= 1;
    let i = 1;
    for (let j = 2; j <= size; ) {
      if (j < size && v[at(j)] < v[at(j + 1)]) j++;
      if (v[held] < v[at(j)]) {
        set(i, at(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, held);
  }
}

function mostSignificantBit(n: number): number {
  let bit = 0;
  for (let rest = n; rest > 1; rest = Math.floor(rest / 2)) bit++;
  return bit;
}
