import { toFiniteNumbers, type NumericInput } from "../eda/numeric-input";
import { Chart } from "./chart";
import { baseSpec, HIGHLIGHT_COLOR, PRIMARY_COLOR, type ChartOptions } from "./spec-defaults";

/** Options of {@link reconstructionChart}. */
export interface ReconstructionChartOptions extends ChartOptions {
  xTitle?: string;
  yTitle?: string;
}

/**
 * A sequence, an autoencoder's reconstruction of it, and the error shaded between the two (the TensorFlow
 * autoencoder tutorial's plot). The subtitle gives the mean absolute error, the score of an MAE model.
 *
 * @example
 * ```ts
 * const [beat] = testBeats.slice(0, 1);
 * display(await reconstructionChart(beat, ae.reconstruct([beat])[0], { title: "A normal beat" }));
 * ```
 */
export async function reconstructionChart(input: NumericInput, reconstruction: NumericInput, options: ReconstructionChartOptions = {}): Promise<Chart> {
  const x = toFiniteNumbers(input, "reconstructionChart(input)");
  const xHat = toFiniteNumbers(reconstruction, "reconstructionChart(reconstruction)");
  if (x.length !== xHat.length) throw new RangeError(`reconstructionChart: input has ${x.length} values but reconstruction has ${xHat.length}`);
  if (x.length === 0) throw new RangeError("reconstructionChart: input is empty");
  let mae = 0;
  const rows = Array.from(x, (value, t) => {
    mae += Math.abs(value - xHat[t]);
    return { t, input: value, reconstruction: xHat[t] };
  });
  mae /= x.length;
  const lines = rows.flatMap((r) => [
    { t: r.t, series: "input", value: r.input },
    { t: r.t, series: "reconstruction", value: r.reconstruction },
  ]);
  const xEncoding = { field: "t", type: "quantitative", title: options.xTitle ?? "step", scale: { nice: false } };
  const base = baseSpec("reconstructionChart", options, { title: "Input and reconstruction" });
  return Chart.render({
    ...base,
    title: { text: base.title as string, subtitle: `mean absolute error ${mae.toPrecision(3)} (shaded)` },
    layer: [
      {
        data: { values: rows },
        mark: { type: "area", color: HIGHLIGHT_COLOR, opacity: 0.3 },
        encoding: { x: xEncoding, y: { field: "input", type: "quantitative", title: options.yTitle ?? "value" }, y2: { field: "reconstruction" } },
      },
      {
        data: { values: lines },
        mark: { type: "line", strokeWidth: 1.6 },
        encoding: {
          x: xEncoding,
          y: { field: "value", type: "quantitative" },
          color: { field: "series", type: "nominal", title: null, sort: ["input", "reconstruction"], scale: { range: [PRIMARY_COLOR, HIGHLIGHT_COLOR] } },
        },
      },
    ],
  });
}
