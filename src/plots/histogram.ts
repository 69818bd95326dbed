import { toFiniteNumbers, type NumericInput } from "../eda/numeric-input";
import { Chart } from "./chart";
import { baseSpec, PRIMARY_COLOR, type ChartOptions } from "./spec-defaults";

/** Options of {@link histogram}. */
export interface HistogramOptions extends ChartOptions {
  /** x axis title (default "value"). */
  xTitle?: string;
  /** Upper bound on the number of bins; vega picks "nice" bin edges (default 30). */
  bins?: number;
}

/**
 * Histogram of numeric values (counts per bin).
 *
 * @example
 * ```ts
 * display(await histogram(df.getColumn("salary"), { title: "Monthly salary", xTitle: "USD", bins: 25 }));
 * ```
 */
export async function histogram(values: NumericInput, options: HistogramOptions = {}): Promise<Chart> {
  const data = toFiniteNumbers(values, "histogram(values)");
  const maxbins = options.bins ?? 30;
  if (!Number.isInteger(maxbins) || maxbins < 1) {
    throw new RangeError(`histogram: bins must be a positive integer, got ${String(maxbins)}`);
  }
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
