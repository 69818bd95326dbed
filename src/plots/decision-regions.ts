import type { Detector } from "../core/detector";
import { toMatrix, type MatrixInput } from "../core/matrix";
import { Chart } from "./chart";
import { baseSpec, HIGHLIGHT_COLOR, PRIMARY_COLOR, type ChartOptions } from "./spec-defaults";

/** Options of {@link decisionRegionChart}. */
export interface DecisionRegionOptions extends ChartOptions {
  /** Background: the detector's "regions" (inlier / outlier, default) or its "scores" as a heat map. */
  background?: "regions" | "scores";
  /** Grid cells per axis (default 60 for regions, 40 for scores). */
  gridSize?: number;
  /** Extra margin around the data, as a share of each axis's range (default 0.1). */
  margin?: number;
  /** Rows drawn larger with a ring, e.g. planted anomalies. */
  highlight?: readonly number[];
  xTitle?: string;
  yTitle?: string;
}

const INLIER_REGION = "#dbe7f3";
const OUTLIER_REGION = "#f6c9c6";

/**
 * A fitted detector's decision regions on two-column data: the plane is cut into a grid, every cell
 * is scored, and cells whose score exceeds the detector's threshold (what `predict` would flag) are
 * shaded as the outlier region; the training points are drawn on top, coloured by their predicted
 * label. With `background: "scores"` the cells show the score itself instead.
 *
 * @example
 * ```ts
 * const forest = new IForestDetector({ contamination: 0.01, seed: 0 }).fit(X);
 * display(await decisionRegionChart(forest, X, { highlight: [0, 1], title: "Isolation Forest" }));
 * ```
 */
export async function decisionRegionChart(
  detector: Pick<Detector, "score" | "threshold" | "predict">,
  X: MatrixInput,
  options: DecisionRegionOptions = {},
): Promise<Chart> {
  const data = toMatrix(X, { name: "decisionRegionChart(X)" });
  if (data.cols !== 2) throw new RangeError(`decisionRegionChart: X must have 2 columns (x and y), got ${data.cols}`);
  const gridSize = options.gridSize ?? (options.background === "scores" ? 40 : 60);
  if (!Number.isInteger(gridSize) || gridSize < 2 || gridSize > 300) throw new RangeError(`gridSize must be an integer in [2, 300], got ${gridSize}`);
  const margin = options.margin ?? 0.1;
  const highlight = new Set(options.highlight ?? []);
  for (const row of highlight) {
    if (!Number.isInteger(row) || row < 0 || row >= data.rows) throw new RangeError(`highlight: row ${row} is not a row of X (0..${data.rows - 1})`);
  }

  const [xRange, yRange] = [0, 1].map((j) => {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < data.rows; i++) {
      const v = data.data[i * 2 + j];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const pad = (max - min || 1) * margin;
    return [min - pad, max + pad];
  });
  const step = [(xRange[1] - xRange[0]) / gridSize, (yRange[1] - yRange[0]) / gridSize];
  const centres: number[][] = [];
  for (let gy = 0; gy < gridSize; gy++) {
    for (let gx = 0; gx < gridSize; gx++) centres.push([xRange[0] + (gx + 0.5) * step[0], yRange[0] + (gy + 0.5) * step[1]]);
  }
  const cellScores = detector.score(centres);
  const threshold = detector.threshold;
  const regionOf = (k: number) => (cellScores[k] > threshold ? "outlier region" : "inlier region");
  const cells: Array<{ x: number; x2: number; y: number; y2: number; score?: number; region?: string }> = [];
  for (let gy = 0; gy < gridSize; gy++) {
    const y = yRange[0] + gy * step[1];
    for (let gx = 0; gx < gridSize; gx++) {
      const k = gy * gridSize + gx;
      const x = xRange[0] + gx * step[0];
      if (options.background === "scores") {
        cells.push({ x, x2: x + step[0], y, y2: y + step[1], score: cellScores[k] });
        continue;
      }
      // Regions: one rectangle per run of equal cells along the row keeps the SVG small.
      let end = gx;
      while (end + 1 < gridSize && regionOf(k + end + 1 - gx) === regionOf(k)) end++;
      cells.push({ x, x2: xRange[0] + (end + 1) * step[0], y, y2: y + step[1], region: regionOf(k) });
      gx = end;
    }
  }
  const predicted = detector.predict(data);
  const points = Array.from({ length: data.rows }, (_, i) => ({
    x: data.data[i * 2], y: data.data[i * 2 + 1], label: predicted[i] === 1 ? "flagged (outlier)" : "inlier", marked: highlight.has(i),
  }));

  const xScale = { domain: xRange, nice: false, zero: false };
  const yScale = { domain: yRange, nice: false, zero: false };
  const background = options.background === "scores"
    ? { field: "score", type: "quantitative", title: "anomaly score", scale: { scheme: "orangered" } }
    : { field: "region", type: "nominal", title: "detector says", scale: { domain: ["inlier region", "outlier region"], range: [INLIER_REGION, OUTLIER_REGION] } };
  return Chart.render({
    ...baseSpec("decision-regions", options, { title: "Decision regions", height: 420 }),
    width: options.width ?? 460,
    layer: [
      {
        data: { values: cells },
        mark: { type: "rect", strokeWidth: 0 },
        encoding: {
          x: { field: "x", type: "quantitative", title: options.xTitle ?? "x", scale: xScale },
          x2: { field: "x2" },
          y: { field: "y", type: "quantitative", title: options.yTitle ?? "y", scale: yScale },
          y2: { field: "y2" },
          color: background,
        },
      },
      {
        data: { values: points },
        mark: { type: "point", filled: true, opacity: 0.9 },
        encoding: {
          x: { field: "x", type: "quantitative", scale: xScale },
          y: { field: "y", type: "quantitative", scale: yScale },
          fill: { field: "label", type: "nominal", title: "prediction", scale: { domain: ["inlier", "flagged (outlier)"], range: [PRIMARY_COLOR, HIGHLIGHT_COLOR] } },
          size: { condition: { test: "datum.marked", value: 160 }, value: 30 },
          stroke: { condition: { test: "datum.marked", value: "#222" }, value: null },
          strokeWidth: { value: 1.5 },
        },
      },
    ],
    resolve: { scale: { color: "independent", fill: "independent" } },
  });
}
