import type { RandomState } from "../random/random-state";
import type { BinnedData } from "./binning";

/**
 * Growing one classification tree (CART with the Gini criterion) on binned data, scikit-learn's
 * `DecisionTreeClassifier` rules: depth-first, a node becomes a leaf when it is pure, holds fewer
 * than `minSamplesSplit` rows, or no split leaves `minSamplesLeaf` rows on each side; each split tries
 * random features until `maxFeatures` non-constant ones were seen, and keeps the best Gini decrease.
 */

/** What the builder needs from the forest: the rules and scratch space shared by all trees. */
export interface TreeRules {
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxFeatures: number;
}

/** One fitted tree in flat arrays. Node 0 is the root; a leaf has `left[node] === -1`. */
export interface Tree {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly feature: Int32Array;
  /** Rows with x[feature] <= threshold go left. */
  readonly threshold: Float64Array;
  /** At leaves: offset of the class distribution (fractions summing to 1) in `values`. */
  readonly valueOffset: Int32Array;
  readonly values: Float64Array;
  readonly depth: number;
  /** Weighted Gini decrease per feature, normalised to sum to 1 (scikit-learn's tree `feature_importances_`). */
  readonly importances: Float64Array;
}

/** scikit-learn's leaf test: impurity <= machine epsilon counts as pure. */
const EPSILON = 2.220446049250313e-16;
/** A node with fewer rows than a feature's bins / this is split on that feature by sorting, not by a histogram. */
const SORT_FACTOR = 2;

/** Reusable buffers: one builder grows every tree of a forest. */
export class TreeBuilder {
  private readonly classes: number;
  private readonly histWeight: Float64Array;
  private readonly histCount: Int32Array;
  private readonly keys: Int32Array;
  private readonly order: Int32Array;
  private readonly nodeCounts: Float64Array;
  private readonly leftCounts: Float64Array;
  private readonly bestLeftCounts: Float64Array;
  // The best split found so far in the current node.
  private best = -Infinity;
  private bestFeature = -1;
  private bestBin = -1;
  private bestNextBin = -1;

  constructor(
    private readonly data: BinnedData,
    /** Class number of each row. */
    private readonly y: Int32Array,
    classes: number,
    private readonly rules: TreeRules,
  ) {
    this.classes = classes;
    const bins = Math.max(2, ...data.edges.map((e) => e.length + 1));
    this.histWeight = new Float64Array(bins * classes);
    this.histCount = new Int32Array(bins);
    this.keys = new Int32Array(data.rows);
    this.order = new Int32Array(data.cols);
    this.nodeCounts = new Float64Array(classes);
    this.leftCounts = new Float64Array(classes);
    this.bestLeftCounts = new Float64Array(classes);
  }

  /**
   * Grows a tree on the rows with a positive weight (bootstrap count times class weight).
   * @param weight weight of each row of the binned data
   */
  grow(weight: Float64Array, random: RandomState): Tree {
    const { rows, cols, codes, edges } = this.data;
    const C = this.classes;
    const { maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures } = this.rules;
    const samples = new Int32Array(rows);
    let m = 0;
    for (let i = 0; i < rows; i++) if (weight[i] > 0) samples[m++] = i;
    const capacity = 2 * m + 1;
    const left = new Int32Array(capacity).fill(-1);
    const right = new Int32Array(capacity).fill(-1);
    const feature = new Int32Array(capacity).fill(-1);
    const threshold = new Float64Array(capacity);
    const valueOffset = new Int32Array(capacity).fill(-1);
    const values: number[] = [];
    const importances = new Float64Array(cols);
    const order = this.order;
    const counts = this.nodeCounts;
    let nodes = 1;
    let treeDepth = 0;
    let rootWeight = 0;

    // Depth-first, left child first (scikit-learn's DepthFirstTreeBuilder): [node, start, end, depth].
    const stack: number[] = [0, 0, m, 0];
    while (stack.length > 0) {
      const depth = stack.pop() as number;
      const end = stack.pop() as number;
      const start = stack.pop() as number;
      const node = stack.pop() as number;
      if (depth > treeDepth) treeDepth = depth;
      counts.fill(0);
      for (let r = start; r < end; r++) {
        const s = samples[r];
        counts[this.y[s]] += weight[s];
      }
      let total = 0;
      let squares = 0;
      for (let c = 0; c < C; c++) {
        total += counts[c];
        squares += counts[c] * counts[c];
      }
      if (node === 0) rootWeight = total;
      const impurity = 1 - squares / (total * total);
      const size = end - start;
      const split =
        depth >= maxDepth || size < minSamplesSplit || size < 2 * minSamplesLeaf || impurity <= EPSILON
          ? undefined
          : this.bestSplit(samples, start, end, weight, random, codes, edges, rows, cols, maxFeatures, minSamplesLeaf, order);
      if (split === undefined) {
        valueOffset[node] = values.length;
        for (let c = 0; c < C; c++) values.push(counts[c] / total);
        continue;
      }
      // Partition: rows in bins <= split.bin first.
      const base = split.feature * rows;
      let i = start;
      let j = end - 1;
      while (i <= j) {
        if (codes[base + samples[i]] <= split.bin) i++;
        else {
          const held = samples[i];
          samples[i] = samples[j];
          samples[j] = held;
          j--;
        }
      }
      let leftWeight = 0;
      let leftSquares = 0;
      let rightSquares = 0;
      for (let c = 0; c < C; c++) {
        const l = this.bestLeftCounts[c];
        const r = counts[c] - l;
        leftWeight += l;
        leftSquares += l * l;
        rightSquares += r * r;
      }
      const rightWeight = total - leftWeight;
      importances[split.feature] +=
        total * impurity - leftWeight * (1 - leftSquares / (leftWeight * leftWeight)) - rightWeight * (1 - rightSquares / (rightWeight * rightWeight));
      feature[node] = split.feature;
      threshold[node] = split.threshold;
      left[node] = nodes;
      right[node] = nodes + 1;
      nodes += 2;
      stack.push(right[node], i, end, depth + 1, left[node], start, i, depth + 1);
    }

    let sum = 0;
    for (let f = 0; f < cols; f++) sum += (importances[f] /= rootWeight);
    if (sum > 0) for (let f = 0; f < cols; f++) importances[f] /= sum;
    return {
      left: left.slice(0, nodes), right: right.slice(0, nodes), feature: feature.slice(0, nodes),
      threshold: threshold.slice(0, nodes), valueOffset: valueOffset.slice(0, nodes),
      values: Float64Array.from(values), depth: treeDepth, importances,
    };
  }

  /** The best Gini split of rows samples[start, end) over random features, or undefined when none is valid. */
  private bestSplit(
    samples: Int32Array, start: number, end: number, weight: Float64Array, random: RandomState,
    codes: Uint8Array, edges: Float64Array[], rows: number, cols: number, maxFeatures: number, minLeaf: number, order: Int32Array,
  ): { feature: number; bin: number; threshold: number } | undefined {
    const C = this.classes;
    const y = this.y;
    const hist = this.histWeight;
    const histCount = this.histCount;
    const leftCounts = this.leftCounts;
    const size = end - start;
    this.best = -Infinity;
    this.bestFeature = -1;
    for (let f = 0; f < cols; f++) order[f] = f;
    let seen = 0;
    for (let drawn = 0; drawn < cols && seen < maxFeatures; drawn++) {
      const pick = drawn + random.randint(0, cols - drawn);
      const f = order[pick];
      order[pick] = order[drawn];
      order[drawn] = f;
      const base = f * rows;
      const bins = edges[f].length + 1;
      if (bins === 1) continue;
      leftCounts.fill(0);
      let leftWeight = 0;
      let leftSize = 0;
      if (bins <= SORT_FACTOR * size) {
        // Histogram of the node's rows over the feature's bins, then one scan of the boundaries.
        hist.fill(0, 0, bins * C);
        histCount.fill(0, 0, bins);
        for (let r = start; r < end; r++) {
          const s = samples[r];
          const b = codes[base + s];
          hist[b * C + y[s]] += weight[s];
          histCount[b]++;
        }
        let previous = -1;
        let present = 0;
        for (let b = 0; b < bins; b++) if (histCount[b] > 0) present++;
        if (present < 2) continue; // constant here: does not count towards maxFeatures
        seen++;
        for (let b = 0; b < bins; b++) {
          if (histCount[b] === 0) continue;
          if (previous >= 0) this.consider(f, previous, b, leftWeight, leftSize, size, minLeaf);
          for (let c = 0; c < C; c++) {
            const w = hist[b * C + c];
            leftCounts[c] += w;
            leftWeight += w;
          }
          leftSize += histCount[b];
          previous = b;
        }
      } else {
        // Few rows over many bins: sort the rows by bin (bin in the high bits, position in the low 16).
        const keys = this.keys;
        for (let r = start; r < end; r++) keys[r - start] = (codes[base + samples[r]] << 16) | (r - start);
        const sorted = keys.subarray(0, size).sort();
        if (sorted[0] >>> 16 === sorted[size - 1] >>> 16) continue; // constant here
        seen++;
        for (let k = 0; k < size; k++) {
          const s = samples[start + (sorted[k] & 0xffff)];
          const bin = sorted[k] >>> 16;
          if (k > 0) {
            const before = sorted[k - 1] >>> 16;
            if (bin !== before) this.consider(f, before, bin, leftWeight, leftSize, size, minLeaf);
          }
          leftCounts[y[s]] += weight[s];
          leftWeight += weight[s];
          leftSize++;
        }
      }
    }
    if (this.bestFeature < 0) return undefined;
    // Between the last bin on the left and the next bin present in the node: the edge in the middle of that gap.
    const edge = (this.bestBin + this.bestNextBin - 1) >> 1;
    return { feature: this.bestFeature, bin: this.bestBin, threshold: edges[this.bestFeature][edge] };
  }

  /** Scores the boundary between `bin` (last on the left, counts in leftCounts) and `nextBin`; keeps it if best so far. */
  private consider(f: number, bin: number, nextBin: number, leftWeight: number, leftSize: number, size: number, minLeaf: number): void {
    if (leftSize < minLeaf || size - leftSize < minLeaf) return;
    const C = this.classes;
    const counts = this.nodeCounts;
    const leftCounts = this.leftCounts;
    // Gini proxy (scikit-learn's): maximise sum_c left_c^2 / w_left + sum_c right_c^2 / w_right.
    let leftSquares = 0;
    let rightSquares = 0;
    let total = 0;
    for (let c = 0; c < C; c++) {
      const l = leftCounts[c];
      const r = counts[c] - l;
      leftSquares += l * l;
      rightSquares += r * r;
      total += counts[c];
    }
    const proxy = leftSquares / leftWeight + rightSquares / (total - leftWeight);
    if (proxy > this.best) {
      this.best = proxy;
      this.bestFeature = f;
      this.bestBin = bin;
      this.bestNextBin = nextBin;
      this.bestLeftCounts.set(leftCounts);
    }
  }
}
