import { toFiniteNumbers, type NumericInput } from "../eda/numeric-input";
import { Chart } from "./chart";
import { checkSameLength, toCategories, type CategoryInput } from "./chart-input";
import { baseSpec, PRIMARY_COLOR, type ChartOptions } from "./spec-defaults";

/** Options of {@link histogram}. */
export interface HistogramOptions extends ChartOptions {
  /** x axis title (default "value"). */
  xTitle?: string;
  /** Upper bound on the number of bins; vega picks "nice" bin edges (default 30). */
  bins?: number;
  /**
   * Group of each value (a class label): one panel per group, stacked, sharing the x axis and bins, each
   * with its own count axis so that a rare group stays visible. `height` is then per panel (default 130).
   */
  groups?: CategoryInput;
  /** Title of the group panels (default "group"). */
  groupTitle?: string;
}

/**
 * Histogram of numeric values (counts per bin).
 *
 * @example
 * ```ts
 * display(await histogram(df.getColumn("salary"), { title: "Monthly salary", xTitle: "USD", bins: 25 }));
 * display(await histogram(amounts, { groups: classes, groupTitle: "class", title: "Amount by class" }));
 * ```
 */
export async function histogram(values: NumericInput, options: HistogramOptions = {}): Promise<Chart> {
  const data = toFiniteNumbers(values, "histogram(values)");
  const maxbins = options.bins ?? 30;
  if (!Number.isInteger(maxbins) || maxbins < 1) {
    throw new RangeError(`histogram: bins must be a positive integer, got ${String(maxbins)}`);
  }
  if (options.groups !== undefined) return groupedHistogram(data, options.groups, maxbins, options);
  return Chart.render({
    ...baseSpec("histogram", options, { title: "Histogram" }),
    data: { values: Array.from(data, (value) => ({ value })) },
    mark: { type: "bar", color: PRIMARY_COLOR, binSpacing: 1 },
    encoding: {
      x: { field: "value", type: "quantitative", bin: { maxbins }, title: options.xTitle ?? "value" },
      y: { aggregate: "count", type: "quantitative", title: "count", axis: { tickMinStep: 1, format: "d" } },
    },
  });
}

async function groupedHistogram(data: Float64Array, groupInput: CategoryInput, maxbins: number, options: HistogramOptions): Promise<Chart> {
  const groups = toCategories(groupInput, "histogram(groups)");
  checkSameLength("histogram", { name: "values", length: data.length }, { name: "groups", length: groups.length });
  const { width, height, ...top } = baseSpec("histogram", options, { title: "Histogram", height: 130 });
  return Chart.render({
    ...top,
    data: { values: Array.from(data, (value, i) => ({ value, group: String(groups[i]) })) },
    facet: { row: { field: "group", type: "nominal", title: options.groupTitle ?? "group", header: { labelAngle: 0, labelAlign: "left" } } },
    spec: {
      width,
      height,
      mark: { type: "bar", binSpacing: 1 },
      encoding: {
        x: { field: "value", type: "quantitative", bin: { maxbins, extent: [Math.min(...data), Math.max(...data)] }, title: options.xTitle ?? "value" },
        y: { aggregate: "count", type: "quantitative", title: "count", axis: { tickMinStep: 1, format: "d" } },
        color: { field: "group", type: "nominal", legend: null },
      },
    },
    resolve: { scale: { y: "independent" } },
  });
}
