// The baselines users compare against: NAB's windowed Gaussian, rolling z-score and MAD rules, and
// a forecaster's residual scored by a Gaussian per context (hour of the week).
import { erf } from "../core/erf";
import { checkFiniteNumber, checkInteger } from "../core/validation";
import type { ThresholdRule } from "../core/threshold";
import { CausalDetector, RingBuffer, scoreThreshold, zScore01 } from "./detector";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, encodeNumber, type StateReader } from "../persistence/state-codec";
import { hourOfWeek } from "./series";
import { registerNestedStreamClass, type SeriesState } from "./saved-stream";

/**
 * NAB's windowed Gaussian (nab/detectors/gaussian): the score of a point is 1 − Q-tail of its
 * distance from the mean of a window of earlier points (numpy's population std). The window fills
 * to `windowSize` points, then moves forward `stepSize` points at a time. Defaults are NAB's (6400, 100);
 * alarms above `threshold: { fixed: 0.99 }` by default.
 */
export class WindowedGaussianDetector extends CausalDetector {
  readonly name = "windowed Gaussian";
  readonly windowSize: number;
  readonly threshold: number;
  private readonly stepSize: number;

  /** `threshold: t` (a number) is the deprecated spelling of `threshold: { fixed: t }`; it warns once. */
  constructor(options: { windowSize?: number; stepSize?: number; threshold?: ThresholdRule | number } = {}) {
    super();
    this.windowSize = checkInteger(options.windowSize ?? 6400, "WindowedGaussianDetector: windowSize");
    this.stepSize = options.stepSize ?? 100;
    this.threshold = scoreThreshold(options.threshold, "WindowedGaussianDetector", 0.99);
    if (!Number.isInteger(this.stepSize) || this.stepSize < 1 || this.stepSize > this.windowSize) {
      throw new Error(`WindowedGaussianDetector: stepSize must be an integer in 1 .. windowSize, got ${this.stepSize}`);
    }
  }

  getParams(): DetectorParams {
    return { windowSize: this.windowSize, stepSize: this.stepSize, threshold: { fixed: this.threshold } };
  }

  /** @internal */
  newState(): WindowedGaussianState {
    return new WindowedGaussianState(this.windowSize, this.stepSize);
  }

  /** @internal */
  readState(state: StateReader): WindowedGaussianState {
    return WindowedGaussianState.read(state, this.windowSize, this.stepSize);
  }
}

/** A windowed Gaussian stream's memory: the window, the points waiting for the next step, the Gaussian fitted so far. */
class WindowedGaussianState implements SeriesState {
  private window: number[] = [];
  private pending: number[] = [];
  private mean = 0;
  private std = 1;
  private fillMean = 0;
  private fillM2 = 0;

  constructor(
    private readonly windowSize: number,
    private readonly stepSize: number,
  ) {}

  save(): Record<string, unknown> {
    const [mean, std, fillMean, fillM2] = [this.mean, this.std, this.fillMean, this.fillM2].map(encodeNumber);
    const window = encodeArray(Float64Array.from(this.window));
    return { window, pending: encodeArray(Float64Array.from(this.pending)), mean, std, fillMean, fillM2 };
  }

  static read(state: StateReader, windowSize: number, stepSize: number): WindowedGaussianState {
    const out = new WindowedGaussianState(windowSize, stepSize);
    const window = Array.from(state.float64("window"));
    const pending = Array.from(state.float64("pending"));
    state.expect(window.length <= windowSize, "window.length", `at most ${windowSize} (windowSize)`, window.length);
    const pendingOk = pending.length < stepSize && (pending.length === 0 || window.length === windowSize);
    state.expect(pendingOk, "pending.length", `below ${stepSize} (stepSize), and 0 while the window fills`, pending.length);
    out.window = window;
    out.pending = pending;
    out.mean = state.number("mean");
    out.std = state.number("std", { above: 0 });
    out.fillMean = state.number("fillMean");
    out.fillM2 = state.number("fillM2", { min: 0 });
    return out;
  }

  step(value: number): number {
    let score = 0;
    if (this.window.length > 0) {
      const z = Math.abs(value - this.mean) / this.std;
      score = 1 - 0.5 * (1 - erf(z / Math.SQRT2));
    }
    if (this.window.length < this.windowSize) {
      // Filling: NAB refits on every point; Welford's update gives the same mean and population
      // std (to ~1e-15 relative) in O(1) instead of O(window).
      this.window.push(value);
      const n = this.window.length;
      const delta = value - this.fillMean;
      this.fillMean += delta / n;
      this.fillM2 += delta * (value - this.fillMean);
      this.mean = this.fillMean;
      this.setStd(Math.sqrt(this.fillM2 / n));
    } else {
      this.pending.push(value);
      if (this.pending.length === this.stepSize) {
        this.window = this.window.slice(this.stepSize).concat(this.pending);
        this.pending = [];
        this.refit();
      }
    }
    return score;
  }

  private setStd(std: number): void {
    this.std = std === 0 ? 0.000001 : std; // NAB's guard for flat windows
  }

  private refit(): void {
    const n = this.window.length;
    this.mean = pairwiseSum(this.window, 0, n) / n;
    const squares = this.window.map((v) => (v - this.mean) ** 2);
    this.setStd(Math.sqrt(pairwiseSum(squares, 0, n) / n));
  }
}

/**
 * Rolling z-score (`robust: false`) or MAD rule (`robust: true`, 1.4826·MAD as the scale, falling
 * back to 1.2533·mean absolute deviation when more than half the window is one value): the score
 * of a point is zScore01(z) = |z| / (|z| + 3) of its z against the previous `windowSize` points,
 * so the default threshold `{ fixed: 0.5 }` is the classic |z| > 3 rule. The first `minPoints` points score 0
 * (not enough history). A zero scale scores 0 for the same value and 1 for any other.
 */
export class RollingZScoreDetector extends CausalDetector {
  readonly name: string;
  readonly windowSize: number;
  readonly threshold: number;
  private readonly robust: boolean;
  private readonly minPoints: number;
  private readonly zScale: number;

  constructor(
    options: {
      windowSize?: number;
      robust?: boolean;
      minPoints?: number;
      zThreshold?: number;
      /** Alarm threshold on the score, `{ fixed: t }` (default 0.5: |z| > zThreshold). */
      threshold?: ThresholdRule;
    } = {},
  ) {
    super();
    this.windowSize = options.windowSize ?? 288;
    this.robust = options.robust ?? false;
    this.minPoints = options.minPoints ?? Math.min(30, this.windowSize);
    this.zScale = checkFiniteNumber(options.zThreshold ?? 3, "RollingZScoreDetector: zThreshold", 0);
    this.threshold = scoreThreshold(options.threshold, "RollingZScoreDetector", 0.5);
    this.name = this.robust ? "rolling MAD" : "rolling z-score";
    if (!Number.isInteger(this.windowSize) || this.windowSize < 2) throw new Error(`RollingZScoreDetector: windowSize must be an integer >= 2, got ${this.windowSize}`);
    // The window never holds more than windowSize points; a standard deviation needs two, a MAD one.
    checkMinPoints(this.minPoints, this.robust ? 1 : 2, this.windowSize, "RollingZScoreDetector", "windowSize");
  }

  getParams(): DetectorParams {
    return { windowSize: this.windowSize, robust: this.robust, minPoints: this.minPoints, zThreshold: this.zScale, threshold: { fixed: this.threshold } };
  }

  /** @internal */
  newState(): RollingZScoreState {
    return new RollingZScoreState(this.windowSize, this.robust, this.minPoints, this.zScale);
  }

  /** @internal */
  readState(state: StateReader): RollingZScoreState {
    return RollingZScoreState.read(state, this.newState());
  }
}

/** A rolling z-score stream's memory: the window, oldest first, and (robust mode) the same values in ascending order. */
class RollingZScoreState implements SeriesState {
  private readonly buffer: RingBuffer;
  private readonly scratch: Float64Array;
  /** The window in ascending order (robust mode). */
  private readonly sorted: Float64Array;

  constructor(
    private readonly windowSize: number,
    private readonly robust: boolean,
    private readonly minPoints: number,
    private readonly zScale: number,
  ) {
    this.buffer = new RingBuffer(this.windowSize);
    this.scratch = new Float64Array(this.windowSize);
    this.sorted = new Float64Array(this.windowSize);
  }

  save(): Record<string, unknown> {
    const n = this.buffer.length;
    const window = encodeArray(Float64Array.from(this.buffer.toArray()));
    return this.robust ? { window, sorted: encodeArray(this.sorted.slice(0, n)) } : { window };
  }

  /** `empty`'s memory set to the saved one. */
  static read(state: StateReader, empty: RollingZScoreState): RollingZScoreState {
    const window = state.float64("window");
    state.expect(window.length <= empty.windowSize, "window.length", `at most ${empty.windowSize} (windowSize)`, window.length);
    for (const value of window) empty.buffer.push(value);
    if (!empty.robust) return empty;
    const sorted = state.float64("sorted", { length: window.length });
    for (let i = 1; i < sorted.length; i++) {
      state.expect(sorted[i] >= sorted[i - 1], `sorted[${i}]`, `>= sorted[${i - 1}] (${sorted[i - 1]})`, sorted[i]);
    }
    empty.sorted.set(sorted);
    return empty;
  }

  step(value: number): number {
    let score = 0;
    const n = this.buffer.length;
    if (n >= this.minPoints) {
      let center: number;
      let scale: number;
      if (this.robust) {
        const w = this.sorted.subarray(0, n);
        center = sortedMedian(w);
        scale = 1.4826 * medianAbsoluteDeviation(w, center);
        if (scale === 0) {
          let meanAbs = 0;
          for (let i = 0; i < n; i++) meanAbs += Math.abs(w[i]! - center);
          scale = (1.253314 * meanAbs) / n;
        }
      } else {
        const w = this.buffer.view(this.scratch);
        let sum = 0;
        for (let i = 0; i < n; i++) sum += w[i]!;
        center = sum / n;
        let ss = 0;
        for (let i = 0; i < n; i++) ss += (w[i]! - center) ** 2;
        scale = Math.sqrt(ss / (n - 1));
      }
      score = scale > 0 ? zScore01((value - center) / scale, this.zScale) : value === center ? 0 : 1;
    }
    const dropped = this.buffer.push(value);
    if (this.robust) {
      // Keep the window sorted: remove the value that left, insert the new one (O(window) moves, no sort).
      let m = this.buffer.length - (dropped === undefined ? 1 : 0);
      if (dropped !== undefined) {
        const at = lowerBound(this.sorted, m, dropped);
        this.sorted.copyWithin(at, at + 1, m);
        m--;
      }
      const at = lowerBound(this.sorted, m, value);
      this.sorted.copyWithin(at + 1, at, m);
      this.sorted[at] = value;
    }
    return score;
  }
}

/**
 * Contextual anomalies: a forecaster (exponential smoothing of the level) predicts each point; its
 * residual is scored by a Gaussian fitted to the last `perContext` residuals seen in the same hour
 * of the week (zScore01 of its z, threshold 0.5 = |z| > 3). The same value can be normal at 18:00 on a Friday and anomalous at 04:00 on a
 * Monday. Needs timestamps (epoch ms). Memory: 168 contexts × `perContext` residuals + the level.
 */
export class ContextualGaussianDetector extends CausalDetector {
  readonly name = "contextual Gaussian (hour of week)";
  readonly windowSize: number;
  readonly threshold: number;
  override readonly needsTimestamps = true;
  private readonly alpha: number;
  private readonly perContext: number;
  private readonly minPoints: number;
  private readonly zScale: number;

  constructor(
    options: {
      alpha?: number;
      perContext?: number;
      minPoints?: number;
      zThreshold?: number;
      /** Alarm threshold on the score, `{ fixed: t }` (default 0.5: |z| > zThreshold). */
      threshold?: ThresholdRule;
    } = {},
  ) {
    super();
    this.alpha = options.alpha ?? 0.5;
    this.perContext = checkInteger(options.perContext ?? 50, "ContextualGaussianDetector: perContext", 2);
    this.minPoints = checkMinPoints(options.minPoints ?? 5, 2, this.perContext, "ContextualGaussianDetector", "perContext");
    this.zScale = checkFiniteNumber(options.zThreshold ?? 3, "ContextualGaussianDetector: zThreshold", 0);
    this.threshold = scoreThreshold(options.threshold, "ContextualGaussianDetector", 0.5);
    if (!(this.alpha > 0 && this.alpha <= 1)) throw new Error(`ContextualGaussianDetector: alpha must be in (0, 1], got ${this.alpha}`);
    this.windowSize = 168 * this.perContext;
  }

  getParams(): DetectorParams {
    return { alpha: this.alpha, perContext: this.perContext, minPoints: this.minPoints, zThreshold: this.zScale, threshold: { fixed: this.threshold } };
  }

  /** @internal */
  newState(): ContextualGaussianState {
    return new ContextualGaussianState(this.alpha, this.perContext, this.minPoints, this.zScale);
  }

  /** @internal */
  readState(state: StateReader): ContextualGaussianState {
    return ContextualGaussianState.read(state, this.newState());
  }
}

/** A contextual Gaussian stream's memory: the smoothed level (null before the first point), each hour of the week's residuals. */
class ContextualGaussianState implements SeriesState {
  private readonly contexts: RingBuffer[];
  private level: number | null = null;

  constructor(
    private readonly alpha: number,
    private readonly perContext: number,
    private readonly minPoints: number,
    private readonly zScale: number,
  ) {
    this.contexts = Array.from({ length: 168 }, () => new RingBuffer(this.perContext));
  }

  /** The level and each hour of the week's residuals, oldest first. */
  save(): Record<string, unknown> {
    const counts = Int32Array.from(this.contexts, (context) => context.length);
    const residuals = Float64Array.from(this.contexts.flatMap((context) => context.toArray()));
    const level = this.level === null ? null : encodeNumber(this.level);
    return { level, counts: encodeArray(counts), residuals: encodeArray(residuals) };
  }

  /** `empty`'s memory set to the saved one. */
  static read(state: StateReader, empty: ContextualGaussianState): ContextualGaussianState {
    empty.level = state.raw("level") === null ? null : state.number("level");
    const counts = state.int32("counts", { length: empty.contexts.length, min: 0, max: empty.perContext });
    const residuals = state.float64("residuals", { length: counts.reduce((sum, count) => sum + count, 0) });
    let next = 0;
    empty.contexts.forEach((context, c) => {
      for (let i = 0; i < counts[c]; i++) context.push(residuals[next++]);
    });
    return empty;
  }

  step(value: number, timestamp: number): number {
    if (this.level === null) {
      this.level = value;
      return 0;
    }
    const residual = value - this.level;
    this.level += this.alpha * residual;
    const context = this.contexts[hourOfWeek(timestamp)]!;
    let score = 0;
    if (context.length >= this.minPoints) {
      const r = context.toArray();
      const mean = r.reduce((s, v) => s + v, 0) / r.length;
      const std = Math.sqrt(r.reduce((s, v) => s + (v - mean) ** 2, 0) / (r.length - 1));
      score = std > 0 ? zScore01((residual - mean) / std, this.zScale) : residual === mean ? 0 : 1;
    }
    context.push(residual);
    return score;
  }
}

/** The history a score needs: at least `lowest` points, at most what the detector keeps (else it never scores). */
function checkMinPoints(minPoints: number, lowest: number, kept: number, who: string, keptName: string): number {
  if (typeof minPoints !== "number" || !Number.isInteger(minPoints) || minPoints < lowest || minPoints > kept) {
    throw new RangeError(`${who}: minPoints must be an integer in ${lowest} .. ${keptName} (${kept}), got ${minPoints}`);
  }
  return minPoints;
}

/** numpy's pairwise summation (blocks of 8 unrolled below 128 values), so means match numpy's to the last bit more often. */
function pairwiseSum(a: readonly number[], start: number, n: number): number {
  if (n < 8) {
    let s = 0;
    for (let i = start; i < start + n; i++) s += a[i]!;
    return s;
  }
  if (n <= 128) {
    const r = [a[start]!, a[start + 1]!, a[start + 2]!, a[start + 3]!, a[start + 4]!, a[start + 5]!, a[start + 6]!, a[start + 7]!];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k]! += a[start + i + k]!;
    let s = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) s += a[start + i]!;
    return s;
  }
  let half = n >> 1;
  half -= half % 8;
  return pairwiseSum(a, start, half) + pairwiseSum(a, start + half, n - half);
}

/** First index in sorted[0..n) whose value is >= x. */
function lowerBound(sorted: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Median of |s[i] − center| for an ascending array: the deviations left of the center and right
 * of it are each sorted, so merging them up to the middle finds the median in O(n/2).
 */
function medianAbsoluteDeviation(s: Float64Array, center: number): number {
  const n = s.length;
  let right = lowerBound(s, n, center);
  let left = right - 1;
  const lo = (n - 1) >> 1;
  const hi = n >> 1;
  let a = 0;
  let b = 0;
  for (let k = 0; k <= hi; k++) {
    let d: number;
    if (left >= 0 && (right >= n || center - s[left]! <= s[right]! - center)) d = center - s[left--]!;
    else d = s[right++]! - center;
    if (k === lo) a = d;
    if (k === hi) b = d;
  }
  return (a + b) / 2;
}

function sortedMedian(s: Float64Array): number {
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

registerNestedStreamClass(WindowedGaussianDetector);
registerNestedStreamClass(RollingZScoreDetector);
registerNestedStreamClass(ContextualGaussianDetector);
