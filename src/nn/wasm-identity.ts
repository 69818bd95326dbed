/**
 * tfjs's wasm Identity without a copy. Under a gradient tape the engine clones every tensor a gradient will need
 * (tf.clone runs Identity), and tfjs-backend-wasm 4.22's Identity copies the data: the conv2d autoencoder's
 * training step cloned 46 tensors, the largest 802,816 floats. Tensors are immutable in tfjs (kernels write only
 * their outputs; a variable's assign takes new data rather than writing the old), so a clone can share the data,
 * reference-counted, as tfjs's cpu Identity and wasm's own Reshape do. The same values; strings go to tfjs's kernel.
 *
 * Registered over tfjs's kernel when the wasm backend starts (src/nn/tf.ts); tested in test/nn-identity.test.ts.
 */
import type * as TF from "@tensorflow/tfjs";
import { WasmKernelOverride } from "./kernel-override";

const KERNEL = "Identity";

interface RefCountedBackend {
  incRef(dataId: object): void;
}

const override = new WasmKernelOverride();

/** Puts the sharing Identity in front of tfjs's wasm Identity (once; after the wasm backend is ready). */
export function registerWasmIdentity(tf: typeof TF): void {
  if (override.active) return;
  override.replace(tf, KERNEL, (original) => (args) => {
    const { x } = args.inputs as { x: TF.TensorInfo };
    if (x.dtype === "string") return original.kernelFunc(args);
    (args.backend as unknown as RefCountedBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}

/** Runs `f` with tfjs's own (copying) wasm Identity in place (the tests' oracle), then puts ours back. */
export function withTfjsIdentity<T>(tf: typeof TF, f: () => T): T {
  return override.withTfjs(tf, f);
}
