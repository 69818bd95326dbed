import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { createMatrix, type Matrix } from "../src/core/matrix";
import { logDeterminant, mahalanobisSquared, maskedCovariance, maskedMean, pseudoInverseSymmetric, symmetricEigen } from "../src/linalg/covariance";
import { logDeterminantJs, mahalanobisSquaredJs, maskedCovarianceJs, pseudoInverseSymmetricJs } from "../src/linalg/covariance-js";
import { distanceScoresJs } from "../src/decomposition/pca-rows";
import { symmetricEigenRows } from "../src/linalg/symmetric-eigen";
import { ECODDetector } from "../src/detectors/ecod";
import { KMeansDetector } from "../src/detectors/kmeans-detector";
import { MCDDetector } from "../src/detectors/mcd";
import { OCSVMDetector } from "../src/detectors/ocsvm";
import { PCADetector } from "../src/detectors/pca";
import { denseKernels, withoutDenseKernels } from "../src/linalg/dense-kernels";
import { StandardScaler } from "../src/preprocessing/scalers";
import { RandomState } from "../src/random/random-state";

// The WebAssembly SIMD kernels (src/linalg/dense.c) must give the TypeScript's results bit for bit: the
// TypeScript is what the reference tests (sklearn, scipy, ml-matrix) check, and detectors promise the
// same scores everywhere. Object.is also tells -0 from 0 and compares NaN with itself.

function assertSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}: entry ${i} is ${actual[i]}, the TypeScript gives ${expected[i]}`);
  }
}

/** Correlated Gaussian rows (a random mixing matrix), so covariances are full and eigenvalues spread. */
function correlated(rng: RandomState, rows: number, cols: number): Matrix {
  const mixing = Float64Array.from({ length: cols * cols }, () => rng.standardNormal());
  const data = new Float64Array(rows * cols);
  const z = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) z[j] = rng.standardNormal();
    for (let j = 0; j < cols; j++) {
      let sum = 3 * j;
      for (let k = 0; k < cols; k++) sum += mixing[j * cols + k] * z[k];
      data[i * cols + j] = sum;
    }
  }
  return createMatrix(rows, cols, data);
}

// 2600 rows: several calls of ROWS_PER_CALL (1024) rows, whose sums must continue in row order.
const SHAPES: Array<[number, number]> = [[1, 1], [5, 2], [7, 3], [40, 5], [301, 17], [600, 30], [450, 140], [2600, 7]];

describe("dense WebAssembly kernels", () => {
  it("load on this runtime (else the detectors silently fall back to the slower TypeScript)", () => {
    assert.notEqual(denseKernels(), null);
  });

  it("covariance (all rows and masked, ddof 0 and 1) and Mahalanobis distances equal the TypeScript", () => {
    const rng = new RandomState(3);
    for (const [rows, cols] of SHAPES) {
      const X = correlated(rng, rows, cols);
      const mask = Uint8Array.from({ length: rows }, (_, i) => (i === 0 || rng.uniform(0, 1) < 0.6 ? 1 : 0));
      for (const selection of [undefined, mask]) {
        const location = maskedMean(X, selection);
        for (const ddof of [0, 1]) {
          assertSameBits(maskedCovariance(X, location, selection, ddof), maskedCovarianceJs(X, location, selection, ddof), `covariance ${rows}x${cols} ddof ${ddof}`);
        }
      }
      const location = maskedMean(X);
      const precision = pseudoInverseSymmetricJs(maskedCovarianceJs(X, location), cols);
      assertSameBits(mahalanobisSquared(X, location, precision), mahalanobisSquaredJs(X, location, precision), `mahalanobis ${rows}x${cols}`);
    }
  });

  it("eigendecomposition, pinvh and log-determinant equal the TypeScript, also on singular and zero matrices", () => {
    const rng = new RandomState(5);
    const matrices: Array<[Float64Array, number, string]> = [];
    for (const [rows, cols] of SHAPES) {
      const X = correlated(rng, rows, cols);
      matrices.push([maskedCovarianceJs(X, maskedMean(X)), cols, `covariance ${rows}x${cols}`]);
    }
    // Rank 2 in 6 dimensions (pinvh's cutoff drops four eigenvalues), a zero matrix, a negative determinant.
    const low = correlated(rng, 2, 6);
    matrices.push([maskedCovarianceJs(low, maskedMean(low)), 6, "rank-deficient 6x6"]);
    matrices.push([new Float64Array(16), 4, "zero 4x4"]);
    matrices.push([Float64Array.of(0, 1, 1, 0), 2, "[[0, 1], [1, 0]]"]);
    for (const [matrix, p, what] of matrices) {
      const kernels = denseKernels();
      assert.ok(kernels !== null);
      const wasm = kernels.eigenRows(matrix, p);
      const js = symmetricEigenRows(matrix, p);
      assertSameBits(wasm.values, js.values, `eigenvalues of ${what}`);
      assertSameBits(wasm.rows, js.rows, `eigenvectors of ${what}`);
      assertSameBits(symmetricEigen(matrix, p).values, js.values, `symmetricEigen of ${what}`);
      assertSameBits(pseudoInverseSymmetric(matrix, p), pseudoInverseSymmetricJs(matrix, p), `pinvh of ${what}`);
      assert.ok(Object.is(logDeterminant(matrix, p), logDeterminantJs(matrix, p)), `log-determinant of ${what}`);
    }
    assert.equal(logDeterminant(Float64Array.of(0, 1, 1, 0), 2), -Infinity); // det = -1
    assert.equal(logDeterminant(new Float64Array(4), 2), -Infinity); // zero pivot
  });

  it("column statistics and standardisation equal numpy's order of operations", () => {
    const rng = new RandomState(11);
    const kernels = denseKernels();
    assert.ok(kernels !== null);
    for (const [rows, cols] of SHAPES) {
      const X = correlated(rng, rows, cols);
      // numpy: axis-0 sums row by row, then sklearn's corrected two-pass moments; (x - mean) / scale.
      const sums = new Float64Array(cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) sums[j] += X.data[i * cols + j];
      const mean = sums.map((sum) => sum / rows);
      const correction = new Float64Array(cols);
      const squares = new Float64Array(cols);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          const centred = X.data[i * cols + j] - mean[j];
          correction[j] += centred;
          squares[j] += centred * centred;
        }
      }
      const moments = kernels.residentRows(X.data, rows, cols).moments((s) => s.map((sum) => sum / rows));
      assertSameBits(moments.mean, mean, `mean ${rows}x${cols}`);
      assertSameBits(moments.correction, correction, `correction ${rows}x${cols}`);
      assertSameBits(moments.squares, squares, `squares ${rows}x${cols}`);
      assertSameBits(maskedMean(X), mean, `maskedMean ${rows}x${cols}`);
      const scale = squares.map((square) => Math.sqrt(square / rows) + 0.5);
      const expected = X.data.map((value, k) => (value - mean[k % cols]) / scale[k % cols]);
      const resident = kernels.residentRows(X.data, rows, cols);
      resident.standardize(mean, scale);
      assertSameBits(resident.values(), expected, `standardize ${rows}x${cols}`);
    }
  });

  it("PCA's distance scores equal the TypeScript (odd and even component counts, a selection)", () => {
    const rng = new RandomState(13);
    const kernels = denseKernels();
    assert.ok(kernels !== null);
    for (const [rows, cols] of [[7, 3], [301, 17], [2600, 30], [450, 140]] as Array<[number, number]>) {
      const X = correlated(rng, rows, cols);
      for (const k of [1, 2, Math.min(5, cols), cols]) {
        const components = Float64Array.from({ length: k * cols }, () => rng.standardNormal());
        const from = Math.floor(rows / 3);
        const weights = Float64Array.from({ length: k }, () => rng.uniform(0.01, 1));
        for (const first of [0, k - 1]) {
          const scores = new Float64Array(rows);
          const reference = new Float64Array(rows);
          scores.set(kernels.residentRows(X.data.subarray(from * cols), rows - from, cols).distances(components, k, first, weights), from);
          distanceScoresJs(X, components, k, weights, first, from, rows, reference);
          assertSameBits(scores, reference, `distance scores ${rows}x${cols}, k ${k}, first ${first}`);
        }
      }
    }
  });

  it("detectors give the same bits with the kernels and with their TypeScript fallbacks (one thread)", () => {
    const rng = new RandomState(17);
    for (const [rows, cols] of [[1500, 6], [900, 31]] as Array<[number, number]>) {
      const X = correlated(rng, rows, cols);
      const fits: Array<[string, () => ArrayLike<number>]> = [
        ["k-means", () => new KMeansDetector({ k: 5, seed: 1, threads: 1 }).fit(X).trainingScores],
        ["PCA", () => new PCADetector({ threads: 1 }).fit(X).trainingScores],
        ["PCA reconstruction", () => new PCADetector({ method: "reconstruction", nComponents: 3, threads: 1 }).fit(X).trainingScores],
        ["MCD", () => new MCDDetector({ seed: 2, threads: 1 }).fit(X).trainingScores],
        ["StandardScaler", () => new StandardScaler().fit(X).transform(X).data],
        // A small kernel cache, so rows are computed again after eviction.
        ["OCSVM", () => new OCSVMDetector({ cacheSize: 0.5 }).fit(X).trainingScores],
      ];
      for (const [name, fit] of fits) {
        assertSameBits(fit(), withoutDenseKernels(fit), `${name} on ${rows}x${cols}`);
      }
    }
  });

  it("ECOD gives the same bits with the kernels (radix-sort ranks) and the TypeScript (binary searches)", () => {
    const rng = new RandomState(23);
    // Ties, signed zeros (equal values with different bits), a constant column (skewness 0), negative values, and
    // a lone column (numpy sums it pairwise); new rows scored against the training rows.
    const rows = 900;
    const data = new Float64Array(rows * 5);
    for (let i = 0; i < rows; i++) {
      data[i * 5] = rng.randint(-3, 4);
      data[i * 5 + 1] = i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : rng.standardNormal();
      data[i * 5 + 2] = 7;
      data[i * 5 + 3] = -Math.exp(rng.standardNormal());
      data[i * 5 + 4] = rng.standardNormal() * 1e-300;
    }
    const X = createMatrix(rows, 5, data);
    const lone = createMatrix(rows, 1, data.filter((_, k) => k % 5 === 3));
    const fresh = correlated(rng, 50, 5);
    for (const [what, matrix, query] of [["five columns", X, fresh], ["one column", lone, createMatrix(50, 1, fresh.data.slice(0, 50))]] as Array<[string, Matrix, Matrix]>) {
      const fit = (): { train: Float64Array; scored: Float64Array } => {
        const ecod = new ECODDetector().fit(matrix);
        return { train: Float64Array.from(ecod.trainingScores), scored: Float64Array.from(ecod.score(query)) };
      };
      const wasm = fit();
      const js = withoutDenseKernels(fit);
      assertSameBits(wasm.train, js.train, `ECOD training scores, ${what}`);
      assertSameBits(wasm.scored, js.scored, `ECOD scores of new rows, ${what}`);
    }
  });

  it("a session whose memory another call reused fails loudly instead of computing with clobbered data", () => {
    const kernels = denseKernels();
    assert.ok(kernels !== null);
    const X = correlated(new RandomState(19), 20, 3);
    const session = kernels.rowDots(X.data, 20, 3);
    session.dots(0);
    kernels.residentRows(X.data, 20, 3).columnSums();
    assert.throws(() => session.dots(1), /interleaved with another kernel call/);
  });

  it("lets go of a memory grown past 64 MB: the next call gets a fresh instance", () => {
    const first = denseKernels();
    assert.ok(first !== null);
    assert.equal(denseKernels(), first, "a small memory is kept");
    first.residentRows(new Float64Array(1_100_000 * 8), 1_100_000, 8); // 70 MB of rows in linear memory
    assert.ok(first.memoryBytes > 64 * 2 ** 20);
    const next = denseKernels();
    assert.notEqual(next, first);
    assert.ok(next !== null && next.memoryBytes < 64 * 2 ** 20);
  });

  it("rejects a matrix whose size does not match its dimension", () => {
    assert.throws(() => pseudoInverseSymmetric(new Float64Array(5), 2), /expected a 2 x 2 matrix, got 5 values/);
    assert.throws(() => symmetricEigen(new Float64Array(3), 2), /expected a 2 x 2 matrix, got 3 values/);
  });

  it("the committed WebAssembly modules are their C sources compiled (scripts/build-wasm.sh --check)", { skip: buildCheckUnavailable() }, () => {
    const output = execFileSync("bash", ["scripts/build-wasm.sh", "--check"], { encoding: "utf8" });
    assert.match(output, /matches/);
  });

  it("build-wasm.sh --check without clang never runs apt-get, even as root: it names the compiler it needs", () => {
    // A PATH of stubs only: `id` says root, `apt-get` leaves a mark if anything calls it, no clang.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-no-clang-"));
    try {
      const mark = path.join(bin, "apt-get-was-called");
      fs.writeFileSync(path.join(bin, "id"), "#!/bin/sh\necho 0\n", { mode: 0o755 });
      fs.writeFileSync(path.join(bin, "apt-get"), `#!/bin/sh\n: > ${mark}\nexit 1\n`, { mode: 0o755 });
      const where = (tool: string): string => execFileSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
      fs.symlinkSync(where("dirname"), path.join(bin, "dirname"));
      const run = spawnSync(where("bash"), ["scripts/build-wasm.sh", "--check"], { encoding: "utf8", env: { PATH: bin } });
      assert.equal(fs.existsSync(mark), false, "apt-get was called");
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /--check needs clang 14\.0\.6 and wasm-ld/);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});

/**
 * Why the byte-for-byte build check cannot run here, or undefined when it can: another clang writes other
 * bytes, so it needs the compiler named in the committed modules' header (Debian 12's clang 14.0.6) and wasm-ld.
 */
function buildCheckUnavailable(): string | undefined {
  const header = fs.readFileSync(path.join(__dirname, "..", "src", "linalg", "dense-wasm.ts"), "utf8");
  const wanted = /\(clang ([\d.]+),/.exec(header)?.[1];
  if (wanted === undefined) return "src/linalg/dense-wasm.ts does not name the clang that compiled it";
  const clang = spawnSync("clang", ["-dumpversion"], { encoding: "utf8" });
  if (clang.error !== undefined) return `needs clang ${wanted} (the committed modules' compiler); no clang on PATH`;
  const found = clang.stdout.trim();
  if (found !== wanted) return `needs clang ${wanted} (the committed modules' compiler); clang on PATH is ${found}`;
  if (spawnSync("wasm-ld", ["--version"]).error !== undefined) return "needs wasm-ld (Debian: lld); none on PATH";
  return undefined;
}
