// The one contract of the time-series detectors: every detector opens streams (`open()`, one per live
// series, each with its own state that snapshots to JSON), and most also judge a whole series or its newest
// point in batch (`detectEntire`, `detectLast`, `alarms`), which builds a state of its own and never touches
// a stream. Scores are in [0, 1] (NAB's convention), higher = more anomalous; `alarms` applies the detector's
// threshold (score > threshold, the rule of every detector's labels).
import { erf } from "../core/erf";
import { aboveThreshold, fixedThreshold } from "../core/threshold";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, type StateReader } from "../persistence/state-codec";
import { nestedStreamClasses, registerNestedStreamClass, SavedStreamDetector, SeriesStream } from "./saved-stream";
import type { SeriesState } from "./saved-stream";
import { assertFiniteValues, epochMs } from "./series";
import type { DetectorStream, SeriesSummary, StreamingDetector, StreamSnapshot } from "./stream";

/**
 * A time-series detector with batch calls beside its streams. Batch calls are stateless: they never change a
 * stream, nor each other's answers.
 */
export interface TimeSeriesDetector extends StreamingDetector {
  /** Short name for tables, e.g. "rolling z-score". */
  readonly name: string;
  /** Points the detector remembers: a stream's memory is bounded by this. */
  readonly windowSize: number;
  /** Alarm threshold on the score: a point alarms when its score is above it (the `threshold: { fixed }` option). */
  readonly threshold: number;
  /** A new stream (the summary is optional: these detectors do not need the series' range). */
  open(summary?: SeriesSummary): DetectorStream;
  /** The stream a snapshot was taken from, continuing where it stopped. */
  restore(snapshot: StreamSnapshot): DetectorStream;
  /** Scores every point of a series (timestamps in epoch ms or Dates, needed by contextual detectors). */
  detectEntire(values: ArrayLike<number>, timestamps?: ArrayLike<number | Date>): Float64Array;
  /** The score of the last point of `values`: what a stream fed the same points gives it. */
  detectLast(values: ArrayLike<number>, timestamps?: ArrayLike<number | Date>): number;
  /**
   * @deprecated Scores a new point of the detector's internal stream: use `open()` and the stream's
   * `update(timestamp, value)`.
   */
  update(value: number, timestamp?: number | Date): number;
  /** @deprecated Forgets the internal stream of `update`: open a new stream instead. */
  reset(): void;
  /** 0/1 per point of a series: score > threshold (the detector's, or the one given). */
  alarms(values: ArrayLike<number>, timestamps?: ArrayLike<number | Date>, threshold?: number): Uint8Array;
  /** The constructor options, defaults filled in (scikit-learn's `get_params`). */
  getParams(): DetectorParams;
  /** A new detector with the same options (some replaced by `overrides`) (scikit-learn's `clone`). */
  clone(overrides?: DetectorParams): TimeSeriesDetector;
  /** Saves the options (and the internal stream of the deprecated `update`) to one JSON file; `<Class>.load(file)`. */
  save(file: string): void;
}

/**
 * The `threshold` option of a time-series detector: `{ fixed: t }` with t in [0, 1] (scores are), or `defaultValue`.
 * A stream has no training scores, so the rules that need them (`{ quantile }`, `{ contamination }`, ...) are
 * refused; a plain number (the old spelling) works with one deprecation warning.
 * @example scoreThreshold({ fixed: 0.9 }, "RollingZScoreDetector", 0.5); // 0.9
 */
export function scoreThreshold(threshold: unknown, who: string, defaultValue: number): number {
  const value = fixedThreshold(threshold, who, defaultValue);
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
    throw new RangeError(`${who}: threshold must be a number in [0, 1] (scores are), got ${value}`);
  }
  return value;
}

/** The one alarm rule of the time-series detectors: score > threshold, per point of the series. */
export function alarmsOf(
  detector: TimeSeriesDetector,
  values: ArrayLike<number>,
  timestamps: ArrayLike<number | Date> | undefined,
  threshold: number,
): Uint8Array {
  return aboveThreshold(detector.detectEntire(values, timestamps), threshold);
}

/**
 * A detector whose score at a point depends only on the points before it (causal): batch, last-point and
 * streaming answers are the same function by construction, because all three feed points one by one to a
 * fresh state ({@link SeriesState}). Subclasses implement the state.
 */
export abstract class CausalDetector extends SavedStreamDetector implements TimeSeriesDetector {
  abstract override readonly name: string;
  abstract readonly windowSize: number;
  abstract readonly threshold: number;

  detectEntire(values: ArrayLike<number>, timestamps?: ArrayLike<number | Date>): Float64Array {
    const t = this.checkInput(values, timestamps, "detectEntire");
    const state = this.newState();
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = state.step(values[i]!, t?.[i] ?? i);
    return out;
  }

  /** The score of the last point: the whole of `values` is fed (a stream's state depends on every point before). */
  detectLast(values: ArrayLike<number>, timestamps?: ArrayLike<number | Date>): number {
    if (values.length === 0) throw new Error(`${this.name}: detectLast needs at least one point`);
    const scores = this.detectEntire(values, timestamps);
    return scores[scores.length - 1]!;
  }

  /** 0/1 per point: score > threshold. */
  alarms(values: ArrayLike<number>, timestamps?: ArrayLike<number | Date>, threshold = this.threshold): Uint8Array {
    return alarmsOf(this, values, timestamps, threshold);
  }

  /** Checks the input; returns the timestamps as epoch ms. */
  private checkInput(values: ArrayLike<number>, timestamps: ArrayLike<number | Date> | undefined, what: string): number[] | undefined {
    assertFiniteValues(values, `${this.name} ${what}`);
    if (this.needsTimestamps && timestamps === undefined) throw new Error(`${this.name}: ${what} needs timestamps (epoch ms or Dates): the context is the hour of the week`);
    if (timestamps === undefined) return undefined;
    if (timestamps.length !== values.length) throw new Error(`${this.name} ${what}: ${timestamps.length} timestamps for ${values.length} values`);
    const t = Array.from(timestamps, epochMs);
    for (let i = 0; i < t.length; i++) if (!Number.isFinite(t[i]!)) throw new Error(`${this.name} ${what}: timestamp ${i} is not a valid time`);
    return t;
  }
}

/** The time-series detector saved inside another's state ({ class, params, state }), by its registered class. */
function nestedTimeSeriesDetector(saved: StateReader): SavedStreamDetector & TimeSeriesDetector {
  const classes = nestedStreamClasses();
  const name = saved.choice("class", [...classes.keys()]);
  return SavedStreamDetector.fromNested(classes.get(name)!, saved) as SavedStreamDetector & TimeSeriesDetector;
}

/** Fixed-capacity FIFO of numbers: the bounded memory of a streaming detector. */
export class RingBuffer {
  private readonly data: Float64Array;
  private start = 0;
  length = 0;
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`RingBuffer: capacity must be a positive integer, got ${capacity}`);
    this.data = new Float64Array(capacity);
  }
  /** Appends; returns the value pushed out when full (else undefined). */
  push(x: number): number | undefined {
    if (this.length < this.capacity) {
      this.data[(this.start + this.length++) % this.capacity] = x;
      return undefined;
    }
    const old = this.data[this.start]!;
    this.data[this.start] = x;
    this.start = (this.start + 1) % this.capacity;
    return old;
  }
  /** Copies the contents, oldest first, into `scratch` and returns the filled part (no allocation). */
  view(scratch: Float64Array): Float64Array {
    for (let i = 0; i < this.length; i++) scratch[i] = this.data[(this.start + i) % this.capacity]!;
    return scratch.subarray(0, this.length);
  }
  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.data[(this.start + i) % this.capacity]!);
    return out;
  }
  clear(): void {
    this.start = 0;
    this.length = 0;
  }
}

/** Two-sided Gaussian "surprise": 1 − 2·Q(|z|) = erf(|z|/√2), in [0, 1). */
export function gaussianSurprise(z: number): number {
  return erf(Math.abs(z) / Math.SQRT2);
}

/**
 * Maps |z| to [0, 1) without saturating: |z| / (|z| + zScale), so 0.5 at |z| = zScale. Unlike
 * erf(|z|/√2), which rounds to exactly 1 beyond |z| ≈ 8.3, extreme points keep their order, which
 * matters when one threshold is swept over many series (NAB).
 *
 * @example zScore01(3); // 0.5
 */
export function zScore01(z: number, zScale = 3): number {
  const a = Math.abs(z);
  return a === Infinity ? 1 : a / (a + zScale);
}

/**
 * Alarm debouncing for any detector: a point keeps its score only if it exceeds every score of the
 * `refractory` points before it, otherwise it scores 0. A detector that keeps firing while its
 * window digests an anomaly then raises one alarm, not a burst (NAB charges every false positive;
 * only the first detection in a window counts). Causal; memory: `refractory` scores.
 */
export class SuppressedDetector extends SavedStreamDetector implements TimeSeriesDetector {
  readonly name: string;
  readonly windowSize: number;
  readonly threshold: number;
  /** What the wrapped detector needs. */
  override readonly needsTimestamps: boolean;

  constructor(private readonly inner: TimeSeriesDetector, readonly refractory: number) {
    super();
    if (!Number.isInteger(refractory) || refractory < 1) throw new Error(`SuppressedDetector: refractory must be a positive integer, got ${refractory}`);
    this.needsTimestamps = (inner as { needsTimestamps?: boolean }).needsTimestamps === true;
    this.name = `${inner.name}, debounced (${refractory})`;
    this.windowSize = inner.windowSize + refractory;
    this.threshold = inner.threshold;
  }

  /** `inner`: the wrapped detector itself (a clone clones it); `refractory`: the points an alarm must beat. */
  getParams(): DetectorParams {
    return { inner: this.inner, refractory: this.refractory };
  }

  /**
   * The detector of `params` ({ inner, refractory }); a saved one's wrapped detector comes from `state.inner`.
   * @internal
   */
  static fromParams(params: DetectorParams, state?: StateReader): SuppressedDetector {
    const inner = params.inner ?? (state === undefined ? undefined : nestedTimeSeriesDetector(state.object("inner")));
    return new SuppressedDetector(inner as TimeSeriesDetector, params.refractory as number);
  }

  /** The wrapped detector is saved whole (class, options, stream) in the state, not among the options. */
  protected override savedParams(): Record<string, unknown> {
    return { refractory: this.refractory };
  }

  /** A stream of the wrapped detector (opened with the same summary), debounced. */
  override open(summary?: SeriesSummary): SeriesStream {
    return new SeriesStream(this, new DebouncedState(this.inner.open(summary), this.inner, this.refractory));
  }

  /** @internal */
  newState(): SeriesState {
    return new DebouncedState(this.inner.open(), this.inner, this.refractory);
  }

  /** @internal */
  readState(state: StateReader): SeriesState {
    const inner = this.inner;
    if (!(inner instanceof SavedStreamDetector)) {
      throw new Error(`${state.where}: the detector it wraps (${inner.name}) cannot be restored`);
    }
    const innerState = inner.readState(state.object("inner").object("state"));
    const recent = state.float64("recent", { min: 0, max: 1 });
    state.expect(recent.length <= this.refractory, "recent.length", `at most ${this.refractory} (refractory)`, recent.length);
    const restored = new DebouncedState(new SeriesStream(inner, innerState), inner, this.refractory);
    for (const score of recent) restored.recent.push(score);
    return restored;
  }

  detectEntire(values: ArrayLike<number>, timestamps?: ArrayLike<number | Date>): Float64Array {
    const raw = this.inner.detectEntire(values, timestamps);
    const out = new Float64Array(raw.length);
    const recent = new RingBuffer(this.refractory);
    for (let i = 0; i < raw.length; i++) out[i] = gate(raw[i]!, recent);
    return out;
  }

  /** The debounced score of the last point, from the whole of `values` (as a stream fed the same points). */
  detectLast(values: ArrayLike<number>, timestamps?: ArrayLike<number | Date>): number {
    if (values.length === 0) throw new Error(`${this.name}: detectLast needs at least one point`);
    const scores = this.detectEntire(values, timestamps);
    return scores[scores.length - 1]!;
  }

  /** 0/1 per point: debounced score > threshold. */
  alarms(values: ArrayLike<number>, timestamps?: ArrayLike<number | Date>, threshold = this.threshold): Uint8Array {
    return alarmsOf(this, values, timestamps, threshold);
  }
}

/** A debounced stream's memory: the wrapped detector's stream and the last `refractory` raw scores. */
class DebouncedState implements SeriesState {
  readonly recent: RingBuffer;
  constructor(
    private readonly inner: DetectorStream,
    /** The wrapped detector, to save its stream with its options. */
    private readonly innerDetector: TimeSeriesDetector,
    refractory: number,
  ) {
    this.recent = new RingBuffer(refractory);
  }

  step(value: number, timestamp: number): number {
    return gate(this.inner.update(timestamp, value), this.recent);
  }

  save(context: string): Record<string, unknown> {
    if (!(this.innerDetector instanceof SavedStreamDetector) || !(this.inner instanceof SeriesStream)) {
      throw new Error(`${context}: the detector it wraps (${this.innerDetector.name}) cannot be saved`);
    }
    const inner = this.innerDetector.contentWith(this.inner.state, context);
    return { inner, recent: encodeArray(Float64Array.from(this.recent.toArray())) };
  }
}

/** The debounced score: `score` if it beats every score in `recent`, else 0; `score` then joins `recent`. */
function gate(score: number, recent: RingBuffer): number {
  let max = -Infinity;
  for (const s of recent.toArray()) if (s > max) max = s;
  recent.push(score);
  return score > max ? score : 0;
}

registerNestedStreamClass(SuppressedDetector);
