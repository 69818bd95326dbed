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
 * autoencoder). Where the products' threads work in tfjs's heap (the default on 2 cores or more), tensors of 2^14
 * values or more are updated there instead, split over the threads (matmul.c includes adam.c: the same bits), with
 * m and v in tfjs's heap and no copy at all. Without WebAssembly SIMD, a JavaScript loop does the same arithmetic.
 */
import type * as TF from "@tensorflow/tfjs";
import { instantiate, Layout, type WasmMemory } from "../linalg/wasm-module";
import { ADAM_WASM_BASE64 } from "./adam-wasm";
import { engineTensor } from "./backend-kernels";
import type { WasmBackend } from "./matmul-module";
import { matmulThreads, runJob } from "./matmul-threads";
import { tfjsMemory, type TfjsWasmModule } from "./tfjs-heap";

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


/**
 * Weight tensors of at least this many values are updated on the products' threads where those work in tfjs's heap
 * (its threaded build): m and v then live there too, the update reads the gradient and the weights in place and
 * writes the new weights into a tensor of tfjs's, split in rows of 4,096 values (matmul.c's adam_rows: the same
 * float64 arithmetic per value, so the same bits). Notebook 09's dense autoencoder updates 209,968 weights a step:
 * about a third of its step on one thread.
 */
const THREADED_MIN_VALUES = 1 << 14;
/** Values per row of matmul.c's adam_rows jobs (its ADAM_ROW). */
const ADAM_ROW = 4096;

/** One weight tensor's moments in tfjs's heap: byte offsets of m and v (float64 each), from tfjs's malloc. */
interface HeapMoments {
  m: number;
  v: number;
}

/** Frees moments kept in tfjs's heap once their optimizer is garbage (the blocks are tfjs's allocator's). */
const heapBlocks = new FinalizationRegistry<{ wasm: TfjsWasmModule; blocks: number[] }>(({ wasm, blocks }) => {
  for (const block of blocks) wasm._free?.(block);
});

export class HostAdam {
  private step = 0;
  /** The WebAssembly update (m and v in its memory), or null: the JavaScript loop with `m` and `v` below. */
  private readonly wasm: { module: AdamModule; slots: Slots[] } | null;
  private readonly m: Float64Array[] = [];
  private readonly v: Float64Array[] = [];
  /**
   * Per weight tensor, its moments in tfjs's heap when its update runs on the products' threads (decided at the
   * first step: a tensor's moments stay where they started), else undefined; the constants' block after them.
   */
  private heap: { moments: (HeapMoments | undefined)[]; constants: number; wasm: TfjsWasmModule } | undefined | null = undefined;

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
      const backend = tf.getBackend() === "wasm" ? (tf.backend() as unknown as WasmBackend) : undefined;
      const read = (tensor: TF.Tensor) => (backend === undefined ? (tensor.dataSync() as Float32Array) : backend.typedArrayFromHeap(tensor));
      const inHeap = backend === undefined ? null : this.heapMoments(backend);
      if (inHeap !== null) {
        const constants = new Float64Array(tfjsMemory(inHeap.wasm)!.buffer, inHeap.constants, 8);
        constants.set([beta1, 1 - beta1, beta2, 1 - beta2, learningRate, correction1, correction2, epsilon]);
      }
      this.variables.forEach((variable, k) => {
        const moments = inHeap?.moments[k];
        if (moments !== undefined && backend !== undefined && inHeap !== null) {
          // In tfjs's heap on the products' threads: gradient and weights read in place, the result a new tensor.
          const out = backend.makeOutput(variable.shape, "float32");
          const [g, w, next] = [gradients[k]!.dataId, variable.dataId, out.dataId].map((id) => backend.getMemoryOffset(id));
          runJob(matmulThreads()!.kernel, "adam_rows", Math.ceil(variable.size / ADAM_ROW), 2, [variable.size, g!, w!, moments.m, moments.v, next!, inHeap.constants]);
          const value = engineTensor(tf, out);
          variable.assign(value);
          value.dispose();
          return;
        }
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
      const g = gradients[k]!.dataSync();
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

  /**
   * The moments in tfjs's heap for the weight tensors updated on the products' threads (those of at least
   * THREADED_MIN_VALUES values, where the threads work in `backend`'s heap), allocated at the first step and zero;
   * null where no tensor qualifies or the threads do not work there.
   */
  private heapMoments(backend: WasmBackend): { moments: (HeapMoments | undefined)[]; constants: number; wasm: TfjsWasmModule } | null {
    if (this.heap !== undefined) return this.heap;
    this.heap = null;
    const threads = matmulThreads();
    const wasm = backend.wasm;
    const memory = tfjsMemory(wasm);
    const inHeap = threads !== undefined && threads.threads > 1 && threads.kernel.tfjsScratch !== undefined && memory !== undefined &&
      threads.kernel.memory === memory && typeof wasm?._malloc === "function";
    if (!inHeap || !this.variables.some((variable) => variable.size >= THREADED_MIN_VALUES)) return null;
    const blocks: number[] = [];
    const take = (bytes: number) => {
      const block = wasm!._malloc!(bytes + 8);
      if (block === 0) throw new Error(`HostAdam: tfjs's heap could not give ${bytes} bytes for Adam's moments`);
      blocks.push(block);
      const at = Math.ceil(block / 8) * 8;
      new Uint8Array(tfjsMemory(wasm)!.buffer, at, bytes).fill(0); // m = v = 0
      return at;
    };
    const moments = this.variables.map((variable) =>
      variable.size >= THREADED_MIN_VALUES ? { m: take(8 * variable.size), v: take(8 * variable.size) } : undefined);
    this.heap = { moments, constants: take(64), wasm: wasm! };
    heapBlocks.register(this, { wasm: wasm!, blocks });
    return this.heap;
  }
}
