/**
 * Eigenvalues and eigenvectors of a symmetric matrix: Householder tridiagonalisation (`tred2`) and the
 * implicit QL algorithm (`tql2`) of JAMA / EISPACK, operation for operation as ml-matrix 6.12's
 * `EigenvalueDecomposition` (so results are bit-identical to it), on one flat Float64Array instead of
 * an array of row arrays read through `get`/`set`. MCD runs ~1,000 of these at p = 140 per fit, where
 * that indirection cost ~2x.
 *
 * Storage: `w[r * n + c]` holds the eigenvector matrix transposed (as ml-matrix stores it during the
 * decomposition): row k of `w` is the eigenvector of eigenvalue k.
 */

/** Eigenvalues (ascending, as tql2 sorts them) and eigenvectors: row k of `rows` is the vector of value k. */
export interface TridiagonalEigen {
  readonly values: Float64Array;
  /** n x n, row-major; row k is the unit eigenvector of `values[k]`. */
  readonly rows: Float64Array;
}

/** Decomposes the symmetric n x n row-major `symmetric` (only read, never modified). */
export function symmetricEigenRows(symmetric: Float64Array, n: number): TridiagonalEigen {
  if (symmetric.length !== n * n) throw new RangeError(`expected an ${n} x ${n} matrix, got ${symmetric.length} values`);
  const w = new Float64Array(n * n);
  // ml-matrix copies value(i, j) to V(j, i): the transposed storage.
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[j * n + i] = symmetric[i * n + j];
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(n, e, d, w);
  tql2(n, e, d, w);
  return { values: d, rows: w };
}

function tred2(n: number, e: Float64Array, d: Float64Array, V: Float64Array): void {
  let f: number;
  let g: number;
  let h: number;
  let hh: number;
  let scale: number;
  for (let j = 0; j < n; j++) d[j] = V[j * n + n - 1];

  for (let i = n - 1; i > 0; i--) {
    scale = 0;
    h = 0;
    for (let k = 0; k < i; k++) scale = scale + Math.abs(d[k]);

    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[j * n + i - 1];
        V[j * n + i] = 0;
        V[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      f = d[i - 1];
      g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h = h - f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;

      for (let j = 0; j < i; j++) {
        f = d[j];
        V[i * n + j] = f;
        const rowJ = j * n;
        g = e[j] + V[rowJ + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[rowJ + k] * d[k];
          e[k] += V[rowJ + k] * f;
        }
        e[j] = g;
      }

      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];

      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        const rowJ = j * n;
        for (let k = j; k <= i - 1; k++) V[rowJ + k] = V[rowJ + k] - (f * e[k] + g * d[k]);
        d[j] = V[rowJ + i - 1];
        V[rowJ + i] = 0;
      }
    }
    d[i] = h;
  }

  for (let i = 0; i < n - 1; i++) {
    V[i * n + n - 1] = V[i * n + i];
    V[i * n + i] = 1;
    h = d[i + 1];
    const next = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[next + k] / h;
      for (let j = 0; j <= i; j++) {
        const rowJ = j * n;
        g = 0;
        for (let k = 0; k <= i; k++) g += V[next + k] * V[rowJ + k];
        for (let k = 0; k <= i; k++) V[rowJ + k] = V[rowJ + k] - g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[next + k] = 0;
  }

  for (let j = 0; j < n; j++) {
    d[j] = V[j * n + n - 1];
    V[j * n + n - 1] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

function tql2(n: number, e: Float64Array, d: Float64Array, V: Float64Array): void {
  let g: number;
  let h: number;
  let p: number;
  let r: number;
  let dl1: number;
  let c: number;
  let c2: number;
  let c3: number;
  let el1: number;
  let s: number;
  let s2: number;
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;

  let f = 0;
  let tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
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
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f = f + h;

        p = d[m];
        c = 1;
        c2 = c;
        c3 = c;
        el1 = e[l + 1];
        s = 0;
        s2 = 0;
        for (let i = m - 1; i >= l; i--) {
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
          // Rotate rows i and i + 1 (columns of the logical eigenvector matrix).
          const rowI = i * n;
          const rowNext = rowI + n;
          for (let k = 0; k < n; k++) {
            h = V[rowNext + k];
            V[rowNext + k] = s * V[rowI + k] + c * h;
            V[rowI + k] = c * V[rowI + k] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] = d[l] + f;
    e[l] = 0;
  }

  for (let i = 0; i < n - 1; i++) {
    let k = i;
    p = d[i];
    for (let j = i + 1; j < n; j++) {
      if (d[j] < p) {
        k = j;
        p = d[j];
      }
    }
    if (k !== i) {
      d[k] = d[i];
      d[i] = p;
      const rowI = i * n;
      const rowK = k * n;
      for (let j = 0; j < n; j++) {
        p = V[rowI + j];
        V[rowI + j] = V[rowK + j];
        V[rowK + j] = p;
      }
    }
  }
}

/** sqrt(a^2 + b^2) without overflow, exactly as ml-matrix computes it. */
function hypotenuse(a: number, b: number): number {
  let r: number;
  if (Math.abs(a) > Math.abs(b)) {
    r = b / a;
    return Math.abs(a) * Math.sqrt(1 + r * r);
  }
  if (b !== 0) {
    r = a / b;
    return Math.abs(b) * Math.sqrt(1 + r * r);
  }
  return 0;
}
