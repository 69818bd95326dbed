// HBOSDetector = PyOD HBOS (static bins): fixtures from test/reference/detectors_hbos.py, PyOD's HBOS
// itself (pyod/models/hbos.py).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Matrix, toMatrix } from "../src/core/matrix";
import { salaryData } from "../src/data/salary";
import { HBOSDetector } from "../src/detectors/hbos";
import { assertAllClose, assertPyodOutcome, type PyodOutcome } from "./helpers/assertions";
import { uniformData, type UniformDataSpec } from "./helpers/detector-data";
import { readFixture } from "./helpers/fixtures";

const reference = readFixture("detectors_hbos.json");

interface HbosCase extends PyodOutcome {
  nBins: number;
  alpha: number;
  tol: number;
  contamination: number;
  data?: UniformDataSpec;
  X?: number[][];
  XNew: number[][];
  edges: number[][];
  density: number[][];
}

function assertHbosCase(c: HbosCase, X: Matrix, label: string): void {
  const hbos = new HBOSDetector({ nBins: c.nBins, alpha: c.alpha, tol: c.tol, contamination: c.contamination }).fit(X);
  hbos.histogram.forEach(({ edges, density }, j) => {
    assert.deepEqual(Array.from(edges), c.edges[j], `${label} edges of column ${j}`);
    assertAllClose(density, c.density[j], 1e-12, `${label} density of column ${j}`);
  });
  assertPyodOutcome(hbos, c, c.XNew, label);
}

describe("HBOSDetector (PyOD HBOS, static bins)", () => {
  it("matches the reference on the salary data, inside, on the edges and outside the range", () => {
    assertHbosCase(reference.salary as HbosCase, toMatrix(salaryData(), { columns: ["salary"] }), "salary");
  });

  (reference.cases as HbosCase[]).forEach((c, i) => {
    it(`matches the reference: case ${i} (${c.nBins} bins, alpha ${c.alpha}, tol ${c.tol})`, () => {
      const X = c.data ? uniformData(c.data).X : toMatrix(c.X as number[][]);
      // Cases built from uniform_data score XNew * 1.5 (values beyond the training range).
      assertHbosCase(c, X, `case ${i}`);
    });
  });

  it("checks its options", () => {
    assert.throws(() => new HBOSDetector({ nBins: 1 }), /nBins must be an integer >= 2, got 1/);
    assert.throws(() => new HBOSDetector({ alpha: 1 }), /alpha must be in \(0, 1\), got 1/);
    assert.throws(() => new HBOSDetector({ tol: 0 }), /tol must be in \(0, 1\), got 0/);
    assert.throws(() => new HBOSDetector({ tol: NaN }), /tol must be a finite number, got NaN/);
    assert.throws(() => new HBOSDetector().histogram, /HBOSDetector is not fitted/);
    assert.throws(() => new HBOSDetector().fit([[1, 2], [3, 4]]).score([[1]]), /X has 1 columns, but HBOSDetector was fitted on 2 columns/);
  });
});
