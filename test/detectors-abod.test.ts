// ABODDetector = PyOD ABOD (method "fast", 5 neighbours): fixtures from test/reference/detectors_lineup.py, run
// with PyOD 3.6.7 itself.
//
// Tolerance 1e-12 relative to each score: PyOD's weighted cosine is numba code calling BLAS (ddot, dnrm2), whose
// summation order differs from our in-order sums by a few ulps; the variance of a handful of cosines can lose a
// few more digits to cancellation. Measured: at most 1.6e-14 on these data.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toMatrix } from "../src/core/matrix";
import { ABODDetector } from "../src/detectors/abod";
import { readFixture } from "./helpers/fixtures";
import { assertLineupOutcome, cardio, type LineupOutcome, synthetic } from "./helpers/lineup";

const reference = readFixture("detectors_abod.json");
const TOLERANCE = 1e-12;

interface StoredCase extends LineupOutcome {
  X: number[][];
  XNew: number[][];
  nNeighbors?: number;
}

describe("ABODDetector (PyOD ABOD, fast)", () => {
  for (const dataset of [synthetic, cardio]) {
    it(`${dataset.name} ${dataset.X.rows} x ${dataset.X.cols}: training and new-row scores and threshold within 1e-12 relative of PyOD, labels and predictions equal`, () => {
      assertLineupOutcome(new ABODDetector().fit(dataset.X), reference[dataset.name], dataset.XNew, TOLERANCE, dataset.name);
    });
  }

  it("duplicated rows (training and new): pairs with a copy of the row are skipped as PyOD does; scores within 1e-12 relative, labels equal", () => {
    const c = reference.duplicates as StoredCase;
    assertLineupOutcome(new ABODDetector().fit(c.X), c, toMatrix(c.XNew), TOLERANCE, "duplicates");
  });

  it("nNeighbors 10 on 7 rows is clamped to 6 as PyOD does; scores within 1e-12 relative, labels equal", () => {
    const c = reference.clamped as StoredCase;
    const abod = new ABODDetector({ nNeighbors: c.nNeighbors }).fit(c.X);
    assert.equal(abod.effectiveNeighbors, 6);
    assertLineupOutcome(abod, c, toMatrix(c.XNew), TOLERANCE, "clamped");
  });

  it("rejects bad input with errors naming the problem", () => {
    assert.throws(() => new ABODDetector({ nNeighbors: 2 }), /nNeighbors must be an integer >= 3, got 2/);
    assert.throws(() => new ABODDetector({ nNeighbors: 4.5 }), /nNeighbors must be an integer >= 3, got 4.5/);
    assert.throws(() => new ABODDetector().fit([[0, 0], [1, 1], [2, 0]]), /ABODDetector needs at least 4 training rows .*got 3/);
    assert.throws(() => new ABODDetector().fit([[0, 0], [1, NaN], [2, 0], [3, 3]]), /NaN/);
    const fitted = new ABODDetector().fit(synthetic.X);
    assert.throws(() => fitted.score([[1, 2]]), /X has 2 columns, but ABODDetector was fitted on 5 columns/);
    // Row 0 and its 4 nearest rows are the same point: no pair of distinct neighbours (PyOD: NaN).
    const copies = [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [5, 5], [6, 5], [5, 7]];
    assert.throws(() => new ABODDetector().fit(copies), /training row 0 has no pair of neighbours different from it/);
  });
});
