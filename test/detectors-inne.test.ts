// INNEDetector = PyOD INNE (200 members of min(8, n) centres): fixtures from test/reference/detectors_lineup.py, run
// with PyOD 3.6.7 itself.
//
// The centres are PyOD's draws through our numpy-compatible RandomState: hypersphere radii within 1e-13 relative and
// isolation ratios within 1e-13 absolute (scikit-learn's euclidean_distances are BLAS products; measured 1e-14 and
// 3.4e-15), scores within 1e-12 relative (measured 5e-16: every coverage decision agreed on these data).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { INNEDetector } from "../src/detectors/inne";
import { RandomState } from "../src/random/random-state";
import { readFixture } from "./helpers/fixtures";
import { assertLineupOutcome, assertRelativeClose, cardio, type LineupOutcome, synthetic } from "./helpers/lineup";

const reference = readFixture("detectors_inne.json");
const SEED = reference.seed as number;

interface InneCase extends LineupOutcome {
  radii: number[][];
  ratios: number[][];
}

// The fitted hyperspheres, read through the model (not public API) to check the draws themselves.
const spheres = (inne: INNEDetector) => (inne as unknown as { model: { radii: Float64Array; ratios: Float64Array } }).model;

describe("INNEDetector (PyOD INNE)", () => {
  for (const dataset of [synthetic, cardio]) {
    it(`${dataset.name} ${dataset.X.rows} x ${dataset.X.cols}, seed ${SEED}: PyOD's hyperspheres (radii 1e-13 relative, ratios 1e-13 absolute), scores and threshold within 1e-12 relative, labels equal`, () => {
      const c = reference[dataset.name] as InneCase;
      const inne = new INNEDetector({ seed: SEED }).fit(dataset.X);
      assert.equal(inne.maxSamplesUsed, 8);
      const { radii, ratios } = spheres(inne);
      assertRelativeClose(radii, c.radii.flat(), 1e-13, "radii");
      const expectedRatios = c.ratios.flat();
      ratios.forEach((ratio, i) => assert.ok(Math.abs(ratio - expectedRatios[i]) <= 1e-13, `ratio ${i}: ${ratio} vs ${expectedRatios[i]}`));
      assertLineupOutcome(inne, c, dataset.XNew, 1e-12, dataset.name);
    });
  }

  it("scores lie in [0, 1], and a row far from every centre scores 1 (covered by no hypersphere)", () => {
    const inne = new INNEDetector({ seed: SEED }).fit(synthetic.X);
    assert.ok(inne.trainingScores.every((score) => score >= 0 && score <= 1));
    assert.deepEqual(Array.from(inne.score([[100, 100, 100, 100, 100]])), [1]);
  });

  it("a shared RandomState advances between fits; a seed restarts each fit", () => {
    const seeded = new INNEDetector({ seed: SEED }).fit(synthetic.X);
    const shared = new INNEDetector({ seed: new RandomState(SEED) });
    assert.deepEqual(shared.fit(synthetic.X).trainingScores, seeded.trainingScores);
    assert.notDeepEqual(shared.fit(synthetic.X).trainingScores, seeded.trainingScores);
  });

  it("rejects bad options and data with errors naming the problem", () => {
    assert.throws(() => new INNEDetector({ nEstimators: 0 }), /nEstimators must be an integer >= 1, got 0/);
    assert.throws(() => new INNEDetector({ maxSamples: 1.5 }), /maxSamples must be "auto", a fraction in \(0, 1\] .*got 1.5/);
    assert.throws(() => new INNEDetector({ seed: 1, random: new RandomState(1) }), /pass either seed or random, not both/);
    assert.throws(() => new INNEDetector({ seed: 0 }).fit([[1, 2]]), /INNEDetector needs at least 2 centres per member .*maxSamples gives 1 of 1 rows/);
    assert.throws(() => new INNEDetector({ seed: 0, maxSamples: 0.01 }).fit(synthetic.X), /maxSamples 0.01 of 120 rows selects 1|maxSamples gives 1 of 120 rows/);
    assert.throws(() => new INNEDetector({ seed: 0 }).fit([[0, 1], [NaN, 2]]), /NaN/);
  });
});
