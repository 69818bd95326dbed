// The full-depth Haar DWT as Wavelets.jl computes `dwt(x, wavelet(WT.haar))` (periodic filter bank,
// OrthoFilter), in the same floating-point operations: the filter is [1, 1]/√2 renormalised by its
// own 2-norm (0.7071067811865476), each scaling coefficient is h·a + h·b and each detail −h·a + h·b.
// Output layout, as Wavelets.jl: [s_L, d_L, d_{L-1} (2), ..., d_1 (n/2)].

const QMF = 0.7071067811865475; // Wavelets.jl's "haar" filter coefficient
const H = QMF / Math.sqrt(QMF * QMF + QMF * QMF);

/**
 * Haar DWT of a vector whose length is a power of two, all levels, written into `out`.
 *
 * @example haarDwt(Float64Array.of(1, 1, 1, 1), new Float64Array(4)); // [2, 0, 0, 0]
 */
export function haarDwt(x: ArrayLike<number>, out: Float64Array): Float64Array {
  const n = x.length;
  if (n === 0 || (n & (n - 1)) !== 0) throw new Error(`haarDwt: length must be a power of two, got ${n}`);
  if (out.length !== n) throw new Error(`haarDwt: output length ${out.length} differs from input length ${n}`);
  let scaling = Float64Array.from(x);
  for (let half = n >> 1; half >= 1; half >>= 1) {
    const next = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      const a = scaling[2 * k]!;
      const b = scaling[2 * k + 1]!;
      out[half + k] = -H * a + H * b;
      next[k] = H * a + H * b;
    }
    scaling = next;
  }
  out[0] = scaling[0]!;
  return out;
}
