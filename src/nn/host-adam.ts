/**
 * Adam whose update runs outside tfjs's kernels: one call per weight tensor instead of ~10 tfjs kernels per
 * weight tensor per step. The networks here are small (hundreds to a few hundred thousand weights), so a
 * training step of tfjs's own Adam is dominated by kernel launches, not arithmetic: on the 29-14-7-7-29
 * autoencoder it launches about 80 of its ~140 kernels per step. Gradients still come from tfjs
 * (`tf.variableGrads`); only the update moves.
 *
 * The update is PyTorch's and tfjs's (bias-corrected moments, epsilon added to the corrected root):
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  w ← w − lr · m̂ / (√v̂ + ε),  m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ)
 * computed in float64 and stored as float32; test/nn.test.ts checks one step against PyTorch.
 *
 * Where: in src/nn/adam.c (WebAssembly, two float64 lanes, the same bits as the loop below: test/nn-host-adam.test.ts),
 * which keeps m and v in its own memory; on the wasm backend the gradients and weights are copied there straight
 * from tfjs's heap (no read back to JavaScript: that copy and the loop were ~25% of an epoch of the image
 * autoencoder). Without WebAssembly SIMD, a JavaScript loop does the same arithmetic.
 */
import type * as TF from "@tensorflow/tfjs";
import { instantiate, Layout, type WasmMemory } from "../linalg/wasm-module";
import { ADAM_WASM_BASE64 } from "./adam-wasm";

interface AdamModule {
  memory: WasmMemory;
  __heap_base: { value: number };
  adam_step(n: number, g: number, w: number, m: number, v: number, out: number, b1: number, oneMinusB1: number, b2: number,
    oneMinusB2: number, lr: number, c1: number, c2: number, eps: number): void;
}

/** Byte offsets of one weight tensor's arrays in the module's memory. */
interface Slots {
  g: number;
  w: number;
  m: number;
  v: number;
  out: number;
}

interface WasmHeapBackend {
  typedArrayFromHeap(info: TF.TensorInfo): Float32Array;
}

export class HostAdam {
  private step = 0;
  /** The WebAssembly update (m and v in its memory), or null: the JavaScript loop with `m` and `v` below. */
  private readonly wasm: { module: AdamModule; slots: Slots[] } | null;
  private readonly m: Float64Array[] = [];
  private readonly v: Float64Array[] = [];

  constructor(
    private readonly variables: readonly TF.Variable[],
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7, // Keras's default (PyTorch: 1e-8)
  ) {
    const module = instantiate(ADAM_WASM_BASE64) as unknown as AdamModule | null;
    if (module === null) {
      this.wasm = null;
      this.m = variables.map((variable) => new Float64Array(variable.size));
      this.v = variables.map((variable) => new Float64Array(variable.size));
      return;
    }
    const layout = new Layout(module.__heap_base.value);
    const slots = variables.map(({ size }) => ({ m: layout.take(8 * size), v: layout.take(8 * size), g: layout.take(4 * size), w: layout.take(4 * size), out: layout.take(4 * size) }));
    const missing = layout.end - module.memory.buffer.byteLength;
    if (missing > 0) module.memory.grow(Math.ceil(missing / 65536)); // fresh pages: m = v = 0
    this.wasm = { module, slots };
  }

  /** Applies one update from `gradients` (same order as the variables); does not dispose them. */
  apply(tf: typeof TF, gradients: readonly TF.Tensor[]): void {
    this.step += 1;
    const correction1 = 1 - this.beta1 ** this.step;
    const correction2 = 1 - this.beta2 ** this.step;
    const { beta1, beta2, epsilon, learningRate } = this;
    if (this.wasm !== null) {
      const { module, slots } = this.wasm;
      // On wasm, views of tfjs's heap (no copy to JavaScript); elsewhere the backend's read.
      const backend = tf.getBackend() === "wasm" ? (tf.backend() as unknown as WasmHeapBackend) : undefined;
      const read = (tensor: TF.Tensor) => (backend === undefined ? (tensor.dataSync() as Float32Array) : backend.typedArrayFromHeap(tensor));
      this.variables.forEach((variable, k) => {
        const { g, w, m, v, out } = slots[k]!;
        const heap = new Float32Array(module.memory.buffer);
        heap.set(read(gradients[k]!), g / 4);
        heap.set(read(variable), w / 4);
        module.adam_step(variable.size, g, w, m, v, out, beta1, 1 - beta1, beta2, 1 - beta2, learningRate, correction1, correction2, epsilon);
        // wasm's write copies into its heap; other backends may keep the array itself: give them their own.
        const next = heap.subarray(out / 4, out / 4 + variable.size);
        const value = tf.tensor(backend === undefined ? next.slice() : next, variable.shape, "float32");
        variable.assign(value);
        value.dispose();
      });
      return;
    }
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
