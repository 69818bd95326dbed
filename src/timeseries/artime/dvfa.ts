// The dual-vigilance fuzzy ART (DVFA) that ARTime uses, as compacted in ARTimeNAB.jl from
// AdaptiveResonance.jl: complement-coded samples, one weight vector per category, activation =
// (feature similarity)³ · (energy similarity)², an upper vigilance above which categories learn
// (fast commit: w = min(w, x)) and a lower one below which the sample founds a new cluster.

/** A DVFA's state as plain data (weights row-major by category). */
export interface DvfaState {
  rhoLb: number;
  rhoUb: number;
  dim: number;
  weights: number[][];
  labels: number[];
  nClusters: number;
}

/** What `train` reports for one sample: the cluster label (-1: a new cluster), best match and its energy similarity. */
export interface DvfaResult {
  label: number;
  match: number;
  energy: number;
}

/**
 * DVFA over samples in [0, 1]^dim. The first sample only creates an all-ones category (as
 * AdaptiveResonance.jl initialises), with match 0.
 */
export class Dvfa {
  rhoLb = 0;
  rhoUb = 0;
  private weights: Float64Array[] = [];
  private labels: number[] = [];
  private nClusters = 0;
  private m = new Float64Array(16);
  private me = new Float64Array(16);
  private wx: Float64Array[] = [];
  private order: number[] = [];

  constructor(readonly dim: number) {}

  get categories(): number {
    return this.weights.length;
  }

  /** Trains on one sample (or only matches it, `learning = false`). */
  train(x: ArrayLike<number>, learning = true): DvfaResult {
    const dim = this.dim;
    const sample = new Float64Array(2 * dim);
    for (let k = 0; k < dim; k++) {
      sample[k] = x[k]!;
      sample[dim + k] = 1 - x[k]!;
    }
    if (this.weights.length === 0) {
      this.weights.push(new Float64Array(2 * dim).fill(1));
      this.wx.push(new Float64Array(2 * dim));
      this.labels.push(1);
      this.nClusters = 1;
      return { label: 1, match: 0, energy: 0 };
    }
    this.activationMatch(sample);
    const n = this.weights.length;
    const order = learning ? this.visitedByMatch(n) : this.sortedByMatch(n);
    let mismatch = true;
    let label = -1;
    let maxMatch = 0;
    let maxEnergy = 0;
    for (let j = 0; j < order.length; j++) {
      const bmu = order[j]!;
      const m = this.m[bmu]!;
      if (m > maxMatch) {
        maxEnergy = this.me[bmu]!;
        maxMatch = m;
      }
      if (!learning) continue;
      if (m >= this.rhoUb) {
        this.weights[bmu]!.set(this.wx[bmu]!); // fast commit
        if (m >= maxMatch) label = this.labels[bmu]!;
        mismatch = false;
      } else if (m >= this.rhoLb && mismatch) {
        if (m >= maxMatch) label = this.labels[bmu]!;
        this.addCategory(sample, label);
        mismatch = false;
        break;
      } else {
        break;
      }
    }
    if (mismatch && learning) {
      label = -1;
      this.addCategory(sample, this.nClusters + 1);
      this.nClusters++;
    }
    return { label, match: maxMatch, energy: maxEnergy };
  }

  private addCategory(sample: Float64Array, label: number): void {
    this.weights.push(Float64Array.from(sample));
    this.wx.push(new Float64Array(sample.length));
    this.labels.push(label);
  }

  /** activation_match!: per category, the fuzzy AND with the sample, its feature and energy similarities. */
  private activationMatch(x: Float64Array): void {
    const n = this.weights.length;
    if (this.m.length < n) {
      this.m = new Float64Array(2 * n);
      this.me = new Float64Array(2 * n);
    }
    const len = x.length;
    const ei = (len >> 1) - 1; // Julia's em[ei] with ei = length ÷ 2 (1-based)
    for (let c = 0; c < n; c++) {
      const w = this.weights[c]!;
      const em = this.wx[c]!;
      let numerator = 0;
      let nW = 0;
      for (let k = 0; k < len; k++) {
        const v = x[k]! < w[k]! ? x[k]! : w[k]!;
        em[k] = v;
        numerator += v;
        nW += w[k]!;
      }
      if (nW === 0) nW = 0.001;
      const featureSimilarity = numerator / nW;
      const energySimilarity = (em[ei]! + em[len - 1]!) / (Math.abs(w[ei]!) + Math.abs(w[len - 1]!));
      this.m[c] = featureSimilarity * featureSimilarity * featureSimilarity * (energySimilarity * energySimilarity);
      this.me[c] = energySimilarity;
    }
  }

  /**
   * The part of sortedByMatch(n) that a learning step visits: it stops at the first category below
   * the upper vigilance, so that is the categories at or above it, in order, then the best of the
   * rest (no full sort; with a NaN match, the full order).
   */
  private visitedByMatch(n: number): number[] {
    const m = this.m;
    const rhoUb = this.rhoUb;
    const order = this.order;
    order.length = 0;
    let next = -1;
    for (let c = 0; c < n; c++) {
      const mc = m[c]!;
      if (Number.isNaN(mc)) return this.sortedByMatch(n);
      if (mc >= rhoUb) order.push(c);
      else if (next < 0 || mc > m[next]!) next = c; // ties keep the lower index
    }
    if (order.length > 1) order.sort((a, b) => m[b]! - m[a]! || a - b);
    if (next >= 0) order.push(next);
    return order;
  }

  /** Julia's sortperm(M, rev=true): descending, NaN first (the largest under isless), ties by index. */
  private sortedByMatch(n: number): number[] {
    const order = this.order;
    order.length = n;
    for (let c = 0; c < n; c++) order[c] = c;
    const m = this.m;
    order.sort((a, b) => {
      const ma = m[a]!;
      const mb = m[b]!;
      const na = Number.isNaN(ma);
      const nb = Number.isNaN(mb);
      if (na || nb) return na && nb ? a - b : na ? -1 : 1;
      return mb - ma || a - b;
    });
    return order;
  }

  state(): DvfaState {
    return {
      rhoLb: this.rhoLb,
      rhoUb: this.rhoUb,
      dim: this.dim,
      weights: this.weights.map((w) => Array.from(w)),
      labels: this.labels.slice(),
      nClusters: this.nClusters,
    };
  }

  static fromState(state: DvfaState): Dvfa {
    const art = new Dvfa(state.dim);
    art.rhoLb = state.rhoLb;
    art.rhoUb = state.rhoUb;
    if (state.weights.length !== state.labels.length) throw new Error("Dvfa.fromState: weights and labels differ in length");
    for (const w of state.weights) {
      if (w.length !== 2 * state.dim) throw new Error(`Dvfa.fromState: a weight vector has ${w.length} entries, expected ${2 * state.dim}`);
      art.weights.push(Float64Array.from(w));
      art.wx.push(new Float64Array(2 * state.dim));
    }
    art.labels = state.labels.slice();
    art.nClusters = state.nClusters;
    return art;
  }
}
