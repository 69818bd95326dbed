// SODDetector = PyOD SOD (20 neighbours, reference sets of 10, alpha 0.8): fixtures from
// test/reference/detectors_lineup.py, run with PyOD 3.6.7 itself.
//
// Tolerance 1e-12 relative: the reference sets are the same rows (numba's argsort order among equal shared-neighbour
// counts reproduced), means and variances follow numpy's order; only the final np.dot is a BLAS sum (measured 3e-16).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMatrix } from "../src/core/matrix";
import { numbaArgsort } from "../src/linalg/numba-argsort";
import { SODDetector } from "../src/detectors/sod";
import { readFixture } from "./helpers/fixtures";
import { assertLineupOutcome, cardio, type LineupOutcome, synthetic } from "./helpers/lineup";

const reference = readFixture("detectors_sod.json");
const TOLERANCE = 1e-12;

describe("SODDetector (PyOD SOD)", () => {
  for (const dataset of [synthetic, cardio]) {
    it(`${dataset.name} ${dataset.X.rows} x ${dataset.X.cols}: training scores, new-batch scores (SOD among the batch, as PyOD) and threshold within 1e-12 relative, labels equal`, () => {
      assertLineupOutcome(new SODDetector().fit(dataset.X), reference[dataset.name], dataset.XNew, TOLERANCE, dataset.name);
    });
  }

  it("8 neighbours, reference sets of 4, alpha 0.3 (32 rows without a relevant feature score 0): within 1e-12 relative of PyOD, labels equal", () => {
    const c = reference.options as LineupOutcome & { nNeighbors: number; refSet: number; alpha: number };
    const sod = new SODDetector({ nNeighbors: c.nNeighbors, refSet: c.refSet, alpha: c.alpha }).fit(synthetic.X);
    assert.equal(sod.trainingScores.filter((score) => score === 0).length, 32);
    assertLineupOutcome(sod, c, synthetic.XNew, TOLERANCE, "options");
  });

  it("numbaArgsort gives numba's np.argsort order, ties included, on small-integer arrays of 5, 18, 40 and 300 values", () => {
    for (const { values, order } of reference.numbaArgsort as { values: number[]; order: number[] }[]) {
      assert.deepEqual(Array.from(numbaArgsort(values)), order, `${values.length} values`);
    }
  });

  it("rejects bad options and data with errors naming the problem", () => {
    assert.throws(() => new SODDetector({ refSet: 21 }), /refSet \(21\) must be at most nNeighbors \(20\)/);
    assert.throws(() => new SODDetector({ alpha: 1.5 }), /alpha must be in \[0, 1\], got 1.5/);
    assert.throws(() => new SODDetector({ nNeighbors: 0 }), /nNeighbors must be an integer >= 1, got 0/);
    assert.throws(() => new SODDetector().fit(createMatrix(20, 2)), /SODDetector needs more than nNeighbors \(20\) training rows; got 20/);
    assert.throws(() => new SODDetector().fit([[0, 1], [NaN, 2]]), /NaN/);
    const sod = new SODDetector().fit(synthetic.X);
    assert.throws(() => sod.score(createMatrix(5, 5)), /needs more than nNeighbors \(20\) rows: it scores a batch among its own rows, as PyOD does; got 5/);
    assert.throws(() => sod.score(createMatrix(30, 2)), /X has 2 columns, but SODDetector was fitted on 5 columns/);
  });
});
