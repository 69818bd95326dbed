// Numenta's anomaly likelihood (nupic.algorithms.anomaly_likelihood, as NAB's HTM detector uses
// it): a raw anomaly score in [0, 1] becomes the probability that its 10-point moving average is
// this far above what the recent history makes normal. The history's moving averages are fitted
// with a Gaussian every `reestimationPeriod` points; the likelihood is 1 − its tail probability,
// reported on a log scale so that 0.5 ≈ "one in 10^11.5". Works on any detector's raw score.
import { erfc } from "../core/erf";
import { numpyMean, numpySum } from "../core/summation";
import { checkPoint, checkSnapshot, DetectorStream, SeriesSummary, StreamingDetector, StreamSnapshot } from "./stream";
import { nabProbationLength } from "./nab-scorer";

/** AnomalyLikelihood's parameters (nupic's defaults). */
export interface AnomalyLikelihoodOptions {
  /** Points before the raw scores settle, skipped by the first fits (default 288). */
  learningPeriod?: number;
  /** Points fitted at the first estimate; until learningPeriod + estimationSamples the likelihood is 0.5 (default 100). */
  estimationSamples?: number;
  /** Raw scores kept for the fits (default 8640). */
  historicWindowSize?: number;
  /** Points between two fits of the Gaussian (default 100). */
  reestimationPeriod?: number;
  /** Raw scores in the moving average (default 10). */
  averagingWindow?: number;
}

interface Gaussian {
  mean: number;
  variance: number;
  stdev: number;
}

const NULL_DISTRIBUTION: Gaussian = { mean: 0.5, variance: 1e6, stdev: 1e3 };
const RED = 1.0 - 0.99999;
const YELLOW = 1.0 - 0.999;

/** nupic's estimateNormal: numpy mean and population variance, floored at 0.03 and 0.0003 for scores. */
function estimateNormal(data: ArrayLike<number>, lowerBounds: boolean): Gaussian {
  let mean = numpyMean(data);
  const squares = Float64Array.from(data as ArrayLike<number>, (x) => (x - mean) * (x - mean));
  let variance = numpySum(squares) / data.length;
  if (lowerBounds) {
    if (mean < 0.03) mean = 0.03;
    if (variance < 0.0003) variance = 0.0003;
  }
  return { mean, variance, stdev: variance > 0 ? Math.sqrt(variance) : 0 };
}

/** The Gaussian tail beyond x on x's side of the mean (nupic's tailProbability, with its 1.4142). */
function tailProbability(x: number, d: Gaussian): number {
  if (x < d.mean) x = 2 * d.mean - x;
  const z = (x - d.mean) / d.stdev;
  return 0.5 * erfc(z / 1.4142);
}

/** A moving average of the last `size` values, with nupic's running total (its rounding path included). */
class MovingAverage {
  values: number[] = [];
  total = 0.0;
  constructor(readonly size: number) {}
  next(x: number): number {
    if (this.values.length === this.size) this.total -= this.values.shift()!;
    this.values.push(x);
    this.total += x;
    return this.total / this.values.length;
  }
}

/** The state of {@link AnomalyLikelihood} as plain data. */
export interface AnomalyLikelihoodState {
  options: Required<AnomalyLikelihoodOptions>;
  iteration: number;
  historyValues: number[];
  historyScores: number[];
  distribution: Gaussian | null;
  averageValues: number[];
  averageTotal: number;
  historicalLikelihoods: number[];
}

/**
 * nupic's AnomalyLikelihood: `probability(value, rawScore)` is the likelihood that the point is
 * anomalous (0.5 during the first learningPeriod + estimationSamples points);
 * `AnomalyLikelihood.logScale(p)` maps it to NAB's score.
 *
 * @example
 * const likelihood = new AnomalyLikelihood({ learningPeriod: 375, estimationSamples: 375 });
 * const score = AnomalyLikelihood.logScale(likelihood.probability(value, rawScore));
 */
export class AnomalyLikelihood {
  readonly options: Required<AnomalyLikelihoodOptions>;
  private iteration = 0;
  /** The last historicWindowSize (value, raw score) pairs. */
  private historyValues: number[] = [];
  private historyScores: number[] = [];
  private distribution: Gaussian | null = null;
  private average: MovingAverage;
  private historicalLikelihoods: number[] = [];

  constructor(options: AnomalyLikelihoodOptions = {}) {
    const o: Required<AnomalyLikelihoodOptions> = {
      learningPeriod: 288,
      estimationSamples: 100,
      historicWindowSize: 8640,
      reestimationPeriod: 100,
      averagingWindow: 10,
      ...options,
    };
    for (const [key, value] of Object.entries(o)) {
      const min = key === "learningPeriod" || key === "estimationSamples" ? 0 : 1;
      if (!Number.isInteger(value) || value < min) throw new Error(`AnomalyLikelihood: option ${key} must be an integer >= ${min}, got ${value}`);
    }
    if (o.learningPeriod + o.estimationSamples < 1) {
      throw new Error("AnomalyLikelihood: learningPeriod + estimationSamples must be at least 1 (the first fit needs a score)");
    }
    if (o.historicWindowSize < o.estimationSamples) {
      throw new Error(`AnomalyLikelihood: estimationSamples (${o.estimationSamples}) exceeds historicWindowSize (${o.historicWindowSize})`);
    }
    this.options = o;
    this.average = new MovingAverage(o.averagingWindow);
  }

  /** The log-scale score NAB reports: log(1.0000000001 − p) / log(1e-10) (nupic's computeLogLikelihood). */
  static logScale(likelihood: number): number {
    return Math.log(1.0000000001 - likelihood) / -23.02585084720009;
  }

  /** The likelihood that this point (value, raw anomaly score in [0, 1]) is anomalous. */
  probability(value: number, rawScore: number): number {
    if (!Number.isFinite(rawScore)) throw new Error(`AnomalyLikelihood: raw score ${rawScore} at point ${this.iteration} is not a finite number`);
    const o = this.options;
    let likelihood: number;
    if (this.iteration < o.learningPeriod + o.estimationSamples) {
      likelihood = 0.5;
    } else {
      if (this.distribution === null || this.iteration % o.reestimationPeriod === 0) this.estimate();
      const average = this.average.next(rawScore);
      const raw = tailProbability(average, this.distribution!);
      const previous = this.historicalLikelihoods[this.historicalLikelihoods.length - 1]!;
      // _filterLikelihoods keeps only sharp rises into the red zone.
      const filtered = raw <= RED && !(previous > RED) ? YELLOW : raw;
      this.historicalLikelihoods.push(raw);
      if (this.historicalLikelihoods.length > o.averagingWindow) this.historicalLikelihoods.shift();
      likelihood = 1.0 - filtered;
    }
    this.historyValues.push(value);
    this.historyScores.push(rawScore);
    if (this.historyScores.length > o.historicWindowSize) {
      this.historyValues.shift();
      this.historyScores.shift();
    }
    this.iteration++;
    return likelihood;
  }

  /** estimateAnomalyLikelihoods over the history: refits the Gaussian and restarts the moving average from it. */
  private estimate(): void {
    const o = this.options;
    const shiftedOut = Math.max(0, this.iteration - o.historicWindowSize);
    const skip = Math.min(this.iteration, Math.max(0, o.learningPeriod - shiftedOut));
    const average = new MovingAverage(o.averagingWindow);
    const averages = this.historyScores.map((s) => average.next(s));
    let distribution = NULL_DISTRIBUTION;
    if (averages.length > skip) {
      distribution = estimateNormal(averages.slice(skip), true);
      if (estimateNormal(this.historyValues.slice(skip), false).variance < 1.5e-5) distribution = NULL_DISTRIBUTION;
    }
    this.distribution = distribution;
    this.average = average;
    this.historicalLikelihoods = averages.slice(-o.averagingWindow).map((a) => tailProbability(a, distribution));
  }

  state(): AnomalyLikelihoodState {
    return {
      options: { ...this.options },
      iteration: this.iteration,
      historyValues: this.historyValues.slice(),
      historyScores: this.historyScores.slice(),
      distribution: this.distribution === null ? null : { ...this.distribution },
      averageValues: this.average.values.slice(),
      averageTotal: this.average.total,
      historicalLikelihoods: this.historicalLikelihoods.slice(),
    };
  }

  static fromState(state: AnomalyLikelihoodState): AnomalyLikelihood {
    const out = new AnomalyLikelihood(state.options);
    if (!Number.isInteger(state.iteration) || state.iteration < 0) {
      throw new Error(`AnomalyLikelihood.fromState: iteration must be a non-negative integer, got ${state.iteration}`);
    }
    if (state.historyValues.length !== state.historyScores.length) throw new Error("AnomalyLikelihood.fromState: historyValues and historyScores differ in length");
    out.iteration = state.iteration;
    out.historyValues = state.historyValues.slice();
    out.historyScores = state.historyScores.slice();
    out.distribution = state.distribution === null ? null : { ...state.distribution };
    out.average.values = state.averageValues.slice();
    out.average.total = state.averageTotal;
    out.historicalLikelihoods = state.historicalLikelihoods.slice();
    return out;
  }
}

const SNAPSHOT_KIND = "anomaly-likelihood";
const SNAPSHOT_VERSION = 1;

/** Options of {@link LikelihoodDetector}. */
export interface LikelihoodDetectorOptions {
  /** Likelihood parameters; by default NAB's: learningPeriod = ⌊probation / 2⌋, estimationSamples = the rest, reestimationPeriod 100. */
  likelihood?: AnomalyLikelihoodOptions;
  /**
   * NAB's HTM detector also scores 1 any value beyond the range seen so far by more than this
   * share of it (0.05 there); off by default.
   */
  spatialTolerance?: number;
}

/** A stream that turns an inner stream's raw scores into log-scale likelihoods. */
export class LikelihoodStream implements DetectorStream {
  private min = Infinity;
  private max = -Infinity;
  constructor(
    private readonly inner: DetectorStream,
    private readonly likelihood: AnomalyLikelihood,
    private readonly spatialTolerance: number | null,
  ) {}

  update(timestamp: number, value: number): number {
    checkPoint("LikelihoodStream", timestamp, value);
    const raw = this.inner.update(timestamp, value);
    let spatial = false;
    if (this.spatialTolerance !== null && this.min !== this.max) {
      const tolerance = (this.max - this.min) * this.spatialTolerance;
      spatial = value > this.max + tolerance || value < this.min - tolerance;
    }
    if (value > this.max) this.max = value;
    if (value < this.min) this.min = value;
    const score = AnomalyLikelihood.logScale(this.likelihood.probability(value, raw));
    return spatial ? 1.0 : score;
  }

  snapshot(): StreamSnapshot {
    return {
      kind: SNAPSHOT_KIND,
      version: SNAPSHOT_VERSION,
      inner: this.inner.snapshot(),
      likelihood: this.likelihood.state(),
      spatialTolerance: this.spatialTolerance,
      min: Number.isFinite(this.min) ? this.min : null,
      max: Number.isFinite(this.max) ? this.max : null,
    };
  }

  /** Restores a likelihood stream; `restoreInner` rebuilds the wrapped detector's stream (e.g. restoreStream). */
  static restore(snapshot: StreamSnapshot, restoreInner: (inner: StreamSnapshot) => DetectorStream): LikelihoodStream {
    checkSnapshot(snapshot, SNAPSHOT_KIND, SNAPSHOT_VERSION);
    const s = snapshot as StreamSnapshot & {
      inner: StreamSnapshot;
      likelihood: AnomalyLikelihoodState;
      spatialTolerance: number | null;
      min: number | null;
      max: number | null;
    };
    const stream = new LikelihoodStream(restoreInner(s.inner), AnomalyLikelihood.fromState(s.likelihood), s.spatialTolerance);
    stream.min = s.min ?? Infinity;
    stream.max = s.max ?? -Infinity;
    return stream;
  }
}

/**
 * Any streaming detector with Numenta's anomaly likelihood on its raw scores, as NAB's HTM
 * detector post-processes HTM's raw scores.
 *
 * @example
 * const scores = streamScores(new LikelihoodDetector(new ContextOseDetector()), taxi.values);
 */
export class LikelihoodDetector implements StreamingDetector {
  readonly name: string;
  constructor(
    readonly inner: StreamingDetector,
    readonly options: LikelihoodDetectorOptions = {},
  ) {
    this.name = `${inner.name} + anomaly likelihood`;
    const t = options.spatialTolerance;
    if (t !== undefined && !(Number.isFinite(t) && t >= 0)) throw new Error(`LikelihoodDetector: spatialTolerance must be a finite number >= 0, got ${t}`);
  }

  open(summary: SeriesSummary): LikelihoodStream {
    const probation = nabProbationLength(summary.length);
    const learningPeriod = Math.floor(probation / 2.0);
    const likelihood = new AnomalyLikelihood({ learningPeriod, estimationSamples: probation - learningPeriod, reestimationPeriod: 100, ...this.options.likelihood });
    return new LikelihoodStream(this.inner.open(summary), likelihood, this.options.spatialTolerance ?? null);
  }

  restore(snapshot: StreamSnapshot): LikelihoodStream {
    return LikelihoodStream.restore(snapshot, (inner) => this.inner.restore(inner));
  }
}
