// Generalized ESD (Rosner 1983) and Twitter's seasonal-hybrid ESD (Hochenbaum, Vallis & Kejariwal
// 2017; R package AnomalyDetection, AnomalyDetectionVec): ESD on the residual of an STL
// decomposition, with the median and the MAD in place of the mean and the standard deviation so
// that the anomalies themselves do not inflate the scale.
import type tQuantileFunction from "@stdlib/stats-base-dists-t-quantile";
import { stl, StlResult } from "./stl";

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
}

/**
 * Generalized ESD: removes the most extreme point k times; the number of anomalies is the last
 * step whose statistic exceeds its critical value λᵢ = t·(n−i) / √((n−i−1+t²)(n−i+1)),
 * t the Student-t quantile at 1 − α/(2(n−i+1)) (two-sided) with n−i−1 degrees of freedom.
 *
 * @example generalizedEsd([1, 2, 1, 2, 1, 2, 40], { maxAnoms: 2 }).anomalies; // [6]
 */
export function generalizedEsd(values: ArrayLike<number>, options: GeneralizedEsdOptions): GeneralizedEsdResult {
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
  for (let i = 1; i <= k; i++) {
    const x = remaining.map((j) => values[j]!);
    const center = useMedian ? median(x) : mean(x);
    const scale = useMedian ? 1.4826 * median(x.map((v) => Math.abs(v - center))) : sampleStd(x, center);
    if (scale === 0) break;
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
  return { anomalies: steps.slice(0, count).map((s) => s.index), steps };
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
}

/**
 * Seasonal-hybrid ESD as AnomalyDetectionVec computes it: robust periodic STL, residual =
 * value − seasonal − median(value), then generalized ESD with median and MAD, at most
 * floor(maxAnoms · n) anomalies per piece.
 *
 * @example
 * const taxi = await loadNabCorpusSeries("realKnownCause/nyc_taxi");
 * seasonalHybridEsd(taxi.values, { period: 48, maxAnoms: 0.02 }).anomalies;
 */
export function seasonalHybridEsd(values: ArrayLike<number>, options: SeasonalHybridEsdOptions): SeasonalHybridEsdResult {
  const n = values.length;
  const { period } = options;
  let maxAnoms = options.maxAnoms ?? 0.1;
  if (!Number.isInteger(period) || period < 2) throw new Error(`seasonalHybridEsd: period must be an integer >= 2, got ${period}`);
  if (!(maxAnoms > 0 && maxAnoms <= 0.49)) throw new Error(`seasonalHybridEsd: maxAnoms must be in (0, 0.49], got ${maxAnoms}`);
  if (n < 2 * period) throw new Error(`seasonalHybridEsd: ${n} points are fewer than two periods (${2 * period}); give a shorter period or more data`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(values[i]!)) throw new Error(`seasonalHybridEsd: value ${i} is ${values[i]}; fill or drop missing values first`);
  if (maxAnoms < 1 / n) maxAnoms = 1 / n;
  const pieceLength = options.piecewise ?? n;
  if (!Number.isInteger(pieceLength) || pieceLength < 2 * period) throw new Error(`seasonalHybridEsd: piecewise must be an integer of at least two periods (${2 * period}), got ${options.piecewise}`);
  const residual = new Float64Array(n);
  const expected = new Float64Array(n);
  const found = new Set<number>();
  const pieces: SeasonalHybridEsdResult["pieces"] = [];
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
    const k = Math.floor(r.length * maxAnoms);
    if (k === 0) throw new Error(`seasonalHybridEsd: maxAnoms ${maxAnoms} allows no anomaly in ${r.length} points; raise it`);
    const esd = generalizedEsd(r, { maxAnoms: k, alpha: options.alpha ?? 0.05, direction: options.direction ?? "both", center: "median" });
    for (const a of esd.anomalies) found.add(start + a);
    pieces.push({ start, end, esd, decomposition });
  }
  return { anomalies: [...found].sort((a, b) => a - b), expected, residual, pieces };
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
