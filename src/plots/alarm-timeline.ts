import { alarmSummary } from "../evaluation/alarms";
import { toFiniteNumbers, type NumericInput } from "../eda/numeric-input";
import { Chart } from "./chart";
import { baseSpec, DEFAULT_HEIGHT, DEFAULT_WIDTH, HIGHLIGHT_COLOR, PRIMARY_COLOR, type ChartOptions } from "./spec-defaults";
import { axisExtent, simplifyPolyline } from "./thin";

/** Options of {@link alarmTimeline}. */
export interface AlarmTimelineOptions extends ChartOptions {
  /** The normal (training) period, shaded; alarms count as "first alarm" only after it. */
  normalPeriod: readonly [Date, Date];
  /** Logarithmic score axis (the bearing tutorials' `logy=True`); scores must then be positive. Default false. */
  logScale?: boolean;
  /** Score axis title (default "anomaly score"). */
  yTitle?: string;
  /** Label of the end of the data (default "end of data: failure"). */
  endLabel?: string;
}

const FAILURE_COLOR = "#222";
const NORMAL_COLOR = "#54a24b";

function utc(date: Date): string {
  return date.toISOString().slice(0, 16).replace("T", " ");
}

/**
 * A detector's score over time on a run-to-failure series: the normal period shaded, the threshold as a
 * dashed line, the first alarm after the normal period marked with its lead time, the end of the data
 * (the failure) as a solid line.
 *
 * @example
 * display(await alarmTimeline(all.timestamps, lstm.score(all.X), lstm.threshold,
 *   { normalPeriod: [trainStart, trainEnd], logScale: true, title: "LSTM autoencoder" }));
 */
export async function alarmTimeline(timestamps: readonly Date[], scores: NumericInput, threshold: number, options: AlarmTimelineOptions): Promise<Chart> {
  const values = toFiniteNumbers(scores, "alarmTimeline(scores)");
  const summary = alarmSummary(timestamps, values, threshold, options.normalPeriod);
  const logScale = options.logScale ?? false;
  if (logScale) {
    const bad = values.findIndex((v) => !(v > 0));
    if (bad >= 0) throw new RangeError(`alarmTimeline: logScale needs positive scores, but score ${bad} (${utc(timestamps[bad]!)}) is ${values[bad]}`);
    if (!(threshold > 0)) throw new RangeError(`alarmTimeline: logScale needs a positive threshold, got ${threshold}`);
  }
  const [start, end] = options.normalPeriod;
  const last = timestamps[timestamps.length - 1]!;
  const x = { field: "t", type: "temporal", title: "time (UTC)", scale: { type: "utc" }, axis: { format: "%b %d", tickCount: "day" } };
  const y = { field: "score", type: "quantitative", title: options.yTitle ?? "anomaly score", scale: logScale ? { type: "log" } : { zero: false } };
  const points = Array.from(values, (score, i) => ({ t: timestamps[i]!.getTime(), score, alarm: score > threshold }));
  const line = thinnedLine(points, logScale, options);
  const layers: Record<string, unknown>[] = [
    { data: { values: [{ t: start.getTime(), t2: end.getTime() }] }, mark: { type: "rect", color: NORMAL_COLOR, opacity: 0.12 }, encoding: { x: { ...x, field: "t" }, x2: { field: "t2" } } },
    {
      data: { values: [{ t: start.getTime(), label: "normal period (training)" }] },
      mark: { type: "text", align: "left", baseline: "top", dx: 4, y: 4, color: NORMAL_COLOR, fontSize: 11 },
      encoding: { x: { ...x, field: "t" }, text: { field: "label" } },
    },
    { data: { values: line }, mark: { type: "line", color: PRIMARY_COLOR, strokeWidth: 1.3 }, encoding: { x, y } },
    {
      data: { values: points.filter((p) => p.alarm) },
      mark: { type: "circle", color: HIGHLIGHT_COLOR, size: 12, opacity: 0.7 },
      encoding: { x, y },
    },
    {
      data: { values: [{ threshold, label: `threshold ${Number(threshold.toPrecision(4))}` }] },
      mark: { type: "rule", color: HIGHLIGHT_COLOR, strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: { y: { field: "threshold", type: "quantitative" } },
    },
    {
      data: { values: [{ threshold, label: `threshold ${Number(threshold.toPrecision(4))}` }] },
      mark: { type: "text", color: HIGHLIGHT_COLOR, align: "left", baseline: "bottom", dy: -3, x: 4, fontSize: 11 },
      encoding: { y: { field: "threshold", type: "quantitative" }, text: { field: "label" } },
    },
    {
      data: { values: [{ t: last.getTime(), label: options.endLabel ?? "end of data: failure" }] },
      mark: { type: "rule", color: FAILURE_COLOR, strokeWidth: 2 },
      encoding: { x: { ...x, field: "t" } },
    },
    {
      data: { values: [{ t: last.getTime(), label: options.endLabel ?? "end of data: failure" }] },
      mark: { type: "text", color: FAILURE_COLOR, align: "right", baseline: "top", dx: -4, y: 4, fontSize: 11 },
      encoding: { x: { ...x, field: "t" }, text: { field: "label" } },
    },
  ];
  if (summary.firstAlarm !== null) {
    const label = [`first alarm ${utc(summary.firstAlarm)}`, `${summary.leadDays!.toFixed(2)} days before the end`];
    const mark = { t: summary.firstAlarm.getTime(), score: values[summary.firstAlarmIndex!]!, label };
    // The label goes on the side of the alarm line with more room, below the other labels at the top.
    const first = timestamps[0]!.getTime();
    const onLeft = (mark.t - first) / Math.max(1, last.getTime() - first) > 0.6;
    layers.push(
      { data: { values: [mark] }, mark: { type: "rule", color: HIGHLIGHT_COLOR, strokeWidth: 1.2 }, encoding: { x: { ...x, field: "t" } } },
      { data: { values: [mark] }, mark: { type: "point", shape: "triangle-down", filled: true, color: HIGHLIGHT_COLOR, size: 120 }, encoding: { x, y } },
      {
        data: { values: [mark] },
        mark: { type: "text", color: HIGHLIGHT_COLOR, align: onLeft ? "right" : "left", baseline: "top", dx: onLeft ? -5 : 5, y: 24, fontSize: 11, fontWeight: "bold", lineHeight: 14 },
        encoding: { x: { ...x, field: "t" }, text: { field: "label" } },
      },
    );
  }
  const title = options.title ?? "Anomaly score over time";
  return Chart.render({ ...baseSpec("alarmTimeline", { ...options, title }, { title }), layer: layers });
}

/**
 * The score line's vertices thinned to what its pixels show (see thin.ts), in the axis's own space (log10
 * of the score on a log axis). The lowest and highest scores stay, so the axis domain is the full data's.
 */
function thinnedLine<T extends { t: number; score: number }>(points: T[], logScale: boolean, options: ChartOptions): T[] {
  const t = points.map((p) => p.t);
  const y = points.map((p) => (logScale ? Math.log10(p.score) : p.score));
  const kept = new Set(simplifyPolyline(t, y, axisExtent(t, options.width ?? DEFAULT_WIDTH), axisExtent(y, options.height ?? DEFAULT_HEIGHT)));
  let [low, high] = [0, 0];
  y.forEach((v, i) => {
    if (v < y[low]!) low = i;
    if (v > y[high]!) high = i;
  });
  kept.add(low).add(high);
  return [...kept].sort((a, b) => a - b).map((i) => points[i]!);
}
