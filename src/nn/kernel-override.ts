/**
 * tfjs wasm kernels replaced by ours (src/nn/wasm-*.ts), tfjs's own kept: for the inputs ours does not take, and
 * as the tests' oracle (`withTfjs` puts them back for the length of one call).
 */
import type * as TF from "@tensorflow/tfjs";

export class WasmKernelOverride {
  private readonly tfjs = new Map<string, TF.KernelConfig>();
  private readonly ours = new Map<string, TF.KernelConfig>();

  /** Whether a kernel has been replaced (registration happens once per process). */
  get active(): boolean {
    return this.ours.size > 0;
  }

  /** Registers `mine(tfjs's kernel)` in front of tfjs's wasm kernel `name`; nothing where tfjs has none. */
  replace(tf: typeof TF, name: string, mine: (original: TF.KernelConfig) => TF.KernelFunc): void {
    const original = tf.getKernel(name, "wasm");
    if (original === undefined) return;
    this.tfjs.set(name, original);
    const config: TF.KernelConfig = { kernelName: name, backendName: "wasm", kernelFunc: mine(original) };
    this.ours.set(name, config);
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel(config);
  }

  /** Whether our kernel `name` is the one registered now. */
  inPlace(tf: typeof TF, name: string): boolean {
    const ours = this.ours.get(name);
    return ours !== undefined && tf.getKernel(name, "wasm") === ours;
  }

  /** Runs `f` with tfjs's own kernels in place, then puts ours back. */
  withTfjs<T>(tf: typeof TF, f: () => T): T {
    this.swap(tf, this.tfjs);
    try {
      return f();
    } finally {
      this.swap(tf, this.ours);
    }
  }

  /** {@link withTfjs} for an asynchronous `f` (a whole fit): ours are put back when it settles. */
  async withTfjsWhile<T>(tf: typeof TF, f: () => Promise<T>): Promise<T> {
    this.swap(tf, this.tfjs);
    try {
      return await f();
    } finally {
      this.swap(tf, this.ours);
    }
  }

  private swap(tf: typeof TF, from: Map<string, TF.KernelConfig>): void {
    for (const [name, config] of from) {
      tf.unregisterKernel(name, "wasm");
      tf.registerKernel(config);
    }
  }
}
