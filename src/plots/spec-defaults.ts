/** Size, look and shared option handling for every built-in chart. */
import type { VegaLiteSpec } from "./chart";

/** Options every chart builder accepts. */
export interface ChartOptions {
  /** Chart title shown above the plot. */
  title?: string;
  /** Width of the plotting area in pixels (default 560). */
  width?: number;
  /** Height of the plotting area in pixels (default 260; boxplots are shorter). */
  height?: number;
}

export const DEFAULT_WIDTH = 560;
export const DEFAULT_HEIGHT = 260;
export const PRIMARY_COLOR = "#4c78a8";
export const HIGHLIGHT_COLOR = "#e45756";

/**
 * Colours of the series of a chart (lines, curves, groups), in order. vega's default (tableau10) puts
 * orange, red and yellow second, third and sixth: two bearings, or LOF and PCA, came out as near-identical
 * oranges. This list keeps the house blue, then matplotlib's orange and green, then adds one at a time the
 * colour farthest (CIEDE2000) from all before it and from the highlight red and the baseline grey, leaving
 * out black, greys and colours too pale on white. Any two of the first four differ by ΔE2000 >= 39, any two
 * of the first nine by >= 23 (tableau10: 18; 2-3 is the smallest difference one notices at a glance).
 */
export const SERIES_COLORS: readonly string[] = [
  "#4c78a8", // blue (PRIMARY_COLOR)
  "#ff7f0e", // orange
  "#2ca02c", // green
  "#882255", // wine
  "#e377c2", // pink
  "#17becf", // cyan
  "#8c6d31", // ochre
  "#332288", // indigo
  "#bcbd22", // olive
  "#8c564b", // brown
];

/**
 * A quiet theme that reads well on white in JupyterLab and in exported HTML:
 * larger axis titles, light grid, left-aligned title, and label limits
 * generous enough that long category names are not cut with "…".
 */
export const DEFAULT_CONFIG: Record<string, unknown> = {
  background: "white",
  font: "Helvetica, Arial, sans-serif",
  padding: 10,
  title: { fontSize: 15, fontWeight: "bold", anchor: "start", offset: 10, color: "#222" },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: "normal",
    titleColor: "#333",
    labelColor: "#444",
    gridColor: "#e8e8e8",
    domainColor: "#888",
    tickColor: "#888",
    labelLimit: 400,
    // Drop a label rather than let two run together (seen: "2,4002,600" at the end of an axis).
    labelOverlap: "parity",
    labelSeparation: 6,
    titlePadding: 8,
  },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", labelLimit: 400 },
  view: { stroke: "#ddd" },
  range: { category: SERIES_COLORS },
};

function checkSize(value: number | undefined, name: string, fallback: number, chart: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${chart}: ${name} must be a positive number of pixels, got ${String(value)}`);
  }
  return value;
}

/** The top-level part of a spec: schema, title, size and theme. */
export function baseSpec(
  chart: string,
  options: ChartOptions,
  defaults: { title: string; height?: number },
): VegaLiteSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? defaults.title,
    width: checkSize(options.width, "width", DEFAULT_WIDTH, chart),
    height: checkSize(options.height, "height", defaults.height ?? DEFAULT_HEIGHT, chart),
    config: DEFAULT_CONFIG,
  };
}
