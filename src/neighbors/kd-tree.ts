import type { Matrix } from "../core/matrix";
import { offerNeighbour } from "./nearest-buffer";

/** Points per leaf, scikit-learn's default `leaf_size`. */
const DEFAULT_LEAF_SIZE = 30;

/**
 * A k-d tree for exact Euclidean k-nearest-neighbour queries in low dimension.
 *
 * Layout follows scikit-learn's KDTree: an implicit complete binary tree
 * (node i has children 2i+1 and 2i+2) with `2^levels - 1` nodes, each node
 * splitting its points at the median of its widest dimension, leaves holding
 * about `leafSize` points. Points are copied in tree order so a leaf is one
 * contiguous block. Every node stores its bounding box and its lowest row
 * index; a query visits the nearer child first (on equal box distance, the one
 * with the lower index) and skips a node that cannot hold a better neighbour
 * than the current k-th in (distance, index) order: its box is farther, or as
 * far and all its rows have higher indices. The result is the unique
 * (distance, index)-ordered set that brute force returns, and duplicated rows
 * cost no more than distinct ones (without the index test, n identical rows
 * made every query read every leaf: O(n^2)).
 *
 * Build O(n log n), memory O(n d); a query is about O(log n) in low dimension
 * and degrades towards O(n) when d grows past ~15 (brute force then wins).
 *
 * @example
 * const tree = new KDTree(toMatrix([[0, 0], [1, 1], [5, 5]]));
 * const d2 = new Float64Array(2), ids = new Int32Array(2);
 * tree.query(toMatrix([[0.9, 0.9]]), 2, false, 0, 1, d2, ids); // ids [1, 0]
 */
export class KDTree {
  readonly rows: number;
  readonly cols: number;
  /** Points in tree order, row-major. */
  private readonly points: Float64Array;
  /** Original row index of each tree-ordered point. */
  private readonly order: Int32Array;
  private readonly nodeStart: Int32Array;
  private readonly nodeEnd: Int32Array;
  /** Per node, per dimension: lower and upper corner of the bounding box. */
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  /** Lowest original row index among each node's points. */
  private readonly lowestIndex: Int32Array;
  private readonly nodeCount: number;
  private readonly firstLeaf: number;
  /** Distances computed by the current `query` call (leaf points visited, the row itself included). */
  private distanceCount = 0;

  constructor(data: Matrix, leafSize = DEFAULT_LEAF_SIZE) {
    const n = data.rows;
    const d = data.cols;
    this.rows = n;
    this.cols = d;
    const levels = Math.floor(Math.log2(Math.max(1, (n - 1) / leafSize))) + 1;
    this.nodeCount = 2 ** levels - 1;
    this.firstLeaf = 2 ** (levels - 1) - 1;
    this.order = new Int32Array(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
    this.nodeStart = new Int32Array(this.nodeCount);
    this.nodeEnd = new Int32Array(this.nodeCount);
    this.lower = new Float64Array(this.nodeCount * d);
    this.upper = new Float64Array(this.nodeCount * d);
    this.lowestIndex = new Int32Array(this.nodeCount);
    this.build(data.data, 0, 0, n);
    this.points = new Float64Array(n * d);
    for (let i = 0; i < n; i++) this.points.set(data.data.subarray(this.order[i] * d, (this.order[i] + 1) * d), i * d);
  }

  /**
   * k nearest training rows of query rows `[from, to)`: writes squared distances
   * (ascending, ties by lower index) and original indices at `[(q - from) * k ...]`.
   * With `excludeSelf`, query row q is training row q and is skipped. Returns how many distances it
   * computed (the search's work, which tests bound).
   */
  query(
    query: Matrix,
    k: number,
    excludeSelf: boolean,
    from: number,
    to: number,
    squaredOut: Float64Array,
    indexOut: Int32Array,
  ): number {
    const d = this.cols;
    const scratch = new Float64Array(d);
    this.distanceCount = 0;
    for (let q = from; q < to; q++) {
      scratch.set(query.data.subarray(q * d, (q + 1) * d));
      const start = (q - from) * k;
      this.searchNode(0, scratch, excludeSelf ? q : -1, k, start, 0, squaredOut, indexOut);
    }
    return this.distanceCount;
  }

  // Recursive depth-first search; returns the buffer size after visiting the node.
  private searchNode(
    node: number,
    q: Float64Array,
    self: number,
    k: number,
    start: number,
    size: number,
    squaredOut: Float64Array,
    indexOut: Int32Array,
  ): number {
    const d = this.cols;
    if (node >= this.firstLeaf) {
      const points = this.points;
      const order = this.order;
      const end = this.nodeEnd[node];
      this.distanceCount += end - this.nodeStart[node];
      for (let p = this.nodeStart[node]; p < end; p++) {
        const index = order[p];
        if (index === self) continue;
        const worst = size === k ? squaredOut[start + k - 1] : Infinity;
        const offset = p * d;
        let sum = 0;
        // Partial sums only grow, so stopping once past the k-th distance is exact.
        for (let j = 0; j < d && sum <= worst; j++) {
          const diff = q[j] - points[offset + j];
          sum += diff * diff;
        }
        if (sum <= worst) size = offerNeighbour(squaredOut, indexOut, start, k, size, sum, index);
      }
      return size;
    }
    const left = 2 * node + 1;
    const right = left + 1;
    const leftMin = this.boxDistance(left, q);
    const rightMin = this.boxDistance(right, q);
    // The visit order changes only the work, never the result (the k best in (distance, index) order).
    const leftFirst = leftMin < rightMin || (leftMin === rightMin && this.lowestIndex[left] < this.lowestIndex[right]);
    const near = leftFirst ? left : right;
    const far = leftFirst ? right : left;
    if (size < k || this.mayImprove(near, leftFirst ? leftMin : rightMin, start + k - 1, squaredOut, indexOut)) {
      size = this.searchNode(near, q, self, k, start, size, squaredOut, indexOut);
    }
    if (size < k || this.mayImprove(far, leftFirst ? rightMin : leftMin, start + k - 1, squaredOut, indexOut)) {
      size = this.searchNode(far, q, self, k, start, size, squaredOut, indexOut);
    }
    return size;
  }

  // Whether a node at box distance `boxMin` can hold a point that beats the current k-th neighbour (at `last`):
  // nearer, or as near with a lower index (offerNeighbour's order). Its points are at least boxMin away.
  private mayImprove(node: number, boxMin: number, last: number, squaredOut: Float64Array, indexOut: Int32Array) {
    const worst = squaredOut[last];
    return boxMin < worst || (boxMin === worst && this.lowestIndex[node] < indexOut[last]);
  }

  // Lower bound of the squared distance from q to any point of the node; rounding
  // is monotone, so it never exceeds the computed distance of a point inside.
  private boxDistance(node: number, q: Float64Array): number {
    const d = this.cols;
    const offset = node * d;
    let sum = 0;
    for (let j = 0; j < d; j++) {
      const below = this.lower[offset + j] - q[j];
      const above = q[j] - this.upper[offset + j];
      const gap = below > 0 ? below : above > 0 ? above : 0;
      sum += gap * gap;
    }
    return sum;
  }

  private build(data: Float64Array, node: number, start: number, end: number): void {
    const d = this.cols;
    this.nodeStart[node] = start;
    this.nodeEnd[node] = end;
    const offset = node * d;
    for (let j = 0; j < d; j++) {
      this.lower[offset + j] = Infinity;
      this.upper[offset + j] = -Infinity;
    }
    let lowest = this.rows;
    for (let p = start; p < end; p++) {
      if (this.order[p] < lowest) lowest = this.order[p];
      const row = this.order[p] * d;
      for (let j = 0; j < d; j++) {
        const value = data[row + j];
        if (value < this.lower[offset + j]) this.lower[offset + j] = value;
        if (value > this.upper[offset + j]) this.upper[offset + j] = value;
      }
    }
    this.lowestIndex[node] = lowest;
    if (node >= this.firstLeaf) return;
    let widest = 0;
    for (let j = 1; j < d; j++) {
      if (this.upper[offset + j] - this.lower[offset + j] > this.upper[offset + widest] - this.lower[offset + widest]) widest = j;
    }
    const middle = start + ((end - start) >> 1);
    selectNth(data, this.order, d, widest, start, end, middle);
    this.build(data, 2 * node + 1, start, middle);
    this.build(data, 2 * node + 2, middle, end);
  }
}

/** Partial quickselect on `order[start, end)` by column `dim`: order[nth] gets its sorted place. */
function selectNth(data: Float64Array, order: Int32Array, d: number, dim: number, start: number, end: number, nth: number): void {
  let lo = start;
  let hi = end - 1;
  while (hi > lo) {
    // Median of three as pivot keeps sorted and constant inputs O(n).
    const mid = lo + ((hi - lo) >> 1);
    const a = data[order[lo] * d + dim];
    const b = data[order[mid] * d + dim];
    const c = data[order[hi] * d + dim];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (data[order[i] * d + dim] < pivot) i++;
      while (data[order[j] * d + dim] > pivot) j--;
      if (i <= j) {
        const held = order[i];
        order[i] = order[j];
        order[j] = held;
        i++;
        j--;
      }
    }
    if (nth <= j) hi = j;
    else if (nth >= i) lo = i;
    else return;
  }
}
