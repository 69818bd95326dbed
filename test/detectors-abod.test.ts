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
    // Row 0 has one training row different from it: no angle at all.
    const lonely = [[0, 0], [0, 0], [0, 0], [0, 0], [5, 5]];
    assert.throws(() => new ABODDetector().fit(lonely), /training row 0 has fewer than two training rows different from it/);
  });

  // Five copies of (0, 0): each one's 5 nearest rows are copies of it, where PyOD 3.6.7 scores NaN. Expected values
  // printed by PyOD (the rows with a pair) and by numpy for the widened neighbourhood (-np.var of the weighted
  // cosines over the pairs of the nearest rows different from the row, here all 4 of them).
  it("a row whose k nearest rows are copies of it scores over its nearest different rows (PyOD: NaN); the other rows keep PyOD's scores", () => {
    const X = [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [5, 5], [6, 5], [5, 7], [7, 6]];
    const pyod = [-0.02868055555555554, -0.05182963062498131, -0.00546945256066877, -0.00828300653594771];
    const widened = -3.328680156619014e-6;
    const abod = new ABODDetector().fit(X);
    const close = (actual: number, expected: number, what: string) =>
      assert.ok(Math.abs(actual - expected) <= TOLERANCE * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
    for (let i = 0; i < 5; i++) close(abod.trainingScores[i]!, widened, `training row ${i}`);
    for (let i = 0; i < 4; i++) close(abod.trainingScores[5 + i]!, pyod[i]!, `training row ${5 + i}`);
    const [copy, other] = abod.score([[0, 0], [5, 6]]);
    close(copy!, widened, "new row (0, 0)");
    close(other!, -0.15223209486697117, "new row (5, 6)");
  });
});
