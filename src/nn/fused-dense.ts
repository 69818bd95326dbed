/**
 * A dense layer's training step in two kernel launches instead of about thirty: `denseForward` runs
 * act(x·W + b) as ONE tfjs kernel ("AnomalyLabDense"), and its gradient is ONE kernel ("AnomalyLabDenseGrad")
 * that returns dx, dW and db together.
 *
 * Why: on the small networks of the notebooks a training step is dominated by kernel launches, not arithmetic.
 * Under the gradient tape tfjs-layers' Dense runs a matrix product, a bias add and an activation as separate
 * kernels plus reshapes, and the tape clones every input and output it saves (an "Identity" kernel each): the
 * credit-card autoencoder launched 131 kernels per step, 42 of them Identity and 28 Reshape. Each launch costs
 * the engine's bookkeeping whatever its size.
 *
 * Same numbers: inside the two kernels the backend's own kernels run, called directly (no engine launch), in
 * the order and with the operands tfjs uses for `tf.layers.dense` under the tape, so losses, gradients and
 * weights are bit-identical to `layer.apply` (checked in test/nn.test.ts):
 *   linear          _FusedMatMul(x, W, bias)                   (tfjs fuses the bias only for "linear" under the tape)
 *   relu, elu       BatchMatMul(x, W) -> Add(bias) -> Relu/Elu
 *   tanh, sigmoid   _FusedMatMul(x, W) -> Add(bias) -> Tanh/Sigmoid
 * and the gradient as tfjs's Relu/Elu/Tanh/Sigmoid, Add and (fused) MatMul gradients compute it. Relu's
 * gradient is taken from the output (step(relu(z)) = step(z)), so only x, W and y are saved.
 *
 * Backends: wasm and cpu (whose kernels take these inputs). Elsewhere, or for another activation,
 * {@link denseForward} returns undefined and the caller applies the layer as before.
 */
import type * as TF from "@tensorflow/tfjs";
import type { Activation } from "./activations";
import { type BackendKernels, COMPOSITE_BACKENDS, registerLayerKernels, view } from "./backend-kernels";

const FORWARD = "AnomalyLabDense";
const GRADIENT = "AnomalyLabDenseGrad";
/** How tfjs computes each activation's layer under the tape (see the module comment). */
const PATHS: Partial<Record<Activation, { product: "fused-bias" | "batch" | "fused"; kernel?: string }>> = {
  linear: { product: "fused-bias" },
  relu: { product: "batch", kernel: "Relu" },
  elu: { product: "batch", kernel: "Elu" },
  tanh: { product: "fused", kernel: "Tanh" },
  sigmoid: { product: "fused", kernel: "Sigmoid" },
};

export interface DenseAttrs {
  activation: Activation;
  /** Whether dx is wanted (false for the first layer, whose input is the data). */
  inputGradient: boolean;
}

/**
 * act(x·W + b) for a 2-D `x` through the fused kernels, or undefined where they do not apply (another backend
 * or activation, a layer without bias, an input that is not 2-D): then apply the layer itself.
 *
 * @example
 * ```ts
 * const h = denseForward(tf, layer, x, "relu", false) ?? (layer.apply(x) as TF.Tensor);
 * ```
 */
export function denseForward(tf: typeof TF, layer: TF.layers.Layer, x: TF.Tensor, activation: Activation, inputGradient: boolean): TF.Tensor | undefined {
  const backend = tf.getBackend();
  if (!COMPOSITE_BACKENDS.includes(backend) || !fusedActivation(activation) || x.rank !== 2 || x.dtype !== "float32") return undefined;
  const [kernel, bias] = layer.trainableWeights.map((weight) => weight.read());
  if (kernel === undefined || bias === undefined || layer.trainableWeights.length !== 2 || kernel.rank !== 2 || bias.rank !== 1) return undefined;
  registerLayerKernels(tf, backend, { forward: FORWARD, gradient: GRADIENT, inputs: ["x", "kernel", "bias"], inputsToSave: ["x", "kernel"],
    runForward: forward, runGradient: gradient });
  const attrs: DenseAttrs = { activation, inputGradient };
  return tf.engine().runKernel(FORWARD, { x, kernel, bias }, attrs as unknown as TF.NamedAttrMap) as TF.Tensor;
}

interface DenseInputs {
  x: TF.TensorInfo;
  kernel: TF.TensorInfo;
  bias: TF.TensorInfo;
}

interface GradientInputs {
  dy: TF.TensorInfo;
  x: TF.TensorInfo;
  kernel: TF.TensorInfo;
  y: TF.TensorInfo;
}

/** Whether the fused kernels compute a layer with this activation (else the layer is applied by tfjs). */
export function fusedActivation(activation: Activation): boolean {
  return PATHS[activation] !== undefined;
}

/** The forward kernel's body: act(x·W + b) by the backend's kernels (also run without the engine: tapeless-step.ts). */
export function forward(k: BackendKernels, { x, kernel, bias }: DenseInputs, { activation }: DenseAttrs): TF.TensorInfo {
  const path = PATHS[activation]!;
  const [n, features] = x.shape;
  const units = kernel.shape[1]!;
  const fused = (withBias: boolean) =>
    view(
      k.run("_FusedMatMul", { a: view(x, [1, n!, features!]), b: view(kernel, [1, features!, units]), bias: withBias ? bias : null },
        { transposeA: false, transposeB: false, activation: "linear", leakyreluAlpha: 0 }),
      [n!, units],
    );
  if (path.product === "fused-bias") return fused(true);
  const product = path.product === "batch" ? k.run("BatchMatMul", { a: x, b: kernel }, { transposeA: false, transposeB: false }) : fused(false);
  const z = k.run("Add", { a: product, b: bias });
  k.free(product);
  const y = k.run(path.kernel!, { x: z });
  k.free(z);
  return y;
}

/** The gradient kernel's body: [dx (when `inputGradient`), dW, db] from dy, x, W and the output y. */
export function gradient(k: BackendKernels, { dy, x, kernel, y }: GradientInputs, { activation, inputGradient }: DenseAttrs): TF.TensorInfo[] {
  const path = PATHS[activation]!;
  const [n, features] = x.shape;
  const units = kernel.shape[1]!;
  // dz = dy · act'(z), as tfjs's activation gradients compute it.
  let dz = dy;
  const scratch: TF.TensorInfo[] = [];
  const keep = (info: TF.TensorInfo) => (scratch.push(info), info);
  if (activation === "relu") {
    dz = keep(k.run("Multiply", { a: dy, b: keep(k.run("Step", { x: y }, { alpha: 0 })) }));
  } else if (activation === "elu") {
    dz = keep(k.run("EluGrad", { dy, y }));
  } else if (activation === "tanh") {
    const oneMinusSquare = keep(k.run("Sub", { a: keep(k.scalar(1)), b: keep(k.run("Square", { x: y })) }));
    dz = keep(k.run("Multiply", { a: oneMinusSquare, b: dy }));
  } else if (activation === "sigmoid") {
    const slope = keep(k.run("Multiply", { a: y, b: keep(k.run("Sub", { a: keep(k.scalar(1)), b: y })) }));
    dz = keep(k.run("Multiply", { a: dy, b: slope }));
  }
  // The products on [1, n, ·] views where tfjs's fused matMul gradient works in 3-D (the same kernel either way).
  const rows = view(dz, [1, n!, units]);
  const input = view(x, [1, n!, features!]);
  const weights = view(kernel, [1, features!, units]);
  const db = k.run("Sum", { x: path.product === "fused-bias" ? rows : dz }, { axis: path.product === "fused-bias" ? [0, 1] : [0], keepDims: false });
  const dW = view(k.run("BatchMatMul", { a: input, b: rows }, { transposeA: true, transposeB: false }), [features!, units]);
  const outputs = [dW, view(db, [units])];
  if (inputGradient) outputs.unshift(view(k.run("BatchMatMul", { a: rows, b: weights }, { transposeA: false, transposeB: true }), [n!, features!]));
  k.free(...scratch);
  return outputs;
}
