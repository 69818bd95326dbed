import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import { generatorFor, seedOption, type Seed, type SeedOptions } from "../core/seed";
import type { Matrix } from "../core/matrix";
import { searchSorted } from "../core/search-sorted";
import { numpySum } from "../core/summation";
import { checkInteger } from "../core/validation";
import { RandomState } from "../random/random-state";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, type StateReader } from "../persistence/state-codec";

/** Hyper-parameters of {@link LODADetector}; defaults are PyOD's. */
export interface LODAOptions extends DetectorOptions, SeedOptions {
  /** Equal-width bins per projection histogram (default 10). */
  nBins?: number;
  /** Number of random projections (default 100). */
  nRandomCuts?: number;
  /**
   * Seed of the projections (PyOD's `random_state=seed`): a number restarts every `fit` from it, a RandomState is
   * advanced by each `fit` (see {@link Seed}). Omitted: seeded from OS entropy.
   */
  seed?: Seed;
}

/** PyOD adds this to every bin count before normalising, so that empty bins have a finite -log. */
const EMPTY_BIN = 1e-12;

interface LODAModel {
  /** nRandomCuts x d projection vectors, row-major. */
  readonly projections: Float64Array;
  /** nRandomCuts x (nBins + 1) histogram edges. */
  readonly limits: Float64Array;
  /** nRandomCuts x nBins bin probabilities. */
  readonly histograms: Float64Array;
}

/**
 * LODA, Lightweight On-line Detector of Anomalies (Pevný 2016), PyOD's `LODA` with integer `n_bins`.
 *
 * Projects the rows on `nRandomCuts` sparse random Gaussian directions (each keeps `floor(sqrt(d))` non-zero
 * entries), builds an equal-width histogram of each projection (numpy's `np.histogram`), and scores a row by
 * the mean of `-log(bin probability)` over the projections: rows in sparsely populated bins score high.
 *
 * The draws are PyOD's, from our numpy-compatible {@link RandomState}: `randn(nRandomCuts, d)`, then per
 * projection `permutation(d)` choosing the entries set to 0, so `seed: s` gives `LODA(random_state=s)`'s
 * projections (to the last bit, or within an ulp where V8's `Math.log` rounds differently from glibc's).
 * PyOD's quirks are kept so that scores equal its `decision_scores_`: a row is looked up in bin
 * `searchsorted(edges[:nBins - 1], value, "left")`, i.e. one bin to the right of the one that counted it
 * (except on an edge), and the mean over projections is divided by `nRandomCuts` once more.
 * (PyOD's `n_bins="auto"` is not offered.)
 *
 * Assumes anomalies stand out in some low-dimensional projections; features on comparable scales help.
 * Defaults: `nBins = 10`, `nRandomCuts = 100`, `contamination = 0.1`.
 * Complexity: O(nRandomCuts · n · d) to fit and to score.
 *
 * @example
 * const loda = new LODADetector({ seed: 42, contamination: 0.05 }).fit(X);
 * loda.trainingScores; // mean -log bin probability / 100
 * loda.predict(XNew);
 */
export class LODADetector extends BaseDetector<LODAModel> {
  readonly nBins: number;
  readonly nRandomCuts: number;
  readonly seed: Seed | undefined;

  constructor(options: LODAOptions = {}) {
    super(options);
    this.nBins = checkInteger(options.nBins ?? 10, "nBins");
    this.nRandomCuts = checkInteger(options.nRandomCuts ?? 100, "nRandomCuts");
    this.seed = seedOption(options, this.constructor.name);
  }

  protected override ownParams(): DetectorParams {
    const { nBins, nRandomCuts, seed } = this;
    return { nBins, nRandomCuts, seed };
  }

  /** The sparse random projections and, per projection, the histogram's edges and bin probabilities. */
  protected override saveState(): Record<string, unknown> {
    const { projections, limits, histograms } = this.model;
    return { projections: encodeArray(projections), limits: encodeArray(limits), histograms: encodeArray(histograms) };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const cuts = this.nRandomCuts;
    this.model = {
      projections: state.float64("projections", { length: cuts * fit.cols }),
      limits: state.float64("limits", { length: cuts * (this.nBins + 1) }),
      // Their logarithms are taken: PyOD adds 1e-12 to every bin.
      histograms: state.float64("histograms", { length: cuts * this.nBins, above: 0 }),
    };
  }

  /** The projection vectors, `nRandomCuts` x d row-major (PyOD's `projections_`; a copy). */
  get projections(): Float64Array {
    return this.model.projections.slice();
  }

  /** Histogram edges, `nRandomCuts` x (nBins + 1) row-major (PyOD's `limits_`; a copy). */
  get limits(): Float64Array {
    return this.model.limits.slice();
  }

  /** Bin probabilities, `nRandomCuts` x nBins row-major (PyOD's `histograms_`; a copy). */
  get histograms(): Float64Array {
    return this.model.histograms.slice();
  }

  protected fitScores(X: Matrix): Float64Array {
    const { rows: n, cols: d } = X;
    const cuts = this.nRandomCuts;
    const bins = this.nBins;
    const random = generatorFor(this.seed);
    const projections = random.standardNormal(cuts * d);
    const zeros = d - Math.floor(Math.sqrt(d));
    const limits = new Float64Array(cuts * (bins + 1));
    const histograms = new Float64Array(cuts * bins);
    const projected = new Float64Array(n);
    for (let c = 0; c < cuts; c++) {
      const dropped = random.permutation(d).slice(0, zeros);
      for (const j of dropped) projections[c * d + j] = 0;
      project(X, projections, c, projected);
      histogram(projected, bins, limits.subarray(c * (bins + 1), (c + 1) * (bins + 1)), histograms.subarray(c * bins, (c + 1) * bins));
    }
    this.model = { projections, limits, histograms };
    return this.scoreRows(X);
  }

  protected decisionScores(X: Matrix): Float64Array {
    return this.scoreRows(X);
  }

  private scoreRows(X: Matrix): Float64Array {
    const { projections, limits, histograms } = this.model;
    const cuts = this.nRandomCuts;
    const bins = this.nBins;
    const weight = 1 / cuts;
    const scores = new Float64Array(X.rows);
    const projected = new Float64Array(X.rows);
    for (let c = 0; c < cuts; c++) {
      project(X, projections, c, projected);
      const edges = limits.subarray(c * (bins + 1), c * (bins + 1) + bins - 1);
      for (let i = 0; i < X.rows; i++) {
        scores[i] += -weight * Math.log(histograms[c * bins + searchSorted(edges, projected[i])]);
      }
    }
    for (let i = 0; i < X.rows; i++) scores[i] /= cuts;
    return scores;
  }
}

/** projected[i] = <projection c, row i>, summed over features in order. */
function project(X: Matrix, projections: Float64Array, c: number, projected: Float64Array): void {
  const d = X.cols;
  for (let i = 0; i < X.rows; i++) {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += projections[c * d + j] * X.data[i * d + j];
    projected[i] = sum;
  }
}

/**
 * `np.histogram(values, bins)` with its equal-width edges (`linspace(min, max, bins + 1)`, +-0.5 around a
 * constant) and its bin rule (edges[b] <= x < edges[b + 1], the last bin closed), then PyOD's `+ 1e-12` and
 * normalisation (numpy's pairwise sum).
 */
function histogram(values: Float64Array, bins: number, edges: Float64Array, probabilities: Float64Array): void {
  let first = Infinity;
  let last = -Infinity;
  for (const value of values) {
    if (value < first) first = value;
    if (value > last) last = value;
  }
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const step = (last - first) / bins;
  for (let b = 0; b < bins; b++) edges[b] = b * step + first;
  edges[bins] = last;
  const counts = new Float64Array(bins);
  const span = last - first;
  for (const value of values) {
    // numpy's index guess from the value's position, then one correction against the edges.
    let index = Math.trunc(((value - first) / span) * bins);
    if (index === bins) index--;
    if (value < edges[index]) index--;
    if (value >= edges[index + 1] && index !== bins - 1) index++;
    counts[index]++;
  }
  for (let b = 0; b < bins; b++) counts[b] += EMPTY_BIN;
  const total = numpySum(counts);
  for (let b = 0; b < bins; b++) probabilities[b] = counts[b] / total;
}
