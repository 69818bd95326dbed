/**
 * An LSTM layer over T timesteps with Keras's semantics and weight layout (kernel [F, 4U], recurrent_kernel
 * [U, 4U], bias [4U], gates i, f, c, o; sigmoid gates, `activation` on the candidate and the cell; zero initial
 * state), whose forward pass and gradient are one kernel each on wasm and cpu (fused-lstm.ts) and the same
 * numbers as `tf.layers.lstm({ recurrentActivation: "sigmoid" })`. On other backends, or for an activation the
 * kernels do not take, it runs the same cell as tfjs operations.
 *
 * Serialised as "AnomalyLabLstm" (registered by {@link lstmLayerClass}; call it before `tf.loadLayersModel`).
 */
import type * as TF from "@tensorflow/tfjs";
import { applyActivation, type Activation } from "./activations";
import { lstmForward, lstmKernelApplies } from "./fused-lstm";

/** Configuration of {@link lstmLayer}; the names follow `tf.layers.lstm`. */
export interface LstmLayerArgs {
  units: number;
  /** Candidate and cell activation (Keras `activation`; default "tanh"). The gates use the logistic sigmoid. */
  activation?: Activation;
  /** Output [batch, T, units] (true) or the last step's [batch, units] (false, default). */
  returnSequences?: boolean;
  kernelInitializer?: TF.serialization.Serializable;
  recurrentInitializer?: TF.serialization.Serializable;
  name?: string;
  inputShape?: number[];
  /** Set by tfjs when a saved model is deserialised. */
  batchInputShape?: (number | null)[];
  trainable?: boolean;
}

/** The class name under which tfjs serialises the layer (model.json). */
export const LSTM_LAYER_CLASS_NAME = "AnomalyLabLstm";

type LayerConstructor = new (args: LstmLayerArgs) => TF.layers.Layer;
const classes = new WeakMap<object, LayerConstructor>();
type Initializer = Parameters<TF.layers.Layer["addWeight"]>[3];

/** The LSTM layer class for this tfjs instance, registered for (de)serialisation on first use. */
export function lstmLayerClass(tf: typeof TF): LayerConstructor {
  const known = classes.get(tf);
  if (known !== undefined) return known;

  class Lstm extends tf.layers.Layer {
    static className = LSTM_LAYER_CLASS_NAME;
    readonly units: number;
    readonly activation: Activation;
    readonly returnSequences: boolean;
    private readonly kernelInitializer: TF.serialization.Serializable | undefined;
    private readonly recurrentInitializer: TF.serialization.Serializable | undefined;
    private kernel: TF.LayerVariable | undefined;
    private recurrentKernel: TF.LayerVariable | undefined;
    private bias: TF.LayerVariable | undefined;

    constructor(args: LstmLayerArgs) {
      super(args);
      this.units = args.units;
      this.activation = args.activation ?? "tanh";
      this.returnSequences = args.returnSequences ?? false;
      this.kernelInitializer = args.kernelInitializer;
      this.recurrentInitializer = args.recurrentInitializer;
    }

    override build(inputShape: TF.Shape | TF.Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as TF.Shape;
      if (shape.length !== 3) {
        throw new RangeError(`${LSTM_LAYER_CLASS_NAME}: expects input [batch, timesteps, features], got [${shape.join(", ")}]`);
      }
      const gates = 4 * this.units;
      // tfjs's LSTMCell's weights, in its order and with its default initialisers (unitForgetBias false: zeros).
      const kernelInitializer = (this.kernelInitializer ?? tf.initializers.glorotUniform({})) as Initializer;
      this.kernel = this.addWeight("kernel", [shape[2]!, gates], "float32", kernelInitializer);
      this.recurrentKernel = this.addWeight("recurrent_kernel", [this.units, gates], "float32",
        (this.recurrentInitializer ?? tf.initializers.orthogonal({})) as Initializer);
      this.bias = this.addWeight("bias", [gates], "float32", tf.initializers.zeros() as Initializer);
      this.built = true;
    }

    override computeOutputShape(inputShape: TF.Shape | TF.Shape[]): TF.Shape {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as TF.Shape;
      return this.returnSequences ? [shape[0]!, shape[1]!, this.units] : [shape[0]!, this.units];
    }

    override call(inputs: TF.Tensor | TF.Tensor[]): TF.Tensor {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const [kernel, recurrentKernel, bias] = [this.kernel!.read(), this.recurrentKernel!.read(), this.bias!.read()];
      if (lstmKernelApplies(tf, this.activation) && x.dtype === "float32") {
        const attrs = { activation: this.activation, returnSequences: this.returnSequences };
        return lstmForward(tf, x, kernel, recurrentKernel, bias, attrs);
      }
      return tf.tidy(() => {
        const [batch, steps] = x.shape as [number, number, number];
        let h: TF.Tensor = tf.zeros([batch, this.units]);
        let c: TF.Tensor = tf.zeros([batch, this.units]);
        const outputs: TF.Tensor[] = [];
        for (const xt of tf.unstack(x, 1).slice(0, steps)) {
          const z = tf.add(tf.add(tf.matMul(xt, kernel), tf.matMul(h, recurrentKernel)), bias);
          const [zi, zf, zc, zo] = tf.split(z, 4, 1) as [TF.Tensor, TF.Tensor, TF.Tensor, TF.Tensor];
          c = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), applyActivation(tf, this.activation, zc)));
          h = tf.mul(tf.sigmoid(zo), applyActivation(tf, this.activation, c));
          outputs.push(h);
        }
        return this.returnSequences ? tf.stack(outputs, 1) : h;
      });
    }

    override getConfig(): TF.serialization.ConfigDict {
      return { ...super.getConfig(), units: this.units, activation: this.activation, returnSequences: this.returnSequences };
    }
  }

  tf.serialization.registerClass(Lstm);
  const made = Lstm as unknown as LayerConstructor;
  classes.set(tf, made);
  return made;
}

/**
 * An LSTM layer (see the module comment).
 * @example
 * ```ts
 * const encoder = lstmLayer(tf, { units: 16, activation: "relu", returnSequences: true }); // on [batch, T, features]
 * ```
 */
export function lstmLayer(tf: typeof TF, args: LstmLayerArgs): TF.layers.Layer {
  return new (lstmLayerClass(tf))(args);
}
