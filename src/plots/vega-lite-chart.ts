import { Chart, type VegaLiteSpec } from "./chart";
import { DEFAULT_CONFIG } from "./spec-defaults";

/**
 * Renders any vega-lite spec (plain JSON) with the library's theme applied
 * underneath your own `config`. Use it for charts the builders do not cover.
 *
 * @example
 * ```ts
 * display(await vegaLiteChart({
 *   title: "Score by class",
 *   data: { values: rows },
 *   mark: "tick",
 *   encoding: { x: { field: "score", type: "quantitative" }, y: { field: "class", type: "nominal" } },
 * }));
 * ```
 */
export async function vegaLiteChart(spec: VegaLiteSpec): Promise<Chart> {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new TypeError("vegaLiteChart: spec must be a vega-lite spec object");
  }
  const userConfig = typeof spec.config === "object" && spec.config !== null ? spec.config : {};
  return Chart.render({ ...spec, config: { ...DEFAULT_CONFIG, ...userConfig } });
}
