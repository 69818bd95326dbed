import { toFiniteNumbers, type NumericInput } from "../eda/numeric-input";
import { Chart } from "./chart";
import { checkSameLength, toCategories, type CategoryInput } from "./chart-input";
import { baseSpec, PRIMARY_COLOR, type ChartOptions } from "./spec-defaults";

/** Data of {@link scatter}: x and y of each point, optionally a group for its colour. */
export interface ScatterData {
  x: NumericInput;
  y: NumericInput;
  /** Group of each point (class label, cluster id...), coloured as a category. */
  color?: CategoryInput;
}

/** Options of {@link scatter}. */
export interface ScatterOptions extends ChartOptions {
  xTitle?: string;
  yTitle?: string;
  /** Legend title for the colour groups (default "group"). */
  colorTitle?: string;
}

/**
 * Scatter plot, optionally coloured by group (nominal colours with a legend).
 *
 * @example
 * ```ts
 * display(await scatter({ x: index, y: salary, color: labels }, { title: "Salaries", colorTitle: "class" }));
 * ```
 */
export async function scatter(data: ScatterData, options: ScatterOptions = {}): Promise<Chart> {
  const x = toFiniteNumbers(data.x, "scatter(x)");
  const y = toFiniteNumbers(data.y, "scatter(y)");
  checkSameLength("scatter", { name: "x", length: x.length }, { name: "y", length: y.length });
  const groups = data.color === undefined ? undefined : toCategories(data.color, "scatter(color)");
  if (groups) checkSameLength("scatter", { name: "x", length: x.length }, { name: "color", length: groups.length });
  const colorTitle = options.colorTitle ?? "group";
  return Chart.render({
    ...baseSpec("scatter", options, { title: "Scatter plot" }),
    data: { values: Array.from(x, (xValue, i) => ({ x: xValue, y: y[i], group: groups?.[i] })) },
    mark: { type: "point", filled: true, size: 36, opacity: 0.75, ...(groups ? {} : { color: PRIMARY_COLOR }) },
    encoding: {
      x: { field: "x", type: "quantitative", title: options.xTitle ?? "x", scale: { zero: false } },
      y: { field: "y", type: "quantitative", title: options.yTitle ?? "y", scale: { zero: false } },
      ...(groups ? { color: { field: "group", type: "nominal", title: colorTitle } } : {}),
    },
  });
}
