import { DENSE_WASM_BASE64 } from "./dense-wasm";

/**
 * The WebAssembly SIMD build of dense.c (see there and scripts/build-wasm.sh): symmetric eigendecomposition,
 * pinvh, LU pivots, covariance and Mahalanobis distances, each bit-identical to its TypeScript twin in
 * covariance-js.ts / symmetric-eigen-js.ts. One instance per thread (worker threads load their own), created
 * on first use; every call lays its arrays out from the start of the heap, copies the inputs in and the
 * results out, so calls never share state. `denseKernels()` is null where WebAssembly is unavailable.
 */

/** The part of the WebAssembly JS API used here (the project's `lib` settings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface DenseExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  readonly __heap_base: { readonly value: number };
  eigen(n: number, w: number, d: number, e: number): void;
  pinvh_from_eigen(n: number, rows: number, values: number, cutoff: number, out: number): void;
  lu_pivots(p: number, lu: number, diagonal: number): number;
  covariance(rows: number, p: number, X: number, mask: number, location: number, factor: number, centred: number, out: number): number;
  mahalanobis(rows: number, p: number, X: number, location: number, precision: number, block: number, out: number): void;
}

/** Rows of X copied into linear memory per Mahalanobis call: bounds the memory a call needs. */
const MAHALANOBIS_ROWS_PER_COPY = 4096;

/** Byte offsets of consecutive arrays from the heap's start, each 16-byte aligned (SIMD loads). */
class Layout {
  private next: number;
  constructor(start: number) {
    this.next = start;
  }
  take(bytes: number): number {
    const offset = this.next;
    this.next += Math.ceil(bytes / 16) * 16;
    return offset;
  }
  get end(): number {
    return this.next;
  }
}

export class DenseKernels {
  private readonly exports: DenseExports;
  private readonly heapBase: number;

  constructor(exports: Record<string, unknown>) {
    this.exports = exports as unknown as DenseExports;
    this.heapBase = Number(this.exports.__heap_base.value);
  }

  /**
   * Eigenvalues (ascending) and eigenvectors (row k = the vector of value k) of the symmetric n x n row-major
   * `symmetric` (not modified); bit-identical to `symmetricEigenRowsJs`.
   */
  eigenRows(symmetric: Float64Array, n: number): { values: Float64Array; rows: Float64Array } {
    const layout = new Layout(this.heapBase);
    const w = layout.take(8 * n * n);
    const d = layout.take(8 * n);
    const e = layout.take(8 * n);
    const heap = this.heap(layout.end);
    // ml-matrix's transposed storage: value(i, j) goes to V(j, i).
    const base = w / 8;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) heap[base + j * n + i] = symmetric[i * n + j];
    this.exports.eigen(n, w, d, e);
    return { values: heap.slice(d / 8, d / 8 + n), rows: heap.slice(base, base + n * n) };
  }

  /** scipy's `pinvh` (see `pseudoInverseSymmetric`), bit-identical to the TypeScript. */
  pseudoInverse(symmetric: Float64Array, n: number): Float64Array {
    const layout = new Layout(this.heapBase);
    const w = layout.take(8 * n * n);
    const d = layout.take(8 * n);
    const e = layout.take(8 * n);
    const out = layout.take(8 * n * n);
    const heap = this.heap(layout.end);
    const base = w / 8;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) heap[base + j * n + i] = symmetric[i * n + j];
    this.exports.eigen(n, w, d, e);
    let largest = 0;
    for (let k = 0; k < n; k++) largest = Math.max(largest, Math.abs(heap[d / 8 + k]));
    heap.fill(0, out / 8, out / 8 + n * n);
    this.exports.pinvh_from_eigen(n, w, d, largest * n * Number.EPSILON, out);
    return heap.slice(out / 8, out / 8 + n * n);
  }

  /** The pivots of LU with partial pivoting and the permutation's sign (0: a pivot is exactly zero). */
  luPivots(square: Float64Array, p: number): { sign: number; pivots: Float64Array } {
    const layout = new Layout(this.heapBase);
    const lu = layout.take(8 * p * p);
    const diagonal = layout.take(8 * p);
    const heap = this.heap(layout.end);
    heap.set(square, lu / 8);
    const sign = this.exports.lu_pivots(p, lu, diagonal);
    return { sign, pivots: heap.slice(diagonal / 8, diagonal / 8 + p) };
  }

  /** Covariance of the selected rows (see `maskedCovariance`), bit-identical to the TypeScript. */
  covariance(data: Float64Array, rows: number, p: number, location: Float64Array, mask: Uint8Array | undefined, factorFor: (count: number) => number): Float64Array {
    let count = rows;
    if (mask !== undefined) {
      count = 0;
      for (let i = 0; i < rows; i++) if (mask[i] === 1) count++;
    }
    const layout = new Layout(this.heapBase);
    const X = layout.take(8 * rows * p);
    const maskAt = mask === undefined ? 0 : layout.take(rows);
    const locationAt = layout.take(8 * p);
    const centred = layout.take(8 * count * p);
    const out = layout.take(8 * p * p);
    const heap = this.heap(layout.end);
    heap.set(data.subarray(0, rows * p), X / 8);
    if (mask !== undefined) new Uint8Array(this.exports.memory.buffer, maskAt, rows).set(mask.subarray(0, rows));
    heap.set(location, locationAt / 8);
    this.exports.covariance(rows, p, X, maskAt, locationAt, factorFor(count), centred, out);
    return heap.slice(out / 8, out / 8 + p * p);
  }

  /** Squared Mahalanobis distances (see `mahalanobisSquared`), bit-identical to the TypeScript. */
  mahalanobis(data: Float64Array, rows: number, p: number, location: Float64Array, precision: Float64Array): Float64Array {
    const chunk = Math.min(rows, MAHALANOBIS_ROWS_PER_COPY);
    const layout = new Layout(this.heapBase);
    const X = layout.take(8 * chunk * p);
    const locationAt = layout.take(8 * p);
    const precisionAt = layout.take(8 * p * p);
    const block = layout.take(8 * 4 * p);
    const out = layout.take(8 * chunk);
    const heap = this.heap(layout.end);
    heap.set(location, locationAt / 8);
    heap.set(precision, precisionAt / 8);
    const distances = new Float64Array(rows);
    for (let from = 0; from < rows; from += chunk) {
      const count = Math.min(chunk, rows - from);
      heap.set(data.subarray(from * p, (from + count) * p), X / 8);
      this.exports.mahalanobis(count, p, X, locationAt, precisionAt, block, out);
      distances.set(heap.subarray(out / 8, out / 8 + count), from);
    }
    return distances;
  }

  /** A float64 view of the memory, grown first to at least `bytes`. */
  private heap(bytes: number): Float64Array {
    const memory = this.exports.memory;
    const missing = bytes - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    return new Float64Array(memory.buffer);
  }
}

let kernels: DenseKernels | null | undefined;

/** This thread's kernels, compiled and instantiated on first use; null where WebAssembly SIMD is unavailable. */
export function denseKernels(): DenseKernels | null {
  if (kernels === undefined) {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    try {
      if (wasm === undefined) throw new Error("no WebAssembly");
      const module = new wasm.Module(Buffer.from(DENSE_WASM_BASE64, "base64"));
      kernels = new DenseKernels(new wasm.Instance(module, {}).exports);
    } catch {
      kernels = null;
    }
  }
  return kernels;
}
