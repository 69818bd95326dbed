import { toFiniteNumbers, type NumericInput } from "../eda/numeric-input";
import { Chart } from "./chart";
import { checkSameLength, toAxisValues, type AxisInput } from "./chart-input";
import { baseSpec, DEFAULT_HEIGHT, DEFAULT_WIDTH, HIGHLIGHT_COLOR, PRIMARY_COLOR, type ChartOptions } from "./spec-defaults";
import { axisExtent, simplifyPolyline, type AxisExtent } from "./thin";

/** Data of {@link anomalyChart}. */
export interface AnomalyChartData {
  /** Dates or epoch milliseconds. */
  x: AxisInput;
  values: NumericInput;
  /** Row indices of the flagged points (drawn as red dots). */
  anomalies?: ArrayLike<number>;
  /** Labelled anomaly windows, [start, end] (shaded). */
  windows?: ReadonlyArray<readonly [Date | number, Date | number]>;
  /** A second line drawn thin and grey behind the values, e.g. the expected value (seasonal + median). */
  expected?: NumericInput;
}

export interface AnomalyChartOptions extends ChartOptions {
  yTitle?: string;
  /** Legend name of the dots (default "flagged"). */
  anomalyLabel?: string;
}

/**
 * A time series with its flagged points as red dots over shaded label windows: what a detector
 * found against what the labellers marked.
 *
 * @example
 * display(await anomalyChart({ x: taxi.timestamps, values: taxi.values, anomalies: result.anomalies, windows: taxi.windows }, { title: "S-H-ESD on nyc_taxi" }));
 */
export async function anomalyChart(data: AnomalyChartData, options: AnomalyChartOptions = {}): Promise<Chart> {
  const { values: x } = toAxisValues(data.x, "anomalyChart(x)");
  const y = toFiniteNumbers(data.values, "anomalyChart(values)");
  checkSameLength("anomalyChart", { name: "x", length: x.length }, { name: "values", length: y.length });
  const xField = { field: "x", type: "temporal", title: "time", scale: { type: "utc" } };
  const yField = { field: "value", type: "quantitative", title: options.yTitle ?? "value", scale: { zero: false } };
  const layers: Record<string, unknown>[] = [];
  // Lines are thinned to what the pixels show (as lineChart's): a 10,000-point series draws the same picture
  // from a few hundred vertices, which keeps executed notebooks and reports light.
  const xExtent = axisExtent(x, options.width ?? DEFAULT_WIDTH);
  const lineRows = (values: Float64Array, yExtent: AxisExtent): { x: number; value: number }[] => {
    const kept = new Set(simplifyPolyline(x, values, xExtent, yExtent));
    let [low, high] = [0, 0];
    values.forEach((v, i) => {
      if (v < values[low]!) low = i;
      if (v > values[high]!) high = i;
    });
    kept.add(low).add(high);
    return [...kept].sort((a, b) => a - b).map((i) => ({ x: x[i]!, value: values[i]! }));
  };
  if (data.windows !== undefined && data.windows.length > 0) {
    const values = data.windows.map(([a, b], k) => {
      const [start, end] = [a, b].map((v) => (v instanceof Date ? v.getTime() : v));
      if (!Number.isFinite(start) || !Number.isFinite(end) || start! > end!) throw new RangeError(`anomalyChart: windows[${k}] must be [start, end] with start <= end`);
      return { start, end };
    });
    layers.push({ data: { values }, mark: { type: "rect", color: HIGHLIGHT_COLOR, opacity: 0.15 }, encoding: { x: { field: "start", type: "temporal", scale: { type: "utc" } }, x2: { field: "end" } } });
  }
  if (data.expected !== undefined) {
    const e = toFiniteNumbers(data.expected, "anomalyChart(expected)");
    checkSameLength("anomalyChart", { name: "x", length: x.length }, { name: "expected", length: e.length });
    layers.push({ data: { values: lineRows(e, yExtentOf(y, e, options)) }, mark: { type: "line", color: "#bbbbbb", strokeWidth: 1 }, encoding: { x: xField, y: yField } });
  }
  const expectedValues = data.expected === undefined ? undefined : toFiniteNumbers(data.expected, "anomalyChart(expected)");
  layers.push({ data: { values: lineRows(y, yExtentOf(y, expectedValues, options)) }, mark: { type: "line", color: PRIMARY_COLOR, strokeWidth: 1 }, encoding: { x: xField, y: yField } });
  if (data.anomalies !== undefined && data.anomalies.length > 0) {
    const points = Array.from(data.anomalies, (i) => {
      if (!Number.isInteger(i) || i < 0 || i >= y.length) throw new RangeError(`anomalyChart: anomaly index ${i} is outside 0 .. ${y.length - 1}`);
      return { x: x[i], value: y[i], kind: options.anomalyLabel ?? "flagged" };
    });
    layers.push({
      data: { values: points },
      mark: { type: "point", filled: true, size: 36, color: HIGHLIGHT_COLOR },
      encoding: { x: xField, y: yField, shape: { field: "kind", type: "nominal", title: null } },
    });
  }
  return Chart.render({ ...baseSpec("anomalyChart", options, { title: "Anomalies" }), layer: layers });
}

/** The y extent shared by the value and expected lines (vega's domain covers both). */
function yExtentOf(values: Float64Array, expected: Float64Array | undefined, options: ChartOptions): AxisExtent {
  const height = options.height ?? DEFAULT_HEIGHT;
  const a = axisExtent(values, height);
  if (expected === undefined) return a;
  const b = axisExtent(expected, height);
  return { min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), pixels: height };
}
