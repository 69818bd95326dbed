// Generalized ESD (Rosner 1983) and Twitter's seasonal-hybrid ESD (Hochenbaum, Vallis & Kejariwal
// 2017; R package AnomalyDetection, AnomalyDetectionVec): ESD on the residual of an STL
// decomposition, with the median and the MAD in place of the mean and the standard deviation so
// that the anomalies themselves do not inflate the scale.
import type tQuantileFunction from "@stdlib/stats-base-dists-t-quantile";
import { stl, StlResult } from "./stl";
import { printWarning } from "./warnings";

let tQuantileModule: typeof tQuantileFunction | undefined;

/** Student's t quantile, loaded on first use: stdlib's 414 modules were a third of `import "anomaly-lab"`. */
function tQuantile(p: number, degreesOfFreedom: number): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  tQuantileModule ??= require("@stdlib/stats-base-dists-t-quantile") as typeof tQuantileFunction;
  return tQuantileModule(p, degreesOfFreedom);
}

/** Which side counts: spikes up ("pos"), dips ("neg") or both. */
export type EsdDirection = "pos" | "neg" | "both";

export interface GeneralizedEsdOptions {
  /** Upper bound on the number of anomalies tested (ESD's k). */
  maxAnoms: number;
  /** Significance level of each test (default 0.05). */
  alpha?: number;
  direction?: EsdDirection;
  /** "median" (hybrid: median and MAD, the default) or "mean" (Rosner's: mean and standard deviation). */
  center?: "median" | "mean";
}

/** Each ESD step: the most extreme remaining point, its test statistic and the critical value. */
export interface EsdStep {
  index: number;
  statistic: number;
  critical: number;
}

export interface GeneralizedEsdResult {
  /** Indices of the anomalies, in the order ESD removed them. */
  anomalies: number[];
  /** Every step taken (up to maxAnoms); the anomalies are the first `anomalies.length`. */
  steps: EsdStep[];
  /**
   * Set when ESD stopped early because the scale (MAD, or standard deviation) of the remaining points
   * was 0 while some of them still differed from the center: those points were never tested. R's
   * AnomalyDetection stops the same way (`if (data_sigma == 0) break`) and says nothing; here
   * {@link generalizedEsd} and {@link seasonalHybridEsd} also print a warning.
   */
  zeroScale?: EsdZeroScale;
}

/** Where ESD met a zero scale: the step, and the remaining point farthest from the center. */
export interface EsdZeroScale {
  /** The step (1-based) that found the scale 0; steps before it were taken. */
  step: number;
  /** Points left untested. */
  remaining: number;
  /** The untested point farthest from the center, and its distance. */
  farthest: { index: number; distance: number };
}

/**
 * Generalized ESD: removes the most extreme point k times; the number of anomalies is the last
 * step whose statistic exceeds its critical value λᵢ = t·(n−i) / √((n−i−1+t²)(n−i+1)),
 * t the Student-t quantile at 1 − α/(2(n−i+1)) (two-sided) with n−i−1 degrees of freedom.
 *
 * @example generalizedEsd([1, 2, 1, 2, 1, 2, 40], { maxAnoms: 2 }).anomalies; // [6]
 */
export function generalizedEsd(values: ArrayLike<number>, options: GeneralizedEsdOptions): GeneralizedEsdResult {
  const result = esdSteps(values, options);
  if (result.zeroScale !== undefined) {
    const scale = (options.center ?? "median") === "median" ? "MAD" : "standard deviation";
    printWarning(zeroScaleWarning("generalizedEsd", result.zeroScale, options.maxAnoms, `${scale} of the values`, 0));
  }
  return result;
}

/** {@link generalizedEsd} without the warning (callers word it for their context). */
function esdSteps(values: ArrayLike<number>, options: GeneralizedEsdOptions): GeneralizedEsdResult {
  const n = values.length;
  const alpha = options.alpha ?? 0.05;
  const direction = options.direction ?? "both";
  const k = options.maxAnoms;
  if (!Number.isInteger(k) || k < 1) throw new Error(`generalizedEsd: maxAnoms must be a positive integer, got ${k}`);
  if (k > n - 2) throw new Error(`generalizedEsd: maxAnoms (${k}) must leave at least 2 points of the ${n}`);
  if (!(alpha > 0 && alpha < 1)) throw new Error(`generalizedEsd: alpha must be in (0, 1), got ${alpha}`);
  if (!["pos", "neg", "both"].includes(direction)) throw new Error(`generalizedEsd: direction must be "pos", "neg" or "both", got "${direction}"`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(values[i]!)) throw new Error(`generalizedEsd: value ${i} is ${values[i]}`);
  const useMedian = (options.center ?? "median") === "median";
  let remaining = Array.from({ length: n }, (_, i) => i);
  const steps: EsdStep[] = [];
  let count = 0;
  let zeroScale: EsdZeroScale | undefined;
  for (let i = 1; i <= k; i++) {
    const x = remaining.map((j) => values[j]!);
    const center = useMedian ? median(x) : mean(x);
    const scale = useMedian ? 1.4826 * median(x.map((v) => Math.abs(v - center))) : sampleStd(x, center);
    if (scale === 0) {
      // Differences at round-off level (a constant series after STL) leave nothing worth testing.
      const far = farthestFrom(x, center);
      if (far.distance > 1e-9 * Math.max(1, Math.abs(center))) {
        zeroScale = { step: i, remaining: x.length, farthest: { index: remaining[far.at]!, distance: far.distance } };
      }
      break;
    }
    let best = -Infinity;
    let at = -1;
    for (let j = 0; j < x.length; j++) {
      const d = direction === "both" ? Math.abs(x[j]! - center) : direction === "pos" ? x[j]! - center : center - x[j]!;
      const r = d / scale;
      if (r > best) {
        best = r;
        at = j;
      }
    }
    const p = direction === "both" ? 1 - alpha / (2 * (n - i + 1)) : 1 - alpha / (n - i + 1);
    const t = tQuantile(p, n - i - 1);
    const critical = (t * (n - i)) / Math.sqrt((n - i - 1 + t * t) * (n - i + 1));
    steps.push({ index: remaining[at]!, statistic: best, critical });
    if (best > critical) count = i;
    remaining = remaining.filter((_, j) => j !== at);
  }
  const result: GeneralizedEsdResult = { anomalies: steps.slice(0, count).map((s) => s.index), steps };
  if (zeroScale !== undefined) result.zeroScale = zeroScale;
  return result;
}

function farthestFrom(x: readonly number[], center: number): { at: number; distance: number } {
  let at = 0;
  for (let j = 1; j < x.length; j++) if (Math.abs(x[j]! - center) > Math.abs(x[at]! - center)) at = j;
  return { at, distance: Math.abs(x[at]! - center) };
}

/** `scaleOf`: e.g. "MAD of the residual (points 0-139)"; `offset`: added to the point's index. */
function zeroScaleWarning(who: string, z: EsdZeroScale, maxSteps: number, scaleOf: string, offset: number): string {
  return (
    `${who}: the ${scaleOf} is 0 at ESD step ${z.step} of ${maxSteps}: more than half ` +
    `of the ${z.remaining} remaining points are one value, so ESD stopped there (as R's AnomalyDetection does) and did ` +
    `not test them; the farthest, point ${offset + z.farthest.index}, is ${z.farthest.distance.toPrecision(4)} from the center. ` +
    `Anomalies may be missing: a series that is mostly one value is better judged by RollingZScoreDetector or by ` +
    `generalizedEsd with center "mean".`
  );
}

export interface SeasonalHybridEsdOptions {
  /** Observations per season (e.g. 48 for half-hourly data with a daily cycle); required. */
  period: number;
  /** Largest share of anomalies, in (0, 0.49] (default 0.1, as AnomalyDetection). */
  maxAnoms?: number;
  alpha?: number;
  direction?: EsdDirection;
  /**
   * Split a long series into pieces of this many points, each decomposed and tested on its own
   * (AnomalyDetection's longterm mode, where the trend drifts over weeks); a short last piece is
   * replaced by the last `piecewise` points. Default: the whole series at once.
   */
  piecewise?: number;
}

export interface SeasonalHybridEsdResult {
  /** Indices of the anomalies, ascending. */
  anomalies: number[];
  /** value − residual: the seasonal component plus the median, per point (what the series "should" be). */
  expected: Float64Array;
  /** The residual ESD tested: value − seasonal − median. */
  residual: Float64Array;
  /** The ESD steps of each piece. */
  pieces: { start: number; end: number; esd: GeneralizedEsdResult; decomposition: StlResult }[];
  /** What the caller should know (also printed): a piece whose residual had a MAD of 0, so ESD stopped early. */
  warnings: string[];
}

/**
 * Seasonal-hybrid ESD as AnomalyDetectionVec computes it: robust periodic STL, residual =
 * value − seasonal − median(value), then generalized ESD with median and MAD, at most
 * floor(maxAnoms · n) anomalies per piece (one when maxAnoms is below 1/n, as R raises it). When
 * more than half of a residual is one value its MAD is 0 and ESD stops, as R's does: the result's
 * `warnings` say so, and are printed.
 *
 * @example
 * const taxi = await loadNabCorpusSeries("realKnownCause/nyc_taxi");
 * seasonalHybridEsd(taxi.values, { period: 48, maxAnoms: 0.02 }).anomalies;
 */
export function seasonalHybridEsd(values: ArrayLike<number>, options: SeasonalHybridEsdOptions): SeasonalHybridEsdResult {
  const result = seasonalHybridEsdSteps(values, options, "seasonalHybridEsd");
  for (const warning of result.warnings) printWarning(warning);
  return result;
}

/**
 * {@link seasonalHybridEsd} without printing its warnings (a streaming detector prints them once per
 * stream, not at every point). `who` starts the messages.
 */
/** The defaults of {@link seasonalHybridEsd}'s options (AnomalyDetection's). */
export const SHESD_DEFAULTS = { maxAnoms: 0.1, alpha: 0.05, direction: "both" } as const;

export function seasonalHybridEsdSteps(values: ArrayLike<number>, options: SeasonalHybridEsdOptions, who: string): SeasonalHybridEsdResult {
  const n = values.length;
  const period = requirePeriod(options, who);
  const maxAnoms = options.maxAnoms ?? SHESD_DEFAULTS.maxAnoms;
  if (!Number.isInteger(period) || period < 2) throw new Error(`${who}: period must be an integer >= 2, got ${period}`);
  if (!(maxAnoms > 0 && maxAnoms <= 0.49)) throw new Error(`${who}: maxAnoms must be in (0, 0.49], got ${maxAnoms}`);
  if (n < 2 * period) throw new Error(`${who}: ${n} points are fewer than two periods (${2 * period}); give a shorter period or more data`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(values[i]!)) throw new Error(`${who}: value ${i} is ${values[i]}; fill or drop missing values first`);
  // AnomalyDetectionVec raises max_anoms to 1/n so that one anomaly can be tested, then takes trunc(n · max_anoms);
  // but n · (1/n) is 0.999... for 2,504 lengths up to 20,000 (49, 98, 103, ...), where R stops with an error. The
  // count it means is floor(pieceLength / n): one for the whole series, none for a shorter piece (as in R).
  const raised = maxAnoms <= 1 / n;
  const pieceLength = options.piecewise ?? n;
  if (!Number.isInteger(pieceLength) || pieceLength < 2 * period) throw new Error(`${who}: piecewise must be an integer of at least two periods (${2 * period}), got ${options.piecewise}`);
  const residual = new Float64Array(n);
  const expected = new Float64Array(n);
  const found = new Set<number>();
  const pieces: SeasonalHybridEsdResult["pieces"] = [];
  const warnings: string[] = [];
  for (let s = 0; s < n; s += pieceLength) {
    const start = s + pieceLength <= n ? s : n - pieceLength; // AnomalyDetection's rule for the last piece
    const end = start + pieceLength;
    const piece = Array.prototype.slice.call(values, start, end) as number[];
    const decomposition = stl(piece, period, { seasonal: "periodic", robust: true });
    const med = median(piece);
    const r = piece.map((v, i) => v - decomposition.seasonal[i]! - med);
    for (let i = 0; i < r.length; i++) {
      residual[start + i] = r[i]!;
      expected[start + i] = decomposition.seasonal[i]! + med;
    }
    const k = raised ? Math.floor(r.length / n) : Math.floor(r.length * maxAnoms);
    if (k === 0) throw new Error(`${who}: maxAnoms ${raised ? `${maxAnoms} (raised to 1/${n})` : maxAnoms} allows no anomaly in ${r.length} points; raise it`);
    const { alpha = SHESD_DEFAULTS.alpha, direction = SHESD_DEFAULTS.direction } = options;
    const esd = esdSteps(r, { maxAnoms: k, alpha, direction, center: "median" });
    for (const a of esd.anomalies) found.add(start + a);
    if (esd.zeroScale !== undefined) warnings.push(zeroScaleWarning(who, esd.zeroScale, k, `MAD of the residual (points ${start}-${end - 1})`, start));
    pieces.push({ start, end, esd, decomposition });
  }
  return { anomalies: [...found].sort((a, b) => a - b), expected, residual, pieces, warnings };
}

/** The season length, which has no default (R: "Period must be set to the number of data points in a single period"). */
export function requirePeriod(options: SeasonalHybridEsdOptions | undefined, who: string): number {
  if (options === undefined || options === null || options.period === undefined) {
    throw new Error(
      `${who}: options.period is required: the number of points in one season (e.g. 48 for half-hourly data with a ` +
        `daily cycle); estimatePeriod(values) suggests one`,
    );
  }
  return options.period;
}

function median(x: readonly number[]): number {
  const s = Float64Array.from(x).sort();
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function mean(x: readonly number[]): number {
  let s = 0;
  for (const v of x) s += v;
  return s / x.length;
}

function sampleStd(x: readonly number[], m: number): number {
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return Math.sqrt(s / (x.length - 1));
}
