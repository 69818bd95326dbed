import { toFiniteNumbers, type NumericInput } from "../eda/numeric-input";
import { valueCounts } from "../eda/value-counts";
import { Chart } from "./chart";
import { checkSameLength, toCategories, type CategoryInput } from "./chart-input";
import { estimateTextWidth } from "./text-metrics";
import { baseSpec, PRIMARY_COLOR, type ChartOptions } from "./spec-defaults";

/** Data of {@link barChart}: one bar per label, in the given order. */
export interface BarChartData {
  labels: CategoryInput;
  values: NumericInput;
}

/** Options of {@link barChart}. */
export interface BarChartOptions extends ChartOptions {
  xTitle?: string;
  yTitle?: string;
  /** Writes each bar's value above it (default false). */
  showValues?: boolean;
}

/** Room a slanted (-35°) label needs across: parallel lines of 11 px text stay apart at 11 / sin 35° ≈ 19 px. */
const SLANTED_LABEL_PITCH = 20;

/**
 * Horizontal labels when they fit under their bars, slanted when they would collide, upright when even slanted
 * ones would touch. Each label names a bar, so none is ever dropped (vega's default hides overlapping labels).
 */
function labelAxis(labels: string[], width: number): Record<string, unknown> {
  const widest = Math.max(...labels.map((label) => estimateTextWidth(label, 11)));
  const pitch = width / labels.length;
  if (widest <= pitch * 0.9) return { labelAngle: 0, labelOverlap: false };
  if (pitch >= SLANTED_LABEL_PITCH) return { labelAngle: -35, labelAlign: "right", labelBaseline: "top", labelOverlap: false };
  return { labelAngle: -90, labelAlign: "right", labelBaseline: "middle", labelOverlap: false };
}

/**
 * Vertical bar chart, bars in the order given.
 *
 * @example
 * ```ts
 * display(await barChart({ labels: ["knn", "iforest"], values: [0.91, 0.87] }, { title: "ROC AUC", showValues: true }));
 * ```
 */
export async function barChart(data: BarChartData, options: BarChartOptions = {}): Promise<Chart> {
  const labels = toCategories(data.labels, "barChart(labels)");
  const values = toFiniteNumbers(data.values, "barChart(values)");
  checkSameLength("barChart", { name: "labels", length: labels.length }, { name: "values", length: values.length });
  const order = labels.map(String);
  if (new Set(order).size !== order.length) {
    throw new RangeError("barChart: labels must be distinct (each label is one bar)");
  }
  const top = baseSpec("barChart", options, { title: "Bar chart" });
  const base = { ...top, data: { values: order.map((label, i) => ({ label, value: values[i] })) } };
  const bars = {
    mark: { type: "bar", color: PRIMARY_COLOR },
    encoding: {
      x: { field: "label", type: "nominal", sort: order, title: options.xTitle ?? "label", axis: labelAxis(order, top.width as number) },
      y: { field: "value", type: "quantitative", title: options.yTitle ?? "value" },
    },
  };
  if (!options.showValues) return Chart.render({ ...base, ...bars });
  const valueLabels = {
    mark: { type: "text", baseline: "bottom", dy: -3, fontSize: 11, color: "#333" },
    encoding: {
      x: { field: "label", type: "nominal", sort: order },
      y: { field: "value", type: "quantitative" },
      text: { field: "value", type: "quantitative" },
    },
  };
  return Chart.render({ ...base, layer: [bars, valueLabels] });
}

/**
 * Bar chart of how often each class label occurs (e.g. 0 = normal,
 * 1 = anomaly), classes in ascending order, counts written on the bars.
 *
 * @example
 * ```ts
 * display(await classCountsChart(df.getColumn("class")));
 * ```
 */
export async function classCountsChart(labels: CategoryInput, options: BarChartOptions = {}): Promise<Chart> {
  const counts = valueCounts(toCategories(labels, "classCountsChart(labels)")).sort("value");
  return barChart(
    { labels: counts.getColumn("value"), values: counts.getColumn("count") },
    { title: "Class counts", xTitle: "class", yTitle: "count", showValues: true, ...options },
  );
}
