// Exact k-nearest-neighbour search (k-d tree, blocked brute force, threads) against
// scikit-learn's KDTree: fixtures from test/reference/detectors_neighbors.py.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMatrix, toMatrix } from "../src/core/matrix";
import { bruteForceIndex, bruteForceQuery, bruteForceSelfQuery, primeSelfSearch } from "../src/neighbors/brute-force";
import { kNearest, type NeighborAlgorithm } from "../src/neighbors";
import { KDTree } from "../src/neighbors/kd-tree";
import { sameMatrixValues, withSelfIncluded } from "../src/neighbors/k-nearest";
import { RandomState } from "../src/random/random-state";
import { assertAllClose } from "./helpers/assertions";
import { uniformData, type UniformDataSpec } from "./helpers/detector-data";
import { readFixture } from "./helpers/fixtures";
import { warmWorkers } from "../src/threads/pool";

const reference = readFixture("detectors_neighbors.json");

interface SearchCase {
  k: number;
  data: UniformDataSpec;
  selfDistances: number[][];
  selfIndices: number[][];
  newDistances: number[][];
  newIndices: number[][];
}

const ALGORITHMS: NeighborAlgorithm[] = ["auto", "kd-tree", "brute"];

describe("kNearest against scikit-learn's KDTree", () => {
  for (const c of reference.searches as SearchCase[]) {
    const { n, d } = c.data;
    it(`${n} x ${d}, k = ${c.k}: same neighbours and distances with every algorithm`, () => {
      const { X, XNew } = uniformData(c.data);
      for (const algorithm of ALGORITHMS) {
        const self = kNearest(X, X, c.k, { excludeSelf: true, algorithm });
        assertAllClose(self.distances, c.selfDistances.flat(), 1e-12, `${algorithm} self distances`);
        assert.deepEqual(Array.from(self.indices), c.selfIndices.flat(), `${algorithm} self indices`);
        const fresh = kNearest(X, XNew, c.k, { algorithm });
        assertAllClose(fresh.distances, c.newDistances.flat(), 1e-12, `${algorithm} new distances`);
        assert.deepEqual(Array.from(fresh.indices), c.newIndices.flat(), `${algorithm} new indices`);
      }
    });
  }

  it("counts duplicated rows as neighbours at distance 0", () => {
    const c = reference.duplicates;
    const X = toMatrix(c.X);
    for (const algorithm of ALGORITHMS) {
      assertAllClose(kNearest(X, X, c.k, { excludeSelf: true, algorithm }).distances, c.selfDistances.flat(), 1e-12, algorithm);
      assertAllClose(kNearest(X, toMatrix(c.XNew), c.k, { algorithm }).distances, c.newDistances.flat(), 1e-12, algorithm);
    }
  });
});

describe("kNearest: ties, threads and kernels", () => {
  // Integer grid data: many exactly equal distances.
  const rs = new RandomState(3);
  const grid = createMatrix(900, 3, Float64Array.from(rs.randint(0, 6, 2700)));
  const k = 12;

  it("orders equal distances by lower index, identically in every algorithm", () => {
    const tree = kNearest(grid, grid, k, { excludeSelf: true, algorithm: "kd-tree", threads: 1 });
    for (let q = 0; q < grid.rows; q++) {
      for (let j = 1; j < k; j++) {
        const a = tree.distances[q * k + j - 1];
        const b = tree.distances[q * k + j];
        assert.ok(a < b || (a === b && tree.indices[q * k + j - 1] < tree.indices[q * k + j]), `row ${q}, position ${j}`);
      }
    }
    // The k-th neighbour is the lowest-index row at the k-th distance, checked by a direct scan.
    for (const q of [0, 17, 450, 899]) {
      const kth = tree.distances[q * k + k - 1];
      let closer = 0;
      for (let t = 0; t < grid.rows; t++) {
        if (t === q) continue;
        let s = 0;
        for (let j = 0; j < 3; j++) s += (grid.data[q * 3 + j] - grid.data[t * 3 + j]) ** 2;
        if (Math.sqrt(s) < kth) closer++;
      }
      assert.ok(closer < k, `row ${q}: ${closer} rows strictly closer than the k-th`);
    }
    const brute = kNearest(grid, grid, k, { excludeSelf: true, algorithm: "brute", threads: 1 });
    assert.deepEqual(brute.indices, tree.indices);
    assert.deepEqual(brute.distances, tree.distances);
  });

  it("a k-d tree search among identical rows computes O(k + leaf size) distances per row, not one per row pair, and returns the k lowest other indices", () => {
    // 100k identical rows once took ~100 s: every node's box is at distance 0, equal to the k-th distance, so every
    // leaf was searched for each query. The (distance, index) order lets a node whose rows all have higher indices
    // than the current k-th neighbour be skipped.
    const n = 5000;
    const kk = 5;
    const X = createMatrix(n, 1, new Float64Array(n).fill(1.5));
    const squared = new Float64Array(n * kk);
    const indices = new Int32Array(n * kk);
    const computed = new KDTree(X).query(X, kk, true, 0, n, squared, indices);
    // Each query reads at most the leaves holding the k + 1 lowest indices (<= 2 x 30 rows each, sklearn's leaf size).
    const bound = n * (kk + 1) * 2 * 30;
    assert.ok(computed <= bound, `${computed} distances computed for ${n} rows (bound ${bound}; all pairs: ${n * n})`);
    for (const q of [0, 1, 4, 5, 6, 2500, n - 1]) {
      const expected = [0, 1, 2, 3, 4, 5].filter((t) => t !== q).slice(0, kk);
      assert.deepEqual(Array.from(indices.subarray(q * kk, (q + 1) * kk)), expected, `row ${q}`);
      assert.deepEqual(Array.from(squared.subarray(q * kk, (q + 1) * kk)), [0, 0, 0, 0, 0], `row ${q}`);
    }
    const brute = kNearest(X, X, kk, { excludeSelf: true, algorithm: "brute", threads: 1 });
    assert.deepEqual(indices, brute.indices);
  });

  it("gives bit-identical results on 1 and 2 threads, self-search or not, and with the plain-JS kernels", () => {
    // Large enough (6000 x 16) for kNearest to use threads: rounded values make ties.
    const n = 6000;
    const X = createMatrix(n, 16, new RandomState(8).randomSample(n * 16).map((u) => Math.round(u * 8) / 8));
    assert.equal(warmWorkers(2), 1, "a worker thread loads (steps never wait for one)");
    const one = kNearest(X, X, 5, { excludeSelf: true, algorithm: "brute", threads: 1 });
    const two = kNearest(X, X, 5, { excludeSelf: true, algorithm: "brute", threads: 2 });
    // A copy of X as query takes the one-sided search (each pair seen from its query row only).
    const copy = kNearest(X, createMatrix(n, 16, X.data.slice()), 5, { excludeSelf: true, algorithm: "brute", threads: 2 });
    for (const other of [two, copy]) {
      assert.deepEqual(Array.from(other.indices), Array.from(one.indices));
      assert.deepEqual(Array.from(other.distances), Array.from(one.distances));
    }
    // The plain-JS kernels (runtimes without WebAssembly SIMD), on the first 1500 rows.
    const m = 1500;
    const head = createMatrix(m, 16, X.data.slice(0, m * 16));
    const expected = kNearest(head, head, 5, { excludeSelf: true, algorithm: "kd-tree" });
    const plain = bruteForceIndex(head, false);
    assert.equal(plain.simd, false);
    const squared = new Float64Array(m * 5);
    const indices = new Int32Array(m * 5);
    bruteForceQuery(plain, head, 5, true, 0, m, squared, indices);
    assert.deepEqual(Array.from(indices), Array.from(expected.indices));
    assert.deepEqual(Array.from(squared.map(Math.sqrt)), Array.from(expected.distances));
    squared.fill(Infinity);
    indices.fill(-1);
    primeSelfSearch(plain, 5, 0, m, squared, indices);
    bruteForceSelfQuery(plain, 5, 0, 1, squared, indices);
    assert.deepEqual(Array.from(indices), Array.from(expected.indices));
    const big = createMatrix(20000, 3, Float64Array.from(new RandomState(9).randint(0, 40, 60000)));
    const treeTwo = kNearest(big, big, 5, { excludeSelf: true, algorithm: "kd-tree", threads: 2 });
    const treeOne = kNearest(big, big, 5, { excludeSelf: true, algorithm: "kd-tree", threads: 1 });
    assert.deepEqual(Array.from(treeTwo.indices), Array.from(treeOne.indices));
    assert.deepEqual(Array.from(treeTwo.distances), Array.from(treeOne.distances));
  });

  it("keeps exact distances on data far from the origin (the expansion only filters)", () => {
    const X = createMatrix(400, 16, new RandomState(4).randomSample(6400).map((u) => 1e6 + u));
    const brute = kNearest(X, X, 3, { excludeSelf: true, algorithm: "brute" });
    const tree = kNearest(X, X, 3, { excludeSelf: true, algorithm: "kd-tree" });
    assert.deepEqual(Array.from(brute.indices), Array.from(tree.indices));
    assert.deepEqual(Array.from(brute.distances), Array.from(tree.distances));
  });

  it("finds the exact neighbours where the float32 filter is pushed to its limits (scales, outliers, far queries)", () => {
    // The WebAssembly filter works in float32 on power-of-two-scaled rows; its bound must hold at any scale, with
    // values far below the largest (underflow), and for queries far outside the training data (searched exhaustively).
    // The reference is the plain-TypeScript brute force (double precision throughout) and the k-d tree.
    const rng = new RandomState(21);
    const gaussian = (rows: number, cols: number, scale: number, shift = 0): Float64Array =>
      Float64Array.from({ length: rows * cols }, () => shift + scale * rng.standardNormal());
    const cases: Array<[string, Float64Array, number]> = [
      ["tiny values (1e-30)", gaussian(700, 20, 1e-30), 20],
      ["huge values (1e30) far from the origin", gaussian(700, 20, 1e30, 5e31), 20],
      // A tight cluster (1e-12) and two points at 1e12: the cluster's scaled values underflow float32.
      ["a tight cluster and two far outliers", Float64Array.from([...gaussian(600, 18, 1e-12), ...gaussian(2, 18, 1e12)]), 18],
      ["140 features near 1", gaussian(600, 140, 1, 1), 140],
    ];
    for (const [what, data, cols] of cases) {
      const X = createMatrix(data.length / cols, cols, data);
      const wasm = kNearest(X, X, 7, { excludeSelf: true, algorithm: "brute", threads: 1 });
      const tree = kNearest(X, X, 7, { excludeSelf: true, algorithm: "kd-tree", threads: 1 });
      assert.deepEqual(Array.from(wasm.indices), Array.from(tree.indices), what);
      assert.deepEqual(Array.from(wasm.distances), Array.from(tree.distances), what);
      const plain = bruteForceIndex(X, false);
      const squared = new Float64Array(X.rows * 7);
      const indices = new Int32Array(X.rows * 7);
      bruteForceQuery(plain, X, 7, true, 0, X.rows, squared, indices);
      assert.deepEqual(Array.from(indices), Array.from(wasm.indices), `${what}: plain TypeScript`);
    }
    // Queries 1e25 away from training rows of scale 1: beyond the filter's safe range, compared exhaustively.
    const train = createMatrix(300, 6, gaussian(300, 6, 1));
    const far = createMatrix(40, 6, Float64Array.from([...gaussian(20, 6, 1e25), ...gaussian(20, 6, 1)]));
    const brute = kNearest(train, far, 4, { algorithm: "brute", threads: 1 });
    const tree = kNearest(train, far, 4, { algorithm: "kd-tree", threads: 1 });
    assert.deepEqual(Array.from(brute.indices), Array.from(tree.indices), "far queries");
    assert.deepEqual(Array.from(brute.distances), Array.from(tree.distances), "far queries");
  });

  it("derives the self-including neighbours of the training rows exactly", () => {
    const excluded = kNearest(grid, grid, k, { excludeSelf: true });
    const direct = kNearest(grid, grid, k);
    const derived = withSelfIncluded(excluded);
    assert.deepEqual(Array.from(derived.indices), Array.from(direct.indices));
    assert.deepEqual(Array.from(derived.distances), Array.from(direct.distances));
    assert.ok(sameMatrixValues(grid, createMatrix(900, 3, grid.data.slice())));
    assert.ok(!sameMatrixValues(grid, createMatrix(900, 3, grid.data.map((v, i) => (i === 5 ? v + 1 : v)))));
  });

  it("reports impossible requests and bad options", () => {
    const train = toMatrix([[0], [1], [3]]);
    assert.throws(() => kNearest(train, train, 3, { excludeSelf: true }), /k \(3\) is larger than the 2 available neighbours/);
    assert.throws(() => kNearest(train, toMatrix([[1, 2]]), 1), /query has 2 columns, but the training data has 1/);
    assert.throws(() => kNearest(train, train, 0), /k must be an integer >= 1, got 0/);
    assert.throws(() => kNearest(train, train, 1, { algorithm: "ball" as NeighborAlgorithm }), /algorithm must be one of auto, kd-tree, brute, got ball/);
    assert.throws(() => kNearest(train, train, 1, { threads: 0 }), /threads must be an integer >= 1, got 0/);
    assert.throws(() => kNearest(train, toMatrix([[1]]), 1, { excludeSelf: true }), /excludeSelf needs the training data as query/);
  });
});
