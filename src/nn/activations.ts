/** The activation names the neural detectors accept (one list for every network), their check, and applying one. */
import type * as TF from "@tensorflow/tfjs";

/** Activations Keras users write by name. */
export type Activation = "linear" | "relu" | "elu" | "tanh" | "sigmoid" | "selu" | "softplus";

export const ACTIVATIONS: readonly Activation[] = ["linear", "relu", "elu", "tanh", "sigmoid", "selu", "softplus"];

/**
 * Checks an activation name given by a user; `context` names the detector and option.
 * @example checkActivationName("tanh", "AutoencoderDetector: outputActivation"); // "tanh"
 */
export function checkActivationName(value: unknown, context: string): Activation {
  if ((ACTIVATIONS as readonly unknown[]).includes(value)) return value as Activation;
  throw new RangeError(`${context} must be one of ${ACTIVATIONS.join(", ")}, got ${String(value)}`);
}

/** Applies an activation by its Keras name. */
export function applyActivation(tf: typeof TF, name: Activation, x: TF.Tensor): TF.Tensor {
  switch (name) {
    case "linear":
      return x;
    case "relu":
      return tf.relu(x);
    case "elu":
      return tf.elu(x);
    case "tanh":
      return tf.tanh(x);
    case "sigmoid":
      return tf.sigmoid(x);
    case "selu":
      return tf.selu(x);
    case "softplus":
      return tf.softplus(x);
  }
}
