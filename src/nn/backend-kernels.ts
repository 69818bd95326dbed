/**
 * Composite tfjs kernels (fused-dense.ts, fused-loss.ts) call the active backend's own kernels directly, not
 * through the engine: one engine launch (bookkeeping, tape, profiling) for the whole composite, the same
 * arithmetic as the separate kernels. These helpers run a backend kernel by name, make a scalar, view data
 * under another shape and free intermediates. Backends: wasm and cpu (their kernels accept these calls).
 */
import type * as TF from "@tensorflow/tfjs";

/** Backends whose kernels the composite kernels are written for. */
export const COMPOSITE_BACKENDS: readonly string[] = ["wasm", "cpu"];

export interface BackendKernels {
  /** Runs the backend's kernel `name` (e.g. "Multiply") and returns its new output (the caller owns it). */
  run(name: string, inputs: Record<string, TF.TensorInfo | null>, attrs?: Record<string, unknown>): TF.TensorInfo;
  /** A new float32 scalar. */
  scalar(value: number): TF.TensorInfo;
  /** Frees outputs of `run` and `scalar` (never views of them twice, never inputs). */
  free(...infos: TF.TensorInfo[]): void;
}

interface Backend {
  disposeData(dataId: object): void;
  makeTensorInfo?: (shape: number[], dtype: string, values: Float32Array) => TF.TensorInfo;
  makeOutput(shape: number[], dtype: string, memoryOffset?: number, values?: Float32Array): TF.TensorInfo;
}

/** The kernels of backend `backendName`, bound to the `backend` object a kernel function receives. */
export function backendKernels(tf: typeof TF, backendName: string, owner: string): (backend: unknown) => BackendKernels {
  // Looked up at every call (a map lookup): a kernel registered over tfjs's (wasm-batch-matmul.ts) takes effect.
  const kernelFunc = (name: string): TF.KernelFunc => {
    const config = tf.getKernel(name, backendName);
    if (config === undefined) throw new Error(`${owner}: the ${backendName} backend has no ${name} kernel`);
    return config.kernelFunc;
  };
  return (backend) => {
    const b = backend as Backend;
    return {
      run: (name, inputs, attrs = {}) =>
        kernelFunc(name)({ inputs: inputs as TF.NamedTensorInfoMap, attrs: attrs as TF.NamedAttrMap, backend: backend as TF.KernelBackend }) as TF.TensorInfo,
      // wasm: makeOutput(shape, dtype, memoryOffset, values); cpu: makeTensorInfo(shape, dtype, values).
      scalar: (value) => {
        const values = new Float32Array([value]);
        return backendName === "wasm" ? b.makeOutput([], "float32", undefined, values) : b.makeTensorInfo!([], "float32", values);
      },
      free: (...infos) => {
        for (const info of infos) b.disposeData(info.dataId);
      },
    };
  };
}

/** A tensor of the engine over a backend result (its data, no copy): what the engine makes of a kernel's output. */
export function engineTensor(tf: typeof TF, info: TF.TensorInfo): TF.Tensor {
  return (tf.engine() as unknown as { makeTensorFromTensorInfo(info: TF.TensorInfo): TF.Tensor }).makeTensorFromTensorInfo(info);
}

/** The same data seen with another shape of the same size (no copy and no reference of its own: never freed). */
export function view(info: TF.TensorInfo, shape: number[]): TF.TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** A layer as two composite kernels: its forward pass, and its gradient returning dx (when asked), then the weights'. */
export interface LayerKernels<Inputs, GradientInputs, Attrs> {
  forward: string;
  gradient: string;
  /** The forward kernel's inputs: the layer's input first, then its weights (each weight gets a gradient). */
  inputs: readonly [string, ...string[]];
  /** Inputs the gradient reads (it also gets `dy` and the output `y`). */
  inputsToSave: string[];
  runForward(k: BackendKernels, inputs: Inputs, attrs: Attrs): TF.TensorInfo;
  runGradient(k: BackendKernels, inputs: GradientInputs, attrs: Attrs): TF.TensorInfo[];
}

/**
 * Registers a layer's two kernels for `backendName` and the forward's gradient, once (another copy of the module may
 * have): the gradient kernel gets dy, the saved inputs and the output y, and returns [dx, ...weight gradients], dx
 * only when the attribute `inputGradient` is true (the first layer's input is the data: no gradient is computed).
 */
export function registerLayerKernels<Inputs, GradientInputs, Attrs extends { inputGradient: boolean }>(tf: typeof TF, backendName: string,
  spec: LayerKernels<Inputs, GradientInputs, Attrs>): void {
  if (tf.getKernel(spec.gradient, backendName) !== undefined) return;
  const kernels = backendKernels(tf, backendName, spec.forward);
  tf.registerKernel({
    kernelName: spec.forward,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => spec.runForward(kernels(backend), inputs as unknown as Inputs, attrs as unknown as Attrs),
  });
  tf.registerKernel({ // last: its presence says both are registered
    kernelName: spec.gradient,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => spec.runGradient(kernels(backend), inputs as unknown as GradientInputs, attrs as unknown as Attrs),
  });
  if (tf.getGradient(spec.forward) !== undefined) return;
  tf.registerGradient({
    kernelName: spec.forward,
    inputsToSave: spec.inputsToSave,
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const tensors = saved as TF.Tensor[];
      const gradientInputs: Record<string, TF.Tensor> = { dy: dy as TF.Tensor, y: tensors[spec.inputsToSave.length]! };
      spec.inputsToSave.forEach((name, i) => (gradientInputs[name] = tensors[i]!));
      const grads = tf.engine().runKernel(spec.gradient, gradientInputs, attrs) as TF.Tensor[];
      const [dx, ...weights] = (attrs as unknown as Attrs).inputGradient ? grads : [undefined, ...grads];
      const [input, ...weightNames] = spec.inputs;
      const gradients: Record<string, () => TF.Tensor> = {
        [input]: () => {
          if (dx === undefined) throw new Error(`${spec.forward}: the gradient of the layer's input was not asked for (inputGradient: false)`);
          return dx;
        },
      };
      weightNames.forEach((name, i) => (gradients[name] = () => weights[i]!));
      return gradients;
    },
  });
}
