// The gradient of max pooling (tfjs's MaxPoolGrad) in one pass over the windows, with tfjs-backend-wasm 4.22's
// rules so that dx has its bits (src/nn/wasm-max-pool-grad.ts): a window's maximum is the last position whose
// value is >= the running maximum, which starts at FLT_MIN; a window with no such value points at position 0
// (the tensor's first element), which receives its dy only if the window holds it; dx sums, from +0 and in dy's
// row-major order, each window's dy at its maximum, and dy · 0 at its other pixels (a no-op unless dy is
// ±Infinity or NaN). Tensors are NHWC float32; dx has one spare float at its end (a sink for the lanes whose dy
// goes nowhere, so that the scatter needs no branch). Four channels per SIMD vector: the maximum is a compare
// and two selects per tap, no data-dependent branch (a ReLU's output makes such a branch mispredict).
// Compiled without fused multiply-adds (scripts/build-wasm.sh).

#include <wasm_simd128.h>

typedef float f32;
#define EXPORT(name) __attribute__((export_name(#name)))
#define FLT_MIN 1.17549435082228750797e-38f

// dy · 0 at every pixel of the window but its maximum `at`, dy at `at` (dy non-finite: the products are NaN).
static void spread_non_finite(f32 *dx, f32 grad, int at, int first, int last, int width, int row_stride, int channels) {
  for (int row = first; row < last; row += row_stride) {
    for (int i = row, end = row + width; i < end; i += channels) dx[i] = dx[i] + (i == at ? grad : grad * 0.0f);
  }
}

EXPORT(max_pool_grad)
void max_pool_grad(const f32 *x, const f32 *dy, f32 *dx, int batch, int in_height, int in_width, int channels,
                   int out_height, int out_width, int stride_height, int stride_width, int filter_height,
                   int filter_width, int pad_top, int pad_left) {
  const int size = batch * in_height * in_width * channels;
  for (int i = 0; i <= size; i++) dx[i] = 0.0f;
  const int row_stride = in_width * channels;
  const int vector_channels = channels & ~3;
  const v128_t lanes = wasm_i32x4_make(0, 1, 2, 3);
  int dy_at = 0;
  for (int b = 0; b < batch; b++) {
    for (int r = 0; r < out_height; r++) {
      const int top = r * stride_height - pad_top;
      const int y0 = top > 0 ? top : 0;
      const int y1 = top + filter_height < in_height ? top + filter_height : in_height;
      for (int q = 0; q < out_width; q++, dy_at += channels) {
        const int left = q * stride_width - pad_left;
        const int x0 = left > 0 ? left : 0;
        const int x1 = left + filter_width < in_width ? left + filter_width : in_width;
        // Position 0, a window's fallback, counts only in a window that holds it (channel 0 of sample 0).
        const int holds_first = b == 0 && y0 == 0 && x0 == 0 && y1 > 0 && x1 > 0;
        const int first = ((b * in_height + y0) * in_width + x0) * channels;
        const int last = first + (y1 - y0) * row_stride;
        const int width = (x1 - x0) * channels;
        int c = 0;
        for (; c < vector_channels; c += 4) {
          v128_t best = wasm_f32x4_splat(FLT_MIN);
          v128_t at = wasm_i32x4_splat(0);
          for (int row = first + c; row < last; row += row_stride) {
            for (int i = row, end = row + width; i < end; i += channels) {
              const v128_t value = wasm_v128_load(x + i);
              const v128_t take = wasm_f32x4_ge(value, best);
              best = wasm_v128_bitselect(value, best, take);
              at = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(i), lanes), at, take);
            }
          }
          const v128_t grad = wasm_v128_load(dy + dy_at + c);
          if (!wasm_i32x4_all_true(wasm_f32x4_eq(wasm_f32x4_sub(grad, grad), wasm_f32x4_splat(0.0f)))) {
            for (int k = 0; k < 4; k++) {
              const int lane_at = ((const int *)&at)[k];
              const f32 g = ((const f32 *)&grad)[k];
              if (g - g == 0.0f) {
                if (lane_at != 0 || (c + k == 0 && holds_first)) dx[lane_at] = dx[lane_at] + g;
              } else {
                spread_non_finite(dx, g, lane_at, first + c + k, last, width, row_stride, channels);
              }
            }
            continue;
          }
          // Finite dy: the other pixels' dy · 0 = ±0 leave a sum from +0 unchanged. A lane pointing at position 0
          // outside its window adds into the sink dx[size].
          for (int k = 0; k < 4; k++) {
            const int lane_at = ((const int *)&at)[k];
            const int target = lane_at != 0 || (c + k == 0 && holds_first) ? lane_at : size;
            dx[target] = dx[target] + ((const f32 *)&grad)[k];
          }
        }
        for (; c < channels; c++) {
          f32 best = FLT_MIN;
          int at = 0;
          for (int row = first + c; row < last; row += row_stride) {
            for (int i = row, end = row + width; i < end; i += channels) {
              const f32 value = x[i];
              const int take = value >= best;
              best = take ? value : best;
              at = take ? i : at;
            }
          }
          const f32 g = dy[dy_at + c];
          if (g - g == 0.0f) {
            const int target = at != 0 || (c == 0 && holds_first) ? at : size;
            dx[target] = dx[target] + g;
          } else {
            spread_non_finite(dx, g, at, first + c, last, width, row_stride, channels);
          }
        }
      }
    }
  }
}
