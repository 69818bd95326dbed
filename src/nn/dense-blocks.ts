/**
 * Small helpers shared by the dense networks of the deep detector family (VAE, Deep SVDD, the GANs): named,
 * seeded dense layers, and applying a stack of them by hand with dropout whose mask changes every step
 * (tfjs's Dropout layer repeats one mask when given a seed, so the seeded masks come from here).
 */
import type * as TF from "@tensorflow/tfjs";
import { RandomState } from "../random";
import type { Activation } from "./activations";

/** Checks a list of hidden-layer widths (non-empty unless `allowEmpty`, positive integers). */
export function checkUnits(units: unknown, context: string, allowEmpty = false): number[] {
  if (!Array.isArray(units) || (!allowEmpty && units.length === 0)) {
    throw new RangeError(`${context} must be a${allowEmpty ? "n" : " non-empty"} array of layer widths, got ${JSON.stringify(units)}`);
  }
  return units.map((value, i) => {
    if (!Number.isInteger(value) || (value as number) < 1) throw new RangeError(`${context}[${i}] must be a positive integer, got ${String(value)}`);
    return value as number;
  });
}

/** Checks a dropout rate in [0, 1). */
export function checkRate(value: number, context: string): number {
  if (!(typeof value === "number" && value >= 0 && value < 1)) throw new RangeError(`${context} must be in [0, 1), got ${String(value)}`);
  return value;
}

/** A Glorot-uniform dense layer (Keras's default) with a fixed seed. */
export function seededDense(
  tf: typeof TF,
  name: string,
  units: number,
  activation: Activation,
  seed: number,
  options: { useBias?: boolean; inputDim?: number } = {},
): TF.layers.Layer {
  return tf.layers.dense({
    name,
    units,
    activation,
    useBias: options.useBias ?? true,
    inputDim: options.inputDim,
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
  });
}

/** Seeds for random tensors (dropout masks, noise): a fresh draw per call, repeatable from the detector's seed. */
export class SeededNoise {
  private random: RandomState;

  constructor(private readonly seed: number) {
    this.random = new RandomState(seed);
  }

  /** Starts the sequence of masks again (at the start of every fit). */
  reset(): void {
    this.random = new RandomState(this.seed);
  }

  /** Inverted dropout at `rate` when training and the rate is positive; the identity otherwise. */
  dropout(tf: typeof TF, x: TF.Tensor, rate: number, training: boolean): TF.Tensor {
    if (!training || rate === 0) return x;
    return tf.dropout(x, rate, undefined, this.nextSeed());
  }

  /** A seed for another random tensor (reparameterisation noise, generator noise). */
  nextSeed(): number {
    return this.random.randint(0, 2 ** 31 - 1);
  }
}

/** The model's layer called `name` (throws with the names there are when it is missing: a foreign saved model). */
export function layerNamed(model: TF.LayersModel, name: string): TF.layers.Layer {
  const layer = model.layers.find((candidate) => candidate.name === name);
  if (layer === undefined) throw new Error(`the network has no layer "${name}" (layers: ${model.layers.map((l) => l.name).join(", ")})`);
  return layer;
}

/** Applies layers named `names` in order, with dropout after each when training. */
export function applyStack(
  tf: typeof TF,
  model: TF.LayersModel,
  names: readonly string[],
  x: TF.Tensor,
  dropout?: { noise: SeededNoise; rate: number; training: boolean },
): TF.Tensor {
  let h = x;
  names.forEach((name, i) => {
    h = layerNamed(model, name).apply(h) as TF.Tensor;
    if (dropout !== undefined) h = dropout.noise.dropout(tf, h, dropout.rate, dropout.training);
  });
  return h;
}
