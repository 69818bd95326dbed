/**
 * The filter gradient of 2-D (and so 1-D) convolutions on the wasm backend.
 *
 * tfjs's wasm backend has no `Conv2DBackpropFilter` kernel, so no convolutional network can train on it
 * ("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"). It does have
 * `Conv3DBackpropFilterV2`, and a 2-D convolution is a 3-D one with a depth of 1: an NHWC tensor
 * `[n, h, w, c]` lies in memory exactly as the NDHWC tensor `[n, 1, h, w, c]`, and a filter
 * `[fh, fw, in, out]` as `[1, fh, fw, in, out]`. The kernel registered here hands the same buffers to the
 * 3-D kernel under those shapes, so nothing is copied. Conv1D layers (conv2d over `[n, 1, t, c]`) and
 * Conv2DTranspose layers (whose filter gradient is the same kernel) then train on wasm.
 *
 * Strides must be 1: tfjs 4.22's wasm Conv3DBackpropFilterV2 itself returns wrong filter gradients for
 * strides > 1 (checked against its cpu kernel and PyTorch: some taps are off), so strided convolutions are
 * refused with an error rather than trained wrongly. Downsample with pooling instead.
 */
import type * as TF from "@tensorflow/tfjs";

const KERNEL = "Conv2DBackpropFilter";
const KERNEL_3D = "Conv3DBackpropFilterV2";

/** What tfjs passes to the kernel (the public `conv2DBackpropFilter` op's inputs and attributes). */
interface FilterGradientArgs {
  inputs: { x: TF.TensorInfo; dy: TF.TensorInfo };
  backend: WasmBackendLike;
  attrs: { strides: [number, number] | number; pad: unknown; dataFormat: "NHWC" | "NCHW"; filterShape: [number, number, number, number] };
}

/** The part of the wasm backend this module relies on: its table of buffers, keyed by data id. */
interface WasmBackendLike {
  dataIdMap: { get(dataId: object): { shape: number[] } | undefined };
}

/**
 * Registers the wasm `Conv2DBackpropFilter` kernel (once; no-op when tfjs already has one, e.g. in a later
 * tfjs release). Call after the wasm backend is loaded.
 */
export function registerWasmConvFilterGradient(tf: typeof TF): void {
  if (tf.getKernel(KERNEL, "wasm") !== undefined) return;
  const kernel3d = tf.getKernel(KERNEL_3D, "wasm");
  if (kernel3d === undefined) throw new Error(`the wasm backend has neither ${KERNEL} nor ${KERNEL_3D}: convolutions cannot train on it; use backend "cpu"`);
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: "wasm",
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as FilterGradientArgs;
      const { x, dy } = inputs;
      if (attrs.dataFormat !== "NHWC") throw new Error(`${KERNEL} on wasm: only channels-last (NHWC) data, got ${attrs.dataFormat}`);
      if (attrs.pad !== "same" && attrs.pad !== "valid") {
        throw new Error(`${KERNEL} on wasm: only "same" or "valid" padding, got ${JSON.stringify(attrs.pad)}`);
      }
      const [sh, sw] = typeof attrs.strides === "number" ? [attrs.strides, attrs.strides] : attrs.strides;
      if (sh !== 1 || sw !== 1) {
        throw new Error(
          `${KERNEL} on wasm: strides ${JSON.stringify(attrs.strides)} are not supported (tfjs's wasm ${KERNEL_3D} gives wrong ` +
            `gradients for strides > 1); use stride-1 convolutions with pooling, or the "cpu" backend`,
        );
      }
      const [n, h, w, c] = x.shape;
      const [dn, dh, dw, dc] = dy.shape;
      const dw5 = kernel3d.kernelFunc({
        inputs: {
          x: { dataId: x.dataId, dtype: x.dtype, shape: [n, 1, h, w, c] },
          dy: { dataId: dy.dataId, dtype: dy.dtype, shape: [dn, 1, dh, dw, dc] },
        },
        backend: backend as unknown as TF.KernelBackend,
        attrs: { strides: [1, sh, sw], pad: attrs.pad, filterShape: [1, ...attrs.filterShape] },
      }) as TF.TensorInfo;
      // Same buffer, 4-D shape: the backend's record must agree with the tensor tfjs makes from it.
      const record = backend.dataIdMap.get(dw5.dataId);
      if (record !== undefined) record.shape = [...attrs.filterShape];
      return { dataId: dw5.dataId, dtype: dw5.dtype, shape: [...attrs.filterShape] };
    },
  });
}
