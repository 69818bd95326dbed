// Runs an asynchronous step (a whole fit) with another kernel registered under a kernel's name, then puts the one
// registered before back, even when the step fails: for comparing our kernels with tfjs's over a training run.
import type * as TF from "@tensorflow/tfjs";

export async function withKernelRegistered<T>(tf: typeof TF, config: TF.KernelConfig, run: () => Promise<T>): Promise<T> {
  const current = tf.getKernel(config.kernelName, config.backendName);
  if (current === undefined) throw new Error(`no ${config.kernelName} kernel registered on ${config.backendName}`);
  const swap = (next: TF.KernelConfig) => {
    tf.unregisterKernel(next.kernelName, next.backendName);
    tf.registerKernel(next);
  };
  swap(config);
  try {
    return await run();
  } finally {
    swap(current);
  }
}
