// Seasonal-hybrid ESD in the detector contract. S-H-ESD judges a whole window at once (it is not
// causal), so "streaming" means what Twitter's AnomalyDetection calls only_last: keep the last
// `windowSize` points and ask whether the newest one is an anomaly of that window.
import type { ThresholdRule } from "../core/threshold";
import { alarmsOf, TimeSeriesDetector, RingBuffer, scoreThreshold } from "./detector";
import { EsdDirection, requirePeriod, seasonalHybridEsdSteps, SHESD_DEFAULTS } from "./esd";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, type StateReader } from "../persistence/state-codec";
import { SavedStreamDetector } from "./saved-stream";
import { assertFiniteValues } from "./series";
import { printWarning } from "./warnings";
import { registerNestedStreamClass } from "./saved-stream";

export interface SeasonalHybridEsdDetectorOptions {
  period: number;
  maxAnoms?: number;
  alpha?: number;
  direction?: EsdDirection;
  /** Points kept for detectLast / update (default 14 periods, as AnomalyDetection's two-week pieces). */
  windowSize?: number;
  /** Alarm threshold on the 0/1 scores, `{ fixed: t }` (default 0.5: an alarm at every flagged point). */
  threshold?: ThresholdRule;
}

/**
 * Scores 1 for the points S-H-ESD flags and 0 elsewhere. A window whose residual has a MAD of 0
 * (see {@link seasonalHybridEsd}) prints one warning per stream (again after `reset()`).
 *
 * @example
 * const d = new SeasonalHybridEsdDetector({ period: 48, maxAnoms: 0.02 });
 * d.detectEntire(taxi.values); // 1 at the anomalies of the whole series
 * d.update(x);                 // 1 if x is an anomaly of the last 14 days
 */
export class SeasonalHybridEsdDetector extends SavedStreamDetector implements TimeSeriesDetector {
  readonly name = "S-H-ESD";
  readonly windowSize: number;
  readonly threshold: number;
  private readonly options: SeasonalHybridEsdDetectorOptions;
  private readonly buffer: RingBuffer;
  private warned = false;

  constructor(options: SeasonalHybridEsdDetectorOptions) {
    super();
    const who = "SeasonalHybridEsdDetector";
    const period = requirePeriod(options, who);
    if (!Number.isInteger(period) || period < 2) throw new Error(`${who}: period must be an integer >= 2, got ${period}`);
    this.options = options;
    this.windowSize = options.windowSize ?? 14 * options.period;
    if (!Number.isInteger(this.windowSize) || this.windowSize < 2 * options.period) {
      throw new Error(`${who}: windowSize must be an integer of at least two periods (${2 * options.period}), got ${this.windowSize}`);
    }
    this.buffer = new RingBuffer(this.windowSize);
    this.threshold = scoreThreshold(options.threshold, who, 0.5);
  }

  getParams(): DetectorParams {
    const { maxAnoms, alpha, direction } = SHESD_DEFAULTS;
    const options = this.options;
    return {
      period: options.period,
      maxAnoms: options.maxAnoms ?? maxAnoms,
      alpha: options.alpha ?? alpha,
      direction: options.direction ?? direction,
      windowSize: this.windowSize,
      threshold: { fixed: this.threshold },
    };
  }

  /** The last `windowSize` points, oldest first, and whether this stream has printed its warning. */
  protected streamState(): Record<string, unknown> {
    return { window: encodeArray(Float64Array.from(this.buffer.toArray())), warned: this.warned };
  }

  protected restoreStream(state: StateReader): void {
    const window = state.float64("window");
    state.expect(window.length <= this.windowSize, "window.length", `at most ${this.windowSize} (windowSize)`, window.length);
    this.buffer.clear();
    for (const value of window) this.buffer.push(value);
    this.warned = state.boolean("warned");
  }

  detectEntire(values: ArrayLike<number>): Float64Array {
    assertFiniteValues(values, "S-H-ESD detectEntire");
    const out = new Float64Array(values.length);
    const { period, maxAnoms, alpha, direction } = this.options;
    const result = seasonalHybridEsdSteps(values, { period, maxAnoms, alpha, direction }, "S-H-ESD");
    for (const i of result.anomalies) out[i] = 1;
    if (result.warnings.length > 0 && !this.warned) {
      this.warned = true;
      printWarning(`${result.warnings[0]} (Printed once until reset().)`);
    }
    return out;
  }

  detectLast(values: ArrayLike<number>): number {
    const start = Math.max(0, values.length - this.windowSize);
    const scores = this.detectEntire(Array.prototype.slice.call(values, start) as number[]);
    return scores[scores.length - 1]!;
  }

  /** Returns 0 until two periods have arrived (S-H-ESD needs them), then the last-point verdict. */
  update(value: number): number {
    if (!Number.isFinite(value)) throw new Error(`S-H-ESD: update got ${value}; fill or drop missing values first`);
    this.buffer.push(value);
    if (this.buffer.length < 2 * this.options.period) return 0;
    return this.detectLast(this.buffer.toArray());
  }

  reset(): void {
    this.buffer.clear();
    this.warned = false;
  }

  /** 0/1 per point: score > threshold (the points S-H-ESD flags, at the default 0.5). */
  alarms(values: ArrayLike<number>, timestamps?: ArrayLike<number | Date>, threshold = this.threshold): Uint8Array {
    return alarmsOf(this, values, timestamps, threshold);
  }
}

registerNestedStreamClass(SeasonalHybridEsdDetector);
