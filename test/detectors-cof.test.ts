// COFDetector = PyOD COF (method "fast", 20 neighbours): fixtures from test/reference/detectors_lineup.py, run with
// PyOD 3.6.7 itself.
//
// Tolerance 1e-13 relative: distances are summed in numpy's pairwise order as scipy's distance_matrix does, and the
// chaining sums in numpy's order, so the scores are PyOD's bit for bit on these data (measured: 0); the margin
// covers a different order among rows at equal distance (PyOD's argsort order among ties is the CPU's).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMatrix, toMatrix } from "../src/core/matrix";
import { COFDetector } from "../src/detectors/cof";
import { readFixture } from "./helpers/fixtures";
import { assertLineupOutcome, cardio, type LineupOutcome, synthetic } from "./helpers/lineup";

const reference = readFixture("detectors_cof.json");
const TOLERANCE = 1e-13;

interface StoredCase extends LineupOutcome {
  X: number[][];
  XNew: number[][];
}

describe("COFDetector (PyOD COF, fast)", () => {
  for (const dataset of [synthetic, cardio]) {
    it(`${dataset.name} ${dataset.X.rows} x ${dataset.X.cols}: training scores, new-batch scores (COF among the batch, as PyOD) and threshold within 1e-13 relative, labels equal`, () => {
      assertLineupOutcome(new COFDetector().fit(dataset.X), reference[dataset.name], dataset.XNew, TOLERANCE, dataset.name);
    });
  }

  it("nNeighbors 20 on 8 rows is clamped to 7 as PyOD does; scores within 1e-13 relative, labels equal", () => {
    const c = reference.clamped as StoredCase;
    const cof = new COFDetector().fit(c.X);
    assert.equal(cof.effectiveNeighbors, 7);
    assertLineupOutcome(cof, c, toMatrix(c.XNew), TOLERANCE, "clamped");
  });

  it("duplicated rows: 0 / 0 gives 0 and x / 0 the largest double, as PyOD's nan_to_num; other scores within 1e-13 relative", () => {
    const c = reference.duplicates as StoredCase;
    const cof = new COFDetector({ nNeighbors: 3 }).fit(c.X);
    assert.deepEqual(Array.from(cof.trainingScores.subarray(0, 5)), [0, 0, 0, 0, Number.MAX_VALUE]);
    assertLineupOutcome(cof, c, toMatrix(c.XNew), TOLERANCE, "duplicates");
  });

  it("scores a batch among its own rows (PyOD's decision_function): the training rows scored as a batch give the training scores", () => {
    const cof = new COFDetector().fit(synthetic.X);
    assert.deepEqual(cof.score(synthetic.X), cof.trainingScores);
  });

  it("rejects bad input with errors naming the problem", () => {
    assert.throws(() => new COFDetector({ nNeighbors: 0 }), /nNeighbors must be an integer >= 1, got 0/);
    assert.throws(() => new COFDetector().fit([[1, 2]]), /COFDetector needs at least 2 training rows, got 1/);
    assert.throws(() => new COFDetector().fit([[1, 2], [NaN, 1]]), /NaN/);
    const cof = new COFDetector().fit(synthetic.X);
    const twentyRows = createMatrix(20, 5, synthetic.XNew.data.slice(0, 100));
    assert.throws(() => cof.score(twentyRows), /COFDetector scores a batch among its own rows, as PyOD does: it needs more than 20 rows \(nNeighbors\), got 20/);
    assert.throws(() => cof.score([[1, 2]]), /X has 2 columns, but COFDetector was fitted on 5 columns/);
  });
});
