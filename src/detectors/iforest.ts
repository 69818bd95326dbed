import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import { generatorFor, seedOption, type Seed, type SeedOptions } from "../core/seed";
import { checkFiniteRanges } from "../core/magnitude";
import type { Matrix } from "../core/matrix";
import { checkCountOrFraction, checkInteger, resolveCountOrFraction } from "../core/validation";
import { RandomState } from "../random/random-state";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, type StateReader } from "../persistence/state-codec";

/** Hyper-parameters of {@link IForestDetector}; defaults are PyOD's / scikit-learn's. */
export interface IForestOptions extends DetectorOptions, SeedOptions {
  /** Number of isolation trees (default 100). */
  nEstimators?: number;
  /**
   * Rows drawn to grow each tree: "auto" (default) = min(256, n); a fraction in (0, 1] of the rows
   * (1 = all rows, scikit-learn's 1.0); or an integer count >= 2 (more than n: n, as scikit-learn
   * does after a warning).
   */
  maxSamples?: number | "auto";
  /**
   * Features per tree: a fraction in (0, 1] (default 1 = all) or an integer count >= 2. One feature
   * per tree is a fraction at most 1 / columns.
   */
  maxFeatures?: number;
  /** Draw each tree's rows with replacement (default false). */
  bootstrap?: boolean;
  /**
   * Seed of the tree randomness: a number restarts every `fit` from it, a RandomState is
   * advanced by each `fit` (see {@link Seed}). Omitted: seeded from OS entropy.
   */
  seed?: Seed;
}

/** scikit-learn treats a feature whose range in a node is at most this as constant. */
const FEATURE_THRESHOLD = 1e-7;
const EULER_GAMMA = 0.5772156649015329;

/**
 * Average path length of an unsuccessful binary-search-tree search among n points,
 * c(n) = 2 (ln(n - 1) + gamma) - 2 (n - 1) / n (with c(1) = 0, c(2) = 1): the
 * normaliser of isolation depths, and the depth still to go below a leaf holding n
 * training rows. scikit-learn's `_average_path_length`.
 *
 * @example averagePathLength(256); // 10.244770920119917, as scikit-learn
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/**
 * All trees in flat typed arrays; node ids are global, tree t starts at `roots[t]`.
 * Children are allocated in pairs, so the right child is `left + 1`. A leaf
 * points to itself (threshold +Infinity), so every row walks exactly `maxDepth`
 * steps: no leaf test, and several rows can walk a tree in lockstep.
 */
interface Forest {
  readonly roots: Int32Array;
  readonly maxDepth: number;
  /** Column of X tested at each node. */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  /** At leaves: depth + c(training rows in the leaf), scikit-learn's per-tree path length. */
  readonly pathLength: Float64Array;
  /** n_estimators * c(max_samples): the normaliser of the summed path lengths. */
  readonly denominator: number;
  readonly maxSamples: number;
}

/**
 * Isolation Forest (Liu, Ting & Zhou 2008), PyOD's `IForest` = scikit-learn's
 * `IsolationForest`, in flat typed arrays.
 *
 * Each tree isolates a random subsample (`maxSamples` rows) by recursive random
 * splits: a random non-constant feature, a threshold uniform between its minimum
 * and maximum in the node, until one row is left or the depth reaches
 * ceil(log2(maxSamples)). A row's path length in a tree is the depth of its leaf
 * plus c(rows in that leaf), and its score is `2^(-mean path length / c(maxSamples))`:
 * near 1 for easily isolated rows (anomalies), below 0.5 for ordinary ones.
 *
 * This is scikit-learn's anomaly score (`-score_samples`). PyOD reports
 * `-decision_function` = that score + `offset_` (a constant: the training-score
 * percentile at `contamination`), so rankings, thresholds and labels are the
 * same and the values differ by that constant. Trees come from our seeded
 * {@link RandomState}, not scikit-learn's generator: results repeat for a seed but
 * are not tree-for-tree those of scikit-learn.
 *
 * Assumes anomalies are few and different in some feature; no scaling needed.
 * Defaults: `nEstimators = 100`, `maxSamples = "auto"`, `maxFeatures = 1.0`,
 * `bootstrap = false`, `contamination = 0.1`.
 * Complexity: fit O(nEstimators * maxSamples * log(maxSamples) * features tried),
 * independent of n beyond sampling; scoring O(rows * nEstimators * depth).
 *
 * @example
 * const forest = new IForestDetector({ seed: 42, contamination: 0.05 }).fit(X);
 * forest.trainingScores; // in (0, 1], higher = more anomalous
 * forest.predict(XNew);
 */
export class IForestDetector extends BaseDetector<Forest> {
  readonly nEstimators: number;
  readonly maxSamples: number | "auto";
  readonly maxFeatures: number;
  readonly bootstrap: boolean;
  readonly seed: Seed | undefined;

  constructor(options: IForestOptions = {}) {
    super(options);
    this.nEstimators = checkInteger(options.nEstimators ?? 100, "nEstimators");
    const maxSamples = options.maxSamples ?? "auto";
    this.maxSamples = maxSamples === "auto" ? maxSamples : checkCountOrFraction(maxSamples, "maxSamples", '"auto"');
    this.maxFeatures = checkCountOrFraction(options.maxFeatures ?? 1, "maxFeatures");
    this.bootstrap = options.bootstrap ?? false;
    this.seed = seedOption(options, this.constructor.name);
  }

  protected override ownParams(): DetectorParams {
    const { nEstimators, maxSamples, maxFeatures, bootstrap, seed } = this;
    return { nEstimators, maxSamples, maxFeatures, bootstrap, seed };
  }

  /**
   * The trees' flat arrays (node feature, threshold, left child, leaf path length) up to the last node grown, the
   * roots and the rows drawn per tree; the depth and the normaliser follow from those.
   */
  protected override saveState(): Record<string, unknown> {
    const { roots, feature, threshold, left, pathLength, maxSamples } = this.model;
    const used = nodesInUse(left);
    return {
      maxSamples,
      roots: encodeArray(roots),
      feature: encodeArray(feature.subarray(0, used)),
      threshold: encodeArray(threshold.subarray(0, used)),
      left: encodeArray(left.subarray(0, used)),
      pathLength: encodeArray(pathLength.subarray(0, used)),
    };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const maxSamples = state.count("maxSamples", 1, fit.rows);
    const trees = this.nEstimators;
    const left = state.int32("left", { min: 0 });
    const nodes = left.length;
    const capacity = trees * (2 * maxSamples - 1);
    const nodeRange = `in [${trees}, ${capacity}] (nodes of ${trees} trees)`;
    state.expect(nodes >= trees && nodes <= capacity, "left.length", nodeRange, nodes);
    const last = nodes - 1;
    for (let n = 0; n < nodes; n++) state.expect(left[n] <= last, `left[${n}]`, `a node in [0, ${last}]`, left[n]);
    this.model = {
      roots: state.int32("roots", { length: trees, min: 0, max: last }),
      maxDepth: Math.ceil(Math.log2(Math.max(maxSamples, 2))),
      feature: state.int32("feature", { length: nodes, min: 0, max: fit.cols - 1 }),
      // Leaves test +Infinity (every row goes left, to the leaf itself).
      threshold: state.float64("threshold", { length: nodes, finite: false }),
      left,
      pathLength: state.float64("pathLength", { length: nodes, min: 0 }),
      denominator: trees * averagePathLength(maxSamples),
      maxSamples,
    };
  }

  /** Rows drawn per tree in the last fit (scikit-learn's `max_samples_`). */
  get maxSamplesUsed(): number {
    return this.model.maxSamples;
  }

  protected fitScores(X: Matrix): Float64Array {
    // Split points are drawn within a column's range, which must not overflow; huge values otherwise work.
    checkFiniteRanges(X, this.constructor.name);
    const random = generatorFor(this.seed);
    this.model = growForest(X, this.nEstimators, this.resolveMaxSamples(X.rows), this.resolveMaxFeatures(X.cols), this.bootstrap, random);
    return scoreRows(this.model, X);
  }

  protected decisionScores(X: Matrix): Float64Array {
    return scoreRows(this.model, X);
  }

  private resolveMaxSamples(n: number): number {
    if (this.maxSamples === "auto") return Math.min(256, n);
    return Math.min(resolveCountOrFraction(this.maxSamples, n, "maxSamples", "rows"), n);
  }

  private resolveMaxFeatures(d: number): number {
    if (this.maxFeatures > d) throw new RangeError(`maxFeatures (${this.maxFeatures}) is larger than the ${d} columns of X`);
    // scikit-learn: max(1, int(max_features * n_features)) for a fraction.
    return this.maxFeatures > 1 ? this.maxFeatures : Math.max(1, Math.floor(this.maxFeatures * d));
  }
}

function growForest(X: Matrix, trees: number, maxSamples: number, maxFeatures: number, bootstrap: boolean, random: RandomState): Forest {
  const maxDepth = Math.ceil(Math.log2(Math.max(maxSamples, 2)));
  const nodesPerTree = 2 * maxSamples - 1;
  const capacity = trees * nodesPerTree;
  const feature = new Int32Array(capacity);
  const threshold = new Float64Array(capacity);
  const left = new Int32Array(capacity);
  const pathLength = new Float64Array(capacity);
  const roots = new Int32Array(trees);
  const rowPool = Int32Array.from({ length: X.rows }, (_, i) => i);
  const columnPool = Int32Array.from({ length: X.cols }, (_, j) => j);
  const sample = new Float64Array(maxSamples * maxFeatures);
  const rows = new Int32Array(maxSamples);
  const order = new Int32Array(maxFeatures);
  let columns = columnPool;
  let next = 0;

  for (let tree = 0; tree < trees; tree++) {
    columns = maxFeatures === X.cols ? columnPool : partialShuffle(columnPool, maxFeatures, random).slice().sort();
    const drawn = bootstrap ? drawWithReplacement(X.rows, maxSamples, random) : partialShuffle(rowPool, maxSamples, random);
    // The tree's rows and columns, copied once: splitting then reads a small dense block.
    for (let i = 0; i < maxSamples; i++) {
      const source = drawn[i] * X.cols;
      for (let j = 0; j < maxFeatures; j++) sample[i * maxFeatures + j] = X.data[source + columns[j]];
      rows[i] = i;
    }
    roots[tree] = next;
    next = growNode(next + 1, next, 0, 0, maxSamples);
  }

  // Grows node `node` over rows[start, end) at `depth`; returns the next free node id.
  function growNode(free: number, node: number, depth: number, start: number, end: number): number {
    const size = end - start;
    if (depth >= maxDepth || size <= 1) return makeLeaf(free, node, depth, size);
    const split = chooseSplit(start, end);
    if (split === undefined) return makeLeaf(free, node, depth, size);
    const { column, value } = split;
    // Partition: rows with x <= value first.
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (sample[rows[i] * maxFeatures + column] <= value) i++;
      else {
        const held = rows[i];
        rows[i] = rows[j];
        rows[j] = held;
        j--;
      }
    }
    feature[node] = columns[column];
    threshold[node] = value;
    left[node] = free;
    let after = growNode(free + 2, free, depth + 1, start, i);
    after = growNode(after, free + 1, depth + 1, i, end);
    return after;
  }

  function makeLeaf(free: number, node: number, depth: number, size: number): number {
    feature[node] = 0;
    threshold[node] = Infinity;
    left[node] = node;
    // scikit-learn: (nodes on the path, = depth + 1) + c(size) - 1, in that order.
    pathLength[node] = depth + 1 + averagePathLength(size) - 1;
    return free;
  }

  // A uniformly random non-constant feature and a threshold uniform in [min, max); undefined if all are constant.
  function chooseSplit(start: number, end: number): { column: number; value: number } | undefined {
    for (let j = 0; j < maxFeatures; j++) order[j] = j;
    for (let tried = 0; tried < maxFeatures; tried++) {
      const pick = tried + random.randint(0, maxFeatures - tried);
      const column = order[pick];
      order[pick] = order[tried];
      order[tried] = column;
      let min = Infinity;
      let max = -Infinity;
      for (let r = start; r < end; r++) {
        const value = sample[rows[r] * maxFeatures + column];
        if (value < min) min = value;
        if (value > max) max = value;
      }
      if (max <= min + FEATURE_THRESHOLD) continue;
      let value = random.uniform(min, max);
      if (value === max) value = min; // rounding can reach max; scikit-learn then uses min
      return { column, value };
    }
    return undefined;
  }

  return {
    roots, maxDepth, feature, threshold, left, pathLength,
    denominator: trees * averagePathLength(maxSamples),
    maxSamples,
  };
}

/**
 * Scores in (0, 1]: 2^(-sum of path lengths / (trees * c(maxSamples))). Rows go
 * through each tree four at a time: four independent walks hide memory latency.
 */
function scoreRows(forest: Forest, X: Matrix): Float64Array {
  const { roots, maxDepth, feature, threshold, left, pathLength, denominator } = forest;
  const d = X.cols;
  const data = X.data;
  const trees = roots.length;
  const totals = new Float64Array(X.rows);
  let i = 0;
  for (; i + 4 <= X.rows; i += 4) {
    const o0 = i * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    let t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (let tree = 0; tree < trees; tree++) {
      let n0 = roots[tree], n1 = n0, n2 = n0, n3 = n0;
      for (let level = 0; level < maxDepth; level++) {
        n0 = left[n0] + +(data[o0 + feature[n0]] > threshold[n0]);
        n1 = left[n1] + +(data[o1 + feature[n1]] > threshold[n1]);
        n2 = left[n2] + +(data[o2 + feature[n2]] > threshold[n2]);
        n3 = left[n3] + +(data[o3 + feature[n3]] > threshold[n3]);
      }
      t0 += pathLength[n0];
      t1 += pathLength[n1];
      t2 += pathLength[n2];
      t3 += pathLength[n3];
    }
    totals[i] = t0;
    totals[i + 1] = t1;
    totals[i + 2] = t2;
    totals[i + 3] = t3;
  }
  for (; i < X.rows; i++) {
    const offset = i * d;
    let total = 0;
    for (let tree = 0; tree < trees; tree++) {
      let node = roots[tree];
      for (let level = 0; level < maxDepth; level++) node = left[node] + +(data[offset + feature[node]] > threshold[node]);
      total += pathLength[node];
    }
    totals[i] = total;
  }
  // With maxSamples = 1 the normaliser is 0; scikit-learn then uses a ratio of 1.
  return totals.map((total) => 2 ** -(denominator === 0 ? 1 : total / denominator));
}

/**
 * Nodes grown: trees are grown one after the other from node 0, so the forest ends after the node furthest from
 * it, a leaf (which points to itself) or a split's right child (left + 1). The arrays' rest is unused capacity.
 */
function nodesInUse(left: Int32Array): number {
  let used = 0;
  for (let node = 0; node < left.length; node++) used = Math.max(used, left[node] === node ? node + 1 : left[node] + 2);
  return used;
}

/** Moves a uniform random `count`-subset of `pool` to its front (partial Fisher-Yates) and returns that view. */
function partialShuffle(pool: Int32Array, count: number, random: RandomState): Int32Array {
  for (let i = 0; i < count; i++) {
    const j = i + random.randint(0, pool.length - i);
    const held = pool[i];
    pool[i] = pool[j];
    pool[j] = held;
  }
  return pool.subarray(0, count);
}

function drawWithReplacement(n: number, count: number, random: RandomState): Int32Array {
  return Int32Array.from({ length: count }, () => random.randint(0, n));
}
