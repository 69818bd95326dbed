/**
 * Adam whose update runs on the host, in one typed-array loop per weight tensor, instead of ~10 tfjs kernels
 * per weight tensor per step. The networks here are small (hundreds to a few hundred thousand weights), so a
 * training step of tfjs's own Adam is dominated by kernel launches, not arithmetic: on the 29-14-7-7-29
 * autoencoder it launches about 80 of its ~140 kernels per step. Gradients still come from tfjs
 * (`tf.variableGrads`); only the update moves.
 *
 * The update is PyTorch's and tfjs's (bias-corrected moments, epsilon added to the corrected root):
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  w ← w − lr · m̂ / (√v̂ + ε),  m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ)
 * computed in float64 and stored as float32; test/nn.test.ts checks one step against PyTorch.
 */
import type * as TF from "@tensorflow/tfjs";

export class HostAdam {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private step = 0;

  constructor(
    private readonly variables: readonly TF.Variable[],
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7, // Keras's default (PyTorch: 1e-8)
  ) {
    this.m = variables.map((variable) => new Float64Array(variable.size));
    this.v = variables.map((variable) => new Float64Array(variable.size));
  }

  /** Applies one update from `gradients` (same order as the variables); does not dispose them. */
  apply(tf: typeof TF, gradients: readonly TF.Tensor[]): void {
    this.step += 1;
    const correction1 = 1 - this.beta1 ** this.step;
    const correction2 = 1 - this.beta2 ** this.step;
    const { beta1, beta2, epsilon, learningRate } = this;
    this.variables.forEach((variable, k) => {
      const g = gradients[k].dataSync();
      const w = variable.dataSync() as Float32Array;
      const next = new Float32Array(w.length);
      const m = this.m[k];
      const v = this.v[k];
      for (let i = 0; i < w.length; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        next[i] = w[i] - (learningRate * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + epsilon);
      }
      const value = tf.tensor(next, variable.shape, "float32");
      variable.assign(value);
      value.dispose();
    });
  }
}
