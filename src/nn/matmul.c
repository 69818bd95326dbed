// tfjs-backend-wasm's matrix product for transposed operands, the same bits, with 128-bit SIMD.
//
// tfjs-backend-wasm 4.22 runs BatchMatMul on XNNPACK only when neither operand is transposed; otherwise it runs
// `slow_batch_matmul`, a scalar loop: every output is the sum, over blocks of 48 along the shared dimension in
// order, of each block's products summed from 0 in order. The backward pass of every dense layer (dx = dz·Wᵀ,
// dW = xᵀ·dz) takes that path at ~1 GFLOP/s. This kernel keeps each output's order exactly and puts four
// neighbouring outputs of a row in the four lanes of a vector (a lane's arithmetic is IEEE float32, and
// WebAssembly has no fused multiply-add), so the results are tfjs's bit for bit (test/nn-fused.test.ts).
//
// Operands are laid out by the caller (src/nn/wasm-batch-matmul.ts) in this module's memory: `a` as given
// (M x K, or K x M when transposed), `b` packed in panels of 8 columns (`pack_panels`; N padded with zero
// columns up to `stride`, a multiple of 4), and `out` as M rows of N floats.

#include <wasm_simd128.h>

typedef float f32;
#define EXPORT(name) __attribute__((export_name(#name)))

#define BLOCK 48 // tfjs's kBlockSize

// dst = B (K x N; src as K rows of N, or as N rows of K when transposed) packed in panels of 8 columns (the last
// of 4 when stride is not a multiple of 8): panel p holds, for k = 0, 1, ..., K - 1, its columns' values at k,
// zeros past N. A tile's steps along k then read consecutive memory.
// Columns c_from .. c_to - 1 (c_from a multiple of 8) of that layout: the panels a thread packs for its own columns
// (matmul_panels).
static void pack_panel_range(int K, int N, int stride, int transposed, const f32 *src, f32 *dst, int c_from, int c_to) {
  for (int c0 = c_from; c0 < c_to; c0 += 8) {
    const int width = stride - c0 < 8 ? stride - c0 : 8;
    const int cols = N - c0 < width ? N - c0 : width; // columns of B in this panel, then zeros
    f32 *panel = dst + c0 * K;
    if (!transposed && cols == 8) {
      for (int k = 0; k < K; k++) {
        wasm_v128_store(panel + k * 8, wasm_v128_load(src + k * N + c0));
        wasm_v128_store(panel + k * 8 + 4, wasm_v128_load(src + k * N + c0 + 4));
      }
      continue;
    }
    for (int c = 0; c < width; c++) {
      if (c >= cols) {
        for (int k = 0; k < K; k++) panel[k * width + c] = 0.0f;
      } else if (transposed) {
        for (int k = 0; k < K; k++) panel[k * width + c] = src[(c0 + c) * K + k];
      } else {
        for (int k = 0; k < K; k++) panel[k * width + c] = src[k * N + c0 + c];
      }
    }
  }
}

EXPORT(pack_panels) void pack_panels(int K, int N, int stride, int transposed, const f32 *src, f32 *dst) {
  pack_panel_range(K, N, stride, transposed, src, dst, 0, stride);
}

// Stores the first `lanes` (1 to 4) floats of v at p.
static inline void store_lanes(f32 *p, v128_t v, int lanes) {
  if (lanes >= 4) {
    wasm_v128_store(p, v);
    return;
  }
  wasm_v128_store32_lane(p, v, 0);
  if (lanes > 1) wasm_v128_store32_lane(p + 1, v, 1);
  if (lanes > 2) wasm_v128_store32_lane(p + 2, v, 2);
}

// One tile of ROWS (1 to 4) rows and COLS (1 or 2) vectors of four columns from column j: for each block of 48
// along k, a sum per output from 0 in order, added to the output's total in order (tfjs's order, see above). With a
// bias (XNNPACK's convolutions: src/nn/wasm-conv2d.ts), the first block's sums start from the bias instead of 0.
// The total is the first block's sum itself, then the later blocks' added in order (0 + s is s: a sum from +0 is
// never -0; a bias can be).
#define TILE(ROWS, COLS)                                                                                            \
  do {                                                                                                              \
    const f32 *panel = b + j * K;                                                                                   \
    v128_t t[4][2];                                                                                                 \
    for (int r = 0; r < 4; r++) t[r][0] = t[r][1] = wasm_f32x4_splat(0.0f);                                         \
    for (int k0 = 0; k0 < K; k0 += block) {                                                                         \
      const int k1 = K - k0 < block ? K : k0 + block;                                                               \
      v128_t s[4][2];                                                                                               \
      const v128_t s0 = bias != 0 && k0 == 0 ? wasm_v128_load(bias + j) : wasm_f32x4_splat(0.0f);                   \
      const v128_t s1 = bias != 0 && k0 == 0 && COLS > 1 ? wasm_v128_load(bias + j + 4) : wasm_f32x4_splat(0.0f);   \
      for (int r = 0; r < 4; r++) {                                                                                 \
        s[r][0] = s0;                                                                                               \
        s[r][1] = s1;                                                                                               \
      }                                                                                                             \
      const f32 *ar[4];                                                                                             \
      for (int r = 0; r < ROWS; r++) ar[r] = a + (i0 + r) * row_step + k0 * k_step;                                 \
      const f32 *bk = panel + k0 * 4 * COLS;                                                                        \
      for (int k = k0; k < k1; k++) {                                                                               \
        const v128_t b0 = wasm_v128_load(bk);                                                                       \
        const v128_t b1 = COLS > 1 ? wasm_v128_load(bk + 4) : b0;                                                   \
        bk += 4 * COLS;                                                                                             \
        for (int r = 0; r < ROWS; r++) {                                                                            \
          const v128_t av = wasm_v128_load32_splat(ar[r]);                                                          \
          ar[r] += k_step;                                                                                          \
          s[r][0] = wasm_f32x4_add(s[r][0], wasm_f32x4_mul(av, b0));                                                \
          if (COLS > 1) s[r][1] = wasm_f32x4_add(s[r][1], wasm_f32x4_mul(av, b1));                                  \
        }                                                                                                           \
      }                                                                                                             \
      for (int r = 0; r < ROWS; r++) {                                                                              \
        t[r][0] = k0 == 0 ? s[r][0] : wasm_f32x4_add(t[r][0], s[r][0]);                                             \
        if (COLS > 1) t[r][1] = k0 == 0 ? s[r][1] : wasm_f32x4_add(t[r][1], s[r][1]);                               \
      }                                                                                                             \
    }                                                                                                               \
    for (int r = 0; r < ROWS; r++) {                                                                                \
      store_lanes(out + (i0 + r) * N + j, t[r][0], N - j);                                                          \
      if (COLS > 1) store_lanes(out + (i0 + r) * N + j + 4, t[r][1], N - j - 4);                                    \
    }                                                                                                               \
  } while (0)

// Rows row0 .. row1 - 1 of out (M x N, rows of N floats) = A · B (+ bias), A(i, k) = transpose_a ? a[k M + i] :
// a[i K + k], B = b packed by pack_panels (stride = N rounded up to a multiple of 4), bias 0 (none) or `stride`
// floats, zeros past N. Tiles of 4 rows x 8 columns: 8 block sums in registers per step of k. Each output's sum
// does not depend on the tile it is in, so any split of the rows (src/nn/matmul-threads.ts runs blocks of rows on
// several threads over one shared memory) gives the same bits.
// Columns j0 .. j1 - 1 (j0 a multiple of 8; j1 one too, or stride) of rows row0 .. row1 - 1.
static void matmul_block(int M, int K, int N, int stride, int transpose_a, int block, const f32 *a, const f32 *b, const f32 *bias,
                         f32 *out, int row0, int row1, int j0, int j1) {
  (void)stride;
  // A(i, k) = a[i row_step + k k_step].
  const int row_step = transpose_a ? 1 : K, k_step = transpose_a ? M : 1;
  int i0 = row0;
  for (; i0 + 4 <= row1; i0 += 4) {
    int j = j0;
    for (; j + 8 <= j1; j += 8) TILE(4, 2);
    if (j < j1) TILE(4, 1);
  }
  for (; i0 < row1; i0++) {
    int j = j0;
    for (; j + 8 <= j1; j += 8) TILE(1, 2);
    if (j < j1) TILE(1, 1);
  }
}

EXPORT(biased_matmul_rows) void biased_matmul_rows(int M, int K, int N, int stride, int transpose_a, int block, const f32 *a,
                                                   const f32 *b, const f32 *bias, f32 *out, int row0, int row1) {
  matmul_block(M, K, N, stride, transpose_a, block, a, b, bias, out, row0, row1, 0, stride);
}

// biased_matmul_rows as a job of the threads (the thread does not matter).
EXPORT(matmul_rows) void matmul_rows(int M, int K, int N, int stride, int transpose_a, int block, const f32 *a, const f32 *b, const f32 *bias,
                                     f32 *out, int thread, int row0, int row1) {
  (void)thread;
  biased_matmul_rows(M, K, N, stride, transpose_a, block, a, b, bias, out, row0, row1);
}

// The product split by columns, a job of the threads for products of few rows and many columns (src/nn/matmul-threads.ts):
// units u0 .. u1 - 1 are panels of 8 columns (the last of 4 when stride is not a multiple of 8); the thread packs
// those panels of B from `b_raw` (pack_panels's layout, at their place in `b_packed`) and computes every row of
// their columns. Split by rows, one thread packed all of B first while the others waited; each output is summed
// as biased_matmul_rows sums it, so the bits do not depend on the split.
EXPORT(matmul_panels) void matmul_panels(int M, int K, int N, int stride, int transpose_a, int transpose_b, int block, const f32 *a,
                                         const f32 *b_raw, f32 *b_packed, const f32 *bias, f32 *out, int thread, int u0, int u1) {
  (void)thread;
  const int j0 = u0 * 8, j1 = u1 * 8 < stride ? u1 * 8 : stride;
  pack_panel_range(K, N, stride, transpose_b, b_raw, b_packed, j0, j1);
  matmul_block(M, K, N, stride, transpose_a, block, a, b_packed, bias, out, 0, M, j0, j1);
}

// Rows row0 .. row1 - 1 of out = A · B: biased_matmul_rows without a bias.
EXPORT(blocked_matmul_rows) void blocked_matmul_rows(int M, int K, int N, int stride, int transpose_a, int block, const f32 *a,
                                                     const f32 *b, f32 *out, int row0, int row1) {
  biased_matmul_rows(M, K, N, stride, transpose_a, block, a, b, 0, out, row0, row1);
}

// Every row of out: blocked_matmul_rows from 0 to M.
EXPORT(blocked_matmul) void blocked_matmul(int M, int K, int N, int stride, int transpose_a, int block, const f32 *a, const f32 *b, f32 *out) {
  blocked_matmul_rows(M, K, N, stride, transpose_a, block, a, b, out, 0, M);
}

// out[j] = Σ_r src[r cols + j] for the columns of groups g0 .. g1 - 1 of COLUMN_GROUP (the last one narrower), each
// column summed from 0 in row order (tfjs-backend-wasm's Sum over the leading axes: it transposes, then sums each
// row of the transpose from 0 in order), four columns per vector. A job of the threads (src/nn/wasm-column-sum.ts):
// a group is one 64-byte line of a row, so threads summing different groups read different lines.
#define COLUMN_GROUP 16

EXPORT(column_sums_groups) void column_sums_groups(int rows, int cols, const f32 *src, f32 *out, int thread, int g0, int g1) {
  (void)thread;
  for (int g = g0; g < g1; g++) {
    const int c0 = g * COLUMN_GROUP, width = cols - c0 < COLUMN_GROUP ? cols - c0 : COLUMN_GROUP;
    int j = 0;
    if (width == COLUMN_GROUP) { // the whole group in one pass over the rows: each row's 16 columns read once
      const f32 *p = src + c0;
      v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
      for (int r = 0; r < rows; r++, p += cols) {
        s0 = wasm_f32x4_add(s0, wasm_v128_load(p));
        s1 = wasm_f32x4_add(s1, wasm_v128_load(p + 4));
        s2 = wasm_f32x4_add(s2, wasm_v128_load(p + 8));
        s3 = wasm_f32x4_add(s3, wasm_v128_load(p + 12));
      }
      wasm_v128_store(out + c0, s0);
      wasm_v128_store(out + c0 + 4, s1);
      wasm_v128_store(out + c0 + 8, s2);
      wasm_v128_store(out + c0 + 12, s3);
      j = width;
    }
    for (; j + 4 <= width; j += 4) {
      v128_t sum = wasm_f32x4_splat(0.0f);
      for (int r = 0; r < rows; r++) sum = wasm_f32x4_add(sum, wasm_v128_load(src + r * cols + c0 + j));
      wasm_v128_store(out + c0 + j, sum);
    }
    for (; j < width; j++) {
      f32 sum = 0.0f;
      for (int r = 0; r < rows; r++) sum += src[r * cols + c0 + j];
      out[c0 + j] = sum;
    }
  }
}

// The filter gradient's operands (src/nn/wasm-conv-filter-gradient.ts), laid out here so that they never leave
// this module's memory: dW = im2colᵀ · dy, summed along k = (y, x, n) from 0 in order (XNNPACK's order).

// Copies `count` floats, four per vector.
static inline void copy_floats(f32 *dst, const f32 *src, int count) {
  int i = 0;
  for (; i + 4 <= count; i += 4) wasm_v128_store(dst + i, wasm_v128_load(src + i));
  for (; i < count; i++) dst[i] = src[i];
}

static inline void zero_floats(f32 *dst, int count) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= count; i += 4) wasm_v128_store(dst + i, zero);
  for (; i < count; i++) dst[i] = 0.0f;
}

// Stores the 4 x 4 transpose of rows r0..r3 (4 floats each): column q of them at to + q stride. The layouts below
// move four floats per store this way instead of one (a copy: the same floats).
static inline void store_transposed(v128_t r0, v128_t r1, v128_t r2, v128_t r3, f32 *to, int stride) {
  const v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
  const v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  wasm_v128_store(to, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
  wasm_v128_store(to + stride, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
  wasm_v128_store(to + 2 * stride, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
  wasm_v128_store(to + 3 * stride, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
}

// The jobs below take (..., thread, row0, row1) last: src/nn/matmul-threads.ts splits their rows over the threads
// (any split gives the same result: each row is computed whole by one thread); `thread` picks a thread's scratch.

// Pixels p0 .. p1 - 1 of dst (c x h x w x n) = x (n x h x w x c, NHWC) with the samples innermost: a pixel's n
// samples of one channel lie side by side, the run im2col_transposed copies for each (tap, output pixel).
EXPORT(samples_innermost) void samples_innermost(int n, int h, int w, int c, const f32 *x, f32 *dst, int thread, int p0, int p1) {
  const int pixels = h * w, sample = pixels * c;
  (void)thread;
  for (int p = p0; p < p1; p++) {
    const f32 *from = x + p * c;
    int b = 0;
    // Four samples by four channels at a time.
    for (; b + 4 <= n; b += 4) {
      const f32 *at = from + b * sample;
      int ch = 0;
      for (; ch + 4 <= c; ch += 4) {
        store_transposed(wasm_v128_load(at + ch), wasm_v128_load(at + sample + ch), wasm_v128_load(at + 2 * sample + ch),
                         wasm_v128_load(at + 3 * sample + ch), dst + (ch * pixels + p) * n + b, pixels * n);
      }
      for (; ch < c; ch++) {
        for (int q = 0; q < 4; q++) dst[(ch * pixels + p) * n + b + q] = at[q * sample + ch];
      }
    }
    for (; b < n; b++) {
      for (int ch = 0; ch < c; ch++) dst[(ch * pixels + p) * n + b] = from[b * sample + ch];
    }
  }
}

// Rows r0 .. r1 - 1 of out (kh kw c rows of K = oh ow n floats) = im2colᵀ of xt (samples_innermost's layout): row
// (i, j, ch), column (y, x, b) holds x[b, sh y + i - top, sw x + j - left, ch], zero in the padding.
// Rows r0 .. r1 - 1 of that im2colᵀ, row r at dst + (r - r0) K.
static void im2col_transposed_into(int n, int h, int w, int c, int oh, int ow, int kw, int sh, int sw, int top, int left, const f32 *xt,
                                   f32 *dst, int r0, int r1) {
  const int K = oh * ow * n;
  for (int r = r0; r < r1; r++) {
    const int i = r / (kw * c), j = r / c % kw, ch = r % c;
    f32 *row = dst + (r - r0) * K;
    for (int y = 0; y < oh; y++) {
      f32 *to = row + y * ow * n;
      const int yy = sh * y + i - top;
      if (yy < 0 || yy >= h) {
        zero_floats(to, ow * n);
        continue;
      }
      const f32 *line = xt + (ch * h + yy) * w * n;
      for (int x = 0; x < ow; x++, to += n) {
        const int xx = sw * x + j - left;
        if (xx < 0 || xx >= w) zero_floats(to, n);
        else copy_floats(to, line + xx * n, n);
      }
    }
  }
}

EXPORT(im2col_transposed) void im2col_transposed(int n, int h, int w, int c, int oh, int ow, int kh, int kw, int sh, int sw,
                                                 int top, int left, const f32 *xt, f32 *out, int thread, int r0, int r1) {
  (void)thread, (void)kh;
  im2col_transposed_into(n, h, w, c, oh, ow, kw, sh, sw, top, left, xt, out + r0 * (oh * ow * n), r0, r1);
}

// Pixels p0 .. p1 - 1 of B = dy's rows in the product's order (k = (p, b): row k is dy[b, p, :], N floats), written
// straight into pack_panels's layout (panels of 8 columns, the last of 4 when stride is not a multiple of 8, zeros
// past N): the same floats as laying the rows out, then packing them, in one pass split over the threads.
EXPORT(samples_inner_panels) void samples_inner_panels(int n, int pixels, int N, int stride, const f32 *src, f32 *dst, int thread, int p0,
                                                       int p1) {
  const int K = pixels * n;
  (void)thread;
  for (int p = p0; p < p1; p++) {
    for (int b = 0; b < n; b++) {
      const int k = p * n + b;
      const f32 *row = src + (b * pixels + p) * N;
      for (int c0 = 0; c0 < stride; c0 += 8) {
        const int width = stride - c0 < 8 ? stride - c0 : 8;
        const int cols = N - c0 < width ? N - c0 : width;
        f32 *to = dst + c0 * K + k * width;
        copy_floats(to, row + c0, cols);
        for (int c = cols; c < width; c++) to[c] = 0.0f;
      }
    }
  }
}

// The filter gradient of a convolution with few rows of dW (M = kh kw c <= 12: one input channel) without B's panels:
// copying dy into them cost as much as the product. Each (panel of 8 columns, tile of up to 4 rows) of dW is summed
// along k = (p, b) from 0 in order, as blocked_matmul sums it with one block, reading B's row k = dy[b, p, :] in place
// (NHWC: rows of N floats, N a multiple of 8). Job units are (panel, row tile) pairs, panel-major.
#define DY_TILE(ROWS)                                                                                               \
  do {                                                                                                              \
    v128_t s[4][2];                                                                                                 \
    for (int r = 0; r < 4; r++) s[r][0] = s[r][1] = wasm_f32x4_splat(0.0f);                                        \
    const f32 *ar[4];                                                                                               \
    for (int r = 0; r < ROWS; r++) ar[r] = a + (i0 + r) * K;                                                        \
    for (int p = 0; p < pixels; p++) {                                                                              \
      const f32 *bk = dy + p * N + j;                                                                               \
      for (int b = 0; b < n; b++, bk += sample) {                                                                   \
        const v128_t b0 = wasm_v128_load(bk), b1 = wasm_v128_load(bk + 4);                                          \
        for (int r = 0; r < ROWS; r++) {                                                                            \
          const v128_t av = wasm_v128_load32_splat(ar[r]++);                                                        \
          s[r][0] = wasm_f32x4_add(s[r][0], wasm_f32x4_mul(av, b0));                                                \
          s[r][1] = wasm_f32x4_add(s[r][1], wasm_f32x4_mul(av, b1));                                                \
        }                                                                                                           \
      }                                                                                                             \
    }                                                                                                               \
    for (int r = 0; r < ROWS; r++) {                                                                                \
      wasm_v128_store(out + (i0 + r) * N + j, s[r][0]);                                                             \
      wasm_v128_store(out + (i0 + r) * N + j + 4, s[r][1]);                                                         \
    }                                                                                                               \
  } while (0)

EXPORT(dy_matmul_units) void dy_matmul_units(int M, int N, int n, int pixels, const f32 *a, const f32 *dy, f32 *out, int thread, int u0, int u1) {
  const int K = pixels * n, sample = pixels * N, tiles = (M + 3) / 4;
  (void)thread;
  for (int u = u0; u < u1; u++) {
    const int j = u / tiles * 8, i0 = u % tiles * 4, rows = M - i0 < 4 ? M - i0 : 4;
    if (rows == 4) DY_TILE(4);
    else if (rows == 3) DY_TILE(3);
    else if (rows == 2) DY_TILE(2);
    else DY_TILE(1);
  }
}

// The convolutions' operands (src/nn/wasm-conv2d.ts): out = im2col · W (+ bias), each output summed along
// k = (i, j, ch) from its bias (or 0) in order. That is XNNPACK's order in tfjs-backend-wasm's Conv2D and
// FusedConv2D (one running sum per output, started from the bias, over the filter's taps in row-major order and
// each tap's channels in order; found by comparing bits), so biased_matmul_rows with one block gives its bits.

// A convolution's shape, as conv_rows reads it from memory (the threads share it): input n x h x w x c, filter
// kh x kw x c x N, output n x oh x ow x N, strides, the padding before (top, left; negative: the output starts
// inside x), K = kh kw c, and stride = N rounded up to a multiple of 4 (B's packing).
// With scatter_h > 0 the output rows are one phase of a strided convolution's input gradient: row (b, y, x) goes
// to pixel (b, phase_y + scatter_sy y, phase_x + scatter_sx x) of an n x scatter_h x scatter_w image of N channels.
typedef struct {
  int n, h, w, c, oh, ow, kh, kw, sh, sw, top, left, K, N, stride;
  int scatter_h, scatter_w, phase_y, phase_x, scatter_sy, scatter_sx;
} conv_shape;

// out (rows row0 .. row1 - 1 of im2col, K = kh kw c floats each) = im2col of x (NHWC): row (b, y, x), column
// (i, j, ch) holds x[b, sh y + i - top, sw x + j - left, ch], zero outside x. A row's taps along one line of x
// are one run of it.
static void im2col_rows(const conv_shape *g, int row0, int row1, const f32 *x, f32 *out) {
  const int n = g->n, h = g->h, w = g->w, c = g->c, oh = g->oh, ow = g->ow, kh = g->kh, kw = g->kw;
  const int K = kh * kw * c;
  f32 *row = out;
  for (int r = row0; r < row1; r++, row += K) {
    const int b = r / (oh * ow), y = r / ow % oh, xo = r % ow;
    if (w == 1 && kw == 1 && ow == 1) {
      // One column (a 1-D convolution along h): a row's taps are one run of x.
      const int y0 = g->sh * y - g->top;
      const int first = y0 < 0 ? -y0 : 0, end = h - y0 < kh ? h - y0 : kh;
      if (end <= first) {
        zero_floats(row, K);
      } else {
        zero_floats(row, first * c);
        copy_floats(row + first * c, x + (b * h + y0 + first) * c, (end - first) * c);
        zero_floats(row + end * c, (kh - end) * c);
      }
      continue;
    }
    const int x0 = g->sw * xo - g->left;
    const int first = x0 < 0 ? -x0 : 0;      // taps left of x's first column
    const int end = w - x0 < kw ? w - x0 : kw; // taps from here on are right of its last column
    for (int i = 0; i < kh; i++) {
      f32 *to = row + i * kw * c;
      const int yy = g->sh * y + i - g->top;
      if (yy < 0 || yy >= h || end <= first) {
        zero_floats(to, kw * c);
        continue;
      }
      if (first > 0) zero_floats(to, first * c);
      copy_floats(to + first * c, x + ((b * h + yy) * w + x0 + first) * c, (end - first) * c);
      if (end < kw) zero_floats(to + end * c, (kw - end) * c);
    }
    (void)n;
  }
}

// Rows row0 .. row1 - 1 of a convolution's output (rows of N floats) = im2col · B (+ bias: 0 or `stride` floats),
// B packed by pack_panels, in chunks of `chunk` rows: each chunk's im2col rows are laid out in `scratch` (chunk x K
// floats, then chunk x N for a phase's rows) by the thread that multiplies them, just before (in cache, and on every
// thread: src/nn/matmul-threads.ts splits the rows), then summed as biased_matmul_rows sums them (from the bias,
// along k in order: the same bits); a phase's rows are then written to their pixels (see conv_shape).
EXPORT(conv_rows) void conv_rows(const conv_shape *g, const f32 *x, const f32 *b, const f32 *bias, f32 *out, f32 *scratches,
                                 int scratch_floats, int chunk, int thread, int row0, int row1) {
  const int N = g->N;
  f32 *scratch = scratches + thread * scratch_floats;
  f32 *rows_out = scratch + chunk * g->K;
  for (int r0 = row0; r0 < row1; r0 += chunk) {
    const int r1 = row1 - r0 < chunk ? row1 : r0 + chunk;
    im2col_rows(g, r0, r1, x, scratch);
    if (g->scatter_h == 0) {
      biased_matmul_rows(r1 - r0, g->K, N, g->stride, 0, g->K, scratch, b, bias, out + r0 * N, 0, r1 - r0);
      continue;
    }
    biased_matmul_rows(r1 - r0, g->K, N, g->stride, 0, g->K, scratch, b, bias, rows_out, 0, r1 - r0);
    for (int r = r0; r < r1; r++) {
      const int bb = r / (g->oh * g->ow), y = r / g->ow % g->oh, xo = r % g->ow;
      const int pixel = (bb * g->scatter_h + g->phase_y + g->scatter_sy * y) * g->scatter_w + g->phase_x + g->scatter_sx * xo;
      copy_floats(out + pixel * N, rows_out + (r - r0) * N, N);
    }
  }
}

// Rows row0 .. row1 - 1 of a filter gradient dW = im2colᵀ · B (src/nn/wasm-conv-filter-gradient.ts; g: x's geometry,
// K = oh ow n, N output channels), `chunk` rows at a time: each chunk's rows of im2colᵀ are laid out from xt
// (samples_innermost's layout) in the thread's scratch, then summed as biased_matmul_rows sums them (one block of
// K, no bias). Laid out whole first, im2colᵀ (288 x 6,272 floats for the conv2d AE's largest) went out to memory and
// came back for the product; a chunk stays in the thread's cache. The same bits.
EXPORT(im2col_transposed_rows) void im2col_transposed_rows(const conv_shape *g, const f32 *xt, const f32 *b, f32 *out, f32 *scratches,
                                                         int scratch_floats, int chunk, int thread, int row0, int row1) {
  f32 *scratch = scratches + thread * scratch_floats;
  for (int r0 = row0; r0 < row1; r0 += chunk) {
    const int r1 = row1 - r0 < chunk ? row1 : r0 + chunk;
    im2col_transposed_into(g->n, g->h, g->w, g->c, g->oh, g->ow, g->kw, g->sh, g->sw, g->top, g->left, xt, scratch, r0, r1);
    biased_matmul_rows(r1 - r0, g->K, g->N, g->stride, 0, g->K, scratch, b, 0, out + r0 * g->N, 0, r1 - r0);
  }
}

// dst (n x h x w pixels of c floats) at pixels (py + sy Y, px + sx X) = src (n x cy x cx pixels of c floats): one
// phase of a strided convolution's input gradient, written into every stride-th pixel.
EXPORT(scatter_phase) void scatter_phase(int n, int cy, int cx, int c, int h, int w, int py, int px, int sy, int sx,
                                         const f32 *src, f32 *dst) {
  for (int b = 0; b < n; b++) {
    for (int y = 0; y < cy; y++) {
      f32 *line = dst + ((b * h + py + sy * y) * w + px) * c;
      for (int x = 0; x < cx; x++, src += c) copy_floats(line + sx * x * c, src, c);
    }
  }
}

// Sets `count` floats to +0.
EXPORT(fill_zeros) void fill_zeros(f32 *dst, int count) { zero_floats(dst, count); }

// One output channel at stride 1 without im2col: x laid out as zero-padded planes, one per sample and channel, so that a tap's values for 16 neighbouring output pixels of a row are 16 consecutive floats
// of a plane. Each pixel is summed from its bias (or 0) over the taps (i, j) in row-major order and each tap's
// channels in order, one running sum per pixel (a lane): XNNPACK's order, the same bits as im2col · W.

// One line of NHWC pixels x0 .. x1 - 1 (c floats each, from `line`) into c planes `plane` floats apart (pixel xx of
// channel ch to to[ch plane + xx]): four pixels by four channels at a time (store_transposed), the rest one float at
// a time. A copy: the same floats.
static void to_planes(const f32 *line, f32 *to, int x0, int x1, int c, int plane) {
  int xx = x0;
  for (; xx + 4 <= x1; xx += 4) {
    const f32 *from = line + xx * c;
    int ch = 0;
    for (; ch + 4 <= c; ch += 4) {
      store_transposed(wasm_v128_load(from + ch), wasm_v128_load(from + c + ch), wasm_v128_load(from + 2 * c + ch), wasm_v128_load(from + 3 * c + ch),
                       to + ch * plane + xx, plane);
    }
    for (; ch < c; ch++) {
      for (int q = 0; q < 4; q++) to[ch * plane + xx + q] = from[q * c + ch];
    }
  }
  for (; xx < x1; xx++) {
    for (int ch = 0; ch < c; ch++) to[ch * plane + xx] = line[xx * c + ch];
  }
}

// Samples b0 .. b1 - 1 of a convolution with one output channel at stride 1 (g: conv_shape, N = 1): each sample's
// x (NHWC) is laid out as c zero-padded planes of ph x pw floats (ph = oh + kh - 1, pw = ow + kw - 1; `planes`
// holds n x c of them, then 16 spare floats that reads past the last row may touch), placed at (top, left) (rows
// and columns outside the planes are not read by the convolution), then out (n x oh x ow) = the correlation of the
// planes with filter (kh x kw x c), from *bias (or 0). A 1-D convolution along h (planes of one column) is run as
// one row of ph floats, so that its neighbouring outputs are neighbouring floats too.
EXPORT(one_channel_rows) void one_channel_rows(const conv_shape *g, const f32 *x, const f32 *filter, const f32 *bias, f32 *planes, f32 *out,
                                               int thread, int b0, int b1) {
  const int h = g->h, w = g->w, c = g->c, top = g->top, left = g->left;
  const int ph = g->oh + g->kh - 1, pw = g->ow + g->kw - 1;
  const int y0 = top < 0 ? -top : 0, y1 = ph - top < h ? ph - top : h;
  const int x0 = left < 0 ? -left : 0, x1 = pw - left < w ? pw - left : w;
  const f32 start = bias == 0 ? 0.0f : *bias;
  // A 1-D convolution: the plane's column as a row.
  const int column = g->ow == 1 && g->kw == 1;
  const int rows = column ? 1 : g->oh, cols = column ? g->oh : g->ow, kh = column ? 1 : g->kh, kw = column ? g->kh : g->kw;
  const int plane_h = column ? 1 : ph, plane_w = column ? ph : pw;
  (void)thread;
  for (int b = b0; b < b1; b++) {
    f32 *sample = planes + b * c * ph * pw;
    zero_floats(sample, c * ph * pw);
    for (int y = y0; y < y1; y++) to_planes(x + ((b * h + y) * w) * c, sample + (y + top) * pw + left, x0, x1, c, ph * pw);
    for (int y = 0; y < rows; y++) {
      f32 *line = out + (b * rows + y) * cols;
      for (int p0 = 0; p0 < cols; p0 += 16) {
        v128_t acc[4];
        for (int v = 0; v < 4; v++) acc[v] = wasm_f32x4_splat(start);
        const f32 *tap = filter;
        for (int i = 0; i < kh; i++) {
          for (int j = 0; j < kw; j++) {
            const f32 *at = sample + (y + i) * plane_w + p0 + j;
            for (int ch = 0; ch < c; ch++, at += plane_h * plane_w) {
              const v128_t weight = wasm_v128_load32_splat(tap++);
              for (int v = 0; v < 4; v++) acc[v] = wasm_f32x4_add(acc[v], wasm_f32x4_mul(wasm_v128_load(at + 4 * v), weight));
            }
          }
        }
        const int left_over = cols - p0;
        for (int v = 0; v < 4 && 4 * v < left_over; v++) store_lanes(line + p0 + 4 * v, acc[v], left_over - 4 * v);
      }
    }
  }
}

// One phase's taps of a strided convolution's filter (kh x kw x in x out), rotated 180° with in and out swapped:
// out (ty x tx x out x in) holds, at (m, q, o, c), filter[kh - 1 - (fy + sy m), kw - 1 - (fx + sx q), c, o].
EXPORT(phase_taps) void phase_taps(int kh, int kw, int in, int out_channels, int fy, int ty, int sy, int fx, int tx, int sx,
                                   const f32 *filter, f32 *out) {
  for (int m = 0; m < ty; m++) {
    for (int q = 0; q < tx; q++) {
      const f32 *tap = filter + ((kh - 1 - (fy + sy * m)) * kw + kw - 1 - (fx + sx * q)) * in * out_channels;
      f32 *to = out + (m * tx + q) * out_channels * in;
      for (int o = 0; o < out_channels; o++) {
        for (int c = 0; c < in; c++) to[o * in + c] = tap[c * out_channels + o];
      }
    }
  }
}


// LeakyReLU and its gradient (activation.c's functions, included here) as jobs of the threads, for tfjs's tensors
// when this module works in tfjs's heap (src/nn/wasm-leaky-relu.ts): rows of ACTIVATION_ROW floats, the last one
// shorter; and the bias add (src/nn/wasm-bias-add.ts) by rows of the tensor's last axis. Each float's result does not depend on the split (one lane's operations). alpha travels as its float32
// bits: the jobs' arguments are 32-bit integers.
#include "activation.c"

#define ACTIVATION_ROW 4096

static inline f32 f32_from_bits(int bits) {
  union {
    int i;
    f32 f;
  } u = {.i = bits};
  return u.f;
}

EXPORT(leaky_relu_rows)
void leaky_relu_rows(const f32 *x, f32 *y, int size, int alpha_bits, int thread, int r0, int r1) {
  const int from = r0 * ACTIVATION_ROW, to = r1 * ACTIVATION_ROW < size ? r1 * ACTIVATION_ROW : size;
  (void)thread;
  leaky_relu(x + from, y + from, to - from, f32_from_bits(alpha_bits));
}

EXPORT(leaky_relu_grad_rows)
void leaky_relu_grad_rows(const f32 *x, const f32 *dy, f32 *dx, int size, int alpha_bits, int thread, int r0, int r1) {
  const int from = r0 * ACTIVATION_ROW, to = r1 * ACTIVATION_ROW < size ? r1 * ACTIVATION_ROW : size;
  (void)thread;
  leaky_relu_grad(x + from, dy + from, dx + from, to - from, f32_from_bits(alpha_bits));
}

EXPORT(bias_add_rows)
void bias_add_rows(const f32 *x, const f32 *bias, f32 *out, int cols, int thread, int r0, int r1) {
  (void)thread;
  bias_add(x + r0 * cols, bias, out + r0 * cols, r1 - r0, cols);
}

// Adam's update (adam.c's adam_step, included here) as a job of the threads, for weights, gradients, moments and the
// result in tfjs's heap (src/nn/host-adam.ts): rows of ADAM_ROW elements (even: each lane pair is the same as on one
// thread), the last one shorter. Each element's float64 arithmetic does not depend on the split. The constants
// travel in memory (k: b1, 1 - b1, b2, 1 - b2, lr, c1, c2, eps): the jobs' arguments are 32-bit integers.
#include "adam.c"

#define ADAM_ROW 4096

EXPORT(adam_rows)
void adam_rows(int n, const f32 *g, const f32 *w, f64 *m, f64 *v, f32 *out, const f64 *k, int thread, int r0, int r1) {
  const int from = r0 * ADAM_ROW, to = r1 * ADAM_ROW < n ? r1 * ADAM_ROW : n;
  (void)thread;
  adam_step(to - from, g + from, w + from, m + from, v + from, out + from, k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]);
}
