// ARTime (Mark Hampton, 2021; NAB's leader, 74.9 on the standard profile), reimplemented from the
// algorithm of ARTimeNAB.jl (src/ARTime.jl) as NAB runs it (nab/detectors/ARTime). The series is
// downsampled (one point per `sstep`, keeping a spike rather than the mean), normalised to
// [0, 1] with the file's range, quantised to 80 levels and snapped to a running median; each
// window of 8 such points becomes 16 features (its Haar wavelet coefficients and the values); a
// dual-vigilance fuzzy ART clusters them, and a point that founds a new cluster is an anomaly,
// with a confidence from how far its best match fell below the vigilances. The vigilances adapt
// to the recent similarities. The first 15% of the file (NAB's probation, at most 750 points)
// is learnt in one batch, ordered by similarity, to set the initial vigilance.
import { Dvfa, DvfaState } from "./dvfa";
import { haarDwt } from "./haar";
import { juliaMean, juliaSum, norm2, roundDigits, roundHalfEven } from "./julia";
import { checkPoint, checkSnapshot, DetectorStream, SeriesSummary, StreamingDetector, StreamSnapshot } from "../stream";

/** ARTime's parameters (defaults are ARTimeNAB.jl's). */
export interface ArtimeOptions {
  /** Points in a feature window (after downsampling); a power of two (default 8). */
  window?: number;
  /** Feature windows per probationary period: sets the downsampling step (default 13). */
  windowsPerProbation?: number;
  /** A quantised value within this of the running median becomes the median (default 0.075). */
  discretizeChomp?: number;
  /** Quantisation levels of the normalised value (default 80). */
  levels?: number;
  /** Vigilance used to order the probation's samples (default 0.8). */
  initialRho?: number;
}

const SNAPSHOT_KIND = "artime";
const SNAPSHOT_VERSION = 1;

/** NAB's probationary period as ARTime computes it: 15% of the file below 5000 points, else 750, made even. */
export function artimeProbation(length: number): number {
  const p = length < 5000 ? Math.floor(0.15 * length) : 750;
  return p - (p % 2);
}

interface ArtimeState {
  i: number;
  dsi: number;
  lastAnomalyI: number;
  lastAnomalySim: number;
  lastRhoUpdateI: number;
  maskAfterCat: boolean;
  noNewCatCount: number;
  trendFeatures: number[][];
  anomalySimHistory: number[];
  simDiffWindow: number[];
  rhoUbMean: number;
  rhoUbCount: number;
  simWindow: number[];
  dsWindow: number[];
  dsMovingAverage: number;
  medbin: number[];
  medlevel: number;
  belowmed: number;
  abovemed: number;
  fWindow: number[];
}

/** ARTime's whole state as plain JSON data. */
export interface ArtimeSnapshot extends StreamSnapshot {
  options: Required<ArtimeOptions>;
  summary: SeriesSummary;
  state: ArtimeState;
  art: DvfaState | null;
}

/**
 * One ARTime stream: `update` takes one value, returns NAB's anomaly score (non-zero only at
 * anomalies: a confidence in (0, 1], rounded to 6 digits as ARTime does).
 *
 * @example
 * const stream = new ArtimeDetector().open({ min: 0, max: 100, length: 10000 });
 * const score = stream.update(Date.now(), 42);
 */
export class ArtimeStream implements DetectorStream {
  readonly options: Required<ArtimeOptions>;
  readonly summary: SeriesSummary;
  readonly probationaryPeriod: number;
  /** Downsampling step: one point in `sstep` is analysed. */
  readonly sstep: number;
  /** Downsampled points in the probationary period (learnt as one batch). */
  readonly trendWindow: number;
  readonly maskRhoAfterAnomaly: number;
  private s: ArtimeState;
  private art: Dvfa | null = null;
  private readonly dwtOut: Float64Array;

  constructor(summary: SeriesSummary, options: ArtimeOptions = {}) {
    const o: Required<ArtimeOptions> = { window: 8, windowsPerProbation: 13, discretizeChomp: 0.075, levels: 80, initialRho: 0.8, ...options };
    for (const key of ["min", "max", "length"] as const) {
      if (!Number.isFinite(summary[key])) throw new Error(`ArtimeStream: summary.${key} must be a finite number, got ${summary[key]}`);
    }
    if (summary.max < summary.min) throw new Error(`ArtimeStream: summary.max (${summary.max}) is below summary.min (${summary.min})`);
    if (!Number.isInteger(o.window) || o.window < 2 || (o.window & (o.window - 1)) !== 0) {
      throw new Error(`ArtimeStream: window must be a power of two >= 2, got ${o.window}`);
    }
    for (const key of ["windowsPerProbation", "levels"] as const) {
      if (!Number.isInteger(o[key]) || o[key] < 1) throw new Error(`ArtimeStream: option ${key} must be a positive integer, got ${o[key]}`);
    }
    for (const key of ["discretizeChomp", "initialRho"] as const) {
      if (!Number.isFinite(o[key])) throw new Error(`ArtimeStream: option ${key} must be a finite number, got ${o[key]}`);
    }
    this.options = o;
    this.summary = { ...summary };
    this.probationaryPeriod = artimeProbation(summary.length);
    this.sstep = Math.max(1, Math.floor(this.probationaryPeriod / (o.window * o.windowsPerProbation)));
    this.trendWindow = Math.floor(this.probationaryPeriod / this.sstep);
    if (this.trendWindow < 2 * o.window) {
      throw new Error(
        `ArtimeStream: a series of ${summary.length} points gives a probationary period of ${this.probationaryPeriod}, ` +
          `too short to learn from (needs ${2 * o.window} downsampled points)`,
      );
    }
    this.maskRhoAfterAnomaly = Math.round(o.window * 1.5); // an Int field in ARTime
    this.dwtOut = new Float64Array(o.window);
    this.s = {
      i: 1,
      dsi: 1,
      lastAnomalyI: 0,
      lastAnomalySim: 0,
      lastRhoUpdateI: 0,
      maskAfterCat: false,
      noNewCatCount: 0,
      trendFeatures: [],
      anomalySimHistory: [],
      simDiffWindow: new Array<number>(this.trendWindow + 1).fill(0),
      rhoUbMean: 0,
      rhoUbCount: 0,
      simWindow: new Array<number>((this.trendWindow >> 1) + 1).fill(1),
      dsWindow: new Array<number>(this.sstep).fill(0),
      dsMovingAverage: 0,
      medbin: new Array<number>(o.levels + 1).fill(0),
      medlevel: 0,
      belowmed: 0,
      abovemed: 0,
      fWindow: new Array<number>(o.window).fill(0),
    };
  }

  update(timestamp: number, value: number): number {
    checkPoint("ArtimeStream", timestamp, value);
    const s = this.s;
    const i = s.i;
    s.dsWindow.shift();
    s.dsWindow.push(value);
    let anomaly = 0;
    if (i % this.sstep === 0) {
      anomaly = this.processFeatures(this.features(), s.dsi);
      s.dsi++;
    }
    s.i++;
    return anomaly;
  }

  /** Downsamples, normalises, quantises, snaps to the median, and builds the feature vector. */
  private features(): Float64Array {
    const s = this.s;
    const o = this.options;
    const mean = juliaMean(s.dsWindow);
    let max = -Infinity;
    let min = Infinity;
    for (const v of s.dsWindow) {
      if (v > max) max = v;
      if (v < min) min = v;
    }
    if (s.dsi === 1) s.dsMovingAverage = mean;
    s.dsMovingAverage = (s.dsMovingAverage + mean) / 2;
    let ds = max;
    if (Math.abs(max - s.dsMovingAverage) < Math.abs(min - s.dsMovingAverage)) ds = min; // a spike below the mean
    if (Math.abs(ds - mean) < 0.1 * mean) ds = mean; // a spike must be at least 10%
    ds = ds - this.summary.min;
    const range = this.summary.max - this.summary.min;
    if (range !== 0) ds = ds / range;
    // ARTime indexes its median histogram by level (Julia throws out of range): clamp values outside [min, max].
    const level = Math.min(o.levels, Math.max(0, roundHalfEven(ds * o.levels)));
    ds = level / o.levels;
    s.medbin[level]!++;
    const medpos = Math.floor(s.dsi / 2);
    if (s.dsi === 1) s.medlevel = level;
    if (s.medlevel > level) s.belowmed++;
    else if (s.medlevel < level) s.abovemed++;
    // Not strictly a running median but close enough (ARTime's words).
    if (medpos < s.abovemed) {
      s.belowmed += s.medbin[s.medlevel]!;
      s.medlevel++;
      while (s.medbin[s.medlevel] === 0) s.medlevel++;
      s.abovemed -= s.medbin[s.medlevel]!;
    } else if (medpos < s.belowmed) {
      s.abovemed += s.medbin[s.medlevel]!;
      s.medlevel--;
      while (s.medbin[s.medlevel] === 0) s.medlevel--;
      s.belowmed -= s.medbin[s.medlevel]!;
    }
    const med = s.medlevel / o.levels;
    if (Math.abs(ds - med) < o.discretizeChomp) ds = med;
    const w = o.window;
    const features = new Float64Array(2 * w);
    s.fWindow.shift();
    s.fWindow.push(ds);
    if (s.dsi >= w) {
      const dw = Float64Array.from(s.fWindow);
      const dwMin = Math.min(...dw);
      for (let k = 0; k < w; k++) dw[k] = dw[k]! - dwMin;
      const dwMax = Math.max(...dw);
      if (dwMax !== 0) for (let k = 0; k < w; k++) dw[k] = dw[k]! / dwMax;
      const fw = haarDwt(dw, this.dwtOut);
      const fwMin = Math.min(...fw);
      for (let k = 0; k < w; k++) fw[k] = fw[k]! - fwMin;
      const fwMax = Math.max(...fw);
      if (fwMax !== 0) for (let k = 0; k < w; k++) fw[k] = fw[k]! / fwMax;
      features.set(fw, 0);
      features.set(s.fWindow, w);
    }
    return features;
  }

  private processFeatures(f: Float64Array, i: number): number {
    const s = this.s;
    if (i > this.trendWindow) return this.detect(f, i);
    s.trendFeatures.push(Array.from(f));
    if (i === this.trendWindow) {
      // Batch-process the probationary period.
      this.art = new Dvfa(f.length);
      const rho = this.initRho(s.trendFeatures.slice(this.options.window - 1));
      this.art.rhoLb = rho;
      this.art.rhoUb = rho;
      s.trendFeatures.forEach((ff, k) => this.detect(ff, k + 1));
      s.trendFeatures = [];
    }
    return 0;
  }

  private detect(f: ArrayLike<number>, i: number): number {
    const s = this.s;
    const art = this.art!;
    const mask = this.maskRhoAfterAnomaly;
    const updateRhoAfterAnomaly = i - s.lastAnomalyI === mask;
    const updateRhoForTrend = i - s.lastRhoUpdateI >= this.trendWindow >> 1;
    const maskAfterAnomaly = i - s.lastAnomalyI <= mask;
    if (i > this.trendWindow + mask && s.maskAfterCat && s.noNewCatCount >= mask) s.maskAfterCat = false;
    // Samples before a complete feature window are matched, not learnt (keeps ART's indexes aligned).
    const result = i < this.options.window ? art.train(f, false) : art.train(f);
    const cat = i < this.options.window ? -1 : result.label;
    s.noNewCatCount = cat === -1 ? 0 : s.noNewCatCount + 1;
    const sim = result.match;
    s.rhoUbCount++;
    s.rhoUbMean = s.rhoUbMean + (1 / s.rhoUbCount) * (sim - s.rhoUbMean); // OnlineStats.Mean
    s.simWindow.shift();
    s.simWindow.push(sim);
    s.simDiffWindow.shift();
    s.simDiffWindow.push(art.rhoUb - sim);
    // Keep the smallest similarity during the masking window of each anomaly.
    const history = s.anomalySimHistory;
    if (i - s.lastAnomalyI < mask && history.length > 0 && sim < history[history.length - 1]!) history[history.length - 1] = sim;
    const maskingAnomaly = s.maskAfterCat || maskAfterAnomaly;
    const belowLast = sim < s.lastAnomalySim * (maskAfterAnomaly ? 0.9 : 0.7);
    const anomalyWithCat = cat === -1 && (!maskingAnomaly || belowLast);
    let anomaly = 0;
    if (i > this.trendWindow && anomalyWithCat) {
      anomaly = this.confidence(sim, result.energy);
      history.push(sim);
      s.lastAnomalySim = sim;
      s.lastAnomalyI = i;
    }
    s.maskAfterCat = cat === -1 || s.maskAfterCat;
    if (i > this.trendWindow && (updateRhoAfterAnomaly || updateRhoForTrend)) this.adaptVigilance(i);
    return anomaly;
  }

  /** Moves the vigilances towards the recent similarities (ARTime's update of rho_lb and rho_ub). */
  private adaptVigilance(i: number): void {
    const s = this.s;
    const art = this.art!;
    const minSim = Math.min(...s.simWindow);
    const newUb = Math.min(0.97, s.rhoUbMean);
    const prevLb = art.rhoLb;
    let newLb: number;
    if (prevLb <= minSim) {
      newLb = prevLb + (minSim - prevLb) * 0.19;
    } else {
      let decr = 0;
      if (i > this.trendWindow * 2) {
        const below = s.simDiffWindow.filter((x) => x > 0.05).map((x) => Math.min(0.37, x));
        if (below.length > 0) decr = juliaMean(below);
      }
      decr = Math.max(0.01, decr);
      newLb = prevLb - decr / 2;
      if (s.anomalySimHistory.length > 0) newLb = Math.max(juliaMean(s.anomalySimHistory), newLb);
    }
    newLb = Math.min(newUb, newLb);
    art.rhoLb = newLb;
    art.rhoUb = newUb;
    s.lastRhoUpdateI = i;
    s.maskAfterCat = true;
  }

  private confidence(featureSim: number, energySim: number): number {
    const art = this.art!;
    const fs = Math.min(0.999, featureSim);
    const ub = (1 - fs - (1 - art.rhoUb)) / (1 - fs);
    const lb = (1 - fs - (1 - art.rhoLb)) / (1 - fs);
    const s = Math.min(1.0, ub * 0.35 + lb * 0.65 + (1.0 - energySim) * 1.5);
    return roundDigits(s, 6);
  }

  /**
   * The initial vigilance: order the probation's complete windows from least to most similar to
   * the others, train a fresh DVFA at vigilance `initialRho` on them, and average its matches
   * over the second half.
   */
  private initRho(samples: number[][]): number {
    const n = samples.length;
    const sim = Array.from({ length: n }, () => new Float64Array(n).fill(1));
    const norms = samples.map((x) => norm2(x));
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < a; b++) {
        const score = similarity(samples[a]!, samples[b]!, norms[a]!, norms[b]!);
        sim[a]![b] = score;
        sim[b]![a] = score;
      }
    }
    const sums = new Float64Array(n);
    const column = new Float64Array(n);
    for (let c = 0; c < n; c++) {
      for (let r = 0; r < n; r++) column[r] = sim[r]![c]!;
      sums[c] = juliaSum(column);
    }
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => sums[a]! - sums[b]! || a - b);
    const art = new Dvfa(samples[0]!.length);
    art.rhoLb = this.options.initialRho;
    art.rhoUb = this.options.initialRho;
    const matches = order.map((k) => art.train(samples[k]!).match);
    return juliaMean(matches, (this.trendWindow >> 1) - 1);
  }

  snapshot(): ArtimeSnapshot {
    return {
      kind: SNAPSHOT_KIND,
      version: SNAPSHOT_VERSION,
      options: { ...this.options },
      summary: { ...this.summary },
      state: JSON.parse(JSON.stringify(this.s)) as ArtimeState,
      art: this.art === null ? null : this.art.state(),
    };
  }

  /** A stream continuing from a snapshot (identical next scores). */
  static restore(snapshot: StreamSnapshot): ArtimeStream {
    checkSnapshot(snapshot, SNAPSHOT_KIND, SNAPSHOT_VERSION);
    const s = snapshot as ArtimeSnapshot;
    const stream = new ArtimeStream(s.summary, s.options);
    const fresh = stream.s;
    const state = s.state;
    for (const key of Object.keys(fresh) as (keyof ArtimeState)[]) {
      if (!(key in state)) throw new Error(`ArtimeStream.restore: state.${key} is missing`);
      if (Array.isArray(fresh[key]) !== Array.isArray(state[key])) throw new Error(`ArtimeStream.restore: state.${key} has the wrong type`);
    }
    for (const key of ["simDiffWindow", "simWindow", "dsWindow", "medbin", "fWindow"] as const) {
      if (state[key].length !== fresh[key].length) {
        throw new Error(`ArtimeStream.restore: state.${key} has ${state[key].length} entries, expected ${fresh[key].length}`);
      }
    }
    stream.s = JSON.parse(JSON.stringify(state)) as ArtimeState;
    stream.art = s.art === null ? null : Dvfa.fromState(s.art);
    return stream;
  }
}

/** ARTime's similarity: cosine, or 1 − ‖other‖ when one vector is zero. */
function similarity(a: ArrayLike<number>, b: ArrayLike<number>, na: number, nb: number): number {
  if (na === 0) return 1 - nb;
  if (nb === 0) return 1 - na;
  const products = new Float64Array(a.length);
  for (let k = 0; k < a.length; k++) products[k] = a[k]! * b[k]!;
  return juliaSum(products) / (na * nb);
}

/**
 * ARTime as NAB runs it: the stream is told the file's min, max and length (the probationary
 * period, 15% of it, at most 750 points, is learnt in one batch at its end).
 *
 * @example
 * const scores = streamScores(new ArtimeDetector(), taxi.values, taxi.timestamps);
 */
export class ArtimeDetector implements StreamingDetector {
  readonly name = "ARTime";
  constructor(readonly options: ArtimeOptions = {}) {}

  open(summary: SeriesSummary): ArtimeStream {
    return new ArtimeStream(summary, this.options);
  }

  restore(snapshot: StreamSnapshot): ArtimeStream {
    return ArtimeStream.restore(snapshot);
  }
}
