/** The activation names the neural detectors accept (one list for every network), and their check. */

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
