/**
 * The reconstruction error of the autoencoders (dense, convolutional, 1-D convolutional, LSTM): their training
 * loss, their score, and the check of the `loss` / `scoreError` options.
 */
import type * as TF from "@tensorflow/tfjs";
import { reconstructionLoss as fusedReconstructionLoss } from "./fused-loss";

/** Reconstruction error used as the training loss and as the score. */
export type ReconstructionError = "mse" | "mae";

/**
 * Checks a `loss` or `scoreError` option; `context` names the detector and option.
 * @example checkReconstructionError("mae", "LstmAutoencoderDetector: loss"); // "mae"
 */
export function checkReconstructionError(value: unknown, context: string): ReconstructionError {
  if (value === "mse" || value === "mae") return value;
  throw new RangeError(`${context} must be "mse" or "mae", got ${String(value)}`);
}

/** Per-sample mean of squared or absolute differences over every axis but the first. */
export function reconstructionError(tf: typeof TF, x: TF.Tensor, xHat: TF.Tensor, kind: ReconstructionError): TF.Tensor1D {
  const diff = tf.sub(x, xHat);
  const elementwise = kind === "mse" ? tf.square(diff) : tf.abs(diff);
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
  return tf.mean(elementwise, axes) as TF.Tensor1D;
}

/**
 * Mean over samples of {@link reconstructionError}: as one kernel each way where the backend allows
 * (fused-loss.ts: about 20 kernel launches fewer per step, the same numbers), else as tfjs's ops.
 * @example const loss = meanReconstructionError(tf, batch, output, "mse");
 */
export function meanReconstructionError(tf: typeof TF, x: TF.Tensor, xHat: TF.Tensor, kind: ReconstructionError): TF.Scalar {
  return fusedReconstructionLoss(tf, x, xHat, kind) ?? (reconstructionError(tf, x, xHat, kind).mean() as TF.Scalar);
}

/** The training loss of a batch: its mean reconstruction error (`training`: dropout and batch norm in training mode). */
export function reconstructionLoss(
  tf: typeof TF,
  model: TF.LayersModel,
  batch: TF.Tensor,
  training: boolean,
  kind: ReconstructionError,
): TF.Scalar {
  return meanReconstructionError(tf, batch, model.apply(batch, { training }) as TF.Tensor, kind);
}

/**
 * The score of each sample of a batch: its reconstruction error under the model in inference mode. `apply`, not
 * `predict`: predict splits its input into batches of 32 (Keras's default), ~20x slower here for the same values.
 */
export function reconstructionScores(
  tf: typeof TF,
  model: TF.LayersModel,
  batch: TF.Tensor,
  kind: ReconstructionError,
): TF.Tensor1D {
  return reconstructionError(tf, batch, model.apply(batch, { training: false }) as TF.Tensor, kind);
}
