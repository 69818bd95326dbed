import { toFiniteNumbers, type NumericInput } from "../eda/numeric-input";
import { Chart } from "./chart";
import { baseSpec, type ChartOptions } from "./spec-defaults";

/** Options of {@link scoreHistogram}. */
export interface ScoreHistogramOptions extends ChartOptions {
  xTitle?: string;
  /** Upper bound on the number of bins, shared by the groups (default 50). */
  bins?: number;
  /** Draws a dashed vertical rule at the detector's threshold. */
  threshold?: number;
  /** Legend title (default "group"). */
  groupTitle?: string;
}

/**
 * Overlaid histograms of scores by group (normal vs abnormal test rows), on shared bins, with the
 * threshold as a vertical rule: how well one cut-off separates the groups, at a glance.
 *
 * @example
 * ```ts
 * display(await scoreHistogram({ normal: scoresNormal, abnormal: scoresAbnormal },
 *   { threshold: ae.threshold, xTitle: "reconstruction error (MAE)" }));
 * ```
 */
export async function scoreHistogram(groups: Record<string, NumericInput>, options: ScoreHistogramOptions = {}): Promise<Chart> {
  const names = Object.keys(groups ?? {});
  if (names.length === 0) throw new RangeError("scoreHistogram: groups is empty; give at least one { name: scores }");
  const maxbins = options.bins ?? 50;
  if (!Number.isInteger(maxbins) || maxbins < 1) throw new RangeError(`scoreHistogram: bins must be a positive integer, got ${String(maxbins)}`);
  const threshold = options.threshold;
  if (threshold !== undefined && !(typeof threshold === "number" && Number.isFinite(threshold))) {
    throw new RangeError(`scoreHistogram: threshold must be a finite number, got ${String(threshold)}`);
  }
  const values = names.flatMap((group) => Array.from(toFiniteNumbers(groups[group], `scoreHistogram(groups["${group}"])`), (score) => ({ score, group })));
  const bars = {
    data: { values },
    mark: { type: "bar", opacity: 0.55, binSpacing: 0 },
    encoding: {
      x: { field: "score", type: "quantitative", bin: { maxbins, extent: extentOf(values.map((v) => v.score), threshold) }, title: options.xTitle ?? "score" },
      y: { aggregate: "count", type: "quantitative", title: "count", stack: null },
      color: { field: "group", type: "nominal", title: options.groupTitle ?? "group", sort: names },
    },
  };
  const base = baseSpec("scoreHistogram", options, { title: "Scores by group" });
  if (threshold === undefined) return Chart.render({ ...base, ...bars });
  const rule = {
    data: { values: [{ threshold, label: `threshold ${threshold.toPrecision(3)}` }] },
    layer: [
      { mark: { type: "rule", color: "#222", strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { x: { field: "threshold", type: "quantitative" } } },
      { mark: { type: "text", align: "left", dx: 4, y: 8, fontSize: 11, color: "#222" }, encoding: { x: { field: "threshold", type: "quantitative" }, text: { field: "label" } } },
    ],
  };
  return Chart.render({ ...base, layer: [bars, rule] });
}

/** Bin extent covering the scores and the threshold, so that the rule is always on the chart. */
function extentOf(scores: number[], threshold: number | undefined): [number, number] {
  let low = threshold ?? Infinity;
  let high = threshold ?? -Infinity;
  for (const s of scores) {
    if (s < low) low = s;
    if (s > high) high = s;
  }
  return low === high ? [low - 0.5, high + 0.5] : [low, high];
}
