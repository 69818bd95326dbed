// Checks every time-series entry point shares, so bad input fails with the row named instead of
// producing a silently wrong answer.

/** What a regular series looks like: its usual step and where it skips ahead. */
export interface SeriesRegularity {
  /** The median difference between consecutive timestamps (ms). */
  step: number;
  /** Rows whose distance from the previous row exceeds 1.5 steps: [row, missing steps]. */
  gaps: [number, number][];
}

/** Throws naming the first NaN / infinite value. */
export function assertFiniteValues(values: ArrayLike<number>, who: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new Error(`${who}: value ${i} is ${values[i]}; fill or drop missing values first`);
  }
}

/**
 * Checks timestamps (epoch ms or Dates) against values: same length, finite, strictly increasing;
 * a repeated or backward timestamp is an error naming both rows. Returns the step and the gaps
 * (gaps are allowed; detectors that index by position treat a gap as adjacent points).
 *
 * @example checkTimestamps([0, 60000, 180000], [1, 2, 3], "demo").gaps; // [[2, 1]]
 */
export function checkTimestamps(timestamps: ArrayLike<number | Date>, values: ArrayLike<number>, who: string): SeriesRegularity {
  if (timestamps.length !== values.length) throw new Error(`${who}: ${timestamps.length} timestamps for ${values.length} values`);
  const t = Array.from(timestamps, epochMs);
  for (let i = 0; i < t.length; i++) {
    if (!Number.isFinite(t[i]!)) throw new Error(`${who}: timestamp ${i} is not a valid time`);
    if (i > 0 && t[i]! === t[i - 1]!) throw new Error(`${who}: rows ${i - 1} and ${i} have the same timestamp (${new Date(t[i]!).toISOString()}); aggregate duplicates first`);
    if (i > 0 && t[i]! < t[i - 1]!) throw new Error(`${who}: timestamps are not sorted: row ${i} (${new Date(t[i]!).toISOString()}) comes before row ${i - 1} (${new Date(t[i - 1]!).toISOString()})`);
  }
  const diffs = t.slice(1).map((v, i) => v - t[i]!).sort((a, b) => a - b);
  const step = diffs.length === 0 ? 0 : diffs[diffs.length >> 1]!;
  const gaps: [number, number][] = [];
  for (let i = 1; i < t.length; i++) {
    const d = t[i]! - t[i - 1]!;
    if (step > 0 && d > 1.5 * step) gaps.push([i, Math.round(d / step) - 1]);
  }
  return { step, gaps };
}

/**
 * A timestamp as epoch milliseconds: Dates and numbers are both taken wherever a time is (an invalid
 * Date gives NaN, for the caller's check to name).
 *
 * @example epochMs(new Date("2024-01-01T00:00:00Z")); // 1704067200000
 */
export function epochMs(timestamp: number | Date): number {
  return timestamp instanceof Date ? timestamp.getTime() : timestamp;
}

/** Hour of the week, 0 = Monday 00:00-00:59 UTC (naive NAB timestamps are read as UTC). */
export function hourOfWeek(timestamp: number | Date): number {
  const d = new Date(epochMs(timestamp));
  return ((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours();
}
