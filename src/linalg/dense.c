/*
 * Dense linear-algebra kernels for the covariance-based detectors (MCD, PCA, Mahalanobis), compiled to
 * WebAssembly with 128-bit SIMD by scripts/build-wasm.sh into dense-wasm.ts (base64). The TypeScript in
 * dense-kernels.ts lays the arrays out in linear memory and calls these; covariance-js.ts and
 * symmetric-eigen.ts are the same algorithms in plain TypeScript (the fallback and the tests' oracle).
 *
 * Every result is bit-identical to the TypeScript: each output is summed in the same order, SIMD lanes
 * only ever hold DIFFERENT outputs (two columns, two rows), never two terms of one sum, and the build
 * forbids contracting a * b + c into a fused multiply-add (-ffp-contract=off; WebAssembly SIMD has none).
 * This is the price of reproducing numpy/sklearn bit for bit: a BLAS reorders and fuses sums.
 *
 * Pointers are byte offsets into the module's memory; matrices are row-major.
 */
#include <wasm_simd128.h>

typedef double f64;
#define EXPORT(name) __attribute__((export_name(#name)))

static inline f64 absolute(f64 x) { return __builtin_fabs(x); }

/* sqrt(a^2 + b^2) without overflow, exactly as ml-matrix (JAMA) computes it. */
static f64 hypotenuse(f64 a, f64 b) {
  f64 r;
  if (absolute(a) > absolute(b)) {
    r = b / a;
    return absolute(a) * __builtin_sqrt(1 + r * r);
  }
  if (b != 0) {
    r = a / b;
    return absolute(b) * __builtin_sqrt(1 + r * r);
  }
  return 0;
}

/* y[k] = y[k] - x[k] * s for k in [0, n): element by element, so lanes are independent outputs. */
static inline void subtract_scaled(f64 *restrict y, const f64 *restrict x, f64 s, int n) {
  v128_t vs = wasm_f64x2_splat(s);
  int k = 0;
  for (; k + 1 < n; k += 2) {
    wasm_v128_store(y + k, wasm_f64x2_sub(wasm_v128_load(y + k), wasm_f64x2_mul(wasm_v128_load(x + k), vs)));
  }
  for (; k < n; k++) y[k] = y[k] - x[k] * s;
}

/* y[k] = y[k] + s * x[k] for k in [0, n). */
static inline void add_scaled(f64 *restrict y, const f64 *restrict x, f64 s, int n) {
  v128_t vs = wasm_f64x2_splat(s);
  int k = 0;
  for (; k + 1 < n; k += 2) {
    wasm_v128_store(y + k, wasm_f64x2_add(wasm_v128_load(y + k), wasm_f64x2_mul(vs, wasm_v128_load(x + k))));
  }
  for (; k < n; k++) y[k] += s * x[k];
}

/* Householder tridiagonalisation, operation for operation as symmetric-eigen.ts (JAMA's tred2 on the
 * transposed storage ml-matrix uses). */
static void tred2(int n, f64 *restrict e, f64 *restrict d, f64 *restrict V) {
  f64 f, g, h, hh, scale;
  for (int j = 0; j < n; j++) d[j] = V[j * n + n - 1];

  for (int i = n - 1; i > 0; i--) {
    scale = 0;
    h = 0;
    for (int k = 0; k < i; k++) scale = scale + absolute(d[k]);

    if (scale == 0) {
      e[i] = d[i - 1];
      for (int j = 0; j < i; j++) {
        d[j] = V[j * n + i - 1];
        V[j * n + i] = 0;
        V[i * n + j] = 0;
      }
    } else {
      for (int k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      f = d[i - 1];
      g = __builtin_sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h = h - f * g;
      d[i - 1] = f - g;
      for (int j = 0; j < i; j++) e[j] = 0;

      for (int j = 0; j < i; j++) {
        f = d[j];
        V[i * n + j] = f;
        const f64 *rowJ = V + j * n;
        g = e[j] + rowJ[j] * f;
        /* g is one sum (in order); e[k] are independent outputs. */
        v128_t vf = wasm_f64x2_splat(f);
        int k = j + 1;
        for (; k + 1 <= i - 1; k += 2) {
          v128_t v = wasm_v128_load(rowJ + k);
          g += rowJ[k] * d[k];
          g += rowJ[k + 1] * d[k + 1];
          wasm_v128_store(e + k, wasm_f64x2_add(wasm_v128_load(e + k), wasm_f64x2_mul(v, vf)));
        }
        for (; k <= i - 1; k++) {
          g += rowJ[k] * d[k];
          e[k] += rowJ[k] * f;
        }
        e[j] = g;
      }

      f = 0;
      for (int j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      hh = f / (h + h);
      for (int j = 0; j < i; j++) e[j] -= hh * d[j];

      for (int j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        f64 *rowJ = V + j * n;
        v128_t vf = wasm_f64x2_splat(f);
        v128_t vg = wasm_f64x2_splat(g);
        int k = j;
        for (; k + 1 <= i - 1; k += 2) {
          v128_t term = wasm_f64x2_add(wasm_f64x2_mul(vf, wasm_v128_load(e + k)), wasm_f64x2_mul(vg, wasm_v128_load(d + k)));
          wasm_v128_store(rowJ + k, wasm_f64x2_sub(wasm_v128_load(rowJ + k), term));
        }
        for (; k <= i - 1; k++) rowJ[k] = rowJ[k] - (f * e[k] + g * d[k]);
        d[j] = rowJ[i - 1];
        rowJ[i] = 0;
      }
    }
    d[i] = h;
  }

  for (int i = 0; i < n - 1; i++) {
    V[i * n + n - 1] = V[i * n + i];
    V[i * n + i] = 1;
    h = d[i + 1];
    f64 *next = V + (i + 1) * n;
    if (h != 0) {
      for (int k = 0; k <= i; k++) d[k] = next[k] / h;
      for (int j = 0; j <= i; j++) {
        f64 *rowJ = V + j * n;
        g = 0;
        for (int k = 0; k <= i; k++) g += next[k] * rowJ[k];
        subtract_scaled(rowJ, d, g, i + 1);
      }
    }
    for (int k = 0; k <= i; k++) next[k] = 0;
  }

  for (int j = 0; j < n; j++) {
    d[j] = V[j * n + n - 1];
    V[j * n + n - 1] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/* Implicit QL on the tridiagonal matrix, rotating the stored eigenvector rows; JAMA's tql2. */
static void tql2(int n, f64 *restrict e, f64 *restrict d, f64 *restrict V) {
  f64 g, h, p, r, dl1, c, c2, c3, el1, s, s2;
  for (int i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;

  f64 f = 0;
  f64 tst1 = 0;
  const f64 eps = 0x1p-52; /* Number.EPSILON */
  for (int l = 0; l < n; l++) {
    f64 candidate = absolute(d[l]) + absolute(e[l]);
    if (candidate > tst1) tst1 = candidate; /* Math.max: only ever compared with, never stored in a result */
    int m = l;
    while (m < n) {
      if (absolute(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      do {
        g = d[l];
        p = (d[l + 1] - g) / (2 * e[l]);
        r = hypotenuse(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        dl1 = d[l + 1];
        h = g - d[l];
        for (int i = l + 2; i < n; i++) d[i] -= h;
        f = f + h;

        p = d[m];
        c = 1;
        c2 = c;
        c3 = c;
        el1 = e[l + 1];
        s = 0;
        s2 = 0;
        for (int i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypotenuse(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          f64 *rowI = V + i * n;
          f64 *rowNext = rowI + n;
          v128_t vc = wasm_f64x2_splat(c);
          v128_t vs = wasm_f64x2_splat(s);
          int k = 0;
          for (; k + 1 < n; k += 2) {
            v128_t held = wasm_v128_load(rowNext + k);
            v128_t x = wasm_v128_load(rowI + k);
            wasm_v128_store(rowNext + k, wasm_f64x2_add(wasm_f64x2_mul(vs, x), wasm_f64x2_mul(vc, held)));
            wasm_v128_store(rowI + k, wasm_f64x2_sub(wasm_f64x2_mul(vc, x), wasm_f64x2_mul(vs, held)));
          }
          for (; k < n; k++) {
            h = rowNext[k];
            rowNext[k] = s * rowI[k] + c * h;
            rowI[k] = c * rowI[k] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (absolute(e[l]) > eps * tst1);
    }
    d[l] = d[l] + f;
    e[l] = 0;
  }

  for (int i = 0; i < n - 1; i++) {
    int k = i;
    p = d[i];
    for (int j = i + 1; j < n; j++) {
      if (d[j] < p) {
        k = j;
        p = d[j];
      }
    }
    if (k != i) {
      d[k] = d[i];
      d[i] = p;
      f64 *rowI = V + i * n;
      f64 *rowK = V + k * n;
      for (int j = 0; j < n; j++) {
        p = rowI[j];
        rowI[j] = rowK[j];
        rowK[j] = p;
      }
    }
  }
}

/* Eigendecomposition in place: w (n x n) holds the matrix transposed on entry and the eigenvectors as rows
 * on exit; d the eigenvalues (ascending); e is scratch. */
EXPORT(eigen) void eigen(int n, f64 *w, f64 *d, f64 *e) {
  tred2(n, e, d, w);
  tql2(n, e, d, w);
}

/* scipy's pinvh from an eigendecomposition: out = sum over kept k of (1 / values[k]) rows[k] rows[k]^T,
 * accumulated over k in order for every entry (out must be zero on entry). */
EXPORT(pinvh_from_eigen) void pinvh_from_eigen(int n, const f64 *rows, const f64 *values, f64 cutoff, f64 *out) {
  for (int k = 0; k < n; k++) {
    if (!(absolute(values[k]) > cutoff)) continue;
    f64 reciprocal = 1 / values[k];
    const f64 *vector = rows + k * n;
    for (int i = 0; i < n; i++) {
      f64 scaled = vector[i] * reciprocal;
      if (scaled == 0) continue;
      add_scaled(out + i * n, vector, scaled, n);
    }
  }
}

/* LU with partial pivoting of the p x p `lu` in place (numpy's slogdet). Writes the pivots (diagonal of U)
 * to `diagonal`; returns the sign of the permutation (+1 or -1), or 0 when a pivot is exactly zero. */
EXPORT(lu_pivots) int lu_pivots(int p, f64 *lu, f64 *diagonal) {
  int sign = 1;
  for (int k = 0; k < p; k++) {
    int pivot = k;
    for (int i = k + 1; i < p; i++) {
      if (absolute(lu[i * p + k]) > absolute(lu[pivot * p + k])) pivot = i;
    }
    if (lu[pivot * p + k] == 0) return 0;
    if (pivot != k) {
      for (int j = 0; j < p; j++) {
        f64 held = lu[k * p + j];
        lu[k * p + j] = lu[pivot * p + j];
        lu[pivot * p + j] = held;
      }
      sign = -sign;
    }
    f64 pivotValue = lu[k * p + k];
    diagonal[k] = pivotValue;
    for (int i = k + 1; i < p; i++) {
      f64 factor = lu[i * p + k] / pivotValue;
      if (factor == 0) continue;
      subtract_scaled(lu + i * p + k + 1, lu + k * p + k + 1, factor, p - k - 1);
    }
  }
  return sign;
}

/* Centred copy of the rows where mask is 1 (all rows when mask is 0) into `centred` (count x p, row-major);
 * returns count. */
static int centre_rows(int rows, int p, const f64 *X, const unsigned char *mask, const f64 *location, f64 *centred) {
  int count = 0;
  for (int i = 0; i < rows; i++) {
    if (mask != 0 && mask[i] == 0) continue;
    const f64 *x = X + i * p;
    f64 *c = centred + count * p;
    for (int j = 0; j < p; j++) c[j] = x[j] - location[j];
    count++;
  }
  return count;
}

/* Covariance sums of the selected rows (mask 1; all rows when mask is 0) around `location`: adds, for each row
 * in order, c[a] * c[b] to acc[a][b] for b >= a (acc is p x p; only its upper triangle is used). Four rows at a
 * time, added one after the other, so each entry's sum keeps row order across calls too. `centred` is scratch
 * for rows x p values. Returns the number of rows selected. */
EXPORT(covariance_rows) int covariance_rows(int rows, int p, const f64 *X, const unsigned char *mask, const f64 *location,
                                            f64 *centred, f64 *acc) {
  int count = centre_rows(rows, p, X, mask, location, centred);
  int r = 0;
  for (; r + 3 < count; r += 4) {
    const f64 *x0 = centred + r * p;
    const f64 *x1 = x0 + p;
    const f64 *x2 = x1 + p;
    const f64 *x3 = x2 + p;
    for (int a = 0; a < p; a++) {
      f64 *row = acc + a * p;
      v128_t a0 = wasm_f64x2_splat(x0[a]);
      v128_t a1 = wasm_f64x2_splat(x1[a]);
      v128_t a2 = wasm_f64x2_splat(x2[a]);
      v128_t a3 = wasm_f64x2_splat(x3[a]);
      int b = a;
      for (; b + 1 < p; b += 2) {
        v128_t sum = wasm_v128_load(row + b);
        sum = wasm_f64x2_add(sum, wasm_f64x2_mul(a0, wasm_v128_load(x0 + b)));
        sum = wasm_f64x2_add(sum, wasm_f64x2_mul(a1, wasm_v128_load(x1 + b)));
        sum = wasm_f64x2_add(sum, wasm_f64x2_mul(a2, wasm_v128_load(x2 + b)));
        sum = wasm_f64x2_add(sum, wasm_f64x2_mul(a3, wasm_v128_load(x3 + b)));
        wasm_v128_store(row + b, sum);
      }
      for (; b < p; b++) {
        f64 sum = row[b];
        sum += x0[a] * x0[b];
        sum += x1[a] * x1[b];
        sum += x2[a] * x2[b];
        sum += x3[a] * x3[b];
        row[b] = sum;
      }
    }
  }
  for (; r < count; r++) {
    const f64 *x = centred + r * p;
    for (int a = 0; a < p; a++) add_scaled(acc + a * p + a, x + a, x[a], p - a);
  }
  return count;
}

/* Scales the accumulated upper triangle by `factor` and mirrors it into the lower one. */
EXPORT(covariance_finish) void covariance_finish(int p, f64 *acc, f64 factor) {
  for (int a = 0; a < p; a++) {
    for (int b = a; b < p; b++) {
      f64 value = acc[a * p + b] * factor;
      acc[a * p + b] = value;
      acc[b * p + a] = value;
    }
  }
}

/* Squared Mahalanobis distances of `rows` rows of X to `location` under the symmetric `precision`:
 * sum over a of c[a] * (P[a][a] c[a] + 2 sum_{b > a} P[a][b] c[b]), each sum in order; lanes hold two rows.
 * `block` is scratch for 4 p values (four centred rows, transposed in pairs). */
EXPORT(mahalanobis) void mahalanobis(int rows, int p, const f64 *X, const f64 *location, const f64 *precision, f64 *block,
                                     f64 *out) {
  int i = 0;
  /* block holds rows (i, i+1) interleaved in its first 2p values and (i+2, i+3) in the next 2p. */
  f64 *pair0 = block;
  f64 *pair1 = block + 2 * p;
  v128_t two = wasm_f64x2_splat(2);
  for (; i + 3 < rows; i += 4) {
    const f64 *x = X + i * p;
    for (int j = 0; j < p; j++) {
      pair0[2 * j] = x[j] - location[j];
      pair0[2 * j + 1] = x[p + j] - location[j];
      pair1[2 * j] = x[2 * p + j] - location[j];
      pair1[2 * j + 1] = x[3 * p + j] - location[j];
    }
    v128_t d0 = wasm_f64x2_splat(0);
    v128_t d1 = wasm_f64x2_splat(0);
    for (int a = 0; a < p; a++) {
      const f64 *row = precision + a * p;
      v128_t o0 = wasm_f64x2_splat(0);
      v128_t o1 = wasm_f64x2_splat(0);
      for (int b = a + 1; b < p; b++) {
        v128_t weight = wasm_f64x2_splat(row[b]);
        o0 = wasm_f64x2_add(o0, wasm_f64x2_mul(weight, wasm_v128_load(pair0 + 2 * b)));
        o1 = wasm_f64x2_add(o1, wasm_f64x2_mul(weight, wasm_v128_load(pair1 + 2 * b)));
      }
      v128_t diagonal = wasm_f64x2_splat(row[a]);
      v128_t c0 = wasm_v128_load(pair0 + 2 * a);
      v128_t c1 = wasm_v128_load(pair1 + 2 * a);
      d0 = wasm_f64x2_add(d0, wasm_f64x2_mul(c0, wasm_f64x2_add(wasm_f64x2_mul(diagonal, c0), wasm_f64x2_mul(two, o0))));
      d1 = wasm_f64x2_add(d1, wasm_f64x2_mul(c1, wasm_f64x2_add(wasm_f64x2_mul(diagonal, c1), wasm_f64x2_mul(two, o1))));
    }
    wasm_v128_store(out + i, d0);
    wasm_v128_store(out + i + 2, d1);
  }
  for (; i < rows; i++) {
    const f64 *x = X + i * p;
    for (int j = 0; j < p; j++) block[j] = x[j] - location[j];
    f64 sum = 0;
    for (int a = 0; a < p; a++) {
      const f64 *row = precision + a * p;
      f64 offDiagonal = 0;
      for (int b = a + 1; b < p; b++) offDiagonal += row[b] * block[b];
      sum += block[a] * (row[a] * block[a] + 2 * offDiagonal);
    }
    out[i] = sum;
  }
}

/* ---- Column statistics (StandardScaler) and the PCA detector's passes over the rows. ---- */

/* sums[j] += x[i][j] over the rows in order (numpy's axis-0 sum); lanes hold two columns. */
EXPORT(column_sums) void column_sums(int rows, int p, const f64 *X, f64 *sums) {
  for (int i = 0; i < rows; i++) add_scaled(sums, X + i * p, 1, p);
}

/* correction[j] += c, squares[j] += c * c with c = x[i][j] - mean[j] (sklearn's corrected two-pass variance). */
EXPORT(centred_moments) void centred_moments(int rows, int p, const f64 *X, const f64 *mean, f64 *correction, f64 *squares) {
  for (int i = 0; i < rows; i++) {
    const f64 *x = X + i * p;
    int j = 0;
    for (; j + 1 < p; j += 2) {
      v128_t c = wasm_f64x2_sub(wasm_v128_load(x + j), wasm_v128_load(mean + j));
      wasm_v128_store(correction + j, wasm_f64x2_add(wasm_v128_load(correction + j), c));
      wasm_v128_store(squares + j, wasm_f64x2_add(wasm_v128_load(squares + j), wasm_f64x2_mul(c, c)));
    }
    for (; j < p; j++) {
      f64 c = x[j] - mean[j];
      correction[j] += c;
      squares[j] += c * c;
    }
  }
}

/* out[i][j] = (x[i][j] - offset[j]) / divisor[j]. */
EXPORT(standardize) void standardize(int rows, int p, const f64 *X, const f64 *offset, const f64 *divisor, f64 *out) {
  for (int i = 0; i < rows; i++) {
    const f64 *x = X + i * p;
    f64 *o = out + i * p;
    int j = 0;
    for (; j + 1 < p; j += 2) {
      wasm_v128_store(o + j, wasm_f64x2_div(wasm_f64x2_sub(wasm_v128_load(x + j), wasm_v128_load(offset + j)), wasm_v128_load(divisor + j)));
    }
    for (; j < p; j++) o[j] = (x[j] - offset[j]) / divisor[j];
  }
}

/* numpy's pairwise summation of n values (np.add.reduce on a contiguous array). */
static f64 pairwise_sum(const f64 *a, int n) {
  if (n < 8) {
    f64 result = 0;
    for (int i = 0; i < n; i++) result += a[i];
    return result;
  }
  if (n <= 128) {
    f64 r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
    int i = 8;
    for (; i < n - (n % 8); i += 8) {
      r0 += a[i];
      r1 += a[i + 1];
      r2 += a[i + 2];
      r3 += a[i + 3];
      r4 += a[i + 4];
      r5 += a[i + 5];
      r6 += a[i + 6];
      r7 += a[i + 7];
    }
    f64 result = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) result += a[i];
    return result;
  }
  int half = n / 2;
  half -= half % 8;
  return pairwise_sum(a, half) + pairwise_sum(a + half, n - half);
}

/* PyOD's PCA score: sum over the selected components c of ||x - v_c|| / weights[c] (numpy's sum over c).
 * `VT` holds the k selected components transposed, p x kk (kk = k rounded up to even); `terms` is scratch (kk). */
EXPORT(pca_distances) void pca_distances(int rows, int p, int k, const f64 *X, const f64 *VT, const f64 *weights, f64 *terms,
                                         f64 *out) {
  int kk = (k + 1) & ~1;
  for (int i = 0; i < rows; i++) {
    const f64 *x = X + i * p;
    for (int c = 0; c < kk; c += 2) {
      v128_t sum = wasm_f64x2_splat(0);
      for (int j = 0; j < p; j++) {
        v128_t difference = wasm_f64x2_sub(wasm_f64x2_splat(x[j]), wasm_v128_load(VT + j * kk + c));
        sum = wasm_f64x2_add(sum, wasm_f64x2_mul(difference, difference));
      }
      wasm_v128_store(terms + c, sum);
    }
    for (int c = 0; c < k; c++) terms[c] = __builtin_sqrt(terms[c]) / weights[c];
    out[i] = 0 + pairwise_sum(terms, k); /* numpy adds the buffer's sum to 0 */
  }
}

/* ---- k-means (scipy's kmeans/vq): one assignment pass of a run, with Elkan's bounds. ---- */

/* numpy's (>= 2.3) np.add.reduce on a contiguous array: one pairwise sum of all n values, added to 0. */
static f64 numpy_sum(const f64 *a, int n) {
  return 0 + pairwise_sum(a, n);
}

/* Squared distance from x to a centroid, (centroid - x)^2 summed over the features in order. */
static f64 squared_to(const f64 *x, const f64 *centroid, int d) {
  f64 squared = 0;
  for (int j = 0; j < d; j++) {
    f64 difference = centroid[j] - x[j];
    squared += difference * difference;
  }
  return squared;
}

/* Nearest centroid by a full scan: every centroid's squared distance (lanes hold two centroids of the
 * transposed codebook bookT, d x kk) into `squares`; the first smallest wins. Returns its index. */
static int scan_centroids(const f64 *x, int d, int k, const f64 *bookT, f64 *squares) {
  int kk = (k + 1) & ~1;
  for (int c = 0; c < kk; c += 2) {
    v128_t sum = wasm_f64x2_splat(0);
    for (int j = 0; j < d; j++) {
      v128_t difference = wasm_f64x2_sub(wasm_v128_load(bookT + j * kk + c), wasm_f64x2_splat(x[j]));
      sum = wasm_f64x2_add(sum, wasm_f64x2_mul(difference, difference));
    }
    wasm_v128_store(squares + c, sum);
  }
  int best = 0;
  for (int c = 1; c < k; c++) {
    if (squares[c] < squares[best]) best = c;
  }
  return best;
}

/* The codebook (k x d) transposed into bookT (d x kk, kk = k rounded up to even, padding 0). */
EXPORT(transpose_codebook) void transpose_codebook(int k, int d, const f64 *book, f64 *bookT) {
  int kk = (k + 1) & ~1;
  for (int j = 0; j < d; j++) {
    for (int c = 0; c < kk; c++) bookT[j * kk + c] = c < k ? book[c * d + j] : 0;
  }
}

/* One assignment of the rows to their nearest centroids, as kmeans-bounds.ts's BoundedAssignment.assign: with
 * shifts == 0 a full scan that records every distance as a lower bound; else the bounds drop by each centroid's
 * shift and only centroids whose bound does not clear the own distance by a margin are measured. Writes codes
 * and distances, adds each row to its centroid's sum (row order) and count (sums and counts zeroed here), and
 * returns the numpy-ordered sum of the distances. `squares` is scratch for kk values. */
EXPORT(kmeans_assign) f64 kmeans_assign(int rows, int d, const f64 *X, int k, const f64 *book, const f64 *bookT,
                                        const f64 *shifts, f64 travelled, f64 *lower, int *codes, f64 *distances, f64 *sums,
                                        int *counts, f64 *squares) {
  for (int j = 0; j < k * d; j++) sums[j] = 0;
  for (int c = 0; c < k; c++) counts[c] = 0;
  f64 own4[4];
  for (int i0 = 0; i0 < rows; i0 += 4) {
    int block = rows - i0 < 4 ? rows - i0 : 4;
    if (shifts != 0) {
      /* The own centroid's distance of four rows at once: four independent sums (each in feature order)
       * instead of one chain of dependent additions. */
      if (block == 4) {
        const f64 *x0 = X + i0 * d;
        const f64 *x1 = x0 + d;
        const f64 *x2 = x1 + d;
        const f64 *x3 = x2 + d;
        const f64 *c0 = book + codes[i0] * d;
        const f64 *c1 = book + codes[i0 + 1] * d;
        const f64 *c2 = book + codes[i0 + 2] * d;
        const f64 *c3 = book + codes[i0 + 3] * d;
        f64 s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int j = 0; j < d; j++) {
          f64 d0 = c0[j] - x0[j];
          f64 d1 = c1[j] - x1[j];
          f64 d2 = c2[j] - x2[j];
          f64 d3 = c3[j] - x3[j];
          s0 += d0 * d0;
          s1 += d1 * d1;
          s2 += d2 * d2;
          s3 += d3 * d3;
        }
        own4[0] = s0;
        own4[1] = s1;
        own4[2] = s2;
        own4[3] = s3;
      } else {
        for (int r = 0; r < block; r++) own4[r] = squared_to(X + (i0 + r) * d, book + codes[i0 + r] * d, d);
      }
    }
    for (int r = 0; r < block; r++) {
      int i = i0 + r;
      const f64 *x = X + i * d;
      f64 *bounds = lower + i * k;
      if (shifts == 0) {
        int best = scan_centroids(x, d, k, bookT, squares);
        for (int c = 0; c < k; c++) bounds[c] = __builtin_sqrt(squares[c]);
        codes[i] = best;
        distances[i] = __builtin_sqrt(squares[best]);
      } else {
        for (int c = 0; c < k; c++) bounds[c] -= shifts[c];
        int own = codes[i];
        f64 ownSquared = own4[r];
        f64 ownDistance = __builtin_sqrt(ownSquared);
        bounds[own] = ownDistance;
        int bestCode = own;
        f64 best = ownSquared;
        for (int c = 0; c < k; c++) {
          if (c == own) continue;
          f64 bound = bounds[c];
          if (ownDistance + 1e-9 * (ownDistance + absolute(bound) + travelled) < bound) continue;
          f64 squared = squared_to(x, book + c * d, d);
          bounds[c] = __builtin_sqrt(squared);
          if (squared < best || (squared == best && c < bestCode)) {
            best = squared;
            bestCode = c;
          }
        }
        codes[i] = bestCode;
        distances[i] = bestCode == own ? ownDistance : __builtin_sqrt(best);
      }
      add_scaled(sums + codes[i] * d, x, 1, d);
      counts[codes[i]]++;
    }
  }
  return numpy_sum(distances, rows);
}

/* ---- One-class SVM: the RBF kernel's dot products and squared distances, two rows per lane pair. ---- */

/* Row-pair interleaving: pair q of rows (2q, 2q + 1) is stored as out[q * 2p + 2k + lane] = X[2q + lane][k], so one
 * 128-bit load reads feature k of both rows; an odd last row is paired with zeros. */
EXPORT(interleave_pairs) void interleave_pairs(int rows, int p, const f64 *X, f64 *out) {
  for (int i = 0; i < rows; i++) {
    f64 *pair = out + (i / 2) * 2 * p + (i % 2);
    for (int k = 0; k < p; k++) pair[2 * k] = X[i * p + k];
  }
  if (rows % 2 == 1) {
    f64 *pair = out + (rows / 2) * 2 * p + 1;
    for (int k = 0; k < p; k++) pair[2 * k] = 0;
  }
}

/* dots[j] = sum over k in order of x[k] * X[j][k], for every row j of the pair-interleaved `pairs` (rows rows);
 * four pairs at a time keep four sums in flight. `dots` has room for rows rounded up to even. */
EXPORT(dot_rows) void dot_rows(int rows, int p, const f64 *pairs, const f64 *x, f64 *dots) {
  int count = (rows + 1) / 2;
  int q = 0;
  for (; q + 3 < count; q += 4) {
    const f64 *a = pairs + q * 2 * p;
    const f64 *b = a + 2 * p;
    const f64 *c = b + 2 * p;
    const f64 *e = c + 2 * p;
    v128_t s0 = wasm_f64x2_splat(0), s1 = s0, s2 = s0, s3 = s0;
    for (int k = 0; k < p; k++) {
      v128_t value = wasm_f64x2_splat(x[k]);
      s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(value, wasm_v128_load(a + 2 * k)));
      s1 = wasm_f64x2_add(s1, wasm_f64x2_mul(value, wasm_v128_load(b + 2 * k)));
      s2 = wasm_f64x2_add(s2, wasm_f64x2_mul(value, wasm_v128_load(c + 2 * k)));
      s3 = wasm_f64x2_add(s3, wasm_f64x2_mul(value, wasm_v128_load(e + 2 * k)));
    }
    wasm_v128_store(dots + 2 * q, s0);
    wasm_v128_store(dots + 2 * q + 2, s1);
    wasm_v128_store(dots + 2 * q + 4, s2);
    wasm_v128_store(dots + 2 * q + 6, s3);
  }
  for (; q < count; q++) {
    const f64 *a = pairs + q * 2 * p;
    v128_t s0 = wasm_f64x2_splat(0);
    for (int k = 0; k < p; k++) s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(wasm_f64x2_splat(x[k]), wasm_v128_load(a + 2 * k)));
    wasm_v128_store(dots + 2 * q, s0);
  }
}

/* k-means' assignment as sklearn-kmeans.ts computes it (scikit-learn's Lloyd step and KMeans.predict): each of
 * `rows` rows of X goes to the centre c minimising norms[c] + -2 * x.c, the first on ties, its dot products summed
 * over the features in order (dot_rows on the pair-interleaved centres). With sums != 0 each row is also added to its
 * centre's sum (rows in order; sums and counts accumulate across calls). `dots` has room for k rounded up to even. */
EXPORT(nearest_centres) void nearest_centres(int rows, int p, const f64 *X, int k, const f64 *pairs, const f64 *norms,
                                             f64 *dots, int *labels, f64 *sums, int *counts) {
  for (int i = 0; i < rows; i++) {
    const f64 *x = X + i * p;
    dot_rows(k, p, pairs, x, dots);
    int best = 0;
    f64 bestValue = norms[0] + -2 * dots[0];
    for (int c = 1; c < k; c++) {
      f64 value = norms[c] + -2 * dots[c];
      if (value < bestValue) {
        bestValue = value;
        best = c;
      }
    }
    labels[i] = best;
    if (sums != 0) {
      add_scaled(sums + best * p, x, 1, p);
      counts[best]++;
    }
  }
}

/* out[i * mm + s] = sum over k in order of (X[i][k] - V[s][k])^2 for `rows` rows of X and the m pair-interleaved rows
 * of V (mm = m rounded up to even); four pairs of V at a time. */
EXPORT(squared_distances) void squared_distances(int rows, int p, const f64 *X, int m, const f64 *pairs, f64 *out) {
  int count = (m + 1) / 2;
  int mm = 2 * count;
  for (int i = 0; i < rows; i++) {
    const f64 *x = X + i * p;
    f64 *o = out + i * mm;
    int q = 0;
    for (; q + 3 < count; q += 4) {
      const f64 *a = pairs + q * 2 * p;
      const f64 *b = a + 2 * p;
      const f64 *c = b + 2 * p;
      const f64 *e = c + 2 * p;
      v128_t s0 = wasm_f64x2_splat(0), s1 = s0, s2 = s0, s3 = s0;
      for (int k = 0; k < p; k++) {
        v128_t value = wasm_f64x2_splat(x[k]);
        v128_t d0 = wasm_f64x2_sub(value, wasm_v128_load(a + 2 * k));
        v128_t d1 = wasm_f64x2_sub(value, wasm_v128_load(b + 2 * k));
        v128_t d2 = wasm_f64x2_sub(value, wasm_v128_load(c + 2 * k));
        v128_t d3 = wasm_f64x2_sub(value, wasm_v128_load(e + 2 * k));
        s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(d0, d0));
        s1 = wasm_f64x2_add(s1, wasm_f64x2_mul(d1, d1));
        s2 = wasm_f64x2_add(s2, wasm_f64x2_mul(d2, d2));
        s3 = wasm_f64x2_add(s3, wasm_f64x2_mul(d3, d3));
      }
      wasm_v128_store(o + 2 * q, s0);
      wasm_v128_store(o + 2 * q + 2, s1);
      wasm_v128_store(o + 2 * q + 4, s2);
      wasm_v128_store(o + 2 * q + 6, s3);
    }
    for (; q < count; q++) {
      const f64 *a = pairs + q * 2 * p;
      v128_t s0 = wasm_f64x2_splat(0);
      for (int k = 0; k < p; k++) {
        v128_t d0 = wasm_f64x2_sub(wasm_f64x2_splat(x[k]), wasm_v128_load(a + 2 * k));
        s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(d0, d0));
      }
      wasm_v128_store(o + 2 * q, s0);
    }
  }
}

/* ---- ECOD (PyOD): per-feature empirical tail probabilities. ---- */

/* Column j of Z (n x d): its mean, and the means of the squared and cubed deviations (scipy's biased skew
 * moments), summed as numpy sums a column: sequentially down a column of a wider matrix, pairwise for a lone
 * column. out[3j .. 3j + 2]; `column`, `squares` and `cubes` are scratch for n values each. */
EXPORT(ecod_moments) void ecod_moments(int n, int d, int j, const f64 *Z, f64 *column, f64 *squares, f64 *cubes, f64 *out) {
  {
    for (int i = 0; i < n; i++) column[i] = Z[i * d + j];
    f64 sum = 0;
    if (d == 1) sum = numpy_sum(column, n);
    else
      for (int i = 0; i < n; i++) sum += column[i];
    f64 mean = sum / n;
    for (int i = 0; i < n; i++) {
      f64 centred = column[i] - mean;
      squares[i] = centred * centred;
      cubes[i] = squares[i] * centred;
    }
    f64 m2 = 0, m3 = 0;
    if (d == 1) {
      m2 = numpy_sum(squares, n);
      m3 = numpy_sum(cubes, n);
    } else {
      for (int i = 0; i < n; i++) m2 += squares[i];
      for (int i = 0; i < n; i++) m3 += cubes[i];
    }
    out[3 * j] = mean;
    out[3 * j + 1] = m2 / n;
    out[3 * j + 2] = m3 / n;
  }
}

typedef unsigned long long u64;

/* An unsigned key with the order of the doubles (negative values reversed below the positive ones). */
static inline u64 order_key(f64 value) {
  u64 bits = __builtin_bit_cast(u64, value);
  return (bits >> 63) ? ~bits : bits | 0x8000000000000000ULL;
}

/* JavaScript's Math.max of two non-NaN numbers (+0 above -0). */
static inline f64 js_max(f64 a, f64 b) {
  if (a > b) return a;
  if (b > a) return b;
  if (a == 0 && __builtin_signbit(a) && !__builtin_signbit(b)) return b;
  return a;
}

/* Column j's contribution to every row's ECOD score, into outlyingness[i * d + j]: the row's value's left tail
 * -log P(X <= x) = tail[#(values <= x) - 1] and right tail -log P(X >= x) = tail[n - #(values < x) - 1] (equal
 * values share their counts), combined as PyOD does: max(left * -1 * leftSign + right * rightSign, tails) with
 * leftSign = sign(skew - 1), rightSign = sign(skew + 1) and tails = max(left, right) (ECOD) or, with tailMean set,
 * (left + right) / 2 (COPOD). The ranks come from a stable radix sort of the column (8 passes of 8 bits; keys,
 * order and their copies are scratch of n each). */
EXPORT(ecod_column) void ecod_column(int n, int d, int j, const f64 *Z, const f64 *tail, f64 leftSign, f64 rightSign,
                                     int tailMean, u64 *keys, int *order, u64 *keysCopy, int *orderCopy,
                                     f64 *outlyingness) {
  for (int i = 0; i < n; i++) {
    keys[i] = order_key(Z[i * d + j]);
    order[i] = i;
  }
  int counts[256];
  for (int shift = 0; shift < 64; shift += 8) {
    for (int b = 0; b < 256; b++) counts[b] = 0;
    for (int i = 0; i < n; i++) counts[(keys[i] >> shift) & 255]++;
    if (counts[(keys[0] >> shift) & 255] == n) continue; /* every key has this byte: the pass would not move anything */
    int position = 0;
    for (int b = 0; b < 256; b++) {
      int count = counts[b];
      counts[b] = position;
      position += count;
    }
    for (int i = 0; i < n; i++) {
      int target = counts[(keys[i] >> shift) & 255]++;
      keysCopy[target] = keys[i];
      orderCopy[target] = order[i];
    }
    u64 *heldKeys = keys;
    keys = keysCopy;
    keysCopy = heldKeys;
    int *heldOrder = order;
    order = orderCopy;
    orderCopy = heldOrder;
  }
  for (int low = 0; low < n;) {
    f64 value = Z[order[low] * d + j];
    int high = low + 1;
    while (high < n && Z[order[high] * d + j] == value) high++;
    f64 left = tail[high - 1];
    f64 right = tail[n - low - 1];
    f64 skewed = left * -1 * leftSign + right * rightSign;
    f64 result = js_max(skewed, tailMean ? (left + right) / 2 : js_max(left, right));
    for (int r = low; r < high; r++) outlyingness[order[r] * d + j] = result;
    low = high;
  }
}

/* scores[i] = numpy's sum of row i of outlyingness (n x d). */
EXPORT(row_sums) void row_sums(int n, int d, const f64 *values, f64 *scores) {
  for (int i = 0; i < n; i++) scores[i] = numpy_sum(values + i * d, d);
}
