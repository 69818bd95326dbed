// GMMDetector = PyOD GMM (scikit-learn GaussianMixture, full covariances, k-means initialisation): fixtures from
// test/reference/detectors_lineup.py, run with PyOD 3.6.7 / scikit-learn 1.9.1 themselves.
//
// The k-means initialisation draws from our numpy-compatible RandomState (the same initial clusters as
// random_state=42) and EM runs the same number of iterations. Scores differ from scikit-learn's by its BLAS / LAPACK
// rounding amplified by the covariance's conditioning: within 1e-11 relative on the synthetic rows (measured 2e-12)
// and 1e-8 on the cardio rows, whose covariance has condition number 5.6e6 (measured 4e-11 with one component,
// 1.9e-9 with three after 17 EM iterations). Means are compared within 1e-10 of max(1, |mean|).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GMMDetector, type GMMOptions } from "../src/detectors/gmm";
import { RandomState } from "../src/random/random-state";
import { assertAllClose } from "./helpers/assertions";
import { readFixture } from "./helpers/fixtures";
import { assertLineupOutcome, cardio, type LineupDataset, type LineupOutcome, synthetic } from "./helpers/lineup";

const reference = readFixture("detectors_gmm.json");
const SEED = reference.seed as number;

interface GmmCase extends LineupOutcome {
  means: number[][];
  weights: number[];
  iterations: number;
}

const cases: [string, LineupDataset, GMMOptions, number][] = [
  ["synthetic", synthetic, {}, 1e-11],
  ["cardio", cardio, {}, 1e-8],
  ["threeSynthetic", synthetic, { nComponents: 3 }, 1e-11],
  ["threeCardio", cardio, { nComponents: 3 }, 1e-8],
  ["fourTwoInits", synthetic, { nComponents: 4, nInit: 2 }, 1e-11],
];

describe("GMMDetector (PyOD GMM)", () => {
  for (const [name, dataset, options, tolerance] of cases) {
    it(`${name} (${dataset.name}, ${JSON.stringify(options)}, seed ${SEED}): PyOD's EM iteration count, means within 1e-10, scores and threshold within ${tolerance} relative, labels equal`, () => {
      const c = reference[name] as GmmCase;
      const gmm = new GMMDetector({ seed: SEED, ...options }).fit(dataset.X);
      assert.equal(gmm.convergence.iterations, c.iterations);
      assert.ok(gmm.convergence.converged);
      assertAllClose(gmm.means, c.means.flat(), { relative: 1e-10 }, "means");
      assertAllClose(gmm.weights, c.weights, 1e-10, "weights");
      assertLineupOutcome(gmm, c, dataset.XNew, tolerance, name);
    });
  }

  it("a shared RandomState advances between fits; a seed restarts each fit", () => {
    const seeded = new GMMDetector({ nComponents: 3, seed: SEED }).fit(synthetic.X);
    const shared = new GMMDetector({ nComponents: 3, seed: new RandomState(SEED) });
    assert.deepEqual(shared.fit(synthetic.X).means, seeded.means);
    assert.notDeepEqual(shared.fit(synthetic.X).means, seeded.means);
  });

  it("rejects bad options and data with errors naming the problem", () => {
    assert.throws(() => new GMMDetector({ nComponents: 0 }), /nComponents must be an integer >= 1, got 0/);
    assert.throws(() => new GMMDetector({ tol: 0 }), /tol must be greater than 0, got 0/);
    assert.throws(() => new GMMDetector({ regCovar: -1 }), /regCovar must be >= 0, got -1/);
    assert.throws(() => new GMMDetector({ seed: 1, random: new RandomState(1) }), /pass either seed or random, not both/);
    assert.throws(() => new GMMDetector().fit([[1, 2]]), /GMMDetector needs at least 2 training rows, got 1/);
    assert.throws(() => new GMMDetector({ nComponents: 3, seed: 0 }).fit([[1, 2], [3, 4]]), /needs at least nComponents \(3\) training rows, got 2/);
    assert.throws(() => new GMMDetector().fit([[0, 1], [NaN, 2]]), /NaN/);
    // Identical rows and no regularisation: a zero covariance.
    assert.throws(() => new GMMDetector({ regCovar: 0, seed: 0 }).fit([[1, 1], [1, 1], [1, 1]]), /component 0's covariance is not positive definite/);
  });
});
