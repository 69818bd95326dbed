import { toFiniteNumbers, type NumericInput } from "../eda/numeric-input";
import { Chart } from "./chart";
import { checkSameLength, toAxisValues, type AxisInput } from "./chart-input";
import { baseSpec, HIGHLIGHT_COLOR, type ChartOptions } from "./spec-defaults";
import { axisExtent, decimalsForPixels, roundTo, simplifyPolyline, type AxisExtent } from "./thin";

/** Data of {@link lineChart}: shared x values and one or more named y series. */
export interface LineChartData {
  /** Dates (time axis) or numbers. */
  x: AxisInput;
  /** Series name -> values, each as long as `x`. */
  series: Record<string, NumericInput>;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions extends ChartOptions {
  xTitle?: string;
  yTitle?: string;
  /**
   * Time axis? Default: true when `x` holds Dates. With numbers, true reads
   * them as epoch milliseconds. Times are shown in UTC so labels do not depend
   * on the kernel machine's time zone.
   */
  temporal?: boolean;
  /** Draws a dashed horizontal rule at this y (e.g. an anomaly-score threshold). */
  threshold?: number;
  /**
   * Shaded x-intervals drawn behind the lines, e.g. labelled anomaly windows or a failure period:
   * `[start, end]` pairs of Dates (time axis) or numbers.
   */
  bands?: ReadonlyArray<readonly [Date | number, Date | number]>;
  /** Legend title of the series colours (default "series"). */
  seriesTitle?: string;
}

function bandLayer(bands: LineChartOptions["bands"] & object, temporal: boolean): Record<string, unknown> {
  const values = bands.map(([start, end], index) => {
    const [a, b] = [start, end].map((edge) => (edge instanceof Date ? edge.getTime() : edge));
    if (!Number.isFinite(a) || !Number.isFinite(b) || a > b) {
      throw new RangeError(`lineChart: bands[${index}] must be [start, end] with start <= end, got [${String(start)}, ${String(end)}]`);
    }
    return { start: a, end: b };
  });
  const x = temporal
    ? { field: "start", type: "temporal", scale: { type: "utc" } }
    : { field: "start", type: "quantitative" };
  return {
    data: { values },
    mark: { type: "rect", color: HIGHLIGHT_COLOR, opacity: 0.18 },
    encoding: { x, x2: { field: "end" } },
  };
}

/**
 * The chart's rows, each series thinned to the vertices its pixels can show (see thin.ts) and its
 * values rounded to a tenth of a pixel. x and y extents are the data's; vega's nice domain is at least
 * as wide, so the drawn deviation is at most the tolerance. Times stay exact (epoch milliseconds).
 */
function thinnedRows(x: Float64Array, names: string[], columns: Float64Array[], width: number, height: number, temporal: boolean) {
  const xExtent = axisExtent(x, width);
  let [min, max] = [Infinity, -Infinity];
  for (const column of columns) {
    const extent = axisExtent(column, height);
    [min, max] = [Math.min(min, extent.min), Math.max(max, extent.max)];
  }
  const yExtent: AxisExtent = { min, max, pixels: height };
  const xDigits = decimalsForPixels(xExtent);
  const yDigits = decimalsForPixels(yExtent);
  // vega-lite draws a line in x order, whatever the data order: thin along that same path.
  const order = Array.from({ length: x.length }, (_, i) => i);
  if (x.some((value, i) => i > 0 && value < x[i - 1]!)) order.sort((a, b) => x[a]! - x[b]!);
  const xs = order.map((i) => x[i]!);
  const rows: Array<{ x: number; series: string; value: number }> = [];
  const last = xs.length - 1;
  names.forEach((name, s) => {
    const values = order.map((i) => columns[s]![i]!);
    // The extremes stay exact, so vega's axis domains (and their nice rounding) are those of the full data.
    const [low, high] = extremeIndices(values);
    const kept = new Set(simplifyPolyline(xs, values, xExtent, yExtent));
    kept.add(low).add(high);
    for (const k of [...kept].sort((a, b) => a - b)) {
      const exact = k === 0 || k === last || k === low || k === high;
      rows.push({
        x: temporal || exact ? xs[k]! : roundTo(xs[k]!, xDigits),
        series: name,
        value: exact ? values[k]! : roundTo(values[k]!, yDigits),
      });
    }
  });
  return rows;
}

function extremeIndices(values: ArrayLike<number>): [number, number] {
  let [low, high] = [0, 0];
  for (let i = 1; i < values.length; i++) {
    if (values[i]! < values[low]!) low = i;
    if (values[i]! > values[high]!) high = i;
  }
  return [low, high];
}

/**
 * Line chart for time series: several series share the x axis and get a
 * colour legend; an optional dashed threshold rule marks a cut-off.
 *
 * @example
 * ```ts
 * display(await lineChart({ x: timestamps, series: { taxi: counts } }, { title: "NYC taxi", yTitle: "passengers" }));
 * display(await lineChart({ x: steps, series: { error } }, { threshold: 0.12, title: "Reconstruction error" }));
 * ```
 */
export async function lineChart(data: LineChartData, options: LineChartOptions = {}): Promise<Chart> {
  const { values: x, dates } = toAxisValues(data.x, "lineChart(x)");
  const temporal = options.temporal ?? dates;
  const names = Object.keys(data.series ?? {});
  if (names.length === 0) throw new RangeError("lineChart: series is empty; give at least one { name: values }");
  const columns = names.map((name) => {
    const values = toFiniteNumbers(data.series[name], `lineChart(series["${name}"])`);
    checkSameLength("lineChart", { name: "x", length: x.length }, { name: `series["${name}"]`, length: values.length });
    return values;
  });
  const base = baseSpec("lineChart", options, { title: "Line chart" });
  const rows = thinnedRows(x, names, columns, Number(base.width), Number(base.height), temporal);
  const threshold = options.threshold;
  if (threshold !== undefined && (typeof threshold !== "number" || !Number.isFinite(threshold))) {
    throw new RangeError(`lineChart: threshold must be a finite number, got ${String(threshold)}`);
  }
  const xTitle = options.xTitle ?? (temporal ? "time" : "x");
  const lines = {
    data: { values: rows },
    mark: { type: "line", strokeWidth: 1.4, interpolate: "linear" },
    encoding: {
      x: temporal
        ? { field: "x", type: "temporal", title: xTitle, scale: { type: "utc" } }
        : { field: "x", type: "quantitative", title: xTitle, scale: { zero: false } },
      y: { field: "value", type: "quantitative", title: options.yTitle ?? "value", scale: { zero: false } },
      color: {
        field: "series",
        type: "nominal",
        title: options.seriesTitle ?? "series",
        sort: names,
        // One series needs no legend; several do.
        ...(names.length === 1 ? { legend: null } : {}),
      },
    },
  };
  const behind = options.bands === undefined || options.bands.length === 0 ? [] : [bandLayer(options.bands, temporal)];
  if (threshold === undefined) {
    return Chart.render(behind.length === 0 ? { ...base, ...lines } : { ...base, layer: [...behind, lines] });
  }
  const thresholdLayers = [
    {
      data: { values: [{ threshold }] },
      mark: { type: "rule", color: HIGHLIGHT_COLOR, strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: { y: { field: "threshold", type: "quantitative" } },
    },
    {
      data: { values: [{ threshold, label: `threshold = ${threshold}` }] },
      mark: { type: "text", color: HIGHLIGHT_COLOR, align: "right", baseline: "bottom", dy: -3, x: "width", fontSize: 11 },
      encoding: { y: { field: "threshold", type: "quantitative" }, text: { field: "label" } },
    },
  ];
  return Chart.render({ ...base, layer: [...behind, lines, ...thresholdLayers] });
}
