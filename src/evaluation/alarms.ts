/**
 * Alarms of a condition-monitoring detector on a run-to-failure series: when the score first crosses the
 * threshold after the normal (training) period, how long before the end of the data that is, and how many
 * alarms fire inside the normal period (false alarms: the machine was healthy then).
 */
import { checkFiniteNumber } from "../core/validation";
import { toFiniteNumbers, type NumericInput } from "../eda/numeric-input";
import { unscoredRows } from "./inputs";

/** Summary of {@link alarmSummary}. */
export interface AlarmSummary {
  readonly threshold: number;
  /** First time after the normal period with score > threshold (null: none). */
  readonly firstAlarm: Date | null;
  /** Its row. */
  readonly firstAlarmIndex: number | null;
  /** Days from the first alarm to the last timestamp (the failure at the end of the data); null without alarm. */
  readonly leadDays: number | null;
  /** Rows inside the normal period [start, end] with score > threshold. */
  readonly falseAlarms: number;
  /** Rows after the normal period with score > threshold. */
  readonly alarmsAfter: number;
}

/**
 * Alarms of `scores` (one per timestamp, in time order) at `threshold` (alarm: score > threshold), with the
 * normal period `[start, end]` (both included) as the time the machine is known healthy.
 *
 * @example
 * const s = alarmSummary(all.timestamps, lstm.score(all.X), 0.275, [trainStart, trainEnd]);
 * s.firstAlarm; s.leadDays; s.falseAlarms;
 */
export function alarmSummary(
  timestamps: readonly Date[],
  scores: NumericInput,
  threshold: number,
  normalPeriod: readonly [Date, Date],
): AlarmSummary {
  // Rows without a score (null: a sequence detector's "last" mapping) are refused by name, not read as numbers.
  if (Array.isArray(scores) && (scores as unknown[]).some((v) => v === null || v === undefined)) {
    throw unscoredRows(scores, "alarmSummary(scores)");
  }
  const values = toFiniteNumbers(scores, "alarmSummary(scores)");
  if (values.length !== timestamps.length) {
    throw new RangeError(`alarmSummary: ${timestamps.length} timestamps but ${values.length} scores`);
  }
  checkFiniteNumber(threshold, "alarmSummary: threshold");
  const [start, end] = normalPeriod.map((d) => d.getTime());
  if (!(start! <= end!)) throw new RangeError("alarmSummary: the normal period must be [start, end] with start <= end");
  const last = timestamps[timestamps.length - 1]?.getTime();
  let falseAlarms = 0;
  let alarmsAfter = 0;
  let first: number | null = null;
  for (let i = 0; i < values.length; i++) {
    if (!(values[i]! > threshold)) continue;
    const t = timestamps[i]!.getTime();
    if (t >= start! && t <= end!) falseAlarms++;
    else if (t > end!) {
      alarmsAfter++;
      first ??= i;
    }
  }
  const firstAlarm = first === null ? null : timestamps[first]!;
  return {
    threshold,
    firstAlarm,
    firstAlarmIndex: first,
    leadDays: firstAlarm === null || last === undefined ? null : (last - firstAlarm.getTime()) / 86_400_000,
    falseAlarms,
    alarmsAfter,
  };
}
