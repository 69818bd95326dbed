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
import { checkInteger, checkNumberType, describeValue } from "../core/validation";

/** The option as a number, or a TypeError naming it and what was given (a string stays a string in the message). */
function numberOption(value: unknown, name: string): number {
  checkNumberType(value, name);
  return value;
}
import { HostAdam } from "./host-adam";
import { EarlyStoppingRule } from "./early-stopping";
import { HostRows } from "./host-rows";
import type { MatrixInput } from "../core/matrix";

/**
 * Early stopping, as Keras's `EarlyStopping` callback: training stops `patience` epochs after the best one
 * (the epochs in between not improving on it by more than `minDelta`), and the best epoch's weights are put back.
 */
export interface EarlyStoppingOptions {
  /** Quantity watched: "val_loss" (default when there is a validation split) or "loss". */
  monitor?: "val_loss" | "loss";
  /** Epochs without improvement before stopping (Keras: 1 and 0 both stop at the first one). Default 10. */
  patience?: number;
  /** Smallest decrease that counts as an improvement (>= 0). Default 0. */
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
  /** Whether early stopping's rule stopped training (Keras's `stopped_epoch`; it may fire at the last epoch). */
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
  const learningRate = numberOption(options.learningRate ?? 0.001, `${context}: learningRate`);
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new RangeError(`${context}: learningRate must be a positive finite number, got ${learningRate}`);
  }
  const validationSplit = numberOption(options.validationSplit ?? 0, `${context}: validationSplit`);
  if (!(validationSplit >= 0 && validationSplit < 1)) {
    throw new RangeError(`${context}: validationSplit must be in [0, 1), got ${validationSplit}`);
  }
  const validationData = options.validationData !== undefined;
  if (validationData && validationSplit > 0) {
    throw new RangeError(`${context}: give validationSplit or validationData, not both`);
  }
  const earlyStopping = resolveEarlyStopping(options.earlyStopping, validationSplit > 0 || validationData, context);
  const shuffle = checkBoolean(options.shuffle ?? true, `${context}: shuffle`);
  const progress = options.progress ?? true;
  if (typeof progress !== "boolean" && typeof progress !== "function") {
    throw new TypeError(`${context}: progress must be true, false or a function, got ${describeValue(progress)}`);
  }
  return { epochs, batchSize, learningRate, validationSplit, validationData, earlyStopping, shuffle, progress };
}

function resolveEarlyStopping(option: unknown, validates: boolean, context: string): Required<EarlyStoppingOptions> | false {
  if (option === undefined || option === false) return false;
  const given = (option === true ? {} : option) as EarlyStoppingOptions; // true: the defaults
  if (typeof given !== "object" || given === null || Array.isArray(given)) {
    throw new TypeError(`${context}: earlyStopping must be false or an object such as { patience: 10 }, got ${describeValue(option)}`);
  }
  const monitor = given.monitor ?? (validates ? "val_loss" : "loss");
  if (monitor !== "loss" && monitor !== "val_loss") {
    throw new RangeError(`${context}: earlyStopping.monitor must be "loss" or "val_loss", got ${describeValue(monitor)}`);
  }
  if (monitor === "val_loss" && !validates) {
    throw new RangeError(`${context}: earlyStopping monitors "val_loss" but validationSplit is 0 and no validationData is given; set validationSplit (e.g. 0.1) or monitor "loss"`);
  }
  const minDelta = numberOption(given.minDelta ?? 0, `${context}: earlyStopping.minDelta`);
  if (!(Number.isFinite(minDelta) && minDelta >= 0)) {
    throw new RangeError(`${context}: earlyStopping.minDelta must be a finite number >= 0, got ${minDelta}`);
  }
  return {
    monitor,
    patience: checkInteger(given.patience ?? 10, `${context}: earlyStopping.patience`, 0),
    minDelta,
    restoreBestWeights: checkBoolean(given.restoreBestWeights ?? true, `${context}: earlyStopping.restoreBestWeights`),
  };
}

function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value !== "boolean") throw new TypeError(`${name} must be true or false, got ${describeValue(value)}`);
  return value;
}

/** What the loop needs from a model. */
export interface Trainable {
  /** The trainable model (its weights are saved and restored for early stopping). */
  readonly model: TF.LayersModel;
  /** Mean loss of a batch (inside the gradient tape when `training`). */
  loss(batch: TF.Tensor, training: boolean): TF.Scalar;
  /**
   * A training step computed without the gradient tape (src/nn/tapeless-step.ts): the same loss and gradients as the
   * tape gives for `loss(batch, true)`, or undefined where it does not apply (the tape then runs).
   */
  step?(batch: TF.Tensor): TrainingStep | undefined;
}

/** A batch's loss and the gradients of the model's trainable weights, in `model.trainableWeights`' order. */
export interface TrainingStep {
  cost: TF.Scalar;
  gradients: TF.Tensor[];
}

/** What one training run gets besides the model, the data and the settings. */
export interface TrainingRun {
  /** Names the run in the progress bar and in errors. Default "training". */
  label?: string;
  /** Validation samples (like `data`), when `settings.validationData`; only read, never disposed. */
  validationData?: TF.Tensor;
  /**
   * Throws (an InterruptedError) once the run must stop: the kernel's interrupt or the fit's AbortSignal
   * (`interruptCheckpoint` of src/core/interrupt.ts). Called before every batch.
   */
  checkInterrupt?: () => void;
}

/**
 * Trains `trainable` on `data` (first axis = samples). Seeded: same seed and backend, same losses.
 * Before every batch the loop lets the event loop run (a redrawn progress bar goes out, an interrupt or a
 * timer gets in) and calls `run.checkInterrupt`, whose error ends training there. Leaves no tensors behind
 * but the model's weights, whether training ends, stops early or is interrupted.
 */
export async function trainModel(
  tf: typeof TF,
  trainable: Trainable,
  data: TF.Tensor,
  settings: ResolvedTraining,
  seed: number,
  run: TrainingRun = {},
): Promise<TrainingHistory> {
  const { label = "training", validationData, checkInterrupt } = run;
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
  const stopping = settings.earlyStopping === false ? undefined : settings.earlyStopping;
  const rule = stopping === undefined ? undefined : new EarlyStoppingRule(stopping.patience, stopping.minDelta);
  const bar = progressFor(settings, label);
  const losses: number[] = [];
  const valLosses: number[] = [];
  const started = performance.now();
  let bestEpoch = 0;
  let bestWeights: TF.Tensor[] | undefined;
  let stoppedEarly = false;
  try {
    const hostRows = new HostRows(train);
    for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      const order = settings.shuffle ? random.permutation(nTrain) : undefined; // batches cut on the host (host-rows.ts)
      const batchLosses: TF.Scalar[] = [];
      let loss: number;
      try {
        for (let start = 0; start < nTrain; start += settings.batchSize) {
          await beforeBatch(checkInterrupt);
          const size = Math.min(settings.batchSize, nTrain - start);
          const batch = hostRows.batch(tf, order, start, size);
          try {
            const { cost, gradients } = trainable.step?.(batch) ?? tapeStep(tf, trainable, batch, variables);
            optimizer.apply(tf, gradients);
            for (const gradient of gradients) gradient.dispose();
            // The last batch may be short: weight by size (Keras), sum at the end, one sync per epoch.
            batchLosses.push(size === settings.batchSize ? cost : weightLoss(tf, cost, size / settings.batchSize));
          } finally {
            batch.dispose();
          }
        }
        const total = tf.addN(batchLosses);
        loss = ((await total.data())[0] * settings.batchSize) / nTrain;
        total.dispose();
      } finally {
        for (const value of batchLosses) value.dispose();
      }
      if (!Number.isFinite(loss)) {
        throw new Error(`${label}: the training loss became ${loss} at epoch ${epoch}; lower learningRate or scale the inputs`);
      }
      losses.push(loss);
      const valLoss = validation === undefined ? undefined : meanLoss(tf, trainable, validation, settings.batchSize);
      if (valLoss !== undefined) valLosses.push(valLoss);
      const seconds = (performance.now() - started) / 1000;
      report(bar, settings, { epoch, loss, valLoss, seconds });

      if (rule === undefined || stopping === undefined) continue;
      const verdict = rule.update(epoch, stopping.monitor === "val_loss" ? valLoss! : loss);
      if (verdict === "improved" && stopping.restoreBestWeights) {
        for (const weight of bestWeights ?? []) weight.dispose();
        bestWeights = trainable.model.getWeights().map((weight) => weight.clone());
      }
      if (verdict === "stop") {
        stoppedEarly = true;
        break;
      }
    }
    if (bestWeights !== undefined) {
      trainable.model.setWeights(bestWeights);
      bestEpoch = rule!.bestEpoch;
    } else bestEpoch = losses.length;
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

/** The loss of `batch` and its gradients by tfjs's gradient tape. */
function tapeStep(tf: typeof TF, trainable: Trainable, batch: TF.Tensor, variables: TF.Variable[]): TrainingStep {
  const { value: cost, grads } = tf.variableGrads(() => trainable.loss(batch, true), variables);
  return { cost, gradients: variables.map((variable) => grads[variable.name]!) };
}

/**
 * What every training loop does before a batch: lets the event loop run (the progress bar's redraw goes out,
 * the kernel's interrupt or a timer gets in), then asks whether to stop (`checkInterrupt` throws).
 */
export async function beforeBatch(checkInterrupt: (() => void) | undefined): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  checkInterrupt?.();
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
