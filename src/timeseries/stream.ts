// The streaming contract of every time-series detector (the baselines, S-H-ESD, CAD OSE, ARTime, RCF...):
// a stream is opened once per series, fed one point at a time, and its whole state can be saved as JSON
// and restored in another process to continue with the same scores. Batch scoring feeds a fresh state
// of its own (`streamScores` here, `detectEntire` on the detectors that have it), so batch and streaming
// cannot disagree, and a batch call never touches a live stream.
import { assertFiniteValues } from "./series";

/**
 * What NAB tells a detector about a file before streaming it (nab/detectors/base.py): the range
 * of its values and its length. Live streams pass the range they expect and a nominal length
 * (it sets the learning period, 15% of it, at most 750 points).
 */
export interface SeriesSummary {
  min: number;
  max: number;
  length: number;
}

/** A JSON-serialisable state: `kind` names the detector, `version` the state layout. */
export interface StreamSnapshot {
  kind: string;
  version: number;
  [field: string]: unknown;
}

/** One live stream: scores arriving points in order. */
export interface DetectorStream {
  /** Scores a new point (timestamp in epoch ms; detectors that ignore time accept any number). */
  update(timestamp: number, value: number): number;
  /** The whole state as plain JSON data; `restore(snapshot)` continues with identical scores. */
  snapshot(): StreamSnapshot;
}

/** A streaming detector (every time-series detector is one): a name, a way to open a stream on a series, a way to restore one. */
export interface StreamingDetector {
  readonly name: string;
  /** A new stream with its own state; `summary` is what NAB tells a detector about a file (optional where not needed). */
  open(summary: SeriesSummary): DetectorStream;
  /** The stream a snapshot was taken from, continuing where it stopped (the snapshot's options, not the detector's). */
  restore(snapshot: StreamSnapshot): DetectorStream;
}

/**
 * NAB's view of a whole series: its minimum, maximum and length (what a batch run hands the
 * detector before the first point).
 *
 * @example summariseSeries([3, 1, 2]); // { min: 1, max: 3, length: 3 }
 */
export function summariseSeries(values: ArrayLike<number>, who = "summariseSeries"): SeriesSummary {
  if (values.length === 0) throw new Error(`${who}: the series is empty`);
  assertFiniteValues(values, who);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i]! < min) min = values[i]!;
    if (values[i]! > max) max = values[i]!;
  }
  return { min, max, length: values.length };
}

/**
 * Batch scoring as NAB does it: opens a fresh stream with the series' summary and feeds every
 * point in order. Timestamps default to the row index.
 *
 * @example
 * const scores = streamScores(new ContextOseDetector(), taxi.values, taxi.timestamps);
 */
export function streamScores(detector: StreamingDetector, values: ArrayLike<number>, timestamps?: ArrayLike<number>): Float64Array {
  const summary = summariseSeries(values, detector.name);
  if (timestamps !== undefined && timestamps.length !== values.length) {
    throw new Error(`${detector.name}: ${timestamps.length} timestamps for ${values.length} values`);
  }
  const stream = detector.open(summary);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = stream.update(timestamps?.[i] ?? i, values[i]!);
  return out;
}

/** Checks a snapshot's kind and version before a detector restores it; throws naming both. */
export function checkSnapshot(snapshot: StreamSnapshot, kind: string, version: number): void {
  if (snapshot === null || typeof snapshot !== "object") throw new Error(`${kind}: a snapshot must be an object, got ${snapshot}`);
  if (snapshot.kind !== kind) throw new Error(`${kind}: cannot restore a snapshot of kind "${String(snapshot.kind)}"`);
  if (snapshot.version !== version) throw new Error(`${kind}: snapshot version ${String(snapshot.version)} is not supported (expected ${version})`);
}

/** Throws unless `value` is a finite number: the point a stream was fed, named in the message. */
export function checkPoint(who: string, timestamp: number, value: number): void {
  if (!Number.isFinite(value)) throw new Error(`${who}: update got value ${value} at timestamp ${timestamp}; fill or drop missing values first`);
  if (typeof timestamp !== "number" || Number.isNaN(timestamp)) throw new Error(`${who}: update got timestamp ${timestamp}; pass epoch ms (or the row index)`);
}
