// Classical decomposition with a robust option: trend by a centred moving median (or average),
// a seasonal profile (the median or mean of the detrended values at each position of the cycle),
// and the residual. The period is given or estimated from the autocorrelation.
import { assertFiniteValues } from "./series";

export interface DecomposeOptions {
  /** Points per season, or "auto" to estimate it from the autocorrelation (default "auto"). */
  period?: number | "auto";
  /** Trend smoother: "median" (robust to spikes, the default) or "mean" (classical). */
  trend?: "median" | "mean";
  /** Trend window in points (default: the period, made odd by adding one). */
  trendWindow?: number;
  /** Bounds for the estimated period (default 2 .. n/2). */
  minPeriod?: number;
  maxPeriod?: number;
}

export interface Decomposition {
  period: number;
  /** The period estimate when it was estimated: the chosen lag and its autocorrelation, with the runners-up. */
  periodEstimate: PeriodEstimate | null;
  trend: Float64Array;
  /** The seasonal profile (one value per position in the cycle, summing to ~0). */
  profile: Float64Array;
  /** The profile repeated along the series (the seasonal component). */
  seasonal: Float64Array;
  residual: Float64Array;
}

export interface PeriodEstimate {
  period: number;
  acf: number;
  /** Local maxima of the autocorrelation, strongest first: [lag, acf]. */
  candidates: [number, number][];
}

/**
 * Decomposes a series into trend + seasonal + residual. The first and last half-windows of the
 * trend hold the nearest full-window value (no NaN at the edges); a period that does not divide the length is fine:
 * the last, partial cycle contributes to the profile positions it covers.
 *
 * @example
 * const taxi = await loadNabCorpusSeries("realKnownCause/nyc_taxi");
 * const d = decompose(taxi.values, { period: "auto" }); // d.period === 336 (a week of half-hours)
 */
export function decompose(values: ArrayLike<number>, options: DecomposeOptions = {}): Decomposition {
  const n = values.length;
  assertFiniteValues(values, "decompose");
  let periodEstimate: PeriodEstimate | null = null;
  let period: number;
  if (options.period === undefined || options.period === "auto") {
    periodEstimate = estimatePeriod(values, { minPeriod: options.minPeriod, maxPeriod: options.maxPeriod });
    period = periodEstimate.period;
  } else {
    period = options.period;
  }
  if (!Number.isInteger(period) || period < 2) throw new Error(`decompose: period must be an integer >= 2, got ${period}`);
  if (n < 2 * period) throw new Error(`decompose: ${n} points are fewer than two periods (${2 * period}); a seasonal profile needs at least two cycles`);
  const window = options.trendWindow ?? (period % 2 === 0 ? period + 1 : period);
  if (!Number.isInteger(window) || window < 1) throw new Error(`decompose: trendWindow must be a positive integer, got ${window}`);
  const useMedian = (options.trend ?? "median") === "median";
  const trend = useMedian ? movingMedian(values, window) : movingAverage(values, window);
  const perPhase: number[][] = Array.from({ length: period }, () => []);
  for (let i = 0; i < n; i++) perPhase[i % period]!.push(values[i]! - trend[i]!);
  const profile = Float64Array.from(perPhase, (v) => (useMedian ? medianOf(v) : v.reduce((s, x) => s + x, 0) / v.length));
  const offset = profile.reduce((s, x) => s + x, 0) / period;
  for (let p = 0; p < period; p++) profile[p]! -= offset;
  const seasonal = new Float64Array(n);
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    seasonal[i] = profile[i % period]!;
    residual[i] = values[i]! - trend[i]! - seasonal[i]!;
  }
  return { period, periodEstimate, trend, profile, seasonal, residual };
}

/**
 * Centred moving median over `window` points (odd; an even window is widened by one); the first
 * and last half-windows repeat the nearest full-window value.
 *
 * @example Array.from(movingMedian([1, 9, 2, 8, 3], 3)); // [2, 2, 8, 3, 3]
 */
export function movingMedian(values: ArrayLike<number>, window: number): Float64Array {
  return movingStatistic(values, window, medianOf);
}

/** Centred moving average over `window` points (odd; an even window is widened by one); ends as {@link movingMedian}. */
export function movingAverage(values: ArrayLike<number>, window: number): Float64Array {
  return movingStatistic(values, window, (v) => v.reduce((s, x) => s + x, 0) / v.length);
}

function movingStatistic(values: ArrayLike<number>, window: number, statistic: (v: number[]) => number): Float64Array {
  const n = values.length;
  const half = Math.min(Math.floor(window / 2), Math.floor((n - 1) / 2));
  const out = new Float64Array(n);
  for (let i = half; i < n - half; i++) {
    const slice: number[] = [];
    for (let j = i - half; j <= i + half; j++) slice.push(values[j]!);
    out[i] = statistic(slice);
  }
  // The first and last half-windows have no centred full window: hold the nearest full-window
  // value (a shrinking window would follow the seasonal swing of the few points it still sees).
  for (let i = 0; i < half; i++) out[i] = out[half]!;
  for (let i = n - half; i < n; i++) out[i] = out[n - half - 1]!;
  return out;
}

/**
 * Estimates the period as the lag of the highest positive local maximum of the autocorrelation
 * (of the mean-centred series) between minPeriod and maxPeriod; the runners-up are reported.
 *
 * @example estimatePeriod(nycTaxi.values).period; // 336 (weekly; 48, daily, is the runner-up)
 */
export function estimatePeriod(values: ArrayLike<number>, options: { minPeriod?: number; maxPeriod?: number } = {}): PeriodEstimate {
  const n = values.length;
  assertFiniteValues(values, "estimatePeriod");
  const minPeriod = options.minPeriod ?? 2;
  const maxPeriod = options.maxPeriod ?? Math.floor(n / 2);
  if (!(Number.isInteger(minPeriod) && Number.isInteger(maxPeriod) && minPeriod >= 2 && maxPeriod >= minPeriod && maxPeriod < n - 1)) {
    throw new Error(`estimatePeriod: need integers 2 <= minPeriod <= maxPeriod < n - 1 (n = ${n}), got ${minPeriod} .. ${maxPeriod}`);
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  const x = Float64Array.from(values as ArrayLike<number>, (v) => v - mean);
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += x[i]! * x[i]!;
  if (c0 === 0) throw new Error("estimatePeriod: the series is constant; there is no period to find");
  const acf = new Float64Array(maxPeriod + 2);
  for (let lag = 1; lag <= maxPeriod + 1; lag++) {
    let s = 0;
    for (let i = lag; i < n; i++) s += x[i]! * x[i - lag]!;
    acf[lag] = s / c0;
  }
  const candidates: [number, number][] = [];
  for (let lag = Math.max(2, minPeriod); lag <= maxPeriod; lag++) {
    if (acf[lag]! > acf[lag - 1]! && acf[lag]! >= acf[lag + 1]! && acf[lag]! > 0) candidates.push([lag, acf[lag]!]);
  }
  if (candidates.length === 0) throw new Error(`estimatePeriod: the autocorrelation has no positive peak between lags ${minPeriod} and ${maxPeriod}; give the period explicitly`);
  candidates.sort((a, b) => b[1] - a[1]);
  return { period: candidates[0]![0], acf: candidates[0]![1], candidates: candidates.slice(0, 5) };
}

function medianOf(v: number[]): number {
  const s = Float64Array.from(v).sort();
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
