import type { SeedStudy } from "../evaluation/seed-study";
import { Chart } from "./chart";
import { baseSpec, HIGHLIGHT_COLOR, PRIMARY_COLOR, type ChartOptions } from "./spec-defaults";

/** Options of {@link seedSpreadChart}. */
export interface SeedSpreadOptions extends ChartOptions {
  /** Which metric to draw. Default "rocAuc". */
  metric?: "rocAuc" | "averagePrecision";
}

/**
 * One row per detector: every seed's result as a dot and the mean as a bar tick, so the spread across seeds
 * is seen next to the differences between detectors.
 *
 * @example
 * ```ts
 * display(await seedSpreadChart(study, { metric: "averagePrecision", title: "Card data" }));
 * ```
 */
export async function seedSpreadChart(study: SeedStudy, options: SeedSpreadOptions = {}): Promise<Chart> {
  const metric = options.metric ?? "rocAuc";
  const label = metric === "rocAuc" ? "ROC-AUC" : "Average precision";
  const order = study.summary.sort((a, b) => (metric === "rocAuc" ? b.rocAucMean - a.rocAucMean : b.averagePrecisionMean - a.averagePrecisionMean)).map((s) => s.detector);
  const runs = study.runs.map((run) => ({ detector: run.detector, seed: run.seed, value: run[metric] }));
  const means = study.summary.map((s) => ({ detector: s.detector, value: metric === "rocAuc" ? s.rocAucMean : s.averagePrecisionMean }));
  const y = { field: "detector", type: "nominal", sort: order, title: null };
  const x = { field: "value", type: "quantitative", title: `${label} (dots: seeds, bar: mean)`, scale: { zero: false } };
  return Chart.render({
    ...baseSpec("seedSpreadChart", options, { title: `${label} over seeds`, height: Math.max(120, 26 * order.length) }),
    layer: [
      { data: { values: means }, mark: { type: "tick", color: HIGHLIGHT_COLOR, thickness: 2, size: 18 }, encoding: { y, x } },
      { data: { values: runs }, mark: { type: "point", filled: true, opacity: 0.75, color: PRIMARY_COLOR }, encoding: { y, x, tooltip: [{ field: "seed" }, { field: "value", format: ".4f" }] } },
    ],
  });
}
