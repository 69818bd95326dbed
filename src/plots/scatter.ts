import { toFiniteNumbers, type NumericInput } from "../eda/numeric-input";
import { Chart } from "./chart";
import { checkSameLength, toCategories, type CategoryInput } from "./chart-input";
import { baseSpec, HIGHLIGHT_COLOR, PRIMARY_COLOR, type ChartOptions } from "./spec-defaults";

/** Data of {@link scatter}: x and y of each point, optionally a group for its colour. */
export interface ScatterData {
  x: NumericInput;
  y: NumericInput;
  /** Group of each point (class label, cluster id...), coloured as a category. */
  color?: CategoryInput;
  /** A name written beside each point (few points: detectors, datasets). */
  labels?: CategoryInput;
}

/** Options of {@link scatter}. */
export interface ScatterOptions extends ChartOptions {
  xTitle?: string;
  yTitle?: string;
  /** Legend title for the colour groups (default "group"). */
  colorTitle?: string;
  /** Draws a dashed horizontal rule at this y (a score threshold), labelled. */
  threshold?: number;
  /** Logarithmic y axis (scores spanning several orders of magnitude; every y must be > 0). */
  logY?: boolean;
  /** Logarithmic x axis (e.g. seconds from milliseconds to minutes; every x must be > 0). */
  logX?: boolean;
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
  const { threshold, logY = false } = options;
  if (threshold !== undefined && (typeof threshold !== "number" || !Number.isFinite(threshold) || (logY && threshold <= 0))) {
    throw new RangeError(`scatter: threshold must be a finite number${logY ? " > 0 (log y axis)" : ""}, got ${String(threshold)}`);
  }
  if (logY) {
    const bad = y.findIndex((value) => !(value > 0));
    if (bad >= 0) throw new RangeError(`scatter: logY needs every y > 0, but y[${bad}] = ${y[bad]}`);
  }
  const logX = options.logX ?? false;
  if (logX) {
    const bad = x.findIndex((value) => !(value > 0));
    if (bad >= 0) throw new RangeError(`scatter: logX needs every x > 0, but x[${bad}] = ${x[bad]}`);
  }
  const labels = data.labels === undefined ? undefined : toCategories(data.labels, "scatter(labels)");
  if (labels) checkSameLength("scatter", { name: "x", length: x.length }, { name: "labels", length: labels.length });
  const yScale = logY ? { type: "log" } : { zero: false };
  const xScale = logX ? { type: "log" } : { zero: false };
  const points = {
    data: { values: Array.from(x, (xValue, i) => ({ x: xValue, y: y[i], group: groups?.[i], ...(labels ? { label: String(labels[i]) } : {}) })) },
    mark: { type: "point", filled: true, size: 36, opacity: 0.75, ...(groups ? {} : { color: PRIMARY_COLOR }) },
    encoding: {
      x: { field: "x", type: "quantitative", title: options.xTitle ?? "x", scale: xScale },
      y: { field: "y", type: "quantitative", title: options.yTitle ?? "y", scale: yScale },
      ...(groups ? { color: { field: "group", type: "nominal", title: colorTitle } } : {}),
    },
  };
  const base = baseSpec("scatter", options, { title: "Scatter plot" });
  const named = labels === undefined ? [] : [{
    data: points.data,
    mark: { type: "text", align: "left", dx: 6, fontSize: 11, color: "#333" },
    encoding: { x: { ...points.encoding.x }, y: { ...points.encoding.y }, text: { field: "label", type: "nominal" } },
  }];
  if (threshold === undefined) return Chart.render(named.length === 0 ? { ...base, ...points } : { ...base, layer: [points, ...named] });
  const rule = {
    data: { values: [{ threshold, label: `threshold = ${threshold}` }] },
    encoding: { y: { field: "threshold", type: "quantitative", scale: yScale } },
    layer: [
      { mark: { type: "rule", color: HIGHLIGHT_COLOR, strokeDash: [6, 4], strokeWidth: 1.5 } },
      { mark: { type: "text", color: HIGHLIGHT_COLOR, align: "right", baseline: "bottom", dy: -3, x: "width", fontSize: 11 }, encoding: { text: { field: "label" } } },
    ],
  };
  return Chart.render({ ...base, layer: [points, ...named, rule] });
}
