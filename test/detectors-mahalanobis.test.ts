// MahalanobisDetector (classical mean and covariance, V. Flovik's condition-monitoring detector) against numpy:
// np.cov (ddof 1) and scipy's pinvh, written by test/reference/bearing.py.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MahalanobisDetector } from "../src/detectors/mahalanobis";
import { assertAllClose, assertNear } from "./helpers/assertions";
import { readFixture } from "./helpers/fixtures";

const reference = readFixture("bearing.json").synthetic;

describe("MahalanobisDetector against numpy", () => {
  it("learns np.cov's mean and covariance and scores distances as Flovik computes them", () => {
    const md = new MahalanobisDetector().fit(reference.X);
    assertAllClose(md.location, reference.mean, 1e-12, "mean");
    assertAllClose(md.covariance, reference.covariance.flat(), 1e-12, "covariance (ddof 1)");
    assertAllClose(md.trainingScores, reference.distances, 1e-10, "training distances");
    assertAllClose(md.score(reference.newRows), reference.newDistances, 1e-10, "distances of new rows");
  });

  it("squared distances with ddof 0 are sklearn's EmpiricalCovariance.mahalanobis", () => {
    const md = new MahalanobisDetector({ ddof: 0, squared: true }).fit(reference.X);
    assertAllClose(md.score(reference.newRows), reference.squaredDdof0, 1e-10, "squared, ddof 0");
  });

  it("thresholds at a multiple of the mean training distance (Flovik: 3), or by contamination", () => {
    const md = new MahalanobisDetector({ threshold: { meanMultiple: 3 } }).fit(reference.X);
    const mean = reference.distances.reduce((a: number, b: number) => a + b, 0) / reference.distances.length;
    assertNear(md.threshold, 3 * mean, 1e-12, "3 x mean");
    assert.deepEqual(Array.from(md.predict(reference.newRows)), reference.newDistances.map((d: number) => (d > 3 * mean ? 1 : 0)));
    const byContamination = new MahalanobisDetector({ contamination: 0.05 }).fit(reference.X);
    assert.equal(byContamination.labels.reduce((a, b) => a + b, 0), 10);
  });

  it("rejects what it cannot fit", () => {
    assert.throws(() => new MahalanobisDetector().fit([[1, 2], [3, 4]]), /needs more than 2 rows, got 2/);
    assert.throws(() => new MahalanobisDetector().fit([[1, 2], [1, 4], [1, 5]]), /column 0 of X is constant/);
    assert.throws(() => new MahalanobisDetector({ threshold: { meanMultiple: -1 } }), /threshold\.meanMultiple must be greater than 0, got -1/);
    assert.throws(() => new MahalanobisDetector().score([[1, 2]]), /not fitted/);
  });
});
