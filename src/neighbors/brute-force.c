/*
 * Exact blocked brute-force k-nearest-neighbour search, compiled to WebAssembly with 128-bit SIMD by
 * scripts/build-wasm.sh into brute-force-wasm.ts (base64); brute-force-wasm.ts's caller is brute-force.ts,
 * whose plain TypeScript is the same algorithm (the fallback, and the tests' oracle: results equal bit for bit).
 *
 * A filter on expanded distances |q|^2 + |t|^2 - 2 q.t picks candidate pairs; each candidate's distance is
 * recomputed exactly as sum_j (q_j - t_j)^2 over the ORIGINAL values in feature order (scikit-learn's arithmetic)
 * and offered to the row's sorted list of its k best, ordered by distance, then lower index. The result is
 * therefore the exact k nearest whatever the filter computes, as long as the filter never drops a true neighbour.
 *
 * The filter works in single precision, four features per instruction (twice the throughput of doubles): rows are
 * centred, scaled by a power of two so that the largest training value is at most 1 in magnitude (no overflow; the
 * scaling is exact), rounded to float32, and their dot products summed in float32 lanes. The rounding error of
 * 2 q.t is below (d / 4 + 4) * 2^-24 * (|q|^2 + |t|^2) plus a negligible absolute term for underflow, so the
 * norms (double precision) are shrunk by (d + 32) * 2^-23 of themselves and d * 2^-120: the filtered value never
 * exceeds the exact distance (scaled), and every pair that can be a neighbour is recomputed. Query rows larger
 * than 2^20 after scaling (far outside the training data) are compared with every training row instead.
 *
 * Pointers are byte offsets into the module's memory; matrices are row-major.
 */
#include <wasm_simd128.h>

typedef double f64;
#define EXPORT(name) __attribute__((export_name(#name)))
#define QUERY_BLOCK 32
#define TRAIN_TILE 512

typedef float f32;

/* The training side, written by the caller (brute-force-wasm.ts): one double, then nine 32-bit fields. */
typedef struct {
  f64 scale2;        /* the square of the scaling: limits (exact, unscaled distances) times this */
  const f64 *train;  /* n x d original rows: exact distances */
  const f32 *packed; /* paddedRows x pc centred, scaled rows in float32, padded with zeros to pc (multiple of 4) */
  const f64 *norms;  /* paddedRows (+ QUERY_BLOCK) shrunk squared norms (scaled); NaN marks padding rows */
  int n;
  int d;
  int pc;
  int paddedRows;
  f64 *expanded; /* scratch: QUERY_BLOCK x TRAIN_TILE expanded distances */
  f64 *scratch;  /* scratch: TRAIN_TILE values for the quickselect */
} Index;

/* Sorted lists of the k best candidates of rows base, base + 1, ...: row r's at (r - base) * k. */
typedef struct {
  f64 *squared;
  int *indices;
  int *sizes;
  f64 *limits; /* the k-th squared distance once a row has k (+Infinity before): the filter's limit */
  int k;
  int base;
} Lists;

/* Squared distance over the original values, summed over the features in order. */
static f64 exact(const f64 *a, const f64 *b, int d) {
  f64 sum = 0;
  for (int j = 0; j < d; j++) {
    f64 difference = a[j] - b[j];
    sum += difference * difference;
  }
  return sum;
}

/* nearest-buffer.ts's offerNeighbour, then the row's limit. */
static void offer(Lists *lists, int row, int index, f64 squared) {
  int slot = row - lists->base;
  int k = lists->k;
  int start = slot * k;
  int size = lists->sizes[slot];
  f64 *values = lists->squared;
  int *indices = lists->indices;
  int position;
  if (size < k) {
    position = start + size;
    size++;
  } else {
    int last = start + k - 1;
    f64 worst = values[last];
    if (squared > worst || (squared == worst && index > indices[last])) return;
    position = last;
  }
  while (position > start) {
    f64 previous = values[position - 1];
    if (previous < squared || (previous == squared && indices[position - 1] < index)) break;
    values[position] = previous;
    indices[position] = indices[position - 1];
    position--;
  }
  values[position] = squared;
  indices[position] = index;
  lists->sizes[slot] = size;
  if (size == k) lists->limits[slot] = values[start + k - 1];
}

/* Candidate pairs waiting for their exact distances: the filter collects them, flush() computes the distances
 * four at a time (four independent sums, each still over the features in order: a single sum is a chain of
 * dependent additions, four chains keep the adder busy) and offers them in the order they were found. Offering
 * later than found only leaves the filter's limits a little looser meanwhile: more candidates, same result. */
#define PENDING_CAPACITY (QUERY_BLOCK * TRAIN_TILE)
static int pendingRow[PENDING_CAPACITY];
static int pendingIndex[PENDING_CAPACITY];
static const f64 *pendingA[PENDING_CAPACITY];
static int pendingCount;

static inline void push(int row, int index, const f64 *a) {
  pendingRow[pendingCount] = row;
  pendingIndex[pendingCount] = index;
  pendingA[pendingCount] = a;
  pendingCount++;
}

/* Offers every pending pair (a = the row's original values, b = the training row's) to the row's list, and with
 * `both` also the training row's (the self-search: row `index` learns of `row`, unless it met it while primed). */
static void flush(const Index *ix, Lists *lists, int both, int primed) {
  int d = ix->d;
  int p = 0;
  for (; p + 3 < pendingCount; p += 4) {
    const f64 *a0 = pendingA[p], *a1 = pendingA[p + 1], *a2 = pendingA[p + 2], *a3 = pendingA[p + 3];
    const f64 *b0 = ix->train + pendingIndex[p] * d, *b1 = ix->train + pendingIndex[p + 1] * d;
    const f64 *b2 = ix->train + pendingIndex[p + 2] * d, *b3 = ix->train + pendingIndex[p + 3] * d;
    f64 s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int j = 0; j < d; j++) {
      f64 e0 = a0[j] - b0[j], e1 = a1[j] - b1[j], e2 = a2[j] - b2[j], e3 = a3[j] - b3[j];
      s0 += e0 * e0;
      s1 += e1 * e1;
      s2 += e2 * e2;
      s3 += e3 * e3;
    }
    f64 sums[4] = {s0, s1, s2, s3};
    for (int m = 0; m < 4; m++) {
      offer(lists, pendingRow[p + m], pendingIndex[p + m], sums[m]);
      if (both && pendingRow[p + m] >= primed) offer(lists, pendingIndex[p + m], pendingRow[p + m], sums[m]);
    }
  }
  for (; p < pendingCount; p++) {
    f64 squared = exact(pendingA[p], ix->train + pendingIndex[p] * d, d);
    offer(lists, pendingRow[p], pendingIndex[p], squared);
    if (both && pendingRow[p] >= primed) offer(lists, pendingIndex[p], pendingRow[p], squared);
  }
  pendingCount = 0;
}

/* Dot products of four packed query rows with two packed training rows (pc a multiple of 4): four features per
 * float32 lane step, the lanes then added pairwise in float32 (two roundings more, inside the bound) and widened:
 * out[r] holds row r's products with the two training rows as doubles. */
static inline void dots_4x2(const f32 *q, const f32 *t, int pc, v128_t out[4]) {
  const f32 *q1 = q + pc, *q2 = q1 + pc, *q3 = q2 + pc, *t1 = t + pc;
  v128_t s00 = wasm_f32x4_splat(0), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
  for (int j = 0; j < pc; j += 4) {
    v128_t a = wasm_v128_load(t + j);
    v128_t b = wasm_v128_load(t1 + j);
    v128_t x0 = wasm_v128_load(q + j);
    v128_t x1 = wasm_v128_load(q1 + j);
    v128_t x2 = wasm_v128_load(q2 + j);
    v128_t x3 = wasm_v128_load(q3 + j);
    s00 = wasm_f32x4_add(s00, wasm_f32x4_mul(x0, a));
    s01 = wasm_f32x4_add(s01, wasm_f32x4_mul(x0, b));
    s10 = wasm_f32x4_add(s10, wasm_f32x4_mul(x1, a));
    s11 = wasm_f32x4_add(s11, wasm_f32x4_mul(x1, b));
    s20 = wasm_f32x4_add(s20, wasm_f32x4_mul(x2, a));
    s21 = wasm_f32x4_add(s21, wasm_f32x4_mul(x2, b));
    s30 = wasm_f32x4_add(s30, wasm_f32x4_mul(x3, a));
    s31 = wasm_f32x4_add(s31, wasm_f32x4_mul(x3, b));
  }
  /* [x0 + x2, x1 + x3, y0 + y2, y1 + y3], then [sum x, sum y, sum z, sum w]. */
  v128_t h0 = wasm_f32x4_add(wasm_i32x4_shuffle(s00, s01, 0, 1, 4, 5), wasm_i32x4_shuffle(s00, s01, 2, 3, 6, 7));
  v128_t h1 = wasm_f32x4_add(wasm_i32x4_shuffle(s10, s11, 0, 1, 4, 5), wasm_i32x4_shuffle(s10, s11, 2, 3, 6, 7));
  v128_t h2 = wasm_f32x4_add(wasm_i32x4_shuffle(s20, s21, 0, 1, 4, 5), wasm_i32x4_shuffle(s20, s21, 2, 3, 6, 7));
  v128_t h3 = wasm_f32x4_add(wasm_i32x4_shuffle(s30, s31, 0, 1, 4, 5), wasm_i32x4_shuffle(s30, s31, 2, 3, 6, 7));
  v128_t r01 = wasm_f32x4_add(wasm_i32x4_shuffle(h0, h1, 0, 2, 4, 6), wasm_i32x4_shuffle(h0, h1, 1, 3, 5, 7));
  v128_t r23 = wasm_f32x4_add(wasm_i32x4_shuffle(h2, h3, 0, 2, 4, 6), wasm_i32x4_shuffle(h2, h3, 1, 3, 5, 7));
  out[0] = wasm_f64x2_promote_low_f32x4(r01);
  out[1] = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(r01, r01, 2, 3, 0, 1));
  out[2] = wasm_f64x2_promote_low_f32x4(r23);
  out[3] = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(r23, r23, 2, 3, 0, 1));
}

/* Filtered values of four query rows (norms qn[0..3]) against training rows t, t + 1: qn + tn - 2 dot, as doubles. */
static inline void expanded_4x2(const f32 *q, const f64 *qn, const f32 *t, const f64 *tn, int pc, v128_t out[4]) {
  v128_t dots[4];
  dots_4x2(q, t, pc, dots);
  v128_t trainNorms = wasm_v128_load(tn);
  v128_t two = wasm_f64x2_splat(2);
  for (int r = 0; r < 4; r++) {
    out[r] = wasm_f64x2_sub(wasm_f64x2_add(wasm_f64x2_splat(qn[r]), trainNorms), wasm_f64x2_mul(two, dots[r]));
  }
}

/* Centred rows times `scale` (a power of two), rounded to float32 and zero-padded to pc, and their squared norms
 * (in double precision, of the scaled values) shrunk as the file comment explains. Returns the largest scaled
 * magnitude, so the caller can tell a query row far outside the training data. */
EXPORT(pack_rows) f64 pack_rows(int rows, int d, int pc, const f64 *X, const f64 *centre, f64 scale, f32 *packed, f64 *norms) {
  f64 shrink = 1 - (d + 32) * 0x1p-23;
  f64 floor = d * 0x1p-121; /* each of the two norms carries half the absolute allowance d * 2^-120 */
  f64 largest = 0;
  for (int i = 0; i < rows; i++) {
    f64 norm = 0;
    f32 *out = packed + i * pc;
    for (int j = 0; j < d; j++) {
      f64 value = (X[i * d + j] - centre[j]) * scale;
      out[j] = (f32)value;
      norm += value * value;
      f64 magnitude = __builtin_fabs(value);
      if (magnitude > largest) largest = magnitude;
    }
    for (int j = d; j < pc; j++) out[j] = 0;
    norms[i] = norm * shrink - floor;
  }
  return largest;
}

/* The k-th smallest (1-based) of values[0, length), reordering them (quickselect). */
static f64 kth_smallest(f64 *values, int length, int k) {
  int lo = 0, hi = length - 1, target = k - 1;
  while (lo < hi) {
    f64 pivot = values[lo + ((hi - lo) >> 1)];
    int i = lo, j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        f64 held = values[i];
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

/* Starts `rows` query rows (row q0 + i: packed at q + i * pc, original at original + i * d) from their k best
 * among the first tileRows training rows: every expanded distance of the tile, the k-th smallest, exact distances
 * of the pairs at or below it, then of any other pair the resulting limit cannot exclude. */
static void prime_block(const Index *ix, Lists *lists, int q0, int rows, const f32 *q, const f64 *qNorms, const f64 *original,
                        int excludeSelf, int tileRows) {
  int pc = ix->pc;
  int block = (rows + 3) & ~3;
  v128_t values[4];
  for (int i = 0; i < block; i += 4) {
    for (int t = 0; t < tileRows; t += 2) {
      expanded_4x2(q + i * pc, qNorms + i, ix->packed + t * pc, ix->norms + t, pc, values);
      for (int r = 0; r < 4; r++) wasm_v128_store(ix->expanded + (i + r) * tileRows + t, values[r]);
    }
  }
  int valid = tileRows < ix->n ? tileRows : ix->n;
  int k = lists->k;
  for (int i = 0; i < rows; i++) {
    int row = q0 + i;
    int self = excludeSelf ? row : -1;
    const f64 *values = ix->expanded + i * tileRows;
    int hasSelf = self >= 0 && self < valid;
    f64 cut = __builtin_inf();
    if (valid - hasSelf > k) {
      for (int t = 0; t < valid; t++) ix->scratch[t] = values[t];
      if (hasSelf) ix->scratch[self] = __builtin_inf();
      cut = kth_smallest(ix->scratch, valid, k);
    }
    const f64 *x = original + i * ix->d;
    for (int t = 0; t < valid; t++) {
      if (t != self && values[t] <= cut) push(row, t, x);
    }
    flush(ix, lists, 0, 0);
    f64 limit = lists->limits[row - lists->base] * ix->scale2;
    for (int t = 0; t < valid; t++) {
      if (t != self && values[t] > cut && values[t] <= limit) push(row, t, x);
    }
    flush(ix, lists, 0, 0);
  }
}

/* k nearest training rows of one block of `rows` query rows q0, q0 + 1, ... (packed at q with norms qNorms,
 * original values at original); lists hold the block's rows (base q0), their limits +Infinity on entry. */
EXPORT(query_block) void query_block(const Index *ix, Lists *lists, int q0, int rows, const f32 *q, f64 *qNorms, const f64 *original,
                                     int excludeSelf, int exhaustive) {
  int pc = ix->pc;
  int block = (rows + 3) & ~3;
  for (int i = rows; i < block; i++) {
    qNorms[i] = 0;
    lists->limits[i] = __builtin_nan(""); /* padding rows never match */
  }
  if (exhaustive) {
    /* A query row beyond float32's safe range: compare the block with every training row exactly. */
    for (int i = 0; i < rows; i++) {
      for (int index = 0; index < ix->n; index++) {
        if (excludeSelf && index == q0 + i) continue;
        offer(lists, q0 + i, index, exact(original + i * ix->d, ix->train + index * ix->d, ix->d));
      }
    }
    return;
  }
  int first = TRAIN_TILE < ix->paddedRows ? TRAIN_TILE : ix->paddedRows;
  prime_block(ix, lists, q0, rows, q, qNorms, original, excludeSelf, first);
  v128_t scale2 = wasm_f64x2_splat(ix->scale2);
  v128_t values[4];
  for (int t0 = first; t0 < ix->paddedRows; t0 += TRAIN_TILE) {
    int tileRows = ix->paddedRows - t0 < TRAIN_TILE ? ix->paddedRows - t0 : TRAIN_TILE;
    for (int i = 0; i < block; i += 4) {
      for (int t = t0; t < t0 + tileRows; t += 2) {
        expanded_4x2(q + i * pc, qNorms + i, ix->packed + t * pc, ix->norms + t, pc, values);
        for (int r = 0; r < 4; r++) {
          v128_t limit = wasm_f64x2_mul(wasm_f64x2_splat(lists->limits[i + r]), scale2);
          v128_t pass = wasm_f64x2_le(values[r], limit);
          if (!wasm_v128_any_true(pass)) continue;
          for (int c = 0; c < 2; c++) {
            if (!(c == 0 ? wasm_i64x2_extract_lane(pass, 0) : wasm_i64x2_extract_lane(pass, 1))) continue;
            int row = q0 + i + r;
            int index = t + c;
            if (index < ix->n && !(excludeSelf && index == row)) push(row, index, original + (i + r) * ix->d);
          }
        }
      }
      flush(ix, lists, 0, 0);
    }
  }
}

/* First step of the self-search (each training row, excluding itself): the block of `rows` rows from q0 starts
 * from their k best among the first 512 rows. The caller calls this block by block: WebAssembly code is switched
 * to optimised code between calls, never inside one. */
EXPORT(prime_self) void prime_self(const Index *ix, Lists *lists, int q0, int rows) {
  int first = TRAIN_TILE < ix->paddedRows ? TRAIN_TILE : ix->paddedRows;
  prime_block(ix, lists, q0, rows, ix->packed + q0 * ix->pc, ix->norms + q0, ix->train + q0 * ix->d, 1, first);
}

/* Second step of the self-search for the query block at q0: every pair (q, t) with t > q and t >= 512 is visited
 * once, and a pair that passes the filter for either row is offered to both. lists cover all rows (base 0) and
 * hold the primed lists; their limits are NaN past the last row. */
EXPORT(self_block) void self_block(const Index *ix, Lists *lists, int q0) {
  int n = ix->n, pc = ix->pc, d = ix->d;
  int primed = TRAIN_TILE < ix->paddedRows ? TRAIN_TILE : ix->paddedRows;
  f64 *limits = lists->limits;
  v128_t scale2 = wasm_f64x2_splat(ix->scale2);
  v128_t values[4];
  int q1 = q0 + QUERY_BLOCK < n ? q0 + QUERY_BLOCK : n;
  int block = (q1 - q0 + 3) & ~3;
  int startTile = primed > (q0 & ~1) ? primed : (q0 & ~1);
  for (int t0 = startTile; t0 < ix->paddedRows; t0 += TRAIN_TILE) {
    int tileRows = ix->paddedRows - t0 < TRAIN_TILE ? ix->paddedRows - t0 : TRAIN_TILE;
    for (int i = 0; i < block; i += 4) {
      for (int t = t0; t < t0 + tileRows; t += 2) {
        expanded_4x2(ix->packed + (q0 + i) * pc, ix->norms + q0 + i, ix->packed + t * pc, ix->norms + t, pc, values);
        v128_t trainLimits = wasm_f64x2_mul(wasm_v128_load(limits + t), scale2);
        for (int r = 0; r < 4; r++) {
          int q = q0 + i + r;
          v128_t queryLimit = wasm_f64x2_mul(wasm_f64x2_splat(limits[q]), scale2);
          v128_t pass = wasm_v128_or(wasm_f64x2_le(values[r], queryLimit), wasm_f64x2_le(values[r], trainLimits));
          if (!wasm_v128_any_true(pass)) continue;
          for (int c = 0; c < 2; c++) {
            if (!(c == 0 ? wasm_i64x2_extract_lane(pass, 0) : wasm_i64x2_extract_lane(pass, 1))) continue;
            int index = t + c;
            if (q >= q1 || index >= n || index <= q) continue;
            push(q, index, ix->train + q * d);
          }
        }
      }
      /* Row `index` met the rows of the first tile while being primed: it learns of q only past them. */
      flush(ix, lists, 1, primed);
    }
  }
}
