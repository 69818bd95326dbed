import { toFiniteNumbers, type NumericInput } from "../eda/numeric-input";
import { Chart } from "./chart";
import { baseSpec, HIGHLIGHT_COLOR, PRIMARY_COLOR, type ChartOptions } from "./spec-defaults";

/** Options of {@link boxplot}. */
export interface BoxplotOptions extends ChartOptions {
  /** x axis title (default "value"). */
  xTitle?: string;
}

/**
 * Horizontal box plot: box from Q1 to Q3 with the median, whiskers to the
 * most extreme values within 1.5 IQR of the box (Tukey), and every value
 * beyond them drawn as a red point, i.e. the points `iqrOutliers()` flags.
 * Default height is 110 px (one box needs no more).
 *
 * @example
 * ```ts
 * display(await boxplot(salaries, { title: "Salaries", xTitle: "USD" }));
 * ```
 */
export async function boxplot(values: NumericInput, options: BoxplotOptions = {}): Promise<Chart> {
  const data = toFiniteNumbers(values, "boxplot(values)");
  return Chart.render({
    ...baseSpec("boxplot", options, { title: "Box plot", height: 110 }),
    data: { values: Array.from(data, (value) => ({ value })) },
    mark: {
      type: "boxplot",
      extent: 1.5,
      size: 36,
      color: PRIMARY_COLOR,
      median: { color: "white", strokeWidth: 2 },
      outliers: { color: HIGHLIGHT_COLOR, filled: true, size: 45, opacity: 0.9 },
      rule: { color: "#555" },
      ticks: { color: "#555", size: 14 },
    },
    encoding: {
      x: { field: "value", type: "quantitative", title: options.xTitle ?? "value", scale: { zero: false } },
    },
  });
}
