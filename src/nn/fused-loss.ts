/**
 * The autoencoders' training loss terms as one tfjs kernel each, with a one-kernel gradient (as fused-dense.ts
 * does for the layers):
 *
 * - {@link reconstructionLoss}: mean over samples of the per-sample mean squared or absolute error,
 *   `reconstructionError(tf, x, xHat, kind).mean()`; tfjs runs Sub, Square/Abs, Mean, Mean (with the tape's
 *   saves, ~12 launches) forward and ~11 kernels backward.
 * - {@link activityL1}: Keras's activity penalty `l1 · Σ|h| / batch` (~10 launches each way).
 *
 * Same numbers: the backend's kernels run inside, called directly, in tfjs's order and with its operands, and
 * the gradients are tfjs's Mean, Sum, Square/Abs, Sub, RealDiv and Multiply gradients with the steps that only
 * multiply by ones or a broadcast dropped (exact in float32). The gradient flows to `xHat` and `h` only: `x` is
 * the data. Backends: wasm and cpu; elsewhere both return undefined and the caller computes the term as before.
 */
import type * as TF from "@tensorflow/tfjs";
import { backendKernels, COMPOSITE_BACKENDS, type BackendKernels } from "./backend-kernels";

/** reconstruction.ts's ReconstructionError, spelled out: reconstruction.ts imports this file (no import cycle). */
type ReconstructionError = "mse" | "mae";

const LOSS = "AnomalyLabReconstructionLoss";
const LOSS_GRADIENT = "AnomalyLabReconstructionLossGrad";
const L1 = "AnomalyLabActivityL1";
const L1_GRADIENT = "AnomalyLabActivityL1Grad";

/**
 * Mean over samples of each sample's mean squared ("mse") or absolute ("mae") error, as one kernel; undefined
 * where the fused kernels do not apply (then use `reconstructionError(tf, x, xHat, kind).mean()`).
 *
 * @example
 * ```ts
 * const loss = reconstructionLoss(tf, batch, output, "mse") ?? (reconstructionError(tf, batch, output, "mse").mean() as TF.Scalar);
 * ```
 */
export function reconstructionLoss(tf: typeof TF, x: TF.Tensor, xHat: TF.Tensor, kind: ReconstructionError): TF.Scalar | undefined {
  if (!usable(tf, x, xHat) || x.rank < 2 || !x.shape.every((size, i) => size === xHat.shape[i]) || x.rank !== xHat.rank) return undefined;
  register(tf);
  return tf.engine().runKernel(LOSS, { x, xHat }, { kind } as unknown as TF.NamedAttrMap) as TF.Scalar;
}

/** `l1 · Σ|h| / samples` (Keras's activity_regularizer=l1(l1), per batch) as one kernel; undefined where it does not apply. */
export function activityL1(tf: typeof TF, h: TF.Tensor, l1: number, samples: number): TF.Scalar | undefined {
  if (!usable(tf, h)) return undefined;
  register(tf);
  return tf.engine().runKernel(L1, { h }, { l1, samples } as unknown as TF.NamedAttrMap) as TF.Scalar;
}

function usable(tf: typeof TF, ...tensors: TF.Tensor[]): boolean {
  return COMPOSITE_BACKENDS.includes(tf.getBackend()) && tensors.every((t) => t.dtype === "float32");
}

export interface LossAttrs {
  kind: ReconstructionError;
}

interface L1Attrs {
  l1: number;
  samples: number;
}

/** Registers the four kernels for the active backend and the two gradients, once. */
function register(tf: typeof TF): void {
  const backendName = tf.getBackend();
  if (tf.getKernel(L1_GRADIENT, backendName) !== undefined) return;
  const kernels = backendKernels(tf, backendName, LOSS);
  const kernel = <I, A>(kernelName: string, func: (k: BackendKernels, inputs: I, attrs: A) => TF.TensorInfo) =>
    tf.registerKernel({ kernelName, backendName, kernelFunc: ({ inputs, attrs, backend }) => func(kernels(backend), inputs as unknown as I, attrs as unknown as A) });
  kernel(LOSS, lossForward);
  kernel(LOSS_GRADIENT, lossGradient);
  kernel(L1, l1Forward);
  kernel(L1_GRADIENT, l1Gradient); // last: its presence says all four are registered
  if (tf.getGradient(LOSS) === undefined) {
    tf.registerGradient({
      kernelName: LOSS,
      inputsToSave: ["x", "xHat"],
      gradFunc: (dy, saved, attrs) => {
        const [x, xHat] = saved as TF.Tensor[];
        const dxHat = tf.engine().runKernel(LOSS_GRADIENT, { dy: dy as TF.Tensor, x: x!, xHat: xHat! }, attrs) as TF.Tensor;
        return {
          x: () => {
            throw new Error(`${LOSS}: no gradient for the data x (only for the reconstruction)`);
          },
          xHat: () => dxHat,
        };
      },
    });
  }
  if (tf.getGradient(L1) === undefined) {
    tf.registerGradient({
      kernelName: L1,
      inputsToSave: ["h"],
      gradFunc: (dy, saved, attrs) => {
        const [h] = saved as TF.Tensor[];
        return { h: () => tf.engine().runKernel(L1_GRADIENT, { dy: dy as TF.Tensor, h: h! }, attrs) as TF.Tensor };
      },
    });
  }
}

/** Sub(x, xHat) -> Square or Abs -> Mean over every axis but the first -> Mean over samples. */
export function lossForward(k: BackendKernels, { x, xHat }: { x: TF.TensorInfo; xHat: TF.TensorInfo }, { kind }: LossAttrs): TF.TensorInfo {
  const diff = k.run("Sub", { a: x, b: xHat });
  const error = k.run(kind === "mse" ? "Square" : "Abs", { x: diff });
  const perSample = k.run("Mean", { x: error }, { axis: Array.from({ length: x.shape.length - 1 }, (_, i) => i + 1), keepDims: false });
  const loss = k.run("Mean", { x: perSample }, { axis: null, keepDims: false });
  k.free(diff, error, perSample);
  return loss;
}

/**
 * d loss / d xHat. tfjs: each Mean's gradient is dy / (values averaged), broadcast (a multiplication by ones);
 * then Square's dy · (2·diff) or Abs's dy · step(diff, -1); then Sub's -dy for its second operand.
 */
export function lossGradient(k: BackendKernels, { dy, x, xHat }: { dy: TF.TensorInfo; x: TF.TensorInfo; xHat: TF.TensorInfo }, { kind }: LossAttrs): TF.TensorInfo {
  const [samples, ...rest] = x.shape;
  const perValue = rest.reduce((product, size) => product * size, 1);
  const scratch: TF.TensorInfo[] = [];
  const keep = (info: TF.TensorInfo) => (scratch.push(info), info);
  const perSample = keep(k.run("RealDiv", { a: dy, b: keep(k.scalar(samples!)) }));
  const each = keep(k.run("RealDiv", { a: perSample, b: keep(k.scalar(perValue)) }));
  const diff = keep(k.run("Sub", { a: x, b: xHat }));
  const slope = kind === "mse" ? k.run("Multiply", { a: diff, b: keep(k.scalar(2)) }) : k.run("Step", { x: diff }, { alpha: -1 });
  keep(slope);
  const dError = keep(k.run("Multiply", { a: each, b: slope }));
  const dxHat = k.run("Neg", { x: dError });
  k.free(...scratch);
  return dxHat;
}

/** Abs(h) -> Sum -> RealDiv(·, samples) -> Multiply(l1, ·). */
function l1Forward(k: BackendKernels, { h }: { h: TF.TensorInfo }, { l1, samples }: L1Attrs): TF.TensorInfo {
  const scratch = [k.run("Abs", { x: h })];
  scratch.push(k.run("Sum", { x: scratch[0]! }, { axis: null, keepDims: false }));
  scratch.push(k.scalar(samples));
  scratch.push(k.run("RealDiv", { a: scratch[1]!, b: scratch[2]! }));
  scratch.push(k.scalar(l1));
  const penalty = k.run("Multiply", { a: scratch[4]!, b: scratch[3]! });
  k.free(...scratch);
  return penalty;
}

/** tfjs: Multiply's dy · l1, RealDiv's / samples, Sum's broadcast (by ones), Abs's · step(h, -1). */
function l1Gradient(k: BackendKernels, { dy, h }: { dy: TF.TensorInfo; h: TF.TensorInfo }, { l1, samples }: L1Attrs): TF.TensorInfo {
  const scratch: TF.TensorInfo[] = [];
  const keep = (info: TF.TensorInfo) => (scratch.push(info), info);
  const scaled = keep(k.run("Multiply", { a: dy, b: keep(k.scalar(l1)) }));
  const each = keep(k.run("RealDiv", { a: scaled, b: keep(k.scalar(samples)) }));
  const dh = k.run("Multiply", { a: each, b: keep(k.run("Step", { x: h }, { alpha: -1 })) });
  k.free(...scratch);
  return dh;
}
