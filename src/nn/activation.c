// LeakyReLU's forward and gradient over tfjs-backend-wasm's own heap (src/nn/wasm-leaky-relu.ts): this module
// imports tfjs's memory, so the pointers are tfjs's tensors and nothing is copied. It must therefore never touch
// memory of its own (no stack, no data): its functions only read their inputs and write their outputs, and
// scripts/build-wasm.sh's `imported` variant is checked for that by test/nn-leaky-relu.test.ts.
// Four floats per SIMD vector, a scalar loop for the last size % 4 with the same operations.
// Compiled without fused multiply-adds (scripts/build-wasm.sh).

#include <wasm_simd128.h>

typedef float f32;
#define EXPORT(name) __attribute__((export_name(#name)))

// tfjs-backend-wasm 4.22's LeakyRelu: y = x < 0 ? alpha · x : x (x itself for NaN, -0 and +0).
EXPORT(leaky_relu)
void leaky_relu(const f32 *x, f32 *y, int size, f32 alpha) {
  const v128_t a = wasm_f32x4_splat(alpha);
  const v128_t zero = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= size; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    wasm_v128_store(y + i, wasm_v128_bitselect(wasm_f32x4_mul(a, v), v, wasm_f32x4_lt(v, zero)));
  }
  for (; i < size; i++) y[i] = x[i] < 0.0f ? alpha * x[i] : x[i];
}

// tfjs-core 4.22's LeakyRelu gradient, where(greater(x, 0), dy, mul(dy, alpha)): dy where x > 0, dy · alpha
// elsewhere (x NaN, ±0 or negative), alpha as a float32 scalar, dy the product's first operand.
EXPORT(leaky_relu_grad)
void leaky_relu_grad(const f32 *x, const f32 *dy, f32 *dx, int size, f32 alpha) {
  const v128_t a = wasm_f32x4_splat(alpha);
  const v128_t zero = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= size; i += 4) {
    const v128_t g = wasm_v128_load(dy + i);
    const v128_t positive = wasm_f32x4_gt(wasm_v128_load(x + i), zero);
    wasm_v128_store(dx + i, wasm_v128_bitselect(g, wasm_f32x4_mul(g, a), positive));
  }
  for (; i < size; i++) dx[i] = x[i] > 0.0f ? dy[i] : dy[i] * alpha;
}
