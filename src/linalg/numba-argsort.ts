/**
 * numba's `np.argsort(a)` (kind "quicksort", numba/misc/quicksort.py), the sort PyOD's numba-compiled code runs:
 * median-of-three quicksort over an index array, the larger part pushed on a stack, insertion sort below 16
 * elements. It is not stable; reproducing it exactly makes ties come out in numba's order, which matters where
 * PyOD keeps "the last r" of an argsort of small integer counts (SOD's shared-neighbour reference sets).
 */

/** numba switches to insertion sort for partitions spanning fewer than this many steps (high - low). */
const SMALL_QUICKSORT = 15;

/**
 * Indices that sort `values` ascending, tie order included, as numba's `np.argsort(values)` (NaN unsupported).
 * @example numbaArgsort([3, 1, 2]); // Int32Array [1, 2, 0]
 */
export function numbaArgsort(values: ArrayLike<number>): Int32Array {
  const n = values.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return order;
  const lows: number[] = [0];
  const highs: number[] = [n - 1];
  while (lows.length > 0) {
    let low = lows.pop() as number;
    let high = highs.pop() as number;
    while (high - low >= SMALL_QUICKSORT) {
      const i = partition(values, order, low, high);
      // The larger part waits on the stack; the loop goes on with the smaller one.
      if (high - i > i - low) {
        if (high > i) {
          lows.push(i + 1);
          highs.push(high);
        }
        high = i - 1;
      } else {
        if (i > low) {
          lows.push(low);
          highs.push(i - 1);
        }
        low = i + 1;
      }
    }
    insertionSort(values, order, low, high);
  }
  return order;
}

function partition(values: ArrayLike<number>, order: Int32Array, low: number, high: number): number {
  const swap = (a: number, b: number) => {
    const held = order[a];
    order[a] = order[b];
    order[b] = held;
  };
  const middle = (low + high) >> 1;
  // Median of three {low, middle, high}.
  if (values[order[middle]] < values[order[low]]) swap(low, middle);
  if (values[order[high]] < values[order[middle]]) swap(high, middle);
  if (values[order[middle]] < values[order[low]]) swap(low, middle);
  const pivot = values[order[middle]];
  swap(high, middle); // the pivot waits at the end
  let i = low;
  let j = high - 1;
  for (;;) {
    while (i < high && values[order[i]] < pivot) i++;
    while (j >= low && pivot < values[order[j]]) j--;
    if (i >= j) break;
    swap(i, j);
    i++;
    j--;
  }
  swap(i, high);
  return i;
}

/** Insertion sort of order[low..high] (inclusive), stable within the range. */
function insertionSort(values: ArrayLike<number>, order: Int32Array, low: number, high: number): void {
  for (let i = low + 1; i <= high; i++) {
    const index = order[i];
    const value = values[index];
    let j = i;
    while (j > low && value < values[order[j - 1]]) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = index;
  }
}
