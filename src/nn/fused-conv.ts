/**
 * A convolution layer's training step (tfjs-layers' Conv2D or Conv2DTranspose with its bias, and the LeakyReLU or
 * sigmoid after it) in one kernel each way instead of four to eight: `convForward` runs the layer as ONE tfjs kernel
 * ("AnomalyLabConv2D") and its gradient as ONE ("AnomalyLabConv2DGrad") that returns dx, dW and db together. The
 * 2-D convolutional autoencoder (conv-autoencoder.ts) trains through them; its scores still run the layers.
 *
 * Why (measured on the conv2d AE of notebook 09, wasm, batch 32): tfjs's fused conv2d computes its input's
 * gradient whatever is asked (its custom gradient returns all three), and the first layer's input is the data: 0.55
 * ms of every step went to a gradient nobody used. Each launch costs the engine's bookkeeping, and the tape clones
 * every tensor it saves (an "Identity" launch each): the layers' path launched ~130 kernels a step, 46 of them
 * Identity. Here a layer whose input carries no gradient (`inputGradient: false`) computes none, and one launch
 * saves three tensors.
 *
 * Same numbers: inside the two kernels the backend's own kernels run, called directly, with the operands and
 * attributes tfjs-layers and tfjs-core give them under the tape, so losses, gradients and weights are bit-identical
 * to `layer.apply` (test/nn-fused-conv.test.ts):
 *   Conv2D            FusedConv2D(x, W, b) -> [LeakyRelu | Sigmoid]
 *                     grad: dz = activation's gradient; dx = Conv2DBackpropInput(dz, W); dW = Conv2DBackpropFilter(x, dz);
 *                     db = Sum(dz over n, h, w)                                      (tfjs-core's fused conv2d gradient)
 *   Conv2DTranspose   Conv2DBackpropInput(x, W) -> Add(b as [1, 1, 1, c]) -> [LeakyRelu | Sigmoid]
 *                     grad: dz as above; dx = Conv2D(dz, W); dW = Conv2DBackpropFilter(dz, x); db = Sum(dz over n, h, w)
 * with LeakyReLU's gradient as our one kernel (leaky-relu-gradient.ts) and sigmoid's as tfjs-core's dy · y · (1 - y).
 *
 * Backends: wasm and cpu (whose kernels take these inputs). Elsewhere, or for another layer or configuration,
 * {@link convForward} returns undefined and the caller applies the layer as before.
 */
import type * as TF from "@tensorflow/tfjs";
import { type BackendKernels, COMPOSITE_BACKENDS, registerLayerKernels, view } from "./backend-kernels";
import { LEAKY_RELU_GRADIENT, registerLeakyReluGradient } from "./leaky-relu-gradient";

const FORWARD = "AnomalyLabConv2D";
const GRADIENT = "AnomalyLabConv2DGrad";
/** The backend kernels the two run. */
const KERNELS_USED = ["FusedConv2D", "Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "Add", "LeakyRelu", "Sigmoid", "Sum"];

/** The activation run inside the kernel: the layer's own (linear, sigmoid) or the LeakyReLU layer after it. */
export type ConvActivation = "linear" | "sigmoid" | "leakyRelu";

export interface ConvAttrs {
  transposed: boolean;
  strides: [number, number];
  pad: "same" | "valid";
  activation: ConvActivation;
  /** LeakyReLU's alpha (0 otherwise). */
  alpha: number;
  /** Whether dx is wanted (false where the layer's input carries no gradient: the data). */
  inputGradient: boolean;
  /** A transposed convolution's output shape [n, h, w, filters]. */
  outputShape: number[];
}

/** What the layer does after its convolution: its own activation, or a LeakyReLU layer's that follows it. */
export interface ConvFusion {
  /** The alpha of a LeakyReLU layer applied right after this one (the caller then skips that layer). */
  leakyReluAlpha?: number;
  /** Whether the layer's input needs a gradient (false for the first layer with weights: its input is the data). */
  inputGradient: boolean;
}

/** While positive, {@link convForward} declines (the tests' oracle: the layers themselves). */
let declined = 0;

/**
 * The layer (a Conv2D or Conv2DTranspose of tfjs-layers) applied to a 4-D `x` through the fused kernels, with the
 * LeakyReLU after it when `fusion.leakyReluAlpha` is given; undefined where they do not apply (another backend,
 * layer, activation, data format or dilation, no bias): then apply the layer itself.
 *
 * @example
 * ```ts
 * const h = convForward(tf, layer, x, { leakyReluAlpha: 0.2, inputGradient: false }) ?? (layer.apply(x) as TF.Tensor);
 * ```
 */
export function convForward(tf: typeof TF, layer: TF.layers.Layer, x: TF.Tensor, fusion: ConvFusion): TF.Tensor | undefined {
  if (x.rank !== 4 || x.dtype !== "float32") return undefined;
  const plan = convPlan(tf, layer, fusion);
  if (plan === undefined) return undefined;
  registerLeakyReluGradient(tf);
  registerLayerKernels(tf, tf.getBackend(), { forward: FORWARD, gradient: GRADIENT, inputs: ["x", "filter", "bias"], inputsToSave: ["x", "filter"],
    runForward: forward, runGradient: gradient });
  return tf.engine().runKernel(FORWARD, { x, filter: plan.kernel, bias: plan.bias }, plan.attrs(x.shape) as unknown as TF.NamedAttrMap) as TF.Tensor;
}

/** A convolution layer as the fused kernels run it: its weights, and its attributes for an input's shape. */
export interface ConvPlan {
  kernel: TF.Tensor;
  bias: TF.Tensor;
  attrs(xShape: readonly number[]): ConvAttrs;
}

/**
 * How the fused kernels run `layer` (with the LeakyReLU after it when `fusion.leakyReluAlpha` is given), or undefined
 * where they do not apply (another backend, layer, activation, data format or dilation, no bias). Also used by the
 * conv autoencoder's steps without the tape (tapeless-step.ts).
 */
export function convPlan(tf: typeof TF, layer: TF.layers.Layer, fusion: ConvFusion): ConvPlan | undefined {
  const backend = tf.getBackend();
  if (declined > 0 || !COMPOSITE_BACKENDS.includes(backend)) return undefined;
  const className = layer.getClassName();
  if (className !== "Conv2D" && className !== "Conv2DTranspose") return undefined;
  // tfjs-backend-wasm has no filter gradient of its own (src/nn/wasm-conv-gradients.ts registers one): without it
  // the layers fail as they would.
  if (KERNELS_USED.some((name) => tf.getKernel(name, backend) === undefined)) return undefined;
  const config = layer.getConfig() as {
    activation?: string; useBias?: boolean; dataFormat?: string; dilationRate?: number | number[]; strides?: number | number[]; padding?: string;
    filters?: number; kernelSize?: number | number[];
  };
  const pairOf = (v: number | number[] | undefined): [number, number] => (Array.isArray(v) ? [v[0]!, v[1] ?? v[0]!] : [v ?? 1, v ?? 1]);
  const own = config.activation ?? "linear";
  // LeakyReLU's gradient is taken from the output: y > 0 exactly where z > 0 when alpha >= 0 (NaN, ±0, denormals
  // and infinities included), so z need not be kept. A negative or NaN alpha: the layers.
  const alpha = fusion.leakyReluAlpha;
  const activation: ConvActivation | undefined =
    alpha !== undefined ? (own === "linear" && alpha >= 0 ? "leakyRelu" : undefined) : own === "linear" || own === "sigmoid" ? own : undefined;
  const plain = config.useBias === true && config.dataFormat === "channelsLast" && pairOf(config.dilationRate).every((d) => d === 1) &&
    (config.padding === "same" || config.padding === "valid");
  if (activation === undefined || !plain) return undefined;
  const [kernel, bias] = layer.trainableWeights.map((weight) => weight.read());
  if (kernel === undefined || bias === undefined || layer.trainableWeights.length !== 2 || kernel.rank !== 4 || bias.rank !== 1) return undefined;
  const strides = pairOf(config.strides);
  const pad = config.padding as "same" | "valid";
  const transposed = className === "Conv2DTranspose";
  const [kh, kw] = pairOf(config.kernelSize);
  return {
    kernel,
    bias,
    attrs: (xShape) => {
      let outputShape: number[] = [];
      if (transposed) {
        // tfjs-layers' deconvLength: the output size a transposed convolution infers from its input.
        const length = (size: number, stride: number, k: number) => (pad === "same" ? size * stride : size * stride + Math.max(k - stride, 0));
        outputShape = [xShape[0]!, length(xShape[1]!, strides[0], kh), length(xShape[2]!, strides[1], kw), config.filters!];
      }
      return { transposed, strides, pad, activation, alpha: fusion.leakyReluAlpha ?? 0, inputGradient: fusion.inputGradient, outputShape };
    },
  };
}

/** Runs `f` with the layers applied by tfjs-layers itself (the tests' oracle). */
export function withLayersApplied<T>(f: () => T): T {
  declined++;
  try {
    return f();
  } finally {
    declined--;
  }
}

/** {@link withLayersApplied} for an asynchronous `f` (a whole fit). */
export async function withLayersAppliedWhile<T>(f: () => Promise<T>): Promise<T> {
  declined++;
  try {
    return await f();
  } finally {
    declined--;
  }
}

interface ConvInputs {
  x: TF.TensorInfo;
  filter: TF.TensorInfo;
  bias: TF.TensorInfo;
}

interface GradientInputs {
  dy: TF.TensorInfo;
  x: TF.TensorInfo;
  filter: TF.TensorInfo;
  /** The output (the activations' gradients read it). */
  y: TF.TensorInfo;
}

/** The attributes tfjs-core's ops give the convolution kernels (NHWC, no dilation, no rounding mode). */
function convolutionAttrs({ strides, pad }: ConvAttrs): Record<string, unknown> {
  return { strides, pad, dataFormat: "NHWC", dimRoundingMode: undefined };
}

/** The forward kernel's body (also run without the engine: tapeless-step.ts). */
export function forward(k: BackendKernels, { x, filter, bias }: ConvInputs, attrs: ConvAttrs): TF.TensorInfo {
  let z: TF.TensorInfo;
  if (!attrs.transposed) {
    // tfjs-layers' conv2dWithBiasActivation: tfjs-core's fused conv2d with the bias, linear.
    z = k.run("FusedConv2D", { x, filter, bias, preluActivationWeights: null },
      { ...convolutionAttrs(attrs), dilations: [1, 1], activation: "linear", leakyreluAlpha: undefined });
  } else {
    // tfjs-core's conv2dTranspose, then tfjs-layers' biasAdd (the bias as [1, 1, 1, c]).
    const product = k.run("Conv2DBackpropInput", { dy: x, filter }, { ...convolutionAttrs(attrs), inputShape: attrs.outputShape });
    z = k.run("Add", { a: product, b: view(bias, [1, 1, 1, bias.shape[0]!]) });
    k.free(product);
  }
  if (attrs.activation === "linear") return z;
  const y = attrs.activation === "leakyRelu" ? k.run("LeakyRelu", { x: z }, { alpha: attrs.alpha }) : k.run("Sigmoid", { x: z });
  k.free(z);
  return y;
}

/** The gradient kernel's body: [dx (when `inputGradient`), dW, db]. */
export function gradient(k: BackendKernels, { dy, x, filter, y }: GradientInputs, attrs: ConvAttrs): TF.TensorInfo[] {
  const scratch: TF.TensorInfo[] = [];
  const keep = (info: TF.TensorInfo) => (scratch.push(info), info);
  // dz = dy · act'(z), as the activations' gradients compute it (LeakyReLU's from y: y > 0 where z > 0, alpha >= 0).
  let dz = dy;
  if (attrs.activation === "leakyRelu") {
    dz = keep(k.run(LEAKY_RELU_GRADIENT, { x: y, dy }, { alpha: attrs.alpha }));
  } else if (attrs.activation === "sigmoid") {
    const slope = keep(k.run("Multiply", { a: y, b: keep(k.run("Sub", { a: keep(k.scalar(1)), b: y })) }));
    dz = keep(k.run("Multiply", { a: dy, b: slope }));
  }
  const convolution = convolutionAttrs(attrs);
  const outputs: TF.TensorInfo[] = [];
  if (!attrs.transposed) {
    if (attrs.inputGradient) outputs.push(k.run("Conv2DBackpropInput", { dy: dz, filter }, { ...convolution, inputShape: x.shape }));
    outputs.push(k.run("Conv2DBackpropFilter", { x, dy: dz }, { ...convolution, filterShape: filter.shape }));
  } else {
    if (attrs.inputGradient) outputs.push(k.run("Conv2D", { x: dz, filter }, { ...convolution, dilations: 1 }));
    outputs.push(k.run("Conv2DBackpropFilter", { x: dz, dy: x }, { ...convolution, filterShape: filter.shape }));
  }
  // db: dz summed over the axes tfjs's broadcast reduces (n, h, w where longer than 1: getReductionAxes), as [c].
  const channels = dz.shape[3]!;
  const axes = [0, 1, 2].filter((axis) => dz.shape[axis]! > 1);
  outputs.push(axes.length > 0 ? view(k.run("Sum", { x: dz }, { axis: axes, keepDims: false }), [channels]) : k.run("Reshape", { x: dz }, { shape: [channels] }));
  k.free(...scratch);
  return outputs;
}
