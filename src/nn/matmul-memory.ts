/**
 * Regions of src/nn/matmul.c's memory for one kernel call, laid out from its heap base up (the next call reuses them),
 * the memory grown as they need: the convolution kernels' operands, scratch and results.
 */
import { Layout } from "../linalg/wasm-module";
import type { MatmulModule } from "./wasm-batch-matmul";
import type { ConvGeometry, PhaseTarget } from "./conv-geometry";

export class ModuleMemory {
  private readonly layout: Layout;

  constructor(private readonly simd: MatmulModule) {
    this.layout = new Layout(simd.__heap_base.value);
  }

  /** Byte offsets of new regions of these many floats each (a region of 0 floats is given offset 0). */
  take(...floats: number[]): number[] {
    const offsets = floats.map((count) => (count === 0 ? 0 : this.layout.take(4 * count)));
    const missing = this.layout.end - this.simd.memory.buffer.byteLength;
    if (missing > 0) this.simd.memory.grow(Math.ceil(missing / 65536));
    return offsets;
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
    this.floats(at!, values.length).set(values);
    return at!;
  }

  /** A view of `count` floats at byte offset `at` (made after every growth: a grown memory detaches older views). */
  floats(at: number, count: number): Float32Array {
    return new Float32Array(this.simd.memory.buffer, at, count);
  }
}
