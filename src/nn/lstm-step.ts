/**
 * An LSTM over ONE timestep from a zero state, written as the gated dense layer it is, so that tfjs can train it.
 *
 * tfjs cannot back-propagate into the input of an LSTM that runs over a single timestep (tfjs issue 8255:
 * "Argument tensors passed to stack must be a `Tensor[]` or `TensorLike[]`"), which is the shape of the NASA
 * bearing tutorial's network (samples, 1, 4). From h₀ = c₀ = 0, one LSTM step is
 *
 *   z = x·W + b  (W: [F, 4U], b: [4U], gate blocks in Keras's order i, f, c, o)
 *   i = σ(z_i), o = σ(z_o), c₁ = f ⊙ c₀ + i ⊙ act(z_c) = i ⊙ act(z_c), h₁ = o ⊙ act(c₁)
 *
 * The recurrent kernel multiplies h₀ = 0 and the forget gate multiplies c₀ = 0: both drop out, and what is left
 * is a dense layer with two gates (i and o) around a candidate act(z_c). This layer keeps Keras's LSTM weight
 * layout (kernel [F, 4U], bias [4U]), so a Keras model's `kernel` and `bias` load into it unchanged (its
 * `recurrent_kernel` is not needed); the forget block of the kernel and bias is kept for that layout and
 * receives no gradient, as in a real LSTM from a zero state.
 */
import type * as TF from "@tensorflow/tfjs";
import { applyActivation, type Activation } from "./activations";

/** Configuration of {@link lstmStepLayer}; the names follow `tf.layers.lstm`. */
export interface LstmStepArgs {
  units: number;
  /** Cell and output activation (Keras `activation`; default "tanh"). The gates use the logistic sigmoid. */
  activation?: Activation;
  /** Output [batch, 1, units] (true) or [batch, units] (false, default), as `returnSequences`. */
  returnSequences?: boolean;
  kernelInitializer?: TF.serialization.Serializable;
  name?: string;
  inputShape?: number[];
  /** Set by tfjs when a saved model is deserialised. */
  batchInputShape?: (number | null)[];
  trainable?: boolean;
}

/** The class name under which tfjs serialises the layer (model.json). */
export const LSTM_STEP_CLASS_NAME = "AnomalyLabLstmStep";

type LayerConstructor = new (args: LstmStepArgs) => TF.layers.Layer;
const classes = new WeakMap<object, LayerConstructor>();

/**
 * The one-step LSTM layer class for this tfjs instance, registered for (de)serialisation on first use (call it
 * before `tf.loadLayersModel` of a model that holds such layers).
 */
export function lstmStepClass(tf: typeof TF): LayerConstructor {
  const known = classes.get(tf);
  if (known !== undefined) return known;

  class LstmStep extends tf.layers.Layer {
    static className = LSTM_STEP_CLASS_NAME;
    readonly units: number;
    readonly activation: Activation;
    readonly returnSequences: boolean;
    private readonly kernelInitializer: TF.serialization.Serializable | undefined;
    private kernel: TF.LayerVariable | undefined;
    private bias: TF.LayerVariable | undefined;

    constructor(args: LstmStepArgs) {
      super(args); // name, inputShape (or batchInputShape when deserialised), trainable, dtype
      this.units = args.units;
      this.activation = args.activation ?? "tanh";
      this.returnSequences = args.returnSequences ?? false;
      this.kernelInitializer = args.kernelInitializer;
    }

    override build(inputShape: TF.Shape | TF.Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as TF.Shape;
      if (shape.length !== 3 || shape[1] !== 1) {
        throw new RangeError(`${LSTM_STEP_CLASS_NAME}: expects input [batch, 1, features] (one timestep), got [${shape.join(", ")}]`);
      }
      const features = shape[2]!;
      const initializer = (this.kernelInitializer ?? tf.initializers.glorotUniform({})) as Parameters<TF.layers.Layer["addWeight"]>[3];
      this.kernel = this.addWeight("kernel", [features, 4 * this.units], "float32", initializer);
      // Zeros: Keras's unit_forget_bias would put ones in the forget block, which is inert here.
      this.bias = this.addWeight("bias", [4 * this.units], "float32", tf.initializers.zeros() as Parameters<TF.layers.Layer["addWeight"]>[3]);
      this.built = true;
    }

    override computeOutputShape(inputShape: TF.Shape | TF.Shape[]): TF.Shape {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as TF.Shape;
      return this.returnSequences ? [shape[0]!, 1, this.units] : [shape[0]!, this.units];
    }

    override call(inputs: TF.Tensor | TF.Tensor[]): TF.Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        const rows = tf.reshape(x, [-1, x.shape[2]!]);
        const z = tf.add(tf.matMul(rows, this.kernel!.read()), this.bias!.read());
        const [zi, , zc, zo] = tf.split(z, 4, 1);
        const cell = tf.mul(tf.sigmoid(zi!), applyActivation(tf, this.activation, zc!));
        const h = tf.mul(tf.sigmoid(zo!), applyActivation(tf, this.activation, cell));
        return this.returnSequences ? tf.expandDims(h, 1) : h;
      });
    }

    override getConfig(): TF.serialization.ConfigDict {
      return { ...super.getConfig(), units: this.units, activation: this.activation, returnSequences: this.returnSequences };
    }
  }

  tf.serialization.registerClass(LstmStep);
  const made = LstmStep as unknown as LayerConstructor;
  classes.set(tf, made);
  return made;
}

/** A one-step LSTM layer (see the module comment). */
export function lstmStepLayer(tf: typeof TF, args: LstmStepArgs): TF.layers.Layer {
  return new (lstmStepClass(tf))(args);
}
