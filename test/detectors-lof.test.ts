// LOFDetector = PyOD LOF = scikit-learn LocalOutlierFactor(novelty=True): fixtures from
// test/reference/detectors_neighbors.py.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMatrix, type Matrix, toMatrix } from "../src/core/matrix";
import { salaryData } from "../src/data/salary";
import { LOFDetector } from "../src/detectors/lof";
import { RandomState } from "../src/random/random-state";
import { assertPyodOutcome, type PyodOutcome } from "./helpers/assertions";
import { uniformData, type UniformDataSpec } from "./helpers/detector-data";
import { readFixture } from "./helpers/fixtures";

const reference = readFixture("detectors_neighbors.json");

interface LofCase extends PyodOutcome {
  k: number;
  effectiveNeighbors: number;
  contamination: number;
  data?: UniformDataSpec;
  X?: number[][];
  XNew?: number[][];
}

function assertLofCase(c: LofCase, X: Matrix, XNew: Matrix, label: string): LOFDetector {
  const lof = new LOFDetector({ nNeighbors: c.k, contamination: c.contamination }).fit(X);
  assert.equal(lof.effectiveNeighbors, c.effectiveNeighbors, `${label} effective k`);
  assertPyodOutcome(lof, c, XNew, label);
  return lof;
}

const salaries = toMatrix(salaryData(), { columns: ["salary"] });

describe("LOFDetector (PyOD LOF / scikit-learn LocalOutlierFactor semantics)", () => {
  it("matches scikit-learn on the salary data and flags the two injected salaries", () => {
    const c = reference.salaryLof as LofCase;
    const lof = assertLofCase(c, salaries, toMatrix(c.XNew as number[][]), "salary");
    assert.deepEqual(
      Array.from(lof.labels).flatMap((label, i) => (label === 1 ? [i] : [])),
      [16, 65],
    );
  });

  for (const c of reference.lof as LofCase[]) {
    const shape = c.data ? `${c.data.n} x ${c.data.d}` : `${(c.X as number[][]).length} rows with duplicates`;
    it(`matches scikit-learn on ${shape}, k = ${c.k}`, () => {
      const { X, XNew } = c.data ? uniformData(c.data) : { X: toMatrix(c.X as number[][]), XNew: toMatrix(c.XNew as number[][]) };
      assertLofCase(c, X, XNew, shape);
    });
  }

  it("scores the training matrix again exactly like a fresh query (reused neighbours)", () => {
    const c = (reference.lof as LofCase[])[1];
    const { X } = uniformData(c.data!);
    const lof = new LOFDetector({ nNeighbors: c.k }).fit(X);
    const again = lof.score(createMatrix(X.rows, X.cols, X.data.slice()));
    // One more row makes the query differ from the training matrix: a real search, row by row the same.
    const extended = new Float64Array(X.data.length + X.cols);
    extended.set(X.data);
    const searched = lof.score(createMatrix(X.rows + 1, X.cols, extended));
    assert.deepEqual(Array.from(again), Array.from(searched.subarray(0, X.rows)));
  });

  it("gives the same scores whichever neighbour algorithm and thread count", () => {
    const X = createMatrix(2000, 6, new RandomState(21).randomSample(12000));
    const base = new LOFDetector({ algorithm: "kd-tree", threads: 1 }).fit(X).trainingScores;
    for (const options of [{ algorithm: "brute" as const, threads: 1 }, { algorithm: "brute" as const, threads: 2 }]) {
      assert.deepEqual(Array.from(new LOFDetector(options).fit(X).trainingScores), Array.from(base));
    }
  });

  it("rejects data and options it cannot use", () => {
    assert.throws(() => new LOFDetector().fit([[1, 2]]), /LOFDetector needs at least 2 training rows, got 1/);
    assert.throws(() => new LOFDetector({ nNeighbors: 0 }), /nNeighbors must be an integer >= 1, got 0/);
    assert.throws(() => new LOFDetector({ algorithm: "ball-tree" as "brute" }), /algorithm must be one of auto, kd-tree, brute, got ball-tree/);
    assert.throws(() => new LOFDetector({ threads: 1.5 }), /threads must be an integer >= 1, got 1.5/);
    assert.throws(() => new LOFDetector({ contamination: 0.7 }), /contamination must be in \(0, 0.5\], got 0.7/);
    assert.throws(() => new LOFDetector().fit([[1], [NaN], [3]]), /X: row 1, column 0 is NaN/);
    const lof = new LOFDetector({ nNeighbors: 2 }).fit([[0, 0], [1, 1], [2, 2], [10, 10]]);
    assert.throws(() => lof.score([[1, 2, 3]]), /X has 3 columns, but LOFDetector was fitted on 2 columns/);
    assert.throws(() => new LOFDetector().score([[1]]), /LOFDetector is not fitted/);
    assert.throws(() => new LOFDetector().effectiveNeighbors, /LOFDetector is not fitted/);
  });

  it("handles constant data: every row a duplicate, every score 1", () => {
    const lof = new LOFDetector({ nNeighbors: 3 }).fit([[5], [5], [5], [5], [5]]);
    assert.deepEqual(Array.from(lof.trainingScores), [1, 1, 1, 1, 1]);
    assert.ok(lof.score([[6]])[0] > 1e9); // far from a zero-spread cluster
  });
});
