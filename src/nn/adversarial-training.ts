/**
 * The training loop of the detectors whose training alternates several losses (the GANs): the same seeded
 * per-epoch permutation, progress bar and history as {@link trainModel}, but each batch goes to a `step`
 * function that runs its own updates (discriminator, then generators) and reports its named losses.
 *
 * History: `loss` is the first named loss (the discriminator's, which scores), `losses` holds every named
 * loss per epoch (batch means weighted by batch size).
 */
import type * as TF from "@tensorflow/tfjs";
import { RandomState } from "../random";
import { progressBar } from "../display/progress";
import { HostAdam } from "./host-adam";
import { HostSGD } from "./host-sgd";
import { beforeBatch, type ResolvedTraining, type TrainingHistory, type TrainingRun } from "./training";

/** A training history with every named loss per epoch. */
export interface AdversarialHistory extends TrainingHistory {
  readonly losses: Readonly<Record<string, readonly number[]>>;
}

/** One gradient update of `variables` on `loss`; returns the loss's value (tensors freed). */
export function gradientStep(tf: typeof TF, variables: readonly TF.Variable[], optimizer: HostAdam | HostSGD, loss: () => TF.Scalar): number {
  const { value, grads } = tf.variableGrads(loss, variables as TF.Variable[]);
  const gradients = variables.map((variable) => grads[variable.name]);
  optimizer.apply(tf, gradients);
  for (const gradient of gradients) gradient.dispose();
  const result = value.dataSync()[0];
  value.dispose();
  return result;
}

/** GANs cannot use validation rows or early stopping on one loss: say so instead of ignoring them. */
export function checkAdversarialSettings(settings: ResolvedTraining, name: string): void {
  if (settings.validationSplit > 0) throw new RangeError(`${name}: validationSplit is not supported (adversarial training has no single validation loss)`);
  if (settings.validationData) {
    throw new RangeError(`${name}: validationData is not supported (adversarial training has no single validation loss)`);
  }
  if (settings.earlyStopping) throw new RangeError(`${name}: earlyStopping is not supported (the generator and discriminator losses do not settle to a minimum)`);
}

/**
 * Trains with `step` on every batch of every epoch. As {@link trainModel}: the event loop runs and
 * `run.checkInterrupt` is asked before every batch; no tensor is left behind when it stops training.
 */
export async function trainAdversarial(
  tf: typeof TF,
  data: TF.Tensor,
  settings: ResolvedTraining,
  seed: number,
  run: Omit<TrainingRun, "validationData">,
  step: (batch: TF.Tensor, epoch: number) => Record<string, number>,
): Promise<AdversarialHistory> {
  const { label = "training", checkInterrupt } = run;
  const n = data.shape[0];
  if (n < 1) throw new RangeError(`${label}: no training rows`);
  const random = new RandomState(seed);
  const bar = settings.progress === true ? progressBar(settings.epochs, { label, minIntervalMs: 250 }) : undefined;
  const losses: Record<string, number[]> = {};
  const started = performance.now();
  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    const epochData = settings.shuffle ? tf.tidy(() => tf.gather(data, tf.tensor1d(random.permutation(n), "int32"))) : data;
    const sums: Record<string, number> = {};
    try {
      for (let start = 0; start < n; start += settings.batchSize) {
        await beforeBatch(checkInterrupt);
        const size = Math.min(settings.batchSize, n - start);
        const batch = epochData.slice(start, size);
        try {
          for (const [name, value] of Object.entries(step(batch, epoch))) sums[name] = (sums[name] ?? 0) + value * size;
        } finally {
          batch.dispose();
        }
      }
    } finally {
      if (epochData !== data) epochData.dispose();
    }
    for (const [name, sum] of Object.entries(sums)) {
      const mean = sum / n;
      if (!Number.isFinite(mean)) throw new Error(`${label}: the ${name} became ${mean} at epoch ${epoch}; lower the learning rates or scale the inputs`);
      (losses[name] ??= []).push(mean);
    }
    const seconds = (performance.now() - started) / 1000;
    const summary = Object.entries(losses).map(([name, values]) => `${name} ${format(values[values.length - 1])}`).join(" · ");
    if (typeof settings.progress === "function") settings.progress({ epoch, loss: Object.values(losses)[0]?.at(-1) ?? NaN, seconds });
    bar?.update(epoch, summary);
  }
  const seconds = (performance.now() - started) / 1000;
  const first = Object.values(losses)[0] ?? [];
  bar?.finish(`${Object.entries(losses).map(([name, values]) => `${name} ${format(values[values.length - 1])}`).join(" · ")} · ${(seconds / settings.epochs).toFixed(2)} s/epoch`);
  return { loss: first, valLoss: [], bestEpoch: settings.epochs, stoppedEarly: false, seconds, trainRows: n, validationRows: 0, backend: tf.getBackend(), losses };
}

function format(value: number): string {
  return value < 1e-3 ? value.toExponential(3) : value.toPrecision(4);
}
