import { toMatrix, type MatrixInput } from "../core/matrix";
import { Chart } from "./chart";
import { baseSpec, type ChartOptions } from "./spec-defaults";

/** Options of {@link bandChart}. */
export interface BandChartOptions extends ChartOptions {
  xTitle?: string;
  yTitle?: string;
  /** Half-width of the band in standard deviations (default 1: mean ± 1 std). */
  stds?: number;
  /** Legend title (default "group"). */
  groupTitle?: string;
}

/**
 * The mean sequence of each group of rows, with a shaded band of ± `stds` standard deviations around it:
 * the "average normal beat vs average abnormal beat" picture. Each group is a matrix whose rows are
 * sequences of one length (columns = time steps).
 *
 * @example
 * ```ts
 * display(await bandChart({ normal: split.normalTrain, abnormal: split.anomalousTrain },
 *   { title: "Mean beat ± 1 std", xTitle: "sample", yTitle: "mV" }));
 * ```
 */
export async function bandChart(groups: Record<string, MatrixInput>, options: BandChartOptions = {}): Promise<Chart> {
  const names = Object.keys(groups ?? {});
  if (names.length === 0) throw new RangeError("bandChart: groups is empty; give at least one { name: rows }");
  const stds = options.stds ?? 1;
  if (!(typeof stds === "number" && Number.isFinite(stds) && stds >= 0)) throw new RangeError(`bandChart: stds must be a finite number >= 0, got ${String(stds)}`);
  let steps: number | undefined;
  const rows: Array<{ x: number; group: string; mean: number; low: number; high: number }> = [];
  for (const name of names) {
    const matrix = toMatrix(groups[name], { name: `bandChart(groups["${name}"])` });
    if (matrix.rows === 0) throw new RangeError(`bandChart: groups["${name}"] has no rows`);
    if (steps !== undefined && matrix.cols !== steps) {
      throw new RangeError(`bandChart: groups["${name}"] has sequences of ${matrix.cols} steps, but "${names[0]}" has ${steps}`);
    }
    steps = matrix.cols;
    for (let j = 0; j < matrix.cols; j++) {
      let mean = 0;
      for (let i = 0; i < matrix.rows; i++) mean += matrix.data[i * matrix.cols + j];
      mean /= matrix.rows;
      let squares = 0;
      for (let i = 0; i < matrix.rows; i++) squares += (matrix.data[i * matrix.cols + j] - mean) ** 2;
      const std = Math.sqrt(squares / matrix.rows);
      rows.push({ x: j, group: name, mean, low: mean - stds * std, high: mean + stds * std });
    }
  }
  const color = { field: "group", type: "nominal", title: options.groupTitle ?? "group", sort: names };
  const x = { field: "x", type: "quantitative", title: options.xTitle ?? "step", scale: { nice: false } };
  return Chart.render({
    ...baseSpec("bandChart", options, { title: `Mean ± ${stds} std` }),
    data: { values: rows },
    layer: [
      { mark: { type: "area", opacity: 0.22 }, encoding: { x, y: { field: "low", type: "quantitative", title: options.yTitle ?? "value" }, y2: { field: "high" }, color } },
      { mark: { type: "line", strokeWidth: 1.8 }, encoding: { x, y: { field: "mean", type: "quantitative" }, color } },
    ],
  });
}
