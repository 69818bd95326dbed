import { confusionMatrix } from "../evaluation/classification";
import type { VectorInput } from "../evaluation/inputs";
import { Chart } from "./chart";
import { baseSpec, type ChartOptions } from "./spec-defaults";

/** Options of {@link confusionMatrixChart}. */
export interface ConfusionMatrixChartOptions extends ChartOptions {
  /** Names of class 0 and class 1 (default ["normal", "anomaly"]). */
  labels?: readonly [string, string];
}

/**
 * The 2 x 2 confusion matrix as a heatmap (seaborn's `heatmap(confusion_matrix(...), annot=True)`): true class
 * down, predicted class across, each cell with its count; the colour is the share of its true class, so the
 * rare class is as visible as the common one.
 *
 * @example
 * ```ts
 * display(await confusionMatrixChart(yTest, predicted, { labels: ["normal", "fraud"] }));
 * ```
 */
export async function confusionMatrixChart(yTrue: VectorInput, yPred: VectorInput, options: ConfusionMatrixChartOptions = {}): Promise<Chart> {
  const labels = options.labels ?? ["normal", "anomaly"];
  if (!Array.isArray(labels) || labels.length !== 2 || labels.some((l) => typeof l !== "string" || l === "")) {
    throw new RangeError(`confusionMatrixChart: labels must be two non-empty names [class 0, class 1], got ${JSON.stringify(labels)}`);
  }
  const { matrix } = confusionMatrix(yTrue, yPred);
  const cells = matrix.flatMap((row, t) => {
    const total = row[0] + row[1];
    return row.map((count, p) => ({ truth: labels[t], predicted: labels[p], count, share: total === 0 ? 0 : count / total }));
  });
  const order = [...labels];
  const axis = (field: string, title: string) => ({ field, type: "nominal", title, sort: order, axis: { labelAngle: 0 } });
  return Chart.render({
    ...baseSpec("confusionMatrixChart", options, { title: "Confusion matrix" }),
    width: options.width ?? 260,
    height: options.height ?? 200,
    data: { values: cells },
    encoding: { x: axis("predicted", "predicted class"), y: axis("truth", "true class") },
    layer: [
      {
        mark: { type: "rect", stroke: "white", strokeWidth: 2 },
        encoding: {
          color: { field: "share", type: "quantitative", title: "share of true class", scale: { scheme: "blues", domain: [0, 1] }, legend: { format: ".0%" } },
        },
      },
      {
        mark: { type: "text", fontSize: 16, fontWeight: "bold" },
        encoding: {
          text: { field: "count", type: "quantitative", format: ",d" },
          color: { condition: { test: "datum.share > 0.5", value: "white" }, value: "#222" },
        },
      },
    ],
  });
}
