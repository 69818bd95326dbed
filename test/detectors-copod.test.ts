// COPODDetector = PyOD COPOD: fixtures from test/reference/detectors_lineup.py, run with PyOD 3.6.7 itself.
//
// Tolerance 1e-13 relative: the ECDF ranks and the skewness sign are exact, the -log tail probabilities are
// Math.log against glibc's log (equal except in rare last-bit cases), and the row sums follow numpy's order.
// Measured: identical or within 2e-16.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toMatrix } from "../src/core/matrix";
import { COPODDetector } from "../src/detectors/copod";
import { readFixture } from "./helpers/fixtures";
import { assertLineupOutcome, cardio, type LineupOutcome, synthetic } from "./helpers/lineup";

const reference = readFixture("detectors_copod.json");
const TOLERANCE = 1e-13;

interface StoredCase extends LineupOutcome {
  X: number[][];
  XNew: number[][];
}

describe("COPODDetector (PyOD COPOD)", () => {
  for (const dataset of [synthetic, cardio]) {
    it(`${dataset.name} ${dataset.X.rows} x ${dataset.X.cols}: training and new-row scores and threshold within 1e-13 relative of PyOD, labels and predictions equal`, () => {
      assertLineupOutcome(new COPODDetector().fit(dataset.X), reference[dataset.name], dataset.XNew, TOLERANCE, dataset.name);
    });
  }

  it("ties, a constant column, a symmetric (skewness 0) column and skewed columns: within 1e-13 relative of PyOD, labels equal", () => {
    const c = reference.mixed as StoredCase;
    assertLineupOutcome(new COPODDetector().fit(c.X), c, toMatrix(c.XNew), TOLERANCE, "mixed");
  });

  it("a single column (numpy's pairwise moments): within 1e-13 relative of PyOD, labels equal", () => {
    const c = reference.oneColumn as StoredCase;
    assertLineupOutcome(new COPODDetector().fit(c.X), c, toMatrix(c.XNew), TOLERANCE, "one column");
  });

  it("scores a new batch together with the training rows, as PyOD does (a row's score depends on its batch)", () => {
    const copod = new COPODDetector().fit(synthetic.X);
    const batch = copod.score(synthetic.XNew);
    const alone = copod.score([Array.from(synthetic.XNew.data.subarray(0, 5))]);
    assert.notEqual(batch[0], alone[0]);
  });

  it("rejects bad input with errors naming the problem", () => {
    assert.throws(() => new COPODDetector({ contamination: 0.6 }), /contamination must be in \(0, 0.5\], got 0.6/);
    assert.throws(() => new COPODDetector().fit([]), /X is empty: expected at least one row/);
    assert.throws(() => new COPODDetector().fit([[0, 1], [Infinity, 2]]), /Infinity/);
    assert.throws(() => new COPODDetector().fit(synthetic.X).score([[1, 2]]), /X has 2 columns, but COPODDetector was fitted on 5 columns/);
  });
});
