import type { Matrix } from "../core/matrix";
import { heapOf, instantiate, Layout, type WasmMemory } from "../linalg/wasm-module";
import { BRUTE_FORCE_WASM_BASE64 } from "./brute-force-wasm-bytes";

/**
 * The blocked brute-force search of brute-force.ts, whole, in WebAssembly SIMD (brute-force.c): filter, exact
 * distances and the sorted k-best lists run in one compiled loop instead of a WebAssembly filter handing pairs
 * to JavaScript. One instance per index (its own memory: the training rows, original and centred, their norms,
 * the lists); the same results as the TypeScript path, bit for bit.
 */

const QUERY_BLOCK = 32;
const TRAIN_TILE = 512;
/** Query rows larger than this after scaling are searched exhaustively (brute-force.c's float32 bound). */
const LARGEST_FILTERED_QUERY = 2 ** 20;

interface Exports {
  readonly memory: WasmMemory;
  readonly __heap_base: { readonly value: number };
  pack_rows(rows: number, d: number, pc: number, X: number, centre: number, scale: number, packed: number, norms: number): number;
  query_block(index: number, lists: number, q0: number, rows: number, q: number, qNorms: number, original: number, excludeSelf: number, exhaustive: number): void;
  prime_self(index: number, lists: number, q0: number, rows: number): void;
  self_block(index: number, lists: number, q0: number): void;
}

/** A training matrix prepared for the WebAssembly search; null where WebAssembly SIMD is unavailable. */
export class WasmBruteForce {
  private readonly exports: Exports;
  private readonly indexAt: number;
  private readonly listsAt: number;
  private readonly rowLimitsAt: number;
  private readonly queryAt: number;
  private readonly queryNormsAt: number;
  private readonly queryOriginalAt: number;
  private readonly centreAt: number;
  private readonly fixedEnd: number;
  private readonly n: number;
  private readonly d: number;
  private readonly pc: number;
  private readonly paddedRows: number;
  /** The power of two the centred rows are multiplied by before float32 (largest training value at most 1). */
  private readonly scale: number;

  static create(train: Matrix, centre: Float64Array): WasmBruteForce | null {
    const exports = instantiate(BRUTE_FORCE_WASM_BASE64);
    return exports === null ? null : new WasmBruteForce(exports as unknown as Exports, train, centre);
  }

  private constructor(exports: Exports, train: Matrix, centre: Float64Array) {
    this.exports = exports;
    const { rows: n, cols: d } = train;
    this.n = n;
    this.d = d;
    this.pc = Math.ceil(d / 4) * 4;
    this.paddedRows = n + (n % 2);
    const pc = this.pc;
    const regions = new Layout(Number(exports.__heap_base.value));
    this.indexAt = regions.take(8 + 9 * 4);
    this.listsAt = regions.take(6 * 4);
    const trainAt = regions.take(8 * n * d);
    const packedAt = regions.take(4 * this.paddedRows * pc);
    const normsAt = regions.take(8 * (this.paddedRows + QUERY_BLOCK));
    this.rowLimitsAt = regions.take(8 * (this.paddedRows + QUERY_BLOCK));
    this.centreAt = regions.take(8 * d);
    this.queryAt = regions.take(4 * QUERY_BLOCK * pc);
    this.queryNormsAt = regions.take(8 * QUERY_BLOCK);
    this.queryOriginalAt = regions.take(8 * QUERY_BLOCK * d);
    const expandedAt = regions.take(8 * QUERY_BLOCK * TRAIN_TILE);
    const scratchAt = regions.take(8 * TRAIN_TILE);
    this.fixedEnd = regions.end;
    const heap = this.heap(this.fixedEnd);
    heap.set(train.data.subarray(0, n * d), trainAt / 8);
    heap.set(centre, this.centreAt / 8);
    // A first pass measures the largest centred value; the second packs with the power of two that brings it to (0.5, 1].
    const largest = this.exports.pack_rows(n, d, pc, trainAt, this.centreAt, 1, packedAt, normsAt);
    this.scale = powerOfTwoScale(largest);
    this.exports.pack_rows(n, d, pc, trainAt, this.centreAt, this.scale, packedAt, normsAt);
    new Float32Array(this.exports.memory.buffer, packedAt + 4 * n * pc, (this.paddedRows - n) * pc).fill(0);
    heap.fill(NaN, normsAt / 8 + n, normsAt / 8 + this.paddedRows + QUERY_BLOCK); // padding rows never match
    new Float64Array(this.exports.memory.buffer, this.indexAt, 1)[0] = this.scale * this.scale;
    new Int32Array(this.exports.memory.buffer, this.indexAt + 8, 9).set([trainAt, packedAt, normsAt, n, d, pc, this.paddedRows, expandedAt, scratchAt]);
  }

  /** k nearest training rows of query rows [from, to), written at (q - from) * k of the outputs. */
  query(query: Matrix, k: number, excludeSelf: boolean, from: number, to: number, squaredOut: Float64Array, indexOut: Int32Array): void {
    const lists = this.lists(QUERY_BLOCK, k);
    const { d, pc } = this;
    for (let q0 = from; q0 < to; q0 += QUERY_BLOCK) {
      const rows = Math.min(QUERY_BLOCK, to - q0);
      const heap = this.heap(0);
      heap.set(query.data.subarray(q0 * d, (q0 + rows) * d), this.queryOriginalAt / 8);
      const largest = this.exports.pack_rows(rows, d, pc, this.queryOriginalAt, this.centreAt, this.scale, this.queryAt, this.queryNormsAt);
      lists.reset(q0, rows);
      const exhaustive = largest > LARGEST_FILTERED_QUERY ? 1 : 0;
      this.exports.query_block(this.indexAt, this.listsAt, q0, rows, this.queryAt, this.queryNormsAt, this.queryOriginalAt, excludeSelf ? 1 : 0, exhaustive);
      lists.copyOut(rows, squaredOut, indexOut, (q0 - from) * k);
    }
  }

  /** First step of the self-search: rows [from, to) from their k best among the first 512 rows, at r * k. */
  primeSelf(k: number, from: number, to: number, squaredOut: Float64Array, indexOut: Int32Array): void {
    const lists = this.lists(to - from, k);
    lists.reset(from, to - from);
    // Block by block: V8 optimises WebAssembly between calls, never inside one.
    for (let q0 = from; q0 < to; q0 += QUERY_BLOCK) this.exports.prime_self(this.indexAt, this.listsAt, q0, Math.min(QUERY_BLOCK, to - q0));
    lists.copyOut(to - from, squaredOut, indexOut, from * k);
  }

  /** Second step of the self-search (slice `part` of `parts`), on the primed full-size lists, in place. */
  selfSearch(k: number, part: number, parts: number, squaredOut: Float64Array, indexOut: Int32Array): void {
    const n = this.n;
    const lists = this.lists(n, k, this.rowLimitsAt);
    lists.copyIn(n, squaredOut, indexOut);
    this.heap(0).fill(NaN, this.rowLimitsAt / 8 + n, this.rowLimitsAt / 8 + this.paddedRows + QUERY_BLOCK);
    for (let q0 = part * QUERY_BLOCK; q0 < n; q0 += parts * QUERY_BLOCK) this.exports.self_block(this.indexAt, this.listsAt, q0);
    lists.copyOut(n, squaredOut, indexOut, 0);
  }

  /** Lists for `rows` rows of k candidates after the fixed regions (limits at `limitsAt` when given). */
  private lists(rows: number, k: number, limitsAt?: number): ListsView {
    const regions = new Layout(this.fixedEnd);
    const squared = regions.take(8 * rows * k);
    const indices = regions.take(4 * rows * k);
    const sizes = regions.take(4 * rows);
    const limits = limitsAt ?? regions.take(8 * (rows + QUERY_BLOCK));
    this.heap(regions.end);
    return new ListsView(this.exports, this.listsAt, { squared, indices, sizes, limits }, k);
  }

  private heap(bytes: number): Float64Array {
    return heapOf(this.exports.memory, bytes);
  }
}

/** The `Lists` struct of brute-force.c and its arrays. */
class ListsView {
  constructor(
    private readonly exports: Exports,
    private readonly at: number,
    private readonly arrays: { squared: number; indices: number; sizes: number; limits: number },
    private readonly k: number,
  ) {}

  /** Empty lists for `rows` rows starting at row `base`. */
  reset(base: number, rows: number): void {
    const { squared, indices, sizes, limits } = this.arrays;
    const buffer = this.exports.memory.buffer;
    new Int32Array(buffer, this.at, 6).set([squared, indices, sizes, limits, this.k, base]);
    new Float64Array(buffer, squared, rows * this.k).fill(Infinity);
    new Int32Array(buffer, indices, rows * this.k).fill(-1);
    new Int32Array(buffer, sizes, rows).fill(0);
    new Float64Array(buffer, limits, rows).fill(Infinity);
  }

  /** Lists (base 0) from full-size arrays; each row's size and limit as brute-force.ts derives them. */
  copyIn(rows: number, squaredIn: Float64Array, indexIn: Int32Array): void {
    const { squared, indices, sizes, limits } = this.arrays;
    const buffer = this.exports.memory.buffer;
    const k = this.k;
    new Int32Array(buffer, this.at, 6).set([squared, indices, sizes, limits, k, 0]);
    new Float64Array(buffer, squared, rows * k).set(squaredIn.subarray(0, rows * k));
    new Int32Array(buffer, indices, rows * k).set(indexIn.subarray(0, rows * k));
    const sizeView = new Int32Array(buffer, sizes, rows);
    const limitView = new Float64Array(buffer, limits, rows);
    for (let r = 0; r < rows; r++) {
      let size = 0;
      while (size < k && indexIn[r * k + size] >= 0) size++;
      sizeView[r] = size;
      limitView[r] = size === k ? squaredIn[r * k + k - 1] : Infinity;
    }
  }

  copyOut(rows: number, squaredOut: Float64Array, indexOut: Int32Array, at: number): void {
    const { squared, indices } = this.arrays;
    const buffer = this.exports.memory.buffer;
    squaredOut.set(new Float64Array(buffer, squared, rows * this.k), at);
    indexOut.set(new Int32Array(buffer, indices, rows * this.k), at);
  }
}

/** 2^-e with 2^(e-1) < largest <= 2^e (1 for 0), so that largest * scale lies in (0.5, 1]; exact powers of two only. */
function powerOfTwoScale(largest: number): number {
  if (!(largest > 0)) return 1;
  let exponent = Math.max(-1000, Math.min(1000, Math.ceil(Math.log2(largest))));
  while (largest * 2 ** -exponent > 1) exponent++;
  while (exponent > -1000 && largest * 2 ** -(exponent - 1) <= 1) exponent--;
  return 2 ** -exponent;
}
