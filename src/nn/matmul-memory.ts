/**
 * Where one kernel call's operands, scratch and results lie for src/nn/matmul.c. Two cases:
 * - the module has a memory of its own (tfjs's one-thread builds, whose memory it cannot share between threads):
 *   tensors are copied in and results out; regions are laid out from its heap base up (the next call reuses them),
 *   the memory grown as they need;
 * - the module works in tfjs's own heap (tfjs's threaded build, whose memory is shared: src/nn/matmul-threads.ts):
 *   tensors are read and results written where tfjs keeps them, nothing is copied, and scratch comes from tfjs's
 *   allocator (src/nn/tfjs-heap.ts).
 */
import type * as TF from "@tensorflow/tfjs";
import { Layout } from "../linalg/wasm-module";
import type { MatmulModule, WasmBackend } from "./matmul-module";
import type { ConvGeometry, PhaseTarget } from "./conv-geometry";
import { tfjsMemory } from "./tfjs-heap";

/** A kernel's result: the tensor tfjs gets, and where the module writes it. */
export interface KernelOutput {
  info: TF.TensorInfo;
  at: number;
  floats: number;
}

export class ModuleMemory {
  private readonly layout: Layout | undefined;

  constructor(private readonly simd: MatmulModule) {
    if (simd.tfjsScratch !== undefined) simd.tfjsScratch.begin();
    else this.layout = new Layout(simd.heapBase);
  }

  /** Whether tensors are used where tfjs keeps them (the module works in tfjs's heap). */
  get inPlace(): boolean {
    return this.layout === undefined;
  }

  /** Byte offsets of new regions of these many floats each (a region of 0 floats is given offset 0). */
  take(...floats: number[]): number[] {
    const scratch = this.simd.tfjsScratch;
    if (scratch !== undefined) return floats.map((count) => (count === 0 ? 0 : scratch.take(4 * count)));
    const layout = this.layout!;
    const offsets = floats.map((count) => (count === 0 ? 0 : layout.take(4 * count)));
    const missing = layout.end - this.simd.memory.buffer.byteLength;
    if (missing > 0) this.simd.memory.grow(Math.ceil(missing / 65536));
    return offsets;
  }

  /** Where tensor `info`'s floats lie for the module: in place in tfjs's heap, else a copy in the module's memory. */
  input(backend: WasmBackend, info: TF.TensorInfo): number {
    if (this.inPlace) return this.sameHeap(backend).getMemoryOffset(info.dataId);
    return this.copyIn(backend.typedArrayFromHeap(info));
  }

  /**
   * `backend`, checked to keep its tensors in the heap the module works in: a wasm backend created again after the
   * threads started (tf.removeBackend, then registering it anew) has a heap of its own, where offsets would read
   * another memory's floats.
   */
  private sameHeap(backend: WasmBackend): WasmBackend {
    const memory = tfjsMemory(backend.wasm);
    if (memory !== undefined && memory !== this.simd.memory) {
      throw new Error("anomaly-lab's wasm kernels work in the heap of the wasm backend that was running when they started; " +
        "this backend was created after it (tf.removeBackend and a new registration?): restart the process to use it");
    }
    return backend;
  }

  /** A float32 result of `shape`: tfjs's tensor, and where the module writes it (call {@link finish} after). */
  output(backend: WasmBackend, shape: number[]): KernelOutput {
    const floats = shape.reduce((p, s) => p * s, 1);
    if (this.inPlace) {
      const info = this.sameHeap(backend).makeOutput(shape, "float32");
      return { info, at: floats === 0 ? 0 : backend.getMemoryOffset(info.dataId), floats };
    }
    const [at] = this.take(floats);
    return { info: backend.makeOutput(shape, "float32"), at: at!, floats };
  }

  /** The result's tensor, its floats copied out of the module's memory unless written in place. */
  finish(backend: WasmBackend, out: KernelOutput): TF.TensorInfo {
    if (!this.inPlace && out.floats > 0) backend.typedArrayFromHeap(out.info).set(this.floats(out.at, out.floats));
    return out.info;
  }

  /** A conv_shape (matmul.c) of `g` in a new region; returns its offset. */
  shape(g: ConvGeometry, K: number, N: number, stride: number, phase?: PhaseTarget): number {
    const [at] = this.take(24);
    const target = phase === undefined ? [0, 0, 0, 0, 0, 0] : [phase.h, phase.w, phase.py, phase.px, phase.sy, phase.sx];
    new Int32Array(this.simd.memory.buffer, at!, 21).set([g.n, g.h, g.w, g.c, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.top, g.left, K, N, stride, ...target]);
    return at!;
  }

  /** Copies `values` into a new region; returns its offset. */
  copyIn(values: Float32Array): number {
    const [at] = this.take(values.length);
    if (values.length > 0) this.floats(at!, values.length).set(values);
    return at!;
  }

  /**
   * A product's bias as its panels' width: `stride` floats (N rounded up to a multiple of 4), the N at `biasAt`, then
   * zeros (the last vector's lanes read them); returns its offset, or 0 (no bias) when `biasAt` is 0.
   */
  paddedBias(biasAt: number, N: number, stride: number): number {
    if (biasAt === 0) return 0;
    const [at] = this.take(stride);
    this.simd.fill_zeros(at!, stride);
    this.floats(at!, N).set(this.floats(biasAt, N));
    return at!;
  }

  /** A view of `count` floats at byte offset `at` (made after every growth: a grown memory detaches older views). */
  floats(at: number, count: number): Float32Array {
    return new Float32Array(this.simd.memory.buffer, at, count);
  }
}
