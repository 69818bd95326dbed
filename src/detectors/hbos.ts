import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import { checkFiniteRanges } from "../core/magnitude";
import type { Matrix } from "../core/matrix";
import { numpySum } from "../core/summation";
import { checkFiniteNumber, checkInteger } from "../core/validation";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, type StateReader } from "../persistence/state-codec";

/** Hyper-parameters of {@link HBOSDetector}; defaults are PyOD's. */
export interface HBOSOptions extends DetectorOptions {
  /** Equal-width bins per feature (default 10; PyOD's "auto" bin count is not supported). */
  nBins?: number;
  /** Added to every bin density before the log, so empty bins stay finite (default 0.1), in (0, 1). */
  alpha?: number;
  /**
   * How far outside the training range, in bin widths, a value still counts as
   * falling in the edge bin (default 0.5), in (0, 1); farther values get the
   * score of the emptiest bin.
   */
  tol?: number;
}

/** One feature's histogram: bin edges, densities and log2(density + alpha) per bin. */
interface FeatureHistogram {
  readonly edges: Float64Array;
  readonly density: Float64Array;
  readonly logDensity: Float64Array;
  readonly minLogDensity: number;
}

/**
 * Histogram-based Outlier Score (Goldstein & Dengel 2012), PyOD's `HBOS` with
 * static bins, step for step (pyod/models/hbos.py).
 *
 * Builds one equal-width histogram per feature over the training range (numpy's
 * `np.histogram(x, bins, density=True)`, a constant feature widened to ±0.5) and
 * scores a row by `-sum_j log2(density_j(bin of x_j) + alpha)`: rows in sparse
 * bins of several features score high. Values are assigned to bins like PyOD,
 * with `np.digitize(x, edges, right=True)` (bins closed on the right, so a value
 * on an inner edge takes the lower bin's density); a value below the first edge or
 * above the last by at most `tol` bin widths takes the edge bin's density, a
 * value farther out the smallest density.
 *
 * Assumes independent features (no interactions are seen). Scale-free per feature.
 * Defaults: `nBins = 10`, `alpha = 0.1`, `tol = 0.5`, `contamination = 0.1`.
 * Complexity: O(n d) to fit and to score, O(nBins d) memory.
 *
 * @example
 * const hbos = new HBOSDetector({ nBins: 10 }).fit(X);
 * hbos.trainingScores; // higher = rows in emptier bins
 */
export class HBOSDetector extends BaseDetector<FeatureHistogram[]> {
  readonly nBins: number;
  readonly alpha: number;
  readonly tol: number;

  constructor(options: HBOSOptions = {}) {
    super(options);
    this.nBins = checkInteger(options.nBins ?? 10, "nBins", 2);
    this.alpha = checkOpenUnit(options.alpha ?? 0.1, "alpha");
    this.tol = checkOpenUnit(options.tol ?? 0.5, "tol");
  }

  protected override ownParams(): DetectorParams {
    return { nBins: this.nBins, alpha: this.alpha, tol: this.tol };
  }

  /** Per column: the bin edges, densities, log densities and the smallest log density. */
  protected override saveState(): Record<string, unknown> {
    const histograms = this.model.map(({ edges, density, logDensity, minLogDensity }) => ({
      edges: encodeArray(edges),
      density: encodeArray(density),
      logDensity: encodeArray(logDensity),
      minLogDensity,
    }));
    return { histograms };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const bins = this.nBins;
    this.model = state.objects("histograms", fit.cols).map((histogram) => {
      const edges = histogram.float64("edges", { length: bins + 1 });
      // np.digitize's binary search needs ascending edges.
      for (let b = 1; b <= bins; b++) {
        histogram.expect(edges[b] > edges[b - 1], `edges[${b}]`, `above edges[${b - 1}] (${edges[b - 1]})`, edges[b]);
      }
      return {
        edges,
        density: histogram.float64("density", { length: bins, min: 0 }),
        logDensity: histogram.float64("logDensity", { length: bins }),
        minLogDensity: histogram.number("minLogDensity"),
      };
    });
  }

  /** Per feature: the bin edges (nBins + 1) and densities (nBins) learned by `fit`, as numpy returns them. */
  get histogram(): { edges: Float64Array; density: Float64Array }[] {
    return this.model.map(({ edges, density }) => ({ edges: edges.slice(), density: density.slice() }));
  }

  protected fitScores(X: Matrix): Float64Array {
    // Bins split each column's range (np.histogram refuses one that overflows, too); huge values otherwise work.
    checkFiniteRanges(X, this.constructor.name);
    this.model = Array.from({ length: X.cols }, (_, j) => this.buildHistogram(X, j));
    return this.decisionScores(X);
  }

  protected decisionScores(X: Matrix): Float64Array {
    const histograms = this.model;
    const d = X.cols;
    const perFeature = new Float64Array(d);
    const scores = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < d; j++) perFeature[j] = this.binScore(histograms[j], X.data[i * d + j]);
      scores[i] = -numpySum(perFeature); // PyOD sums log densities per row, then negates
    }
    return scores;
  }

  private buildHistogram(X: Matrix, column: number): FeatureHistogram {
    const d = X.cols;
    let first = Infinity;
    let last = -Infinity;
    for (let i = 0; i < X.rows; i++) {
      const value = X.data[i * d + column];
      if (value < first) first = value;
      if (value > last) last = value;
    }
    if (first === last) {
      first -= 0.5;
      last += 0.5;
    }
    const bins = this.nBins;
    const edges = linspaceEdges(first, last, bins);
    // numpy's uniform-bin counting: an index from the scaled value, corrected against the edges.
    const counts = new Float64Array(bins);
    const norm = bins / (last - first);
    for (let i = 0; i < X.rows; i++) {
      const value = X.data[i * d + column];
      let index = Math.trunc((value - first) * norm);
      if (index === bins) index--;
      if (value < edges[index]) index--;
      else if (value >= edges[index + 1] && index !== bins - 1) index++;
      counts[index]++;
    }
    const density = new Float64Array(bins);
    const logDensity = new Float64Array(bins);
    for (let b = 0; b < bins; b++) {
      density[b] = counts[b] / (edges[b + 1] - edges[b]) / X.rows;
      logDensity[b] = Math.log2(density[b] + this.alpha);
    }
    return { edges, density, logDensity, minLogDensity: Math.min(...logDensity) };
  }

  private binScore(histogram: FeatureHistogram, value: number): number {
    const { edges, logDensity, minLogDensity } = histogram;
    const bins = this.nBins;
    // np.digitize(value, edges, right=True): the number of edges strictly below value (binary search).
    let index = 0;
    let high = bins + 1;
    while (index < high) {
      const middle = (index + high) >> 1;
      if (edges[middle] < value) index = middle + 1;
      else high = middle;
    }
    if (index === 0) {
      return edges[0] - value <= (edges[1] - edges[0]) * this.tol ? logDensity[0] : minLogDensity;
    }
    if (index === bins + 1) {
      return value - edges[bins] <= (edges[bins] - edges[bins - 1]) * this.tol ? logDensity[bins - 1] : minLogDensity;
    }
    return logDensity[index - 1];
  }
}

/** `np.linspace(first, last, bins + 1)`: i * step + first, the last edge exactly `last`. */
function linspaceEdges(first: number, last: number, bins: number): Float64Array {
  const step = (last - first) / bins;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i < bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  return edges;
}

function checkOpenUnit(value: number, name: string): number {
  checkFiniteNumber(value, name);
  if (!(value > 0 && value < 1)) throw new RangeError(`${name} must be in (0, 1), got ${value}`);
  return value;
}
