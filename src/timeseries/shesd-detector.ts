// Seasonal-hybrid ESD in the detector contract. S-H-ESD judges a whole window at once (it is not
// causal), so a stream does what Twitter's AnomalyDetection calls only_last: it keeps the last
// `windowSize` points and asks whether the newest one is an anomaly of that window.
import type { ThresholdRule } from "../core/threshold";
import { alarmsOf, TimeSeriesDetector, RingBuffer, scoreThreshold } from "./detector";
import { EsdDirection, requirePeriod, seasonalHybridEsdSteps, SHESD_DEFAULTS } from "./esd";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, type StateReader } from "../persistence/state-codec";
import { registerNestedStreamClass, SavedStreamDetector, type SeriesState } from "./saved-stream";
import { assertFiniteValues } from "./series";
import { printWarning } from "./warnings";

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
 * (see {@link seasonalHybridEsd}) prints one warning per stream (and once for the batch calls of a detector).
 *
 * S-H-ESD is not causal: `detectEntire` judges the whole series at once. A stream keeps the last `windowSize`
 * points and scores each arriving point as `detectLast` of the series up to it does (0 until two periods
 * have arrived: S-H-ESD needs them).
 *
 * @example
 * const d = new SeasonalHybridEsdDetector({ period: 48, maxAnoms: 0.02 });
 * d.detectEntire(taxi.values); // 1 at the anomalies of the whole series
 * const stream = d.open();
 * stream.update(t, x);         // 1 if x is an anomaly of the last 14 days
 */
export class SeasonalHybridEsdDetector extends SavedStreamDetector implements TimeSeriesDetector {
  readonly name = "S-H-ESD";
  readonly windowSize: number;
  readonly threshold: number;
  private readonly options: SeasonalHybridEsdDetectorOptions;
  /** Whether a batch call of this detector printed the zero-MAD warning (once per detector). */
  private batchWarned = false;

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

  /** @internal */
  newState(): SeasonalHybridEsdState {
    return new SeasonalHybridEsdState(this);
  }

  /** @internal */
  readState(state: StateReader): SeasonalHybridEsdState {
    return SeasonalHybridEsdState.read(state, this);
  }

  detectEntire(values: ArrayLike<number>): Float64Array {
    const { scores, warning } = this.flags(values);
    if (warning !== undefined && !this.batchWarned) {
      this.batchWarned = true;
      printWarning(`${warning} (Printed once for this detector's batch calls.)`);
    }
    return scores;
  }

  /** Whether the last point is an anomaly of the last `windowSize` points (Twitter's only_last). */
  detectLast(values: ArrayLike<number>): number {
    const start = Math.max(0, values.length - this.windowSize);
    const scores = this.detectEntire(Array.prototype.slice.call(values, start) as number[]);
    return scores[scores.length - 1]!;
  }

  /** 0/1 per point: score > threshold (the points S-H-ESD flags, at the default 0.5). */
  alarms(values: ArrayLike<number>, timestamps?: ArrayLike<number | Date>, threshold = this.threshold): Uint8Array {
    return alarmsOf(this, values, timestamps, threshold);
  }

  protected override forgetBatchWarnings(): void {
    this.batchWarned = false;
  }

  /**
   * 1 at the points S-H-ESD flags in `values`, and its first warning (a zero MAD), if any.
   * @internal
   */
  flags(values: ArrayLike<number>): { scores: Float64Array; warning: string | undefined } {
    assertFiniteValues(values, "S-H-ESD detectEntire");
    const out = new Float64Array(values.length);
    const { period, maxAnoms, alpha, direction } = this.options;
    const result = seasonalHybridEsdSteps(values, { period, maxAnoms, alpha, direction }, "S-H-ESD");
    for (const i of result.anomalies) out[i] = 1;
    return { scores: out, warning: result.warnings[0] };
  }
}

/** An S-H-ESD stream's memory: the last `windowSize` points, and whether it has printed its warning. */
class SeasonalHybridEsdState implements SeriesState {
  private readonly buffer: RingBuffer;
  /** Two periods: the fewest points S-H-ESD judges. */
  private readonly fewest: number;
  private warned = false;

  constructor(private readonly detector: SeasonalHybridEsdDetector) {
    this.buffer = new RingBuffer(detector.windowSize);
    this.fewest = 2 * (detector.getParams().period as number);
  }

  save(): Record<string, unknown> {
    return { window: encodeArray(Float64Array.from(this.buffer.toArray())), warned: this.warned };
  }

  static read(state: StateReader, detector: SeasonalHybridEsdDetector): SeasonalHybridEsdState {
    const out = new SeasonalHybridEsdState(detector);
    const window = state.float64("window");
    state.expect(window.length <= detector.windowSize, "window.length", `at most ${detector.windowSize} (windowSize)`, window.length);
    for (const value of window) out.buffer.push(value);
    out.warned = state.boolean("warned");
    return out;
  }

  /** 0 until two periods have arrived (S-H-ESD needs them), then whether the point is an anomaly of the window. */
  step(value: number): number {
    this.buffer.push(value);
    if (this.buffer.length < this.fewest) return 0;
    const { scores, warning } = this.detector.flags(this.buffer.toArray());
    if (warning !== undefined && !this.warned) {
      this.warned = true;
      printWarning(`${warning} (Printed once per stream.)`);
    }
    return scores[scores.length - 1]!;
  }
}

registerNestedStreamClass(SeasonalHybridEsdDetector);
