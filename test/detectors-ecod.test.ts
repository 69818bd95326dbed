// ECODDetector = PyOD ECOD: fixtures from test/reference/detectors_ecod.py, PyOD's ECOD itself
// (pyod/models/ecod.py).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Matrix, toMatrix } from "../src/core/matrix";
import { salaryData } from "../src/data/salary";
import { ECODDetector } from "../src/detectors/ecod";
import { assertPyodOutcome, type PyodOutcome } from "./helpers/assertions";
import { uniformData, type UniformDataSpec } from "./helpers/detector-data";
import { readFixture } from "./helpers/fixtures";

const reference = readFixture("detectors_ecod.json");

interface EcodCase extends PyodOutcome {
  contamination: number;
  data?: UniformDataSpec;
  X?: number[][];
  XNew: number[][];
}

function assertEcodCase(c: EcodCase, X: Matrix, label: string): void {
  assertPyodOutcome(new ECODDetector({ contamination: c.contamination }).fit(X), c, c.XNew, label);
}

describe("ECODDetector (PyOD ECOD)", () => {
  it("matches the reference on the salary data (one column: numpy's pairwise moments)", () => {
    assertEcodCase(reference.salary as EcodCase, toMatrix(salaryData(), { columns: ["salary"] }), "salary");
  });

  (reference.cases as EcodCase[]).forEach((c, i) => {
    it(`matches the reference: case ${i}${c.data ? ` (${c.data.n} x ${c.data.d})` : " (symmetric, constant, tied and skewed columns)"}`, () => {
      assertEcodCase(c, c.data ? uniformData(c.data).X : toMatrix(c.X as number[][]), `case ${i}`);
    });
  });

  it("scores a new batch together with the training rows, as PyOD does", () => {
    const X = uniformData({ seed: 9, n: 50, d: 2, outliers: 2 }).X;
    const ecod = new ECODDetector().fit(X);
    const batch = ecod.score([[0, 0], [3, 3]]);
    const one = ecod.score([[0, 0]]);
    assert.notEqual(batch[0], one[0]); // each call re-estimates the ECDFs on train + batch
    assert.ok(batch[1] > batch[0]);
  });

  it("rejects bad input", () => {
    assert.throws(() => new ECODDetector({ contamination: 0 }), /contamination must be in \(0, 0.5\], got 0/);
    assert.throws(() => new ECODDetector().fit([]), /X is empty: expected at least one row/);
    assert.throws(() => new ECODDetector().fit([[1, 2], [3, 4]]).score([[1, 2, 3]]), /X has 3 columns, but ECODDetector was fitted on 2 columns/);
  });
});
