// One Adam step for one weight tensor, in float64 with 128-bit SIMD (two lanes), stored as float32: the same
// arithmetic, in the same order, as src/nn/host-adam.ts's reference loop (each lane is IEEE float64; WebAssembly
// has no fused multiply-add, and -ffp-contract=off keeps clang from fusing), so the bits are the loop's:
//   m = b1·m + (1−b1)·g;  v = b2·v + ((1−b2)·g)·g;  w' = f32(w − (lr·(m/c1)) / (√(v/c2) + ε))
// The constants (1−b1, 1−b2, c1 = 1−b1ᵗ, c2 = 1−b2ᵗ) come computed from JavaScript. m and v live in this
// module's memory between steps; g, w and w' are float32 arrays laid out there by the caller.

#include <wasm_simd128.h>

typedef float f32;
typedef double f64;
#define EXPORT(name) __attribute__((export_name(#name)))

EXPORT(adam_step)
void adam_step(int n, const f32 *g, const f32 *w, f64 *m, f64 *v, f32 *out, f64 b1, f64 one_minus_b1, f64 b2,
               f64 one_minus_b2, f64 lr, f64 c1, f64 c2, f64 eps) {
  const v128_t B1 = wasm_f64x2_splat(b1), OB1 = wasm_f64x2_splat(one_minus_b1);
  const v128_t B2 = wasm_f64x2_splat(b2), OB2 = wasm_f64x2_splat(one_minus_b2);
  const v128_t LR = wasm_f64x2_splat(lr), C1 = wasm_f64x2_splat(c1), C2 = wasm_f64x2_splat(c2), EPS = wasm_f64x2_splat(eps);
  int i = 0;
  for (; i + 2 <= n; i += 2) {
    const v128_t gi = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(g + i));
    const v128_t wi = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(w + i));
    const v128_t mi = wasm_f64x2_add(wasm_f64x2_mul(B1, wasm_v128_load(m + i)), wasm_f64x2_mul(OB1, gi));
    const v128_t vi = wasm_f64x2_add(wasm_f64x2_mul(B2, wasm_v128_load(v + i)), wasm_f64x2_mul(wasm_f64x2_mul(OB2, gi), gi));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    const v128_t step = wasm_f64x2_div(wasm_f64x2_mul(LR, wasm_f64x2_div(mi, C1)),
                                       wasm_f64x2_add(wasm_f64x2_sqrt(wasm_f64x2_div(vi, C2)), EPS));
    wasm_v128_store64_lane(out + i, wasm_f32x4_demote_f64x2_zero(wasm_f64x2_sub(wi, step)), 0);
  }
  for (; i < n; i++) {
    const f64 gi = g[i];
    m[i] = b1 * m[i] + one_minus_b1 * gi;
    v[i] = b2 * v[i] + one_minus_b2 * gi * gi;
    out[i] = (f32)(w[i] - (lr * (m[i] / c1)) / (__builtin_sqrt(v[i] / c2) + eps));
  }
}
