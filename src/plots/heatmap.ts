import { Chart } from "./chart";
import { baseSpec, type ChartOptions } from "./spec-defaults";

/** Data of {@link heatmap}: a value per row and column; `null` (or a non-finite number) marks an empty cell. */
export interface HeatmapData {
  /** Row labels, top to bottom. */
  rows: readonly string[];
  /** Column labels, left to right. */
  columns: readonly string[];
  /** values[i][j] belongs to rows[i] and columns[j]. */
  values: readonly (readonly (number | null)[])[];
}

/** Options of {@link heatmap}. */
export interface HeatmapOptions extends ChartOptions {
  /**
   * "sequential" (default): light to dark blue from the smallest value to the largest. "diverging": blue below
   * `center`, red above, white at it, symmetric, for differences (ours - published).
   */
  scheme?: "sequential" | "diverging";
  /** The value a diverging scale is white at (default 0). */
  center?: number;
  /** The colour scale's [low, high] (default: the values' range; diverging: symmetric around `center`). */
  domain?: readonly [number, number];
  /** d3 format of the numbers written in the cells (default ".3f"); `false` writes none. */
  format?: string | false;
  /** Title of the colour legend (default "value"). */
  valueTitle?: string;
  /** Text of empty cells (default "–"). */
  emptyText?: string;
  xTitle?: string;
  yTitle?: string;
}

/**
 * A grid of coloured cells with their values written in (seaborn's `heatmap(df, annot=True)`): a table of
 * numbers, such as a benchmark's detectors x datasets, read at a glance. Empty cells (no value) are grey with
 * `emptyText`. With `scheme: "diverging"` the colour says the sign and size of a difference.
 *
 * @example
 * ```ts
 * display(await heatmap({ rows: ["cardio", "mnist"], columns: ["KNN", "PCA"], values: [[0.0001, -0.02], [0, null]] },
 *   { scheme: "diverging", format: "+.4f", title: "ours - published" }));
 * ```
 */
export async function heatmap(data: HeatmapData, options: HeatmapOptions = {}): Promise<Chart> {
  const { rows, columns, values } = checkData(data);
  const scheme = options.scheme ?? "sequential";
  if (scheme !== "sequential" && scheme !== "diverging") throw new RangeError(`heatmap: scheme must be "sequential" or "diverging", got ${String(scheme)}`);
  const center = options.center ?? 0;
  if (!Number.isFinite(center)) throw new RangeError(`heatmap: center must be a finite number, got ${center}`);
  const cells = rows.flatMap((row, i) => columns.map((column, j) => {
    const value = values[i]![j]!;
    return { row, column, value: value !== null && Number.isFinite(value) ? value : null };
  }));
  const present = cells.flatMap((c) => (c.value === null ? [] : [c.value]));
  const domain = options.domain ?? defaultDomain(present, scheme, center);
  if (domain.length !== 2 || !domain.every(Number.isFinite) || !(domain[0] < domain[1])) {
    throw new RangeError(`heatmap: domain must be [low, high] with finite low < high, got ${JSON.stringify(domain)}`);
  }
  const format = options.format === undefined ? ".3f" : options.format;
  const top = baseSpec("heatmap", options, { title: "Heatmap" });
  const axis = (field: string, order: readonly string[], title: string | undefined, labels: Record<string, unknown>) =>
    // Each label names a row or column of cells: never hidden for overlap (cells are at least 20 px high, 34 wide).
    ({ field, type: "nominal", sort: [...order], title: title ?? null, axis: { ticks: false, domain: false, labelOverlap: false, ...labels } });
  const slanted = columns.some((c) => c.length > 6);
  const color = scheme === "diverging"
    ? { scheme: "redblue", reverse: true, domain: [domain[0], center, domain[1]], clamp: true }
    : { scheme: "blues", domain: [...domain], clamp: true };
  const midpoint = (domain[0] + domain[1]) / 2;
  const darkText = scheme === "diverging"
    ? `abs(datum.value - ${center}) > ${0.6 * Math.max(center - domain[0], domain[1] - center)}`
    : `datum.value > ${midpoint + 0.2 * (domain[1] - domain[0])}`;
  const layers: Record<string, unknown>[] = [
    {
      transform: [{ filter: "datum.value !== null" }],
      mark: { type: "rect", stroke: "white", strokeWidth: 1 },
      encoding: { color: { field: "value", type: "quantitative", title: options.valueTitle ?? "value", scale: color } },
    },
    {
      transform: [{ filter: "datum.value === null" }],
      mark: { type: "rect", stroke: "white", strokeWidth: 1, color: "#eeeeee" },
    },
    {
      transform: [{ filter: "datum.value === null" }, { calculate: JSON.stringify(options.emptyText ?? "–"), as: "empty" }],
      mark: { type: "text", fontSize: 10, color: "#888" },
      encoding: { text: { field: "empty", type: "nominal" } },
    },
  ];
  if (format !== false) {
    layers.push({
      transform: [{ filter: "datum.value !== null" }],
      mark: { type: "text", fontSize: 10 },
      encoding: {
        text: { field: "value", type: "quantitative", format, title: options.valueTitle ?? "value" },
        color: { condition: { test: darkText, value: "white" }, value: "#222" },
      },
    });
  }
  const cellWidth = Math.max(34, Math.min(70, 560 / columns.length));
  return Chart.render({
    ...top,
    width: options.width ?? cellWidth * columns.length,
    height: options.height ?? 20 * rows.length,
    data: { values: cells },
    encoding: {
      x: axis("column", columns, options.xTitle, slanted ? { labelAngle: -35, labelAlign: "right" } : { labelAngle: 0 }),
      y: axis("row", rows, options.yTitle, {}),
    },
    layer: layers,
  });
}

function checkData(data: HeatmapData): HeatmapData {
  if (data === null || typeof data !== "object") throw new TypeError("heatmap: data must be { rows, columns, values }");
  const { rows, columns, values } = data;
  for (const [name, labels] of [["rows", rows], ["columns", columns]] as const) {
    if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === "string")) {
      throw new RangeError(`heatmap: ${name} must be a non-empty array of labels`);
    }
    if (new Set(labels).size !== labels.length) throw new RangeError(`heatmap: ${name} must be distinct (each label is one ${name === "rows" ? "row" : "column"})`);
  }
  if (!Array.isArray(values) || values.length !== rows.length) {
    throw new RangeError(`heatmap: values must have one array per row (${rows.length}), got ${Array.isArray(values) ? values.length : typeof values}`);
  }
  values.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== columns.length) {
      throw new RangeError(`heatmap: values[${i}] (row ${JSON.stringify(rows[i])}) must have ${columns.length} values, one per column`);
    }
    row.forEach((value, j) => {
      if (value !== null && typeof value !== "number") throw new TypeError(`heatmap: values[${i}][${j}] must be a number or null, got ${typeof value}`);
    });
  });
  return data;
}

function defaultDomain(values: readonly number[], scheme: "sequential" | "diverging", center: number): [number, number] {
  if (values.length === 0) return [center - 1, center + 1];
  if (scheme === "diverging") {
    const reach = Math.max(...values.map((v) => Math.abs(v - center))) || 1;
    return [center - reach, center + reach];
  }
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? [low - 1, high + 1] : [low, high];
}
