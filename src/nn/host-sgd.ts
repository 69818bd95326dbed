/**
 * SGD with momentum on the host (PyTorch's `optim.SGD(momentum=μ)`, used by PyOD's SO-GAAL and MO-GAAL):
 *   b ← μ·b + g (b = g on the first step),  w ← w − lr·b
 * in float64, stored as float32, like {@link HostAdam}.
 */
import type * as TF from "@tensorflow/tfjs";

export class HostSGD {
  private readonly buffers: Float64Array[];
  private started = false;

  constructor(
    private readonly variables: readonly TF.Variable[],
    private readonly learningRate: number,
    private readonly momentum = 0,
  ) {
    this.buffers = variables.map((variable) => new Float64Array(variable.size));
  }

  /** Applies one update from `gradients` (same order as the variables); does not dispose them. */
  apply(tf: typeof TF, gradients: readonly TF.Tensor[]): void {
    const { momentum, learningRate } = this;
    this.variables.forEach((variable, k) => {
      const g = gradients[k].dataSync();
      const w = variable.dataSync() as Float32Array;
      const b = this.buffers[k];
      const next = new Float32Array(w.length);
      for (let i = 0; i < w.length; i++) {
        b[i] = this.started ? momentum * b[i] + g[i] : g[i];
        next[i] = w[i] - learningRate * b[i];
      }
      const value = tf.tensor(next, variable.shape, "float32");
      variable.assign(value);
      value.dispose();
    });
    this.started = true;
  }
}
