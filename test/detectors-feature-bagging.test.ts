// FeatureBaggingDetector = PyOD FeatureBagging (10 LOF, subsets of floor(d/2)..d columns, average): fixtures from
// test/reference/detectors_lineup.py, run with PyOD 3.6.7 itself.
//
// The feature subsets are drawn from our numpy-compatible RandomState exactly as PyOD draws them (asserted equal),
// so the scores are PyOD's to rounding: within 1e-12 relative (LOF's neighbour distances and means are numpy's
// order; scikit-learn's brute-force distances above 15 columns are BLAS products, a few ulps off; measured 5e-16).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FeatureBaggingDetector } from "../src/detectors/feature-bagging";
import { RandomState } from "../src/random/random-state";
import { uniformData, type UniformDataSpec } from "./helpers/detector-data";
import { readFixture } from "./helpers/fixtures";
import { assertLineupOutcome, cardio, type LineupOutcome, synthetic } from "./helpers/lineup";

const reference = readFixture("detectors_feature_bagging.json");
const SEED = reference.seed as number;
const TOLERANCE = 1e-12;

interface BaggingCase extends LineupOutcome {
  features: number[][];
  seed?: number;
  data?: UniformDataSpec;
}

const subsets = (detector: FeatureBaggingDetector) => detector.featureSubsets.map((subset) => Array.from(subset));

describe("FeatureBaggingDetector (PyOD FeatureBagging)", () => {
  for (const dataset of [synthetic, cardio]) {
    it(`${dataset.name} ${dataset.X.rows} x ${dataset.X.cols}, seed ${SEED}: the same 10 feature subsets as PyOD, scores and threshold within 1e-12 relative, labels and predictions equal`, () => {
      const c = reference[dataset.name] as BaggingCase;
      const bagging = new FeatureBaggingDetector({ seed: SEED }).fit(dataset.X);
      assert.deepEqual(subsets(bagging), c.features);
      assertLineupOutcome(bagging, c, dataset.XNew, TOLERANCE, dataset.name);
    });
  }

  it("101 columns with a 100-column subset (scikit-learn's reservoir sampling): the same subsets as PyOD, scores within 1e-12 relative", () => {
    const c = reference.reservoir as BaggingCase;
    const { X, XNew } = uniformData(c.data as UniformDataSpec);
    const bagging = new FeatureBaggingDetector({ seed: c.seed }).fit(X);
    assert.deepEqual(subsets(bagging), c.features);
    assert.ok(c.features.some((subset) => subset.length === 100), "the case draws a 100-of-101 subset");
    assertLineupOutcome(bagging, c, XNew, TOLERANCE, "reservoir");
  });

  it(`combination "max": scores within 1e-12 relative and labels as PyOD's combination="max"`, () => {
    const bagging = new FeatureBaggingDetector({ seed: SEED, combination: "max" }).fit(synthetic.X);
    assertLineupOutcome(bagging, reference.maxCombination, synthetic.XNew, TOLERANCE, "max");
  });

  it("a shared RandomState advances between fits; a seed restarts each fit", () => {
    const seeded = new FeatureBaggingDetector({ seed: SEED }).fit(synthetic.X);
    const shared = new FeatureBaggingDetector({ seed: new RandomState(SEED) });
    assert.deepEqual(subsets(shared.fit(synthetic.X)), subsets(seeded));
    assert.notDeepEqual(subsets(shared.fit(synthetic.X)), subsets(seeded));
  });

  it("rejects bad options and data with errors naming the problem", () => {
    assert.throws(() => new FeatureBaggingDetector({ nEstimators: 0 }), /nEstimators must be an integer >= 1, got 0/);
    assert.throws(() => new FeatureBaggingDetector({ maxFeatures: 1.5 }), /maxFeatures must be a fraction in \(0, 1\] .*got 1.5/);
    assert.throws(() => new FeatureBaggingDetector({ combination: "median" as never }), /combination must be "average" or "max", got median/);
    assert.throws(() => new FeatureBaggingDetector({ seed: 1, random: new RandomState(1) }), /pass either seed or random, not both/);
    assert.throws(() => new FeatureBaggingDetector({ seed: 0 }).fit([[1], [2], [3]]), /needs at least 2 columns, got 1/);
    assert.throws(() => new FeatureBaggingDetector({ seed: 0, maxFeatures: 0.2 }).fit(synthetic.X), /maxFeatures 0.2 gives 1 features; it must give between 2 and 5/);
    assert.throws(() => new FeatureBaggingDetector({ seed: 0 }).fit([[0, 0], [1, NaN]]), /NaN/);
    assert.throws(() => new FeatureBaggingDetector({ seed: 0 }).fit([[0, 0]]), /FeatureBaggingDetector needs at least 2 training rows \(LOF neighbours\), got 1/);
  });
});
