// Robust random cut forest (Guha, Mishra, Roy & Schrijvers, ICML 2016) on a stream: each tree holds
// the last `sampleSize` shingles (vectors of `shingleSize` consecutive values); a new shingle is
// inserted as the paper's random cut would have placed it (cut dimension chosen in proportion to the
// bounding box's spans), and its anomaly score is its collusive displacement (CoDisp): how many
// points its removal would move up, relative to the subtree it shares, maximised along its path and
// averaged over the trees. Each tree keeps a reservoir sample of the stream.
import { checkPoint, checkSnapshot, DetectorStream, SeriesSummary, StreamingDetector, StreamSnapshot } from "./stream";

/** Parameters of the forest. */
export interface RandomCutForestOptions {
  /** Trees (default 100). */
  trees?: number;
  /** Shingles each tree keeps: a uniform random sample of the stream so far (default 256). */
  sampleSize?: number;
  /** Consecutive values per point (default 1: the values themselves). */
  shingleSize?: number;
  /** Seed of the trees' random cuts (default 25). */
  seed?: number;
  /**
   * "displacement": CoDisp of the inserted shingle (the paper's score). "depth": before inserting,
   * the expected inverse depth at which a random cut would isolate the shingle, times
   * log2(sample + 1) (the score of AWS's RANDOM_CUT_FOREST, which NAB's randomCutForest entry ran).
   * Default "depth".
   */
  score?: "displacement" | "depth";
}

/** xoshiro128**: a small generator whose whole state (4 words) fits in a snapshot. */
class Xoshiro128 {
  readonly s: Uint32Array;
  constructor(seedOrState: number | ArrayLike<number>) {
    this.s = new Uint32Array(4);
    if (typeof seedOrState === "number") {
      // splitmix32 expansion of the seed
      let x = seedOrState >>> 0;
      for (let k = 0; k < 4; k++) {
        x = (x + 0x9e3779b9) >>> 0;
        let z = x;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
        this.s[k] = (z ^ (z >>> 16)) >>> 0;
      }
      if (this.s.every((w) => w === 0)) this.s[0] = 1;
    } else {
      this.s.set(Array.from(seedOrState));
    }
  }
  /** Uniform in [0, 1) with 32 random bits. */
  next(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result / 4294967296;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A node: a leaf holds a point (with a multiplicity), a branch a cut; both their subtree's box and size. */
interface RcfNode {
  parent: RcfNode | null;
  /** Points below (with multiplicity). */
  n: number;
  min: Float64Array;
  max: Float64Array;
  // branch
  dim: number;
  cut: number;
  left: RcfNode | null;
  right: RcfNode | null;
  // leaf
  point: Float64Array | null;
}

function leafNode(point: Float64Array, parent: RcfNode | null): RcfNode {
  return { parent, n: 1, min: point, max: point, dim: -1, cut: 0, left: null, right: null, point };
}

/** One robust random cut tree over a sliding window of points. */
class RcfTree {
  root: RcfNode | null = null;
  constructor(
    readonly dim: number,
    readonly random: Xoshiro128,
  ) {}

  /** Inserts a point (or counts a duplicate); returns its leaf. */
  insert(point: Float64Array): RcfNode {
    if (this.root === null) {
      this.root = leafNode(point, null);
      return this.root;
    }
    const duplicate = this.find(point);
    if (duplicate !== null) {
      for (let node: RcfNode | null = duplicate; node !== null; node = node.parent) node.n++;
      return duplicate;
    }
    let node = this.root;
    for (;;) {
      // A random cut of the box of node ∪ point, each dimension in proportion to its span.
      let total = 0;
      for (let d = 0; d < this.dim; d++) total += Math.max(node.max[d]!, point[d]!) - Math.min(node.min[d]!, point[d]!);
      let r = this.random.next() * total;
      let dim = 0;
      for (; dim < this.dim - 1; dim++) {
        const span = Math.max(node.max[dim]!, point[dim]!) - Math.min(node.min[dim]!, point[dim]!);
        if (r < span) break;
        r -= span;
      }
      const cut = Math.min(node.min[dim]!, point[dim]!) + r;
      // If the cut separates the point from the node's box, the point branches off here.
      if (point[dim]! <= cut && cut < node.min[dim]!) return this.branchOff(node, point, dim, cut, true);
      if (point[dim]! > cut && cut >= node.max[dim]!) return this.branchOff(node, point, dim, cut, false);
      if (node.point !== null) continue; // a cut exactly on the leaf's value: draw again
      node = point[node.dim]! <= node.cut ? node.left! : node.right!;
    }
  }

  /** Makes a branch above `node` with the new point's leaf on its side; updates boxes and counts above. */
  private branchOff(node: RcfNode, point: Float64Array, dim: number, cut: number, pointLeft: boolean): RcfNode {
    const parent = node.parent;
    const leaf = leafNode(point, null);
    const branch: RcfNode = {
      parent,
      n: node.n + 1,
      min: Float64Array.from(node.min, (v, d) => Math.min(v, point[d]!)),
      max: Float64Array.from(node.max, (v, d) => Math.max(v, point[d]!)),
      dim,
      cut,
      left: pointLeft ? leaf : node,
      right: pointLeft ? node : leaf,
      point: null,
    };
    leaf.parent = branch;
    node.parent = branch;
    if (parent === null) this.root = branch;
    else if (parent.left === node) parent.left = branch;
    else parent.right = branch;
    for (let up = parent; up !== null; up = up.parent) {
      up.n++;
      for (let d = 0; d < this.dim; d++) {
        if (point[d]! < up.min[d]!) up.min[d] = point[d]!;
        if (point[d]! > up.max[d]!) up.max[d] = point[d]!;
      }
    }
    return leaf;
  }

  /** The leaf holding exactly this point, if any (following the cuts). */
  private find(point: Float64Array): RcfNode | null {
    let node = this.root;
    while (node !== null && node.point === null) node = point[node.dim]! <= node.cut ? node.left : node.right;
    if (node === null) return null;
    for (let d = 0; d < this.dim; d++) if (node.point![d] !== point[d]) return null;
    return node;
  }

  /** Removes one copy of a leaf's point; the sibling takes the parent's place; boxes shrink above. */
  remove(leaf: RcfNode): void {
    if (leaf.n > 1) {
      for (let node: RcfNode | null = leaf; node !== null; node = node.parent) node.n--;
      return;
    }
    const parent = leaf.parent;
    if (parent === null) {
      this.root = null;
      return;
    }
    const sibling = parent.left === leaf ? parent.right! : parent.left!;
    const grand = parent.parent;
    sibling.parent = grand;
    if (grand === null) this.root = sibling;
    else if (grand.left === parent) grand.left = sibling;
    else grand.right = sibling;
    for (let up = grand; up !== null; up = up.parent) {
      up.n--;
      const l = up.left!;
      const r = up.right!;
      for (let d = 0; d < this.dim; d++) {
        up.min[d] = Math.min(l.min[d]!, r.min[d]!);
        up.max[d] = Math.max(l.max[d]!, r.max[d]!);
      }
    }
  }

  /**
   * AWS's anomaly score of a point not yet inserted: walking up from the leaf where it would land,
   * at each node the chance that a random cut of (node box ∪ point) separates it there gives the
   * score 1/(depth + 1), otherwise the score from below; a point equal to its leaf's scores
   * 1/(depth + log2(mass + 1)), damped by how much of the tree that leaf is.
   */
  depthScore(point: Float64Array): number {
    const root = this.root;
    if (root === null) return 0;
    const path: RcfNode[] = [];
    let node: RcfNode = root;
    while (node.point === null) {
      path.push(node);
      node = point[node.dim]! <= node.cut ? node.left! : node.right!;
    }
    let depth = path.length;
    let seen = true;
    for (let d = 0; d < this.dim; d++) if (node.point![d] !== point[d]) seen = false;
    let score = seen ? (1 - node.n / (2 * root.n)) / (depth + Math.log2(node.n + 1)) : 1 / (depth + 1);
    for (let k = path.length - 1; k >= 0; k--) {
      depth--;
      const b = path[k]!;
      let before = 0;
      let after = 0;
      for (let d = 0; d < this.dim; d++) {
        before += b.max[d]! - b.min[d]!;
        after += Math.max(b.max[d]!, point[d]!) - Math.min(b.min[d]!, point[d]!);
      }
      const separation = after > 0 ? (after - before) / after : 0;
      if (separation > 0) score = separation / (depth + 1) + (1 - separation) * score;
    }
    return score * Math.log2(root.n + 1);
  }

  /** Collusive displacement of a leaf: max over its ancestors of |sibling subtree| / |its subtree|. */
  codisp(leaf: RcfNode): number {
    let best = 0;
    for (let node = leaf; node.parent !== null; node = node.parent) {
      const parent = node.parent;
      const sibling = parent.left === node ? parent.right! : parent.left!;
      const ratio = sibling.n / node.n;
      if (ratio > best) best = ratio;
    }
    return best;
  }
}

const SNAPSHOT_KIND = "random-cut-forest";
const SNAPSHOT_VERSION = 1;

/** A tree in a snapshot: a branch is [dim, cut, left, right], a leaf the arrival index of a point it holds. */
type EncodedNode = number | [number, number, EncodedNode, EncodedNode];

/** The forest's whole state as plain data. */
export interface RandomCutForestSnapshot extends StreamSnapshot {
  options: Required<RandomCutForestOptions>;
  recent: number[];
  /** Shingles seen so far. */
  seen: number;
  /** Every sampled shingle once, by arrival index. */
  points: Record<string, number[]>;
  /** Per tree: generator state, the arrival indexes of its sample (slot order), its cuts. */
  trees: { random: number[]; sample: number[]; root: EncodedNode | null }[];
}

interface Slot {
  index: number;
  point: Float64Array;
  leaf: RcfNode;
}

/**
 * One forest over one stream. Each tree keeps a uniform random sample of `sampleSize` shingles of
 * the whole stream (reservoir sampling, as the paper's streaming forest), so patterns seen long
 * ago still count as normal. `update` returns the mean CoDisp of the new shingle over the trees
 * (inserted, scored, then kept or dropped by each tree's reservoir), divided by the sample size: a
 * score in [0, 1); 0 until the first shingle is complete.
 *
 * @example
 * const forest = new RandomCutForestStream({ shingleSize: 4 });
 * const score = forest.update(Date.now(), 42);
 */
export class RandomCutForestStream implements DetectorStream {
  readonly options: Required<RandomCutForestOptions>;
  private readonly trees: RcfTree[] = [];
  private readonly samples: Slot[][] = [];
  /** The last shingleSize values. */
  private recent: number[] = [];
  private seen = 0;

  constructor(options: RandomCutForestOptions = {}) {
    const o: Required<RandomCutForestOptions> = { trees: 100, sampleSize: 256, shingleSize: 1, seed: 25, score: "depth", ...options };
    if (o.score !== "depth" && o.score !== "displacement") {
      throw new Error(`RandomCutForestStream: option score must be "depth" or "displacement", got ${String(o.score)}`);
    }
    for (const key of ["trees", "sampleSize", "shingleSize"] as const) {
      if (!Number.isInteger(o[key]) || o[key] < 1) throw new Error(`RandomCutForestStream: option ${key} must be a positive integer, got ${o[key]}`);
    }
    if (!Number.isInteger(o.seed)) throw new Error(`RandomCutForestStream: option seed must be an integer, got ${o.seed}`);
    this.options = o;
    for (let k = 0; k < o.trees; k++) {
      this.trees.push(new RcfTree(o.shingleSize, new Xoshiro128((o.seed * 1000003 + k) | 0)));
      this.samples.push([]);
    }
  }

  update(timestamp: number, value: number): number {
    checkPoint("RandomCutForestStream", timestamp, value);
    const o = this.options;
    this.recent.push(value);
    if (this.recent.length > o.shingleSize) this.recent.shift();
    if (this.recent.length < o.shingleSize) return 0;
    const point = Float64Array.from(this.recent);
    const index = this.seen++;
    let total = 0;
    for (let k = 0; k < this.trees.length; k++) {
      const tree = this.trees[k]!;
      const sample = this.samples[k]!;
      // The depth score needs no insertion, so a shingle the reservoir drops never enters the tree;
      // the displacement is measured on the inserted leaf.
      let leaf: RcfNode | null = null;
      if (o.score === "depth") total += tree.depthScore(point);
      else total += tree.codisp((leaf = tree.insert(point)));
      if (sample.length < o.sampleSize) {
        sample.push({ index, point, leaf: leaf ?? tree.insert(point) });
      } else if (tree.random.next() * this.seen < o.sampleSize) {
        // reservoir: keep the new shingle with probability sampleSize / seen, in place of a random one
        const slot = Math.floor(tree.random.next() * o.sampleSize);
        tree.remove(sample[slot]!.leaf);
        sample[slot] = { index, point, leaf: leaf ?? tree.insert(point) };
      } else if (leaf !== null) {
        tree.remove(leaf);
      }
    }
    // depth scores lie in [0, log2(sample + 1)], displacements in [0, sample)
    return total / this.trees.length / (o.score === "depth" ? Math.log2(o.sampleSize + 1) : o.sampleSize);
  }

  snapshot(): RandomCutForestSnapshot {
    const points: Record<string, number[]> = {};
    const trees = this.trees.map((tree, k) => {
      const indexOf = new Map<RcfNode, number>();
      for (const slot of this.samples[k]!) {
        if (!indexOf.has(slot.leaf)) indexOf.set(slot.leaf, slot.index);
        points[slot.index] ??= Array.from(slot.point);
      }
      const encode = (node: RcfNode): EncodedNode => (node.point !== null ? indexOf.get(node)! : [node.dim, node.cut, encode(node.left!), encode(node.right!)]);
      return { random: Array.from(tree.random.s), sample: this.samples[k]!.map((slot) => slot.index), root: tree.root === null ? null : encode(tree.root) };
    });
    return { kind: SNAPSHOT_KIND, version: SNAPSHOT_VERSION, options: { ...this.options }, recent: this.recent.slice(), seen: this.seen, points, trees };
  }

  /** A forest continuing from a snapshot (identical next scores). */
  static restore(snapshot: StreamSnapshot): RandomCutForestStream {
    checkSnapshot(snapshot, SNAPSHOT_KIND, SNAPSHOT_VERSION);
    const s = snapshot as RandomCutForestSnapshot;
    const forest = new RandomCutForestStream(s.options);
    const o = forest.options;
    const bad = (what: string): never => {
      throw new Error(`RandomCutForestStream.restore: ${what}`);
    };
    if (!Array.isArray(s.trees) || s.trees.length !== o.trees) bad(`expected ${o.trees} trees`);
    if (!Number.isInteger(s.seen) || s.seen < 0) bad(`seen must be a non-negative integer, got ${s.seen}`);
    forest.recent = s.recent.slice();
    forest.seen = s.seen;
    const shared = new Map<number, Float64Array>();
    const pointOf = (index: number): Float64Array => {
      let p = shared.get(index);
      if (p === undefined) {
        const raw = s.points[index];
        if (!Array.isArray(raw) || raw.length !== o.shingleSize) bad(`point ${index} is missing or not ${o.shingleSize} values`);
        shared.set(index, (p = Float64Array.from(raw!)));
      }
      return p;
    };
    s.trees.forEach((encoded, k) => {
      const tree = forest.trees[k]!;
      tree.random.s.set(encoded.random);
      const leafOf = new Map<number, RcfNode>();
      const decode = (e: EncodedNode, parent: RcfNode | null): RcfNode => {
        if (typeof e === "number") {
          const leaf = leafNode(pointOf(e), parent);
          leaf.n = 0;
          leafOf.set(e, leaf);
          return leaf;
        }
        const [dim, cut, l, r] = e;
        const box = (): Float64Array => new Float64Array(o.shingleSize);
        const node: RcfNode = { parent, n: 0, min: box(), max: box(), dim, cut, left: null, right: null, point: null };
        node.left = decode(l, node);
        node.right = decode(r, node);
        return node;
      };
      tree.root = encoded.root === null ? null : decode(encoded.root, null);
      // A sampled shingle lives in the leaf of the first sampled shingle equal to it.
      const leaves = [...leafOf.values()];
      forest.samples[k] = encoded.sample.map((index) => {
        const point = pointOf(index);
        const leaf = leafOf.get(index) ?? leaves.find((l) => l.point!.every((v, d) => v === point[d]));
        if (leaf === undefined) bad(`tree ${k} holds no leaf for sampled point ${index}`);
        leaf!.n++;
        return { index, point, leaf: leaf! };
      });
      const fix = (node: RcfNode): void => {
        if (node.point !== null) return;
        fix(node.left!);
        fix(node.right!);
        node.n = node.left!.n + node.right!.n;
        for (let d = 0; d < o.shingleSize; d++) {
          node.min[d] = Math.min(node.left!.min[d]!, node.right!.min[d]!);
          node.max[d] = Math.max(node.left!.max[d]!, node.right!.max[d]!);
        }
      };
      if (tree.root !== null) fix(tree.root);
    });
    return forest;
  }
}

/**
 * A robust random cut forest per series, as `npm run nab` runs it.
 *
 * @example
 * const scores = streamScores(new RandomCutForestDetector({ shingleSize: 4 }), taxi.values);
 */
export class RandomCutForestDetector implements StreamingDetector {
  readonly name: string;
  constructor(readonly options: RandomCutForestOptions = {}) {
    const o = new RandomCutForestStream(options).options; // validates
    this.name = `RRCF (${o.trees} trees, ${o.sampleSize} points, shingle ${o.shingleSize}, ${o.score})`;
  }

  open(_summary: SeriesSummary): RandomCutForestStream {
    return new RandomCutForestStream(this.options);
  }

  restore(snapshot: StreamSnapshot): RandomCutForestStream {
    return RandomCutForestStream.restore(snapshot);
  }
}
