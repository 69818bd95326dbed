// STL: Seasonal-Trend decomposition by Loess (Cleveland, Cleveland, McRae & Terpenning 1990),
// the algorithm of R's stats::stl and statsmodels' STL (both wrap the authors' Fortran). Written
// from the paper's description; checked against statsmodels in test/timeseries-esd.test.ts.

/** STL settings. Windows are in observations and made odd; degrees are 0 (local mean) or 1 (local line). */
export interface StlOptions {
  /** Seasonal smoother window, or "periodic" (R's s.window = "periodic": the seasonal is the same every period). */
  seasonal?: number | "periodic";
  seasonalDegree?: 0 | 1;
  /** Trend window; default the smallest odd integer >= 1.5·period / (1 − 1.5/seasonal). */
  trend?: number;
  trendDegree?: 0 | 1;
  /** Low-pass window; default the smallest odd integer >= period. */
  lowPass?: number;
  lowPassDegree?: 0 | 1;
  /** Evaluate the smoothers every `jump` points and interpolate (R: ceiling(window/10)). */
  seasonalJump?: number;
  trendJump?: number;
  lowPassJump?: number;
  /** Robust fitting (bisquare weights on the remainder, so spikes do not bend the components). */
  robust?: boolean;
  /** Inner loop passes (R: 1 if robust else 2). */
  inner?: number;
  /** Robustness passes (R: 15 if robust else 0). */
  outer?: number;
}

/** The components: value = seasonal + trend + remainder. */
export interface StlResult {
  seasonal: Float64Array;
  trend: Float64Array;
  remainder: Float64Array;
  /** Final robustness weights (1 when not robust). */
  weights: Float64Array;
  /** The settings used, after defaults and odd rounding. */
  settings: Required<Omit<StlOptions, "seasonal">> & { seasonal: number; periodic: boolean; period: number };
}

const nextOdd = (x: number): number => {
  const r = Math.round(x);
  return r % 2 === 0 ? r + 1 : r;
};

/**
 * Decomposes a series with a known period, with R's stl() defaults (robust as asked).
 *
 * @example
 * const { seasonal, trend, remainder } = stl(values, 48, { seasonal: "periodic", robust: true });
 */
export function stl(values: ArrayLike<number>, period: number, options: StlOptions = {}): StlResult {
  const n = values.length;
  if (!Number.isInteger(period) || period < 2) throw new Error(`stl: period must be an integer >= 2, got ${period}`);
  if (n < 2 * period) throw new Error(`stl: a series of ${n} points is shorter than two periods (${2 * period}); STL needs at least two full periods`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(values[i]!)) throw new Error(`stl: value ${i} is ${values[i]}; fill or drop missing values first`);
  const periodic = options.seasonal === "periodic" || options.seasonal === undefined;
  const robust = options.robust ?? false;
  const seasonalWindow = periodic ? 10 * n + 1 : nextOdd(options.seasonal as number);
  const seasonalDegree = periodic ? 0 : (options.seasonalDegree ?? 0);
  const trendWindow = nextOdd(options.trend ?? Math.ceil((1.5 * period) / (1 - 1.5 / seasonalWindow)));
  const lowPass = nextOdd(options.lowPass ?? period);
  const settings = {
    period,
    periodic,
    seasonal: seasonalWindow,
    seasonalDegree,
    trend: trendWindow,
    trendDegree: options.trendDegree ?? 1,
    lowPass,
    lowPassDegree: options.lowPassDegree ?? options.trendDegree ?? 1,
    seasonalJump: options.seasonalJump ?? Math.ceil(seasonalWindow / 10),
    trendJump: options.trendJump ?? Math.ceil(trendWindow / 10),
    lowPassJump: options.lowPassJump ?? Math.ceil(lowPass / 10),
    robust,
    inner: options.inner ?? (robust ? 1 : 2),
    outer: options.outer ?? (robust ? 15 : 0),
  };
  for (const [name, w] of [["seasonal", seasonalWindow], ["trend", trendWindow], ["lowPass", lowPass]] as const) {
    if (!(w >= 3)) throw new Error(`stl: the ${name} window must be at least 3, got ${w}`);
  }
  const y = Float64Array.from(values);
  const seasonal = new Float64Array(n);
  const trend = new Float64Array(n);
  const weights = new Float64Array(n).fill(1);
  let useWeights = false;
  for (let pass = 0; ; pass++) {
    innerLoop(y, period, settings, useWeights, weights, seasonal, trend);
    if (pass >= settings.outer) break;
    const fit = new Float64Array(n);
    for (let i = 0; i < n; i++) fit[i] = trend[i]! + seasonal[i]!;
    robustnessWeights(y, fit, weights);
    useWeights = true;
  }
  if (settings.outer <= 0) weights.fill(1);
  if (periodic) {
    // R's stl: with s.window = "periodic" the seasonal is replaced by its mean at each position of the cycle.
    const sums = new Float64Array(period);
    const counts = new Float64Array(period);
    for (let i = 0; i < n; i++) {
      sums[i % period]! += seasonal[i]!;
      counts[i % period]!++;
    }
    for (let i = 0; i < n; i++) seasonal[i] = sums[i % period]! / counts[i % period]!;
  }
  const remainder = new Float64Array(n);
  for (let i = 0; i < n; i++) remainder[i] = y[i]! - seasonal[i]! - trend[i]!;
  return { seasonal, trend, remainder, weights, settings };
}

type Settings = StlResult["settings"];

function innerLoop(y: Float64Array, np: number, s: Settings, useWeights: boolean, rw: Float64Array, season: Float64Array, trend: Float64Array): void {
  const n = y.length;
  const detrended = new Float64Array(n);
  const cycle = new Float64Array(n + 2 * np);
  const deseasoned = new Float64Array(n);
  for (let pass = 0; pass < s.inner; pass++) {
    for (let i = 0; i < n; i++) detrended[i] = y[i]! - trend[i]!;
    smoothCycleSubseries(detrended, np, s.seasonal, s.seasonalDegree, s.seasonalJump, useWeights, rw, cycle);
    // Low-pass filter of the extended cycle-subseries: moving averages (np, np, 3), then loess.
    const lowPassed = loess(movingAverage(movingAverage(movingAverage(cycle, np), np), 3), s.lowPass, s.lowPassDegree, s.lowPassJump, false, rw);
    for (let i = 0; i < n; i++) season[i] = cycle[np + i]! - lowPassed[i]!;
    for (let i = 0; i < n; i++) deseasoned[i] = y[i]! - season[i]!;
    trend.set(loess(deseasoned, s.trend, s.trendDegree, s.trendJump, useWeights, rw));
  }
}

/** Smooths each cycle-subseries and extends it by one period at both ends (output length n + 2·np). */
function smoothCycleSubseries(y: Float64Array, np: number, window: number, degree: 0 | 1, jump: number, useWeights: boolean, rw: Float64Array, out: Float64Array): void {
  const n = y.length;
  for (let j = 0; j < np; j++) {
    const k = Math.floor((n - j - 1) / np) + 1;
    const sub = new Float64Array(k);
    const subWeights = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      sub[i] = y[i * np + j]!;
      subWeights[i] = rw[i * np + j]!;
    }
    const smoothed = loess(sub, window, degree, jump, useWeights, subWeights);
    const work = new Float64Array(k);
    // One point before the first and one after the last, extrapolated by the same local fit.
    const before = localFit(sub, window, degree, 0, 1, Math.min(window, k), useWeights, subWeights, work);
    const after = localFit(sub, window, degree, k + 1, Math.max(1, k - window + 1), k, useWeights, subWeights, work);
    out[j] = before ?? smoothed[0]!;
    for (let i = 0; i < k; i++) out[(i + 1) * np + j] = smoothed[i]!;
    out[(k + 1) * np + j] = after ?? smoothed[k - 1]!;
  }
}

function movingAverage(x: Float64Array, length: number): Float64Array {
  const m = x.length - length + 1;
  const out = new Float64Array(m);
  let v = 0;
  for (let i = 0; i < length; i++) v += x[i]!;
  out[0] = v / length;
  for (let j = 1; j < m; j++) {
    v = v - x[j - 1]! + x[length + j - 1]!;
    out[j] = v / length;
  }
  return out;
}

/**
 * Loess smoothing with a tricube kernel over `window` neighbours, evaluated every `jump` points
 * (1-based positions, as in the paper) and linearly interpolated in between.
 */
function loess(y: Float64Array, window: number, degree: 0 | 1, jump: number, useWeights: boolean, rw: Float64Array): Float64Array {
  const n = y.length;
  const ys = new Float64Array(n);
  if (n < 2) {
    ys[0] = y[0]!;
    return ys;
  }
  const work = new Float64Array(n);
  const step = Math.min(jump, n - 1);
  const fitAt = (i: number, left: number, right: number): void => {
    ys[i - 1] = localFit(y, window, degree, i, left, right, useWeights, rw, work) ?? y[i - 1]!;
  };
  let left = 1;
  let right = n;
  if (window >= n) {
    for (let i = 1; i <= n; i += step) fitAt(i, 1, n);
  } else if (step === 1) {
    const half = Math.floor((window + 1) / 2);
    right = window;
    for (let i = 1; i <= n; i++) {
      if (i > half && right !== n) {
        left++;
        right++;
      }
      fitAt(i, left, right);
    }
  } else {
    const half = Math.floor((window + 1) / 2);
    for (let i = 1; i <= n; i += step) {
      if (i < half) {
        left = 1;
        right = window;
      } else if (i >= n - half + 1) {
        left = n - window + 1;
        right = n;
      } else {
        left = i - half + 1;
        right = window + i - half;
      }
      fitAt(i, left, right);
    }
  }
  if (step !== 1) {
    for (let i = 1; i <= n - step; i += step) {
      const delta = (ys[i + step - 1]! - ys[i - 1]!) / step;
      for (let j = i + 1; j <= i + step - 1; j++) ys[j - 1] = ys[i - 1]! + delta * (j - i);
    }
    const k = Math.floor((n - 1) / step) * step + 1;
    if (k !== n) {
      fitAt(n, left, right);
      if (k !== n - 1) {
        const delta = (ys[n - 1]! - ys[k - 1]!) / (n - k);
        for (let j = k + 1; j <= n - 1; j++) ys[j - 1] = ys[k - 1]! + delta * (j - k);
      }
    }
  }
  return ys;
}

/** The local (weighted) fit at position xs (1-based) from points left..right; null when all weights vanish. */
function localFit(y: Float64Array, window: number, degree: 0 | 1, xs: number, left: number, right: number, useWeights: boolean, rw: Float64Array, w: Float64Array): number | null {
  const n = y.length;
  const range = n - 1;
  let h = Math.max(xs - left, right - xs);
  if (window > n) h += Math.floor((window - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let a = 0;
  for (let j = left; j <= right; j++) {
    w[j - 1] = 0;
    const r = Math.abs(j - xs);
    if (r <= h9) {
      if (r <= h1) {
        w[j - 1] = 1;
      } else {
        const q = r / h;
        const u = 1 - q * q * q;
        w[j - 1] = u * u * u;
      }
      if (useWeights) w[j - 1] = rw[j - 1]! * w[j - 1]!;
      a += w[j - 1]!;
    }
  }
  if (a <= 0) return null;
  for (let j = left; j <= right; j++) w[j - 1] = w[j - 1]! / a;
  if (h > 0 && degree > 0) {
    let mean = 0;
    for (let j = left; j <= right; j++) mean += w[j - 1]! * j;
    let b = xs - mean;
    let c = 0;
    for (let j = left; j <= right; j++) c += w[j - 1]! * (j - mean) ** 2;
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let j = left; j <= right; j++) w[j - 1] = w[j - 1]! * (b * (j - mean) + 1);
    }
  }
  let fit = 0;
  for (let j = left; j <= right; j++) fit += w[j - 1]! * y[j - 1]!;
  return fit;
}

/** Bisquare robustness weights from the remainder, scaled by six times its median absolute value. */
function robustnessWeights(y: Float64Array, fit: Float64Array, rw: Float64Array): void {
  const n = y.length;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = Math.abs(y[i]! - fit[i]!);
  const sorted = Float64Array.from(r).sort();
  const m1 = Math.floor(n / 2) + 1;
  const m2 = n - m1 + 1;
  const cmad = 3 * (sorted[m1 - 1]! + sorted[m2 - 1]!);
  const c9 = 0.999 * cmad;
  const c1 = 0.001 * cmad;
  for (let i = 0; i < n; i++) {
    const v = r[i]!;
    rw[i] = v <= c1 ? 1 : v <= c9 ? (1 - (v / cmad) ** 2) ** 2 : 0;
  }
}
