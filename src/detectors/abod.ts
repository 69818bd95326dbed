import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import { selectRows, type Matrix } from "../core/matrix";
import { numpyMean } from "../core/summation";
import { checkInteger } from "../core/validation";
import { checkNeighborSearchOptions, kNearest, type KNearestResult, type NeighborAlgorithm, type NeighborSearchOptions } from "../neighbors/k-nearest";
import type { DetectorParams } from "../persistence/params";
import { encodeMatrix, type StateReader } from "../persistence/state-codec";

/** Hyper-parameters of {@link ABODDetector}; defaults are PyOD's. */
export interface ABODOptions extends DetectorOptions, NeighborSearchOptions {
  /**
   * Neighbours whose angles are compared (default 5), at least 3; clamped to n - 1 on small data, as PyOD does.
   * For training rows the row itself is one of them (PyOD queries the training matrix explicitly).
   */
  nNeighbors?: number;
}

interface ABODModel {
  readonly train: Matrix;
  readonly k: number;
}

/**
 * Angle-Based Outlier Detection (Kriegel, Schubert & Zimek 2008), PyOD's `ABOD` with its defaults
 * (`method="fast"`: angles to the k nearest neighbours only).
 *
 * For a row p and each pair (a, b) of its neighbours, the weighted cosine
 * `<a - p, b - p> / (|a - p|^2 |b - p|^2)` is small and varies little when p lies outside the data
 * (every other row is seen in about the same direction) and varies a lot inside it. The score is minus
 * the variance (numpy's, ddof 0) of these values, so higher = more anomalous, as PyOD negates it.
 * Scores are therefore <= 0.
 *
 * Exactly as PyOD: training rows take their k nearest training rows *including themselves* (PyOD calls
 * `kneighbors(X_train)`, not `kneighbors()`), so a training row is compared with k - 1 others; a new row
 * with its k nearest training rows. Pairs in which either neighbour equals the row (itself or a
 * duplicate, compared by value) are skipped. Neighbour ties are taken by lower row index.
 *
 * One documented difference: a row left with no pair (all its k nearest rows are copies of it, as in data with
 * many duplicated rows) has no angles, and PyOD scores it NaN (which also spoils its threshold). Here such a row
 * is compared with its k nearest training rows that differ from it (the neighbourhood widened past the copies),
 * so every row gets a finite score and rows with a pair keep PyOD's exactly. Only data whose training rows hold
 * fewer than two rows different from it is refused.
 *
 * Assumes features on comparable scales (standardise first).
 * Defaults: `nNeighbors = 5`, `contamination = 0.1`.
 * Complexity: one k-nearest-neighbour search, then O(n k^2 d).
 *
 * @example
 * const abod = new ABODDetector({ nNeighbors: 10, contamination: 0.05 }).fit(X);
 * abod.trainingScores; // -(variance of weighted cosines): near 0 for outliers
 * abod.predict(XNew);
 */
export class ABODDetector extends BaseDetector<ABODModel> {
  readonly nNeighbors: number;
  readonly algorithm: NeighborAlgorithm;
  readonly threads: number | undefined;

  constructor(options: ABODOptions = {}) {
    super(options);
    // At least 3: a training row is one of its own neighbours, and an angle needs two others.
    this.nNeighbors = checkInteger(options.nNeighbors ?? 5, "nNeighbors", 3);
    ({ algorithm: this.algorithm, threads: this.threads } = checkNeighborSearchOptions(options));
  }

  protected override ownParams(): DetectorParams {
    return { nNeighbors: this.nNeighbors, algorithm: this.algorithm, threads: this.threads };
  }

  /** The training rows (new rows' neighbours are searched among them) and the neighbourhood size used. */
  protected override saveState(): Record<string, unknown> {
    return { train: encodeMatrix(this.model.train), k: this.model.k };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const k = Math.min(this.nNeighbors, fit.rows - 1);
    this.model = { train: state.matrix("train", fit), k: state.count("k", k, k) };
  }

  /** The neighbourhood size actually used: min(nNeighbors, n - 1), as PyOD. */
  get effectiveNeighbors(): number {
    return this.model.k;
  }

  protected fitScores(X: Matrix): Float64Array {
    if (X.rows < 4) throw new RangeError(`ABODDetector needs at least 4 training rows (a row and 3 neighbours), got ${X.rows}`);
    const k = Math.min(this.nNeighbors, X.rows - 1);
    this.model = { train: X, k };
    return angleScores(X, X, kNearest(X, X, k, this.search), this.search, "training row");
  }

  protected decisionScores(X: Matrix): Float64Array {
    const { train, k } = this.model;
    return angleScores(train, X, kNearest(train, X, k, this.search), this.search, "row");
  }

  private get search(): NeighborSearchOptions {
    return { algorithm: this.algorithm, threads: this.threads };
  }
}

/** Minus the variance of the weighted cosines over each query row's neighbour pairs. */
function angleScores(train: Matrix, query: Matrix, neighbours: KNearestResult, search: NeighborSearchOptions, what: string): Float64Array {
  const { k, indices } = neighbours;
  const d = train.cols;
  const cosines = new Float64Array((k * (k - 1)) / 2);
  const scores = new Float64Array(query.rows);
  const withoutPair: number[] = [];
  for (let i = 0; i < query.rows; i++) {
    const p = i * d;
    let count = 0;
    // itertools.combinations order: (n0, n1), (n0, n2), ..., (n1, n2), ...
    for (let s = 0; s < k; s++) {
      const a = indices[i * k + s] * d;
      if (sameRow(train.data, a, query.data, p, d)) continue;
      for (let t = s + 1; t < k; t++) {
        const b = indices[i * k + t] * d;
        if (sameRow(train.data, b, query.data, p, d)) continue;
        cosines[count++] = weightedCosine(train.data, a, b, query.data, p, d);
      }
    }
    if (count > 0) scores[i] = -variance(cosines, count);
    else withoutPair.push(i);
  }
  if (withoutPair.length > 0) scoreAmongOthers(train, query, withoutPair, k, search, what, scores);
  return scores;
}

/**
 * The scores of the query rows whose k nearest rows are all copies of them (PyOD: NaN): minus the variance of the
 * weighted cosines over the pairs of each row's k nearest training rows that differ from it. The neighbourhood is
 * widened past the copies, doubling, with one search per width for all such rows at once (data with many
 * duplicated rows has thousands of them).
 */
function scoreAmongOthers(
  train: Matrix, query: Matrix, rows: readonly number[], k: number, search: NeighborSearchOptions, what: string, scores: Float64Array,
): void {
  const d = train.cols;
  let pending = rows;
  for (let wide = Math.min(2 * k, train.rows); pending.length > 0; wide = Math.min(2 * wide, train.rows)) {
    const { indices } = kNearest(train, selectRows(query, pending), wide, search);
    const left: number[] = [];
    pending.forEach((i, r) => {
      const others: number[] = [];
      for (let s = 0; s < wide && others.length < k; s++) {
        const a = indices[r * wide + s] * d;
        if (!sameRow(train.data, a, query.data, i * d, d)) others.push(a);
      }
      if (others.length < k && wide < train.rows) {
        left.push(i);
        return;
      }
      if (others.length < 2) {
        throw new RangeError(`ABODDetector: ${what} ${i} has fewer than two training rows different from it; the angle variance is undefined`);
      }
      const cosines = new Float64Array((others.length * (others.length - 1)) / 2);
      let count = 0;
      for (let s = 0; s < others.length; s++) {
        for (let t = s + 1; t < others.length; t++) cosines[count++] = weightedCosine(train.data, others[s], others[t], query.data, i * d, d);
      }
      scores[i] = -variance(cosines, count);
    });
    pending = left;
  }
}

function sameRow(a: Float64Array, aStart: number, b: Float64Array, bStart: number, d: number): boolean {
  for (let j = 0; j < d; j++) if (a[aStart + j] !== b[bStart + j]) return false;
  return true;
}

/** PyOD's `_wcos`: <a - p, b - p> / |a - p|^2 / |b - p|^2, the norms squared after their square root as numpy does. */
function weightedCosine(train: Float64Array, a: number, b: number, query: Float64Array, p: number, d: number): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let j = 0; j < d; j++) {
    const u = train[a + j] - query[p + j];
    const v = train[b + j] - query[p + j];
    dot += u * v;
    aa += u * u;
    bb += v * v;
  }
  const normA = Math.sqrt(aa);
  const normB = Math.sqrt(bb);
  return dot / (normA * normA) / (normB * normB);
}

/** `np.var` (ddof 0) of values[0, count), numpy's summation order. */
function variance(values: Float64Array, count: number): number {
  const mean = numpyMean(values, 0, count);
  const squares = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const deviation = values[i] - mean;
    squares[i] = deviation * deviation;
  }
  return numpyMean(squares);
}
