/**
 * LeakyReLU's gradient as ONE kernel ("AnomalyLabLeakyReluGrad") instead of tfjs-core's three: tfjs-core 4.22
 * computes `where(greater(x, 0), dy, mul(dy, alpha))`, a Greater, a Multiply and a Select launch per layer and
 * step, each a full pass over the activations (the 2-D convolutional autoencoder's four LeakyReLU(0.2) layers:
 * up to [32, 28, 28, 32] floats each).
 *
 * Gradient configurations are global (one per kernel name, for every backend), so the one registered here runs
 * everywhere: where our kernel exists for the active backend (wasm: src/nn/activation.c over tfjs's heap; cpu:
 * the loop below) and x and dy are float32, it runs; elsewhere tfjs-core's own gradient function runs, unchanged.
 *
 * Same bits as tfjs-core's ops: dy where x > 0, else dy · alpha with alpha rounded to float32 (mul's scalar), so
 * x NaN, -0 and +0 take dy · alpha; dy's bits pass through unchanged where x > 0 (Select copies them).
 */
import type * as TF from "@tensorflow/tfjs";

const FORWARD = "LeakyRelu";
/** Our gradient kernel's name (wasm: src/nn/wasm-leaky-relu.ts; cpu: registered here). */
export const LEAKY_RELU_GRADIENT = "AnomalyLabLeakyReluGrad";

interface LeakyReluAttrs {
  alpha: number;
}

interface CpuBackend {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TF.TensorInfo;
}

let tfjsGradient: TF.GradConfig | undefined;
let ours: TF.GradConfig | undefined;

/**
 * Registers the one-kernel LeakyReLU gradient (for every backend) and its cpu kernel, once.
 *
 * @example
 * ```ts
 * registerLeakyReluGradient(tf); // then tf.grad of anything with tf.leakyRelu in it runs one kernel per layer
 * ```
 */
export function registerLeakyReluGradient(tf: typeof TF): void {
  if (ours !== undefined) return;
  tfjsGradient = tf.getGradient(FORWARD);
  if (tfjsGradient === undefined) return; // not tfjs 4.x's core: leave it alone
  const fallback = tfjsGradient;
  if (tf.getKernel(LEAKY_RELU_GRADIENT, "cpu") === undefined) {
    tf.registerKernel({ kernelName: LEAKY_RELU_GRADIENT, backendName: "cpu", kernelFunc: cpuLeakyReluGradient });
  }
  ours = {
    kernelName: FORWARD,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as TF.Tensor[];
      const gradient = dy as TF.Tensor;
      if (x!.dtype !== "float32" || gradient.dtype !== "float32" || tf.getKernel(LEAKY_RELU_GRADIENT, tf.getBackend()) === undefined) {
        return fallback.gradFunc(dy, saved, attrs);
      }
      return { x: () => tf.engine().runKernel(LEAKY_RELU_GRADIENT, { x: x!, dy: gradient }, attrs) as TF.Tensor };
    },
  };
  tf.registerGradient(ours);
}

/** Runs `f` (a whole fit) with tfjs-core's LeakyRelu gradient in place, then puts ours back (the tests' oracle). */
export async function withTfjsLeakyReluGradient<T>(tf: typeof TF, f: () => Promise<T>): Promise<T> {
  if (ours === undefined || tfjsGradient === undefined) return f();
  tf.registerGradient(tfjsGradient);
  try {
    return await f();
  } finally {
    tf.registerGradient(ours);
  }
}

/** tfjs-backend-cpu's Greater, Multiply and Select in one loop: dy · alpha in float64, rounded on the store. */
function cpuLeakyReluGradient({ inputs, attrs, backend }: { inputs: TF.NamedTensorInfoMap; attrs?: TF.NamedAttrMap; backend: unknown }): TF.TensorInfo {
  const { x, dy } = inputs as { x: TF.TensorInfo; dy: TF.TensorInfo };
  const cpu = backend as CpuBackend;
  const xs = cpu.data.get(x.dataId).values;
  const gradient = cpu.data.get(dy.dataId).values;
  const alpha = Math.fround((attrs as unknown as LeakyReluAttrs).alpha); // mul's float32 scalar
  const dx = new Float32Array(xs.length);
  for (let i = 0; i < dx.length; i++) dx[i] = xs[i]! > 0 ? gradient[i]! : gradient[i]! * alpha;
  return cpu.makeTensorInfo(x.shape, "float32", dx);
}
