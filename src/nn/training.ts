/**
 * The training loop shared by the neural detectors: Keras's `fit` semantics, seeded.
 *
 * Why not `model.fit`: tfjs shuffles with Math.random (not seeded) and cannot add an activity penalty
 * (`activityRegularizer` throws "not supported yet" at fit), so the loop is ours: a seeded permutation per
 * epoch, the loss computed by the detector (reconstruction + penalties), Adam with Keras's defaults,
 * Keras's `validation_split` (the LAST rows, taken before shuffling), early stopping with restore of the
 * best weights, and a progress bar that redraws between epochs.
 */
import type * as TF from "@tensorflow/tfjs";
import { RandomState } from "../random";
import { progressBar, type ProgressBar } from "../display/progress";
import { checkInteger } from "../core/validation";
import { HostAdam } from "./host-adam";
import { HostRows } from "./host-rows";
import type { MatrixInput } from "../core/matrix";

/** Early stopping, as Keras's `EarlyStopping` callback. */
export interface EarlyStoppingOptions {
  /** Quantity watched: "val_loss" (default when there is a validation split) or "loss". */
  monitor?: "val_loss" | "loss";
  /** Epochs without improvement before stopping. Default 10. */
  patience?: number;
  /** Smallest decrease that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Put back the weights of the best epoch at the end. Default true (Keras: false). */
  restoreBestWeights?: boolean;
}

/** One epoch's figures, as passed to a progress callback. */
export interface EpochLog {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss over the epoch's batches (weighted by batch size, as Keras). */
  loss: number;
  /** Validation loss after the epoch, when there is a validation split. */
  valLoss?: number;
  /** Seconds since training started. */
  seconds: number;
}

/** Options of the training loop (every neural detector accepts them). */
export interface TrainingOptions {
  /** Passes over the training rows. Default 100. */
  epochs?: number;
  /** Rows per gradient step. Default 32 (Keras). */
  batchSize?: number;
  /** Adam's learning rate. Default 0.001 (Keras). */
  learningRate?: number;
  /** Share of the training rows held out for validation: the last rows, before shuffling (Keras). Default 0. */
  validationSplit?: number;
  /**
   * Rows to compute `val_loss` on instead of a split of the training rows (Keras's `validation_data`).
   * Never pass the rows you evaluate on: a checkpoint or early stop chosen on them leaks the test set into
   * the model (the credit-card tutorial's `validation_data=(X_test, X_test)`). Not saved with the model.
   */
  validationData?: MatrixInput;
  /** Stop when the monitored loss stops improving; `false` (default) trains all epochs. */
  earlyStopping?: EarlyStoppingOptions | false;
  /** Shuffle the rows every epoch (seeded). Default true. */
  shuffle?: boolean;
  /**
   * Progress: true (default) draws a bar (epoch, loss, val_loss, time left) that redraws in place in a
   * notebook and on one terminal line; false is silent; a function receives every epoch's log instead.
   */
  progress?: boolean | ((log: EpochLog) => void);
}

/** What training did; `lossChart(history)` draws it. */
export interface TrainingHistory {
  /** Training loss per epoch. */
  readonly loss: readonly number[];
  /** Validation loss per epoch (empty without a validation split). */
  readonly valLoss: readonly number[];
  /** Epoch (1-based) whose weights the model ends with. */
  readonly bestEpoch: number;
  /** Whether early stopping ended training before `epochs`. */
  readonly stoppedEarly: boolean;
  /** Wall seconds of training. */
  readonly seconds: number;
  /** Rows used for the gradient steps and for validation. */
  readonly trainRows: number;
  readonly validationRows: number;
  /** tfjs backend that trained ("wasm", "cpu", "tensorflow"). */
  readonly backend: string;
}

/** The defaults, resolved and checked. */
export interface ResolvedTraining {
  epochs: number;
  batchSize: number;
  learningRate: number;
  validationSplit: number;
  /** Whether `validationData` was given (then `validationSplit` is 0). */
  validationData: boolean;
  earlyStopping: Required<EarlyStoppingOptions> | false;
  shuffle: boolean;
  progress: boolean | ((log: EpochLog) => void);
}

export function resolveTraining(options: TrainingOptions, context: string): ResolvedTraining {
  const epochs = checkInteger(options.epochs ?? 100, `${context}: epochs`, 1);
  const batchSize = checkInteger(options.batchSize ?? 32, `${context}: batchSize`, 1);
  const learningRate = options.learningRate ?? 0.001;
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new RangeError(`${context}: learningRate must be a positive number, got ${String(learningRate)}`);
  }
  const validationSplit = options.validationSplit ?? 0;
  if (!(validationSplit >= 0 && validationSplit < 1)) {
    throw new RangeError(`${context}: validationSplit must be in [0, 1), got ${String(validationSplit)}`);
  }
  const validationData = options.validationData !== undefined;
  if (validationData && validationSplit > 0) {
    throw new RangeError(`${context}: give validationSplit or validationData, not both`);
  }
  const validates = validationSplit > 0 || validationData;
  let earlyStopping: Required<EarlyStoppingOptions> | false = false;
  if (options.earlyStopping) {
    const monitor = options.earlyStopping.monitor ?? (validates ? "val_loss" : "loss");
    if (monitor === "val_loss" && !validates) {
      throw new RangeError(`${context}: earlyStopping monitors "val_loss" but validationSplit is 0 and no validationData is given; set validationSplit (e.g. 0.1) or monitor "loss"`);
    }
    earlyStopping = {
      monitor,
      patience: checkInteger(options.earlyStopping.patience ?? 10, `${context}: earlyStopping.patience`, 0),
      minDelta: options.earlyStopping.minDelta ?? 0,
      restoreBestWeights: options.earlyStopping.restoreBestWeights ?? true,
    };
  }
  return { epochs, batchSize, learningRate, validationSplit, validationData, earlyStopping, shuffle: options.shuffle ?? true, progress: options.progress ?? true };
}

/** What the loop needs from a model. */
export interface Trainable {
  /** The trainable model (its weights are saved and restored for early stopping). */
  readonly model: TF.LayersModel;
  /** Mean loss of a batch (inside the gradient tape when `training`). */
  loss(batch: TF.Tensor, training: boolean): TF.Scalar;
}

/**
 * Trains `trainable` on `data` (first axis = samples). Seeded: same seed and backend, same losses.
 * `validationData` (samples like `data`, when `settings.validationData`) is only read, never disposed.
 * Leaves no tensors behind but the model's weights.
 */
export async function trainModel(
  tf: typeof TF,
  trainable: Trainable,
  data: TF.Tensor,
  settings: ResolvedTraining,
  seed: number,
  label = "training",
  validationData?: TF.Tensor,
): Promise<TrainingHistory> {
  if (settings.validationData !== (validationData !== undefined)) {
    throw new Error(`${label}: validationData was ${settings.validationData ? "announced but not passed" : "passed without the validationData option"}`);
  }
  const n = data.shape[0];
  const nValidation = Math.floor(n * settings.validationSplit);
  const nTrain = n - nValidation;
  if (nTrain < 1) throw new RangeError(`${label}: no rows left for training after the validation split (${n} rows)`);
  if (settings.validationSplit > 0 && nValidation < 1) {
    throw new RangeError(`${label}: validationSplit ${settings.validationSplit} of ${n} rows leaves no validation row`);
  }
  const random = new RandomState(seed);
  const variables = trainable.model.trainableWeights.map((weight) => weight.read() as TF.Variable);
  const optimizer = new HostAdam(variables, settings.learningRate);
  const train = nValidation > 0 ? data.slice(0, nTrain) : data;
  const validation = nValidation > 0 ? data.slice(nTrain, nValidation) : validationData;
  const bar = progressFor(settings, label);
  const losses: number[] = [];
  const valLosses: number[] = [];
  const started = performance.now();
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: TF.Tensor[] | undefined;
  let waited = 0;
  let stoppedEarly = false;
  try {
    const hostRows = new HostRows(train);
    for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      const order = settings.shuffle ? random.permutation(nTrain) : undefined; // batches cut on the host (host-rows.ts)
      const batchLosses: TF.Scalar[] = [];
      for (let start = 0; start < nTrain; start += settings.batchSize) {
        const size = Math.min(settings.batchSize, nTrain - start);
        const batch = hostRows.batch(tf, order, start, size);
        const { value: cost, grads } = tf.variableGrads(() => trainable.loss(batch, true), variables);
        const gradients = variables.map((variable) => grads[variable.name]);
        optimizer.apply(tf, gradients);
        for (const gradient of gradients) gradient.dispose();
        // The last batch may be short: weight by size (Keras), sum at the end, one sync per epoch.
        batchLosses.push(size === settings.batchSize ? cost : weightLoss(tf, cost, size / settings.batchSize));
        batch.dispose();
      }
      const total = tf.addN(batchLosses);
      const loss = ((await total.data())[0] * settings.batchSize) / nTrain;
      total.dispose();
      for (const value of batchLosses) value.dispose();
      if (!Number.isFinite(loss)) {
        throw new Error(`${label}: the training loss became ${loss} at epoch ${epoch}; lower learningRate or scale the inputs`);
      }
      losses.push(loss);
      const valLoss = validation === undefined ? undefined : meanLoss(tf, trainable, validation, settings.batchSize);
      if (valLoss !== undefined) valLosses.push(valLoss);
      const seconds = (performance.now() - started) / 1000;
      report(bar, settings, { epoch, loss, valLoss, seconds });

      const monitored = settings.earlyStopping && settings.earlyStopping.monitor === "val_loss" ? valLoss! : loss;
      const minDelta = settings.earlyStopping ? settings.earlyStopping.minDelta : 0;
      if (monitored < best - minDelta) {
        best = monitored;
        bestEpoch = epoch;
        waited = 0;
        if (settings.earlyStopping && settings.earlyStopping.restoreBestWeights) {
          for (const weight of bestWeights ?? []) weight.dispose();
          bestWeights = trainable.model.getWeights().map((weight) => weight.clone());
        }
      } else if (settings.earlyStopping && ++waited > settings.earlyStopping.patience) {
        stoppedEarly = true;
        break;
      }
      // Let the kernel send the redrawn bar (and hear an interrupt) between epochs.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (bestWeights !== undefined) trainable.model.setWeights(bestWeights);
    else bestEpoch = losses.length;
  } finally {
    for (const weight of bestWeights ?? []) weight.dispose();
    if (nValidation > 0) {
      validation?.dispose();
      train.dispose();
    }
  }
  const seconds = (performance.now() - started) / 1000;
  bar?.finish(finalStatus(losses, valLosses, bestEpoch, stoppedEarly, seconds));
  return {
    loss: losses,
    valLoss: valLosses,
    bestEpoch,
    stoppedEarly,
    seconds,
    trainRows: nTrain,
    validationRows: validation === undefined ? 0 : validation.shape[0],
    backend: tf.getBackend(),
  };
}

function weightLoss(tf: typeof TF, cost: TF.Scalar, weight: number): TF.Scalar {
  const weighted = tf.mul(cost, weight) as TF.Scalar;
  cost.dispose();
  return weighted;
}

/** Mean loss over `data` in batches, without gradients. */
export function meanLoss(tf: typeof TF, trainable: Trainable, data: TF.Tensor, batchSize: number): number {
  const n = data.shape[0];
  let sum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const batchSum = tf.tidy(() => trainable.loss(data.slice(start, size), false).mul(size));
    sum += batchSum.dataSync()[0];
    batchSum.dispose();
  }
  return sum / n;
}

function progressFor(settings: ResolvedTraining, label: string): ProgressBar | undefined {
  return settings.progress === true ? progressBar(settings.epochs, { label, minIntervalMs: 250 }) : undefined;
}

function report(bar: ProgressBar | undefined, settings: ResolvedTraining, log: EpochLog): void {
  if (typeof settings.progress === "function") settings.progress(log);
  bar?.update(log.epoch, `loss ${formatLoss(log.loss)}${log.valLoss === undefined ? "" : ` · val_loss ${formatLoss(log.valLoss)}`}`);
}

function finalStatus(loss: number[], valLoss: number[], bestEpoch: number, stoppedEarly: boolean, seconds: number): string {
  const last = loss.length - 1;
  const parts = [`loss ${formatLoss(loss[last])}`];
  if (valLoss.length > 0) parts.push(`val_loss ${formatLoss(valLoss[last])}`);
  if (stoppedEarly) parts.push(`stopped early at epoch ${loss.length}, best epoch ${bestEpoch} restored`);
  parts.push(`${(seconds / loss.length).toFixed(2)} s/epoch`);
  return parts.join(" · ");
}

function formatLoss(value: number): string {
  return value < 1e-3 ? value.toExponential(3) : value.toPrecision(4);
}
