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
// (M x K, or K x M when transposed), `b` as K rows of `stride` floats (N columns, zero padding up to `stride`,
// a multiple of 4; `pad_rows` / `transpose_rows` build it), and `out` as M rows of `stride` floats.

#include <wasm_simd128.h>

typedef float f32;
#define EXPORT(name) __attribute__((export_name(#name)))

#define BLOCK 48 // tfjs's kBlockSize

// dst (rows x stride) = src (rows x cols) with zero columns up to stride.
EXPORT(pad_rows) void pad_rows(int rows, int cols, int stride, const f32 *src, f32 *dst) {
  for (int r = 0; r < rows; r++) {
    for (int c = 0; c < cols; c++) dst[r * stride + c] = src[r * cols + c];
    for (int c = cols; c < stride; c++) dst[r * stride + c] = 0.0f;
  }
}

// dst (cols x stride) = transpose of src (rows x cols), zero columns from rows up to stride.
EXPORT(transpose_rows) void transpose_rows(int rows, int cols, int stride, const f32 *src, f32 *dst) {
  for (int c = 0; c < cols; c++) {
    for (int r = 0; r < rows; r++) dst[c * stride + r] = src[r * cols + c];
    for (int r = rows; r < stride; r++) dst[c * stride + r] = 0.0f;
  }
}

static inline f32 a_at(const f32 *a, int M, int K, int transpose_a, int i, int k) {
  return transpose_a ? a[k * M + i] : a[i * K + k];
}

// out (M x stride) = A · B, A(i, k) = transpose_a ? a[k M + i] : a[i K + k], B = b (K x stride).
EXPORT(blocked_matmul) void blocked_matmul(int M, int K, int stride, int transpose_a, const f32 *a, const f32 *b, f32 *out) {
  for (int i0 = 0; i0 < M; i0 += 4) {
    const int rows = M - i0 < 4 ? M - i0 : 4;
    for (int j = 0; j < stride; j += 4) {
      v128_t total0 = wasm_f32x4_splat(0.0f), total1 = total0, total2 = total0, total3 = total0;
      for (int k0 = 0; k0 < K; k0 += BLOCK) {
        const int k1 = K - k0 < BLOCK ? K : k0 + BLOCK;
        v128_t sum0 = wasm_f32x4_splat(0.0f), sum1 = sum0, sum2 = sum0, sum3 = sum0;
        if (rows == 4) {
          for (int k = k0; k < k1; k++) {
            const v128_t bk = wasm_v128_load(b + k * stride + j);
            sum0 = wasm_f32x4_add(sum0, wasm_f32x4_mul(wasm_f32x4_splat(a_at(a, M, K, transpose_a, i0, k)), bk));
            sum1 = wasm_f32x4_add(sum1, wasm_f32x4_mul(wasm_f32x4_splat(a_at(a, M, K, transpose_a, i0 + 1, k)), bk));
            sum2 = wasm_f32x4_add(sum2, wasm_f32x4_mul(wasm_f32x4_splat(a_at(a, M, K, transpose_a, i0 + 2, k)), bk));
            sum3 = wasm_f32x4_add(sum3, wasm_f32x4_mul(wasm_f32x4_splat(a_at(a, M, K, transpose_a, i0 + 3, k)), bk));
          }
        } else {
          for (int k = k0; k < k1; k++) {
            const v128_t bk = wasm_v128_load(b + k * stride + j);
            sum0 = wasm_f32x4_add(sum0, wasm_f32x4_mul(wasm_f32x4_splat(a_at(a, M, K, transpose_a, i0, k)), bk));
            if (rows > 1) sum1 = wasm_f32x4_add(sum1, wasm_f32x4_mul(wasm_f32x4_splat(a_at(a, M, K, transpose_a, i0 + 1, k)), bk));
            if (rows > 2) sum2 = wasm_f32x4_add(sum2, wasm_f32x4_mul(wasm_f32x4_splat(a_at(a, M, K, transpose_a, i0 + 2, k)), bk));
          }
        }
        total0 = wasm_f32x4_add(total0, sum0);
        total1 = wasm_f32x4_add(total1, sum1);
        total2 = wasm_f32x4_add(total2, sum2);
        total3 = wasm_f32x4_add(total3, sum3);
      }
      wasm_v128_store(out + i0 * stride + j, total0);
      if (rows > 1) wasm_v128_store(out + (i0 + 1) * stride + j, total1);
      if (rows > 2) wasm_v128_store(out + (i0 + 2) * stride + j, total2);
      if (rows > 3) wasm_v128_store(out + (i0 + 3) * stride + j, total3);
    }
  }
}
