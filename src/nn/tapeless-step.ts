/**
 * A training step without tfjs-core's engine and gradient tape, for the autoencoders whose layers all run through
 * the fused kernels (dense layers: fused-dense.ts; convolutions with their bias and activation: fused-conv.ts;
 * reshapes) and whose loss is the reconstruction error alone (fused-loss.ts). The forward pass, the loss and the
 * backward pass run the bodies of those kernels on the backend's own kernels, called directly, in the order the
 * tape runs them, so the loss and the gradients are the bits `tf.variableGrads` gives over the fused kernels
 * (test/nn-tapeless-step.test.ts).
 *
 * Why: the ECG autoencoder's step at batch 512 is ~25 MFLOP (~1.2 ms in PyTorch on 2 threads). Under the tape each
 * step was 34 engine launches, 20 of them the tape's clones of the tensors it saves, plus the tape's records, its
 * pruning and the engine's tensor tracking: ~1.6 ms an epoch of ~10 in a CPU profile of 150 epochs (tfjs-core's
 * own functions), more while V8 has not yet optimised them. Here nothing is recorded, cloned or tracked: each
 * intermediate result is the backend's data, freed once used; only the loss and the gradients become tensors.
 *
 * Applies on wasm and cpu; elsewhere, or for a layer the fused kernels do not run, the builders return undefined
 * and the tape runs as before.
 */
import type * as TF from "@tensorflow/tfjs";
import type { Activation } from "./activations";
import { backendKernels, COMPOSITE_BACKENDS, type BackendKernels, engineTensor, view } from "./backend-kernels";
import { convPlan, forward as convForwardBody, gradient as convGradientBody } from "./fused-conv";
import { forward as denseForwardBody, fusedActivation, gradient as denseGradientBody } from "./fused-dense";
import { lossForward, lossGradient } from "./fused-loss";
import { registerLeakyReluGradient } from "./leaky-relu-gradient";
import type { TrainingStep } from "./training";

/** One layer of a step: its forward pass and its gradient on the backend's kernels. */
export interface StepLayer {
  /** The layer's trainable weights as tensors ([kernel, bias]; none for a reshape). */
  readonly weights: readonly TF.Tensor[];
  /** Whether y is x's data seen with another shape (a reshape): nothing of its own to free, dx is dy reshaped. */
  readonly reshape: boolean;
  forward(k: BackendKernels, x: TF.TensorInfo): TF.TensorInfo;
  /** [dx (when the layer's input needs a gradient), then the weights' gradients], each new data. */
  gradient(k: BackendKernels, dy: TF.TensorInfo, x: TF.TensorInfo, y: TF.TensorInfo): TF.TensorInfo[];
}

/** Test hook: false runs every step through the tape (the oracle of the tests). */
let tapeless = true;

/** Runs `f` with every training step on tfjs's gradient tape, then restores the steps without it. */
export async function withTapeSteps<T>(f: () => Promise<T>): Promise<T> {
  tapeless = false;
  try {
    return await f();
  } finally {
    tapeless = true;
  }
}

/** Whether steps without the tape can run on the active backend (the builders check their layers). */
export function tapelessBackend(tf: typeof TF): boolean {
  return tapeless && COMPOSITE_BACKENDS.includes(tf.getBackend());
}

/** A dense layer with its bias and `activation` (fused-dense.ts), or undefined where the fused kernels do not run it. */
export function denseStepLayer(layer: TF.layers.Layer, activation: Activation, inputGradient: boolean): StepLayer | undefined {
  const weights = layer.trainableWeights.map((weight) => weight.read());
  const [kernel, bias] = weights;
  if (!fusedActivation(activation) || weights.length !== 2 || kernel?.rank !== 2 || bias?.rank !== 1 || kernel.dtype !== "float32") return undefined;
  const attrs = { activation, inputGradient };
  return {
    weights,
    reshape: false,
    forward: (k, x) => denseForwardBody(k, { x, kernel, bias }, attrs),
    gradient: (k, dy, x, y) => denseGradientBody(k, { dy, x, kernel, y }, attrs),
  };
}

/**
 * A Conv2D or Conv2DTranspose layer with its bias and activation, or the LeakyReLU after it (fused-conv.ts), or
 * undefined where the fused kernels do not run it.
 */
export function convStepLayer(tf: typeof TF, layer: TF.layers.Layer, leakyReluAlpha: number | undefined,
  inputGradient: boolean): StepLayer | undefined {
  const plan = convPlan(tf, layer, { leakyReluAlpha, inputGradient });
  if (plan === undefined) return undefined;
  registerLeakyReluGradient(tf);
  let attrs: ReturnType<typeof plan.attrs> | undefined;
  return {
    weights: [plan.kernel, plan.bias],
    reshape: false,
    forward: (k, x) => convForwardBody(k, { x, filter: plan.kernel, bias: plan.bias }, (attrs = plan.attrs(x.shape))),
    gradient: (k, dy, x, y) => convGradientBody(k, { dy, x, filter: plan.kernel, y }, attrs!),
  };
}

/** A Reshape or Flatten layer: the same data with the layer's output shape (its gradient: dy with x's shape). */
export function reshapeStepLayer(layer: TF.layers.Layer): StepLayer | undefined {
  const className = layer.getClassName();
  if (className !== "Reshape" && className !== "Flatten") return undefined;
  return {
    weights: [],
    reshape: true,
    forward: (_, x) => view(x, [x.shape[0]!, ...(layer.computeOutputShape([null, ...x.shape.slice(1)]) as number[]).slice(1)]),
    gradient: () => [],
  };
}

const kernelsOf = new Map<string, (backend: unknown) => BackendKernels>();

/**
 * The mean reconstruction error (`kind`) of `batch` through `layers` (`model`'s layers, in order, as step layers)
 * and the gradients of `model.trainableWeights`, in that order; undefined where `layers` do not carry every
 * trainable weight, or the batch is not float32.
 */
export function tapelessStep(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, layers: readonly StepLayer[],
  kind: "mse" | "mae"): TrainingStep | undefined {
  const backendName = tf.getBackend();
  if (!tapelessBackend(tf) || batch.dtype !== "float32") return undefined;
  const order = model.trainableWeights.map((weight) => weight.read());
  const carried = layers.flatMap((layer) => layer.weights);
  if (carried.length === 0 || order.length !== carried.length || order.some((weight) => !carried.includes(weight))) return undefined;
  if (!kernelsOf.has(backendName)) kernelsOf.set(backendName, backendKernels(tf, backendName, "tapelessStep"));
  const k = kernelsOf.get(backendName)!(tf.backend());
  // In a scope of the engine, as under the tape's: a backend kernel that computes with tfjs's ops (the convolution
  // forms of src/nn/wasm-conv-gradients.ts, for inputs the products do not take) returns a tensor of the engine,
  // which the scope's end disposes unless it is a returned gradient.
  return tf.tidy(() => run(tf, k, batch, layers, kind, order) as unknown as TF.TensorContainer) as unknown as TrainingStep;
}

/** The step itself: the forward pass, the loss, the backward pass; the loss and `order`'s gradients as tensors. */
function run(tf: typeof TF, k: BackendKernels, batch: TF.Tensor, layers: readonly StepLayer[], kind: "mse" | "mae",
  order: TF.Tensor[]): TrainingStep {
  // Every result whose data this step owns until it frees it or returns it (reshapes own nothing).
  const owned = new Set<TF.TensorInfo>();
  const own = (info: TF.TensorInfo) => (owned.add(info), info);
  const free = (info: TF.TensorInfo) => {
    owned.delete(info);
    k.free(info);
  };
  try {
    const outputs: TF.TensorInfo[] = [];
    let h: TF.TensorInfo = batch;
    for (const layer of layers) {
      h = layer.reshape ? layer.forward(k, h) : own(layer.forward(k, h));
      outputs.push(h);
    }
    const loss = own(lossForward(k, { x: batch, xHat: h }, { kind }));
    // The tape starts from d cost / d cost = 1, then runs each kernel's gradient from the last to the first.
    const one = k.scalar(1);
    let dy = own(lossGradient(k, { dy: one, x: batch, xHat: h }, { kind }));
    k.free(one);
    let dyData = dy; // the owned result dy's data belongs to (dy may be a reshape of it)
    const gradients = new Map<TF.Tensor, TF.TensorInfo>();
    const firstWeighted = layers.findIndex((layer) => layer.weights.length > 0);
    for (let i = layers.length - 1; i >= firstWeighted; i--) {
      const layer = layers[i]!;
      const x = i === 0 ? batch : outputs[i - 1]!;
      if (layer.reshape) {
        dy = view(dy, x.shape);
        continue;
      }
      const results = layer.gradient(k, dy, x, outputs[i]!).map(own);
      free(dyData);
      free(outputs[i]!);
      const inputGradient = results.length > layer.weights.length;
      layer.weights.forEach((weight, j) => gradients.set(weight, results[j + (inputGradient ? 1 : 0)]!));
      if (inputGradient) dy = dyData = results[0]!;
    }
    const made = [loss, ...order.map((weight) => gradients.get(weight)!)].map((info) => {
      owned.delete(info);
      return info instanceof tf.Tensor ? info : engineTensor(tf, info);
    });
    return { cost: made[0] as TF.Scalar, gradients: made.slice(1) };
  } finally {
    for (const info of owned) k.free(info);
  }
}
