// LeakyReLU's forward and gradient (src/nn/wasm-leaky-relu.ts) and a bias add (src/nn/wasm-bias-add.ts) over
// tfjs-backend-wasm's own heap: this module
// imports tfjs's memory, so the pointers are tfjs's tensors and nothing is copied. It must therefore never touch
// memory of its own (no stack, no data): its functions only read their inputs and write their outputs
// (scripts/build-wasm.sh checks the compiled module for data segments and stack-pointer use).
// Four floats per SIMD vector; the last size % 4 one at a time through the same vector operations.
// Compiled without fused multiply-adds (scripts/build-wasm.sh).

#include <wasm_simd128.h>

typedef float f32;
#define EXPORT(name) __attribute__((export_name(#name)))

// tfjs-backend-wasm 4.22's LeakyRelu, found by comparing bits: y = x · (x < 0 ? alpha : 1). So -0 and +0 pass
// through, a NaN comes out quietened (0x7fa00000 -> 0x7fe00000, its sign kept), as x · 1 does, not as x itself.
// In vector instructions only, the tail too (one lane at a time): a scalar x · 1.0f is folded to x by the compiler.
static inline v128_t leaky_relu4(v128_t x, v128_t alpha) {
  return wasm_f32x4_mul(x, wasm_v128_bitselect(alpha, wasm_f32x4_splat(1.0f), wasm_f32x4_lt(x, wasm_f32x4_splat(0.0f))));
}

EXPORT(leaky_relu)
void leaky_relu(const f32 *x, f32 *y, int size, f32 alpha) {
  const v128_t a = wasm_f32x4_splat(alpha);
  int i = 0;
  for (; i + 4 <= size; i += 4) wasm_v128_store(y + i, leaky_relu4(wasm_v128_load(x + i), a));
  for (; i < size; i++) y[i] = wasm_f32x4_extract_lane(leaky_relu4(wasm_f32x4_splat(x[i]), a), 0);
}

// tfjs-core 4.22's LeakyRelu gradient, where(greater(x, 0), dy, mul(dy, alpha)): dy's bits where x > 0 (Select
// copies them), dy · alpha elsewhere (x NaN, ±0 or negative), alpha a float32 scalar, dy the product's first
// operand (the NaN a product of two NaNs keeps).
static inline v128_t leaky_relu_grad4(v128_t x, v128_t dy, v128_t alpha) {
  return wasm_v128_bitselect(dy, wasm_f32x4_mul(dy, alpha), wasm_f32x4_gt(x, wasm_f32x4_splat(0.0f)));
}

EXPORT(leaky_relu_grad)
void leaky_relu_grad(const f32 *x, const f32 *dy, f32 *dx, int size, f32 alpha) {
  const v128_t a = wasm_f32x4_splat(alpha);
  int i = 0;
  for (; i + 4 <= size; i += 4) wasm_v128_store(dx + i, leaky_relu_grad4(wasm_v128_load(x + i), wasm_v128_load(dy + i), a));
  for (; i < size; i++) {
    dx[i] = wasm_f32x4_extract_lane(leaky_relu_grad4(wasm_f32x4_splat(x[i]), wasm_f32x4_splat(dy[i]), a), 0);
  }
}

// tfjs-backend-wasm 4.22's Add of a bias along the last axis (a convolution layer's x + b): out = x + bias[j], x the
// first operand (the NaN a sum of two NaNs keeps: x's, quietened), rows of `cols` floats. In vector instructions
// only, the tail too (one lane at a time), as above.
EXPORT(bias_add)
void bias_add(const f32 *x, const f32 *bias, f32 *out, int rows, int cols) {
  for (int r = 0; r < rows; r++, x += cols, out += cols) {
    int j = 0;
    for (; j + 4 <= cols; j += 4) wasm_v128_store(out + j, wasm_f32x4_add(wasm_v128_load(x + j), wasm_v128_load(bias + j)));
    for (; j < cols; j++) out[j] = wasm_f32x4_extract_lane(wasm_f32x4_add(wasm_f32x4_splat(x[j]), wasm_f32x4_splat(bias[j])), 0);
  }
}
