/**
 * One training step of a dense autoencoder without tfjs-core's engine: the forward pass, the loss and the backward
 * pass, layer by layer, by the backend's own kernels called directly (the bodies of fused-dense.ts's and
 * fused-loss.ts's kernels), in the order the gradient tape runs those kernels. The loss and the gradients are the
 * bits `tf.variableGrads` gives over the fused kernels (test/nn-dense-step.test.ts).
 *
 * Why: the ECG autoencoder's step at batch 512 is ~25 MFLOP (~1.2 ms in PyTorch on 2 threads). Under the tape each
 * step is 34 engine launches, 20 of them the tape's clones of the tensors it saves, plus the tape's records, its
 * pruning and the engine's tensor tracking: ~1.6 ms an epoch of ~10 in a CPU profile of 150 epochs (tfjs-core's
 * own functions), more while V8 has not yet optimised them. Here nothing is recorded, cloned or tracked: each
 * intermediate result is the backend's data, freed once used; only the loss and the gradients become tensors.
 *
 * Applies on wasm and cpu to a 2-D float32 batch through layers that each have a kernel and a bias and an
 * activation the fused kernels compute. The caller leaves out what the step does not compute (activity and weight
 * penalties). Elsewhere {@link denseTrainingStep} returns undefined and the tape runs as before.
 */
import type * as TF from "@tensorflow/tfjs";
import type { Activation } from "./activations";
import { backendKernels, COMPOSITE_BACKENDS, type BackendKernels } from "./backend-kernels";
import { forward, fusedActivation, gradient } from "./fused-dense";
import { lossForward, lossGradient } from "./fused-loss";
import type { TrainingStep } from "./training";

/** Test hook: false runs every step through the tape (the oracle of test/nn-dense-step.test.ts). */
let engineFree = true;

/** Runs `f` with every dense training step on tfjs's gradient tape, then restores the engine-free steps. */
export async function withTapeSteps<T>(f: () => Promise<T>): Promise<T> {
  engineFree = false;
  try {
    return await f();
  } finally {
    engineFree = true;
  }
}

const kernelsOf = new Map<string, (backend: unknown) => BackendKernels>();

/**
 * The loss of `batch` (mean over samples of each sample's mean squared or absolute error of its reconstruction)
 * and the gradients of `model.trainableWeights`, in that order; undefined where the step does not apply.
 * `activations`: each of `model.layers`' activation, the output layer's last.
 */
export function denseTrainingStep(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, activations: readonly Activation[],
  kind: "mse" | "mae"): TrainingStep | undefined {
  const backendName = tf.getBackend();
  if (!engineFree || !COMPOSITE_BACKENDS.includes(backendName) || batch.rank !== 2 || batch.dtype !== "float32") return undefined;
  if (model.layers.length !== activations.length || !activations.every(fusedActivation)) return undefined;
  const weights = model.layers.map((layer) => layer.trainableWeights.map((weight) => weight.read()));
  const plain = weights.every(([kernel, bias, ...rest]) => rest.length === 0 && kernel?.rank === 2 && bias?.rank === 1 &&
    kernel.dtype === "float32" && bias.dtype === "float32");
  const order = model.trainableWeights.map((weight) => weight.read());
  if (!plain || order.length !== weights.flat().length || order.some((weight, i) => weight !== weights.flat()[i])) return undefined;
  if (!kernelsOf.has(backendName)) kernelsOf.set(backendName, backendKernels(tf, backendName, "denseTrainingStep"));
  const k = kernelsOf.get(backendName)!(tf.backend());
  const outputs: TF.TensorInfo[] = [];
  const pending: TF.TensorInfo[] = []; // ours until returned or freed
  try {
    let h: TF.TensorInfo = batch;
    activations.forEach((activation, i) => {
      h = forward(k, { x: h, kernel: weights[i]![0]!, bias: weights[i]![1]! }, { activation, inputGradient: i > 0 });
      outputs.push(h);
    });
    const loss = lossForward(k, { x: batch, xHat: h }, { kind });
    pending.push(loss);
    // The tape starts from d cost / d cost = 1, then runs each kernel's gradient from the last to the first.
    const one = k.scalar(1);
    let dy: TF.TensorInfo = lossGradient(k, { dy: one, x: batch, xHat: h }, { kind });
    k.free(one);
    const gradients: TF.TensorInfo[] = [];
    for (let i = activations.length - 1; i >= 0; i--) {
      pending.push(dy);
      const grads = gradient(k, { dy, x: i === 0 ? batch : outputs[i - 1]!, kernel: weights[i]![0]!, y: outputs[i]! },
        { activation: activations[i]!, inputGradient: i > 0 });
      k.free(pending.pop()!, outputs.pop()!);
      const [dx, dW, db] = i > 0 ? grads : [undefined, ...grads];
      gradients.unshift(dW!, db!);
      pending.push(dW!, db!);
      if (dx !== undefined) dy = dx;
    }
    const engine = tf.engine() as unknown as { makeTensorFromTensorInfo(info: TF.TensorInfo): TF.Tensor };
    pending.length = 0;
    return { cost: engine.makeTensorFromTensorInfo(loss) as TF.Scalar, gradients: gradients.map((info) => engine.makeTensorFromTensorInfo(info)) };
  } finally {
    k.free(...outputs, ...pending);
  }
}
