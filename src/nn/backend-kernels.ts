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

/** The same data seen with another shape of the same size (no copy and no reference of its own: never freed). */
export function view(info: TF.TensorInfo, shape: number[]): TF.TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}
