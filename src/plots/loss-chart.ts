import type { TrainingHistory } from "../nn/training";
import type { Chart } from "./chart";
import { lineChart } from "./line-chart";
import type { ChartOptions } from "./spec-defaults";

/**
 * The training curves of a neural detector (Keras's `history.history["loss"]` / `["val_loss"]` plot):
 * loss per epoch, validation loss when there was a validation split.
 *
 * @example
 * ```ts
 * await ae.fit(XTrain);
 * display(await lossChart(ae.history, { title: "Autoencoder training" }));
 * ```
 */
export async function lossChart(history: TrainingHistory, options: ChartOptions & { yTitle?: string } = {}): Promise<Chart> {
  if (history.loss.length === 0) throw new RangeError("lossChart: the history has no epochs");
  const series: Record<string, number[]> = { loss: [...history.loss] };
  if (history.valLoss.length > 0) series.val_loss = [...history.valLoss];
  const epochs = history.loss.map((_, i) => i + 1);
  const best = history.stoppedEarly || history.bestEpoch !== history.loss.length ? ` (best epoch ${history.bestEpoch})` : "";
  return lineChart(
    { x: epochs, series },
    { title: `Training loss${best}`, ...options, xTitle: "epoch", yTitle: options.yTitle ?? "loss", seriesTitle: "curve" },
  );
}
