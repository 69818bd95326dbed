import type { Matrix } from "../core/matrix";
import { WasmBruteForce } from "./brute-force-wasm";
import { offerNeighbour, squaredDistance } from "./nearest-buffer";

/** Query rows per block (a multiple of 4): their packed rows stay in L1 cache while training tiles stream past. */
const QUERY_BLOCK = 32;
/** Training rows per tile (a multiple of 2; ~120 KB at 30 features, an L2-sized tile). */
const TRAIN_TILE = 512;
const BYTES = 8;

/**
 * Signature of a filter kernel: scans `qRows` (multiple of 4) packed query rows against `tRows` (multiple of 2)
 * packed training rows, `rowBytes` bytes each, and appends to `out` every pair (i, t) as two int32 with
 * `qNorms[i] + tNorms[t] - 2 * dot(q_i, t_t) <= limits[i]` (or `<= tLimits[t]` for "symmetric"), returning the
 * count; "distances" stores every pair's expanded value at `out[i * tRows + t]` instead. All pointers are byte
 * offsets into the index's buffer; NaN norms or limits mark padding rows that never match.
 */
type FilterTile = (
  q: number, qRows: number, t: number, tRows: number, rowBytes: number,
  qNorms: number, tNorms: number, limits: number, tLimits: number, out: number,
) => number;

/** The plain-TypeScript search's state: packed rows in one buffer and its filter kernels. */
interface PlainIndex {
  readonly paddedCols: number;
  readonly paddedRows: number;
  readonly buffer: ArrayBuffer;
  readonly filterTile: FilterTile;
  readonly symmetricTile: FilterTile;
  readonly distanceTile: FilterTile;
}

/**
 * Training data prepared for blocked brute-force search: the WebAssembly SIMD search of brute-force.c where the
 * runtime has it (`engine`), else the same algorithm in TypeScript (`plain`): training rows centred on their mean
 * (smaller norms, less cancellation), padded to an even number of features and rows, their shrunk squared norms,
 * per-row limits and scratch space for one query block and its candidate pairs. Both give the same bits.
 */
export interface BruteForceIndex {
  readonly train: Matrix;
  readonly centre: Float64Array;
  /** Whether the search runs in WebAssembly SIMD (else the plain-TypeScript fallback). */
  readonly simd: boolean;
  readonly engine: WasmBruteForce | null;
  readonly plain: PlainIndex | null;
}

// Byte offsets of the regions of an index's memory.
interface Layout {
  readonly train: number;
  readonly trainNorms: number;
  /** One limit per training row (self-search), with room for a padded query block past the end. */
  readonly rowLimits: number;
  readonly query: number;
  readonly queryNorms: number;
  readonly limits: number;
  readonly pairs: number;
  readonly end: number;
}

function layout(paddedRows: number, paddedCols: number): Layout {
  const train = 0;
  const trainNorms = train + paddedRows * paddedCols * BYTES;
  const rowLimits = trainNorms + (paddedRows + QUERY_BLOCK) * BYTES;
  const query = rowLimits + (paddedRows + QUERY_BLOCK) * BYTES;
  const queryNorms = query + QUERY_BLOCK * paddedCols * BYTES;
  const limits = queryNorms + QUERY_BLOCK * BYTES;
  const pairs = limits + QUERY_BLOCK * BYTES;
  const end = pairs + QUERY_BLOCK * TRAIN_TILE * 2 * 4;
  return { train, trainNorms, rowLimits, query, queryNorms, limits, pairs, end };
}

/**
 * Packs the training rows for {@link bruteForceQuery} and {@link bruteForceSelfQuery}.
 * @param simd use the WebAssembly SIMD search when the runtime has it (default true)
 */
export function bruteForceIndex(train: Matrix, simd = true): BruteForceIndex {
  const { rows, cols } = train;
  const centre = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) centre[j] += train.data[i * cols + j];
  for (let j = 0; j < cols; j++) centre[j] /= rows;
  const engine = simd ? WasmBruteForce.create(train, centre) : null;
  if (engine !== null) return { train, centre, simd: true, engine, plain: null };

  const paddedCols = cols + (cols % 2);
  const paddedRows = rows + (rows % 2);
  const regions = layout(paddedRows, paddedCols);
  const buffer = new ArrayBuffer(regions.end);
  const packed = new Float64Array(buffer, regions.train, paddedRows * paddedCols);
  const norms = new Float64Array(buffer, regions.trainNorms, paddedRows + QUERY_BLOCK);
  packRows(train, centre, 0, rows, packed, norms, paddedCols);
  norms.fill(NaN, rows); // padding rows never match
  const plain: PlainIndex = {
    paddedCols,
    paddedRows,
    buffer,
    filterTile: javascriptKernel(buffer, "filter"),
    symmetricTile: javascriptKernel(buffer, "symmetric"),
    distanceTile: javascriptKernel(buffer, "distances"),
  };
  return { train, centre, simd: false, engine: null, plain };
}

/**
 * Rounding allowance of the expansion |a-b|^2 = |a|^2 + |b|^2 - 2 a.b in double precision: the computed value is
 * within `slack * (|a|^2 + |b|^2)` of the exact distance (a generous multiple of the textbook (2d + O(1)) * eps
 * bound), so the filter never drops a true neighbour. Norms are stored shrunk by this factor.
 */
function shrinkFactor(d: number): number {
  return 1 - (8 * d + 64) * Number.EPSILON;
}

// Centred, padded copies of rows [from, to) and their shrunk squared norms.
function packRows(
  matrix: Matrix,
  centre: Float64Array,
  from: number,
  to: number,
  packed: Float64Array,
  norms: Float64Array,
  paddedCols: number,
): void {
  const d = matrix.cols;
  const shrink = shrinkFactor(d);
  for (let i = from; i < to; i++) {
    let norm = 0;
    const out = (i - from) * paddedCols;
    for (let j = 0; j < d; j++) {
      const value = matrix.data[i * d + j] - centre[j];
      packed[out + j] = value;
      norm += value * value;
    }
    if (paddedCols > d) packed[out + d] = 0;
    norms[i - from] = norm * shrink;
  }
}

/** Shared state of one search: results, exact distances, and the filter limit of each result row. */
interface Offers {
  readonly query: Matrix;
  readonly train: Matrix;
  readonly k: number;
  readonly squaredOut: Float64Array;
  readonly indexOut: Int32Array;
  /** Result slot of query row q is `(q - rowBase) * k`; its size and limit sit at `q - rowBase`. */
  readonly rowBase: number;
  readonly sizes: Int32Array;
  /** The k-th squared distance of each row once it has k neighbours (+Infinity before): the filter's limit. */
  readonly limits: Float64Array;
}

// Offers training row t, at exact squared distance `squared`, to query row q; keeps q's limit current.
function offer(state: Offers, q: number, t: number, squared: number): void {
  const slot = q - state.rowBase;
  const start = slot * state.k;
  const size = offerNeighbour(state.squaredOut, state.indexOut, start, state.k, state.sizes[slot], squared, t);
  state.sizes[slot] = size;
  if (size === state.k) state.limits[slot] = state.squaredOut[start + state.k - 1];
}

/**
 * Starts each query row of a packed block from its k best candidates among the
 * first `tileRows` training rows: all expanded distances of the tile, a quickselect
 * of the k-th, exact distances of the pairs at or below it, then of any other
 * pair the resulting limit cannot exclude. Cheaper than offering the whole tile.
 */
function primeBlock(
  index: PlainIndex,
  state: Offers,
  q0: number,
  rows: number,
  q: number,
  qNorms: number,
  excludeSelf: boolean,
  tileRows: number,
  scratch: Float64Array,
): void {
  const regions = layout(index.paddedRows, index.paddedCols);
  const rowBytes = index.paddedCols * BYTES;
  const paddedBlock = (rows + 3) & ~3;
  index.distanceTile(q, paddedBlock, regions.train, tileRows, rowBytes, qNorms, regions.trainNorms, 0, 0, regions.pairs);
  const expanded = new Float64Array(index.buffer, regions.pairs, paddedBlock * tileRows);
  const valid = Math.min(tileRows, state.train.rows);
  const d = state.train.cols;
  for (let i = 0; i < rows; i++) {
    const row = q0 + i;
    const self = excludeSelf ? row : -1;
    const values = expanded.subarray(i * tileRows, i * tileRows + valid);
    const hasSelf = self >= 0 && self < valid;
    let cut = Infinity;
    if (valid - (hasSelf ? 1 : 0) > state.k) {
      scratch.set(values);
      if (hasSelf) scratch[self] = Infinity;
      cut = kthSmallest(scratch, valid, state.k);
    }
    const limitSlot = row - state.rowBase;
    for (let t = 0; t < valid; t++) {
      if (t !== self && values[t] <= cut) offer(state, row, t, squaredDistance(state.query.data, row, state.train.data, t, d));
    }
    for (let t = 0; t < valid; t++) {
      if (t !== self && values[t] > cut && values[t] <= state.limits[limitSlot]) {
        offer(state, row, t, squaredDistance(state.query.data, row, state.train.data, t, d));
      }
    }
  }
}

/**
 * Exact k nearest training rows of query rows `[from, to)` by blocked brute force.
 *
 * Blocks of 32 query rows are scanned against tiles of 512 training rows by the
 * {@link FilterTile} kernel, which keeps only pairs whose expanded distance
 * |q|^2 + |t|^2 - 2 q.t might beat the query's current k-th neighbour. Each kept
 * pair has its distance recomputed exactly (sum of squared differences of the
 * original values, in feature order) and offered to the sorted buffer, so the
 * result is identical to a plain exact search, ties broken by lower index.
 * Writes squared distances and indices at `[(q - from) * k ...]`.
 * Time O(m n d), extra memory O(n d) for the packed copy.
 */
export function bruteForceQuery(
  index: BruteForceIndex,
  query: Matrix,
  k: number,
  excludeSelf: boolean,
  from: number,
  to: number,
  squaredOut: Float64Array,
  indexOut: Int32Array,
): void {
  if (index.engine !== null) {
    index.engine.query(query, k, excludeSelf, from, to, squaredOut, indexOut);
    return;
  }
  const plain = index.plain as PlainIndex;
  const n = index.train.rows;
  const regions = layout(plain.paddedRows, plain.paddedCols);
  const rowBytes = plain.paddedCols * BYTES;
  const queryPacked = new Float64Array(plain.buffer, regions.query, QUERY_BLOCK * plain.paddedCols);
  const queryNorms = new Float64Array(plain.buffer, regions.queryNorms, QUERY_BLOCK);
  const limits = new Float64Array(plain.buffer, regions.limits, QUERY_BLOCK);
  const pairs = new Int32Array(plain.buffer, regions.pairs, QUERY_BLOCK * TRAIN_TILE * 2);
  const scratch = new Float64Array(TRAIN_TILE);
  const sizes = new Int32Array(QUERY_BLOCK);
  const firstTile = Math.min(TRAIN_TILE, plain.paddedRows);

  for (let q0 = from; q0 < to; q0 += QUERY_BLOCK) {
    const q1 = Math.min(q0 + QUERY_BLOCK, to);
    const rows = q1 - q0;
    const paddedBlock = (rows + 3) & ~3;
    packRows(query, index.centre, q0, q1, queryPacked, queryNorms, plain.paddedCols);
    sizes.fill(0);
    limits.fill(Infinity, 0, rows);
    limits.fill(NaN, rows, paddedBlock); // padding rows never match
    queryNorms.fill(0, rows, paddedBlock);
    // Results of this block start at (q0 - from) * k: the block's rows map to slots q - q0.
    const state: Offers = {
      query, train: index.train, k, rowBase: q0, sizes, limits,
      squaredOut: squaredOut.subarray((q0 - from) * k), indexOut: indexOut.subarray((q0 - from) * k),
    };
    primeBlock(plain, state, q0, rows, regions.query, regions.queryNorms, excludeSelf, firstTile, scratch);

    for (let t0 = firstTile; t0 < plain.paddedRows; t0 += TRAIN_TILE) {
      const tileRows = Math.min(TRAIN_TILE, plain.paddedRows - t0);
      const count = plain.filterTile(
        regions.query, paddedBlock, regions.train + t0 * rowBytes, tileRows, rowBytes,
        regions.queryNorms, regions.trainNorms + t0 * BYTES, regions.limits, 0, regions.pairs,
      );
      for (let c = 0; c < count; c++) {
        const q = q0 + pairs[2 * c];
        const t = t0 + pairs[2 * c + 1];
        if (t < n && !(excludeSelf && t === q)) offer(state, q, t, squaredDistance(query.data, q, index.train.data, t, query.cols));
      }
    }
  }
}

/**
 * First step of the self-search of the training matrix (each row excluding
 * itself): rows `[from, to)` start from their k best among the first 512 rows,
 * written at `r * k` of full-size arrays (slots left unfilled when k > 511 keep
 * their +Infinity / -1). See {@link bruteForceSelfQuery}.
 */
export function primeSelfSearch(
  index: BruteForceIndex,
  k: number,
  from: number,
  to: number,
  squaredOut: Float64Array,
  indexOut: Int32Array,
): void {
  if (index.engine !== null) {
    index.engine.primeSelf(k, from, to, squaredOut, indexOut);
    return;
  }
  const plain = index.plain as PlainIndex;
  const train = index.train;
  const regions = layout(plain.paddedRows, plain.paddedCols);
  const rowBytes = plain.paddedCols * BYTES;
  const limits = new Float64Array(train.rows).fill(Infinity);
  const state: Offers = { query: train, train, k, rowBase: 0, sizes: new Int32Array(train.rows), limits, squaredOut, indexOut };
  const scratch = new Float64Array(TRAIN_TILE);
  const primed = Math.min(TRAIN_TILE, plain.paddedRows);
  for (let q0 = from; q0 < to; q0 += QUERY_BLOCK) {
    const rows = Math.min(QUERY_BLOCK, to - q0);
    primeBlock(plain, state, q0, rows, regions.train + q0 * rowBytes, regions.trainNorms + q0 * BYTES, true, primed, scratch);
  }
}

/**
 * Second step of the self-search: every unordered pair is visited once, and a
 * pair that passes the filter for either of its rows is offered to both, which
 * halves the inner-product work of {@link bruteForceQuery}.
 *
 * Expects the arrays primed for all rows ({@link primeSelfSearch}). Slice `part`
 * of `parts` handles the pairs (i, t), t > i, t >= 512, for the query rows of
 * blocks part, part + parts, ... (round robin: early blocks, whose partners'
 * limits are still loose, cost the most). With several slices, each works on its
 * own copy of the primed arrays and {@link mergeNeighbourLists} combines them;
 * with `parts = 1` the arrays end as the complete result.
 */
export function bruteForceSelfQuery(
  index: BruteForceIndex,
  k: number,
  part: number,
  parts: number,
  squaredOut: Float64Array,
  indexOut: Int32Array,
): void {
  if (index.engine !== null) {
    index.engine.selfSearch(k, part, parts, squaredOut, indexOut);
    return;
  }
  const plain = index.plain as PlainIndex;
  const train = index.train;
  const n = train.rows;
  const regions = layout(plain.paddedRows, plain.paddedCols);
  const rowBytes = plain.paddedCols * BYTES;
  const primed = Math.min(TRAIN_TILE, plain.paddedRows);
  const rowLimits = new Float64Array(plain.buffer, regions.rowLimits, plain.paddedRows + QUERY_BLOCK);
  const sizes = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let size = 0;
    while (size < k && indexOut[r * k + size] >= 0) size++;
    sizes[r] = size;
    rowLimits[r] = size === k ? squaredOut[r * k + k - 1] : Infinity;
  }
  rowLimits.fill(NaN, n); // padding rows never match
  const state: Offers = { query: train, train, k, rowBase: 0, sizes, limits: rowLimits, squaredOut, indexOut };
  const pairs = new Int32Array(plain.buffer, regions.pairs, QUERY_BLOCK * TRAIN_TILE * 2);

  for (let q0 = part * QUERY_BLOCK; q0 < n; q0 += parts * QUERY_BLOCK) {
    const q1 = Math.min(q0 + QUERY_BLOCK, n);
    const paddedBlock = (q1 - q0 + 3) & ~3;
    for (let t0 = Math.max(primed, q0 & ~1); t0 < plain.paddedRows; t0 += TRAIN_TILE) {
      const tileRows = Math.min(TRAIN_TILE, plain.paddedRows - t0);
      const count = plain.symmetricTile(
        regions.train + q0 * rowBytes, paddedBlock, regions.train + t0 * rowBytes, tileRows, rowBytes,
        regions.trainNorms + q0 * BYTES, regions.trainNorms + t0 * BYTES,
        regions.rowLimits + q0 * BYTES, regions.rowLimits + t0 * BYTES, regions.pairs,
      );
      for (let c = 0; c < count; c++) {
        const q = q0 + pairs[2 * c];
        const t = t0 + pairs[2 * c + 1];
        if (q >= q1 || t >= n || t <= q) continue;
        const squared = squaredDistance(train.data, q, train.data, t, train.cols);
        offer(state, q, t, squared);
        // Row t met the rows of the first tile while being primed.
        if (q >= primed) offer(state, t, q, squared);
      }
    }
  }
}

/**
 * Merges per-thread neighbour lists of a self-search (sorted, with +Infinity
 * padding; the same neighbour may appear in several lists) into the k best of
 * each row, dropping repeats.
 */
export function mergeNeighbourLists(
  parts: readonly { squared: Float64Array; indices: Int32Array }[],
  rows: number,
  k: number,
  squaredOut: Float64Array,
  indexOut: Int32Array,
): void {
  const cursor = new Int32Array(parts.length);
  for (let r = 0; r < rows; r++) {
    cursor.fill(0);
    const start = r * k;
    for (let j = 0; j < k; j++) {
      let best = -1;
      for (let p = 0; p < parts.length; p++) {
        if (cursor[p] >= k) continue;
        const d2 = parts[p].squared[start + cursor[p]];
        const id = parts[p].indices[start + cursor[p]];
        if (best < 0) {
          best = p;
          continue;
        }
        const bestD2 = parts[best].squared[start + cursor[best]];
        if (d2 < bestD2 || (d2 === bestD2 && id < parts[best].indices[start + cursor[best]])) best = p;
      }
      const d2 = parts[best].squared[start + cursor[best]];
      const id = parts[best].indices[start + cursor[best]];
      // The same (distance, index) in other lists is the same neighbour: skip those copies.
      for (let p = 0; p < parts.length; p++) {
        if (cursor[p] < k && parts[p].indices[start + cursor[p]] === id && parts[p].squared[start + cursor[p]] === d2) cursor[p]++;
      }
      squaredOut[start + j] = d2;
      indexOut[start + j] = id;
    }
  }
}

/** The k-th smallest of `values[0, length)` (1-based k), reordering them (quickselect). */
function kthSmallest(values: Float64Array, length: number, k: number): number {
  let lo = 0;
  let hi = length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = values[lo + ((hi - lo) >> 1)];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const held = values[i];
        values[i] = values[j];
        values[j] = held;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target];
  }
  return values[target];
}

/**
 * The {@link FilterTile} kernels in plain JavaScript (4 x 2 register blocking),
 * for runtimes without WebAssembly SIMD.
 */
function javascriptKernel(buffer: ArrayBuffer, mode: "filter" | "symmetric" | "distances"): FilterTile {
  const f64 = new Float64Array(buffer);
  const i32 = new Int32Array(buffer);
  return (q, qRows, t, tRows, rowBytes, qNorms, tNorms, limits, tLimits, out) => {
    const d = rowBytes / BYTES;
    const qBase = q / BYTES;
    const tBase = t / BYTES;
    const qn = qNorms / BYTES;
    const tn = tNorms / BYTES;
    const lim = limits / BYTES;
    const tLim = tLimits / BYTES;
    let pair = out / 4;
    let count = 0;
    const dots = new Float64Array(8);
    for (let i = 0; i < qRows; i += 4) {
      const a0 = qBase + i * d;
      const a1 = a0 + d;
      const a2 = a1 + d;
      const a3 = a2 + d;
      for (let j = 0; j < tRows; j += 2) {
        const b0 = tBase + j * d;
        const b1 = b0 + d;
        let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
        for (let f = 0; f < d; f++) {
          const x0 = f64[b0 + f];
          const x1 = f64[b1 + f];
          const y0 = f64[a0 + f];
          const y1 = f64[a1 + f];
          const y2 = f64[a2 + f];
          const y3 = f64[a3 + f];
          s00 += y0 * x0; s01 += y0 * x1;
          s10 += y1 * x0; s11 += y1 * x1;
          s20 += y2 * x0; s21 += y2 * x1;
          s30 += y3 * x0; s31 += y3 * x1;
        }
        dots[0] = s00; dots[1] = s01; dots[2] = s10; dots[3] = s11;
        dots[4] = s20; dots[5] = s21; dots[6] = s30; dots[7] = s31;
        for (let r = 0; r < 4; r++) {
          for (let c = 0; c < 2; c++) {
            const value = f64[qn + i + r] + f64[tn + j + c] - 2 * dots[2 * r + c];
            if (mode === "distances") {
              f64[out / BYTES + (i + r) * tRows + j + c] = value;
            } else if (value <= f64[lim + i + r] || (mode === "symmetric" && value <= f64[tLim + j + c])) {
              i32[pair++] = i + r;
              i32[pair++] = j + c;
              count++;
            }
          }
        }
      }
    }
    return count;
  };
}
