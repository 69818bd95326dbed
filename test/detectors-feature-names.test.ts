// Column names of a DataFrame fit (scikit-learn's `feature_names_in_`), for every detector: scoring a DataFrame
// with the same columns in another order once changed every score without an error (issue #22, item 7). Now the
// detector records the names at fit, scoring a DataFrame selects and orders its columns by name, and missing or
// unknown columns are refused by name. Matrices (no names) are checked by width, as before.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { AsyncBaseDetector, type Detector } from "../src/core/detector";
import type { Matrix } from "../src/core/matrix";
import { ECODDetector } from "../src/detectors/ecod";
import { EllipticEnvelopeDetector } from "../src/detectors/elliptic-envelope";
import { HBOSDetector } from "../src/detectors/hbos";
import { IForestDetector } from "../src/detectors/iforest";
import { KMeansDetector } from "../src/detectors/kmeans-detector";
import { KNNDetector } from "../src/detectors/knn";
import { LOFDetector } from "../src/detectors/lof";
import { MahalanobisDetector } from "../src/detectors/mahalanobis";
import { MCDDetector } from "../src/detectors/mcd";
import { OCSVMDetector } from "../src/detectors/ocsvm";
import { PCADetector } from "../src/detectors/pca";
import { IQRDetector, MADDetector, ZScoreDetector } from "../src/detectors/univariate";
import { AutoencoderDetector } from "../src/nn/autoencoder";
import { RandomState } from "../src/random/random-state";

const DETECTORS: [string, () => Detector][] = [
  ["KNNDetector", () => new KNNDetector({ nNeighbors: 3 })],
  ["LOFDetector", () => new LOFDetector({ nNeighbors: 5 })],
  ["IForestDetector", () => new IForestDetector({ seed: 0, nEstimators: 10 })],
  ["HBOSDetector", () => new HBOSDetector()],
  ["ECODDetector", () => new ECODDetector()],
  ["PCADetector", () => new PCADetector()],
  ["MCDDetector", () => new MCDDetector({ seed: 0 })],
  ["EllipticEnvelopeDetector", () => new EllipticEnvelopeDetector({ seed: 0 })],
  ["OCSVMDetector", () => new OCSVMDetector()],
  ["KMeansDetector", () => new KMeansDetector({ k: 2, seed: 0 })],
  ["MahalanobisDetector", () => new MahalanobisDetector()],
  ["ZScoreDetector", () => new ZScoreDetector()],
  ["MADDetector", () => new MADDetector()],
  ["IQRDetector", () => new IQRDetector()],
];

// Three columns on different scales, so that any column swap changes the scores.
const rs = new RandomState(5);
const n = 60;
const a = Array.from(rs.standardNormal(n));
const b = Array.from(rs.standardNormal(n), (v) => 10 * v + 3);
const c = Array.from(rs.standardNormal(n), (v) => 0.1 * v - 2);
a[0] = 6; // one clear outlier
const train = pl.DataFrame({ a, b, c });
const query = pl.DataFrame({ a: a.slice(0, 12).map((v) => v + 0.5), b: b.slice(0, 12), c: c.slice(0, 12).map((v) => v * 2) });
const reordered = query.select("c", "a", "b");

describe("feature names: a DataFrame fit records its columns and scoring matches them by name", () => {
  for (const [name, make] of DETECTORS) {
    it(`${name}: featureNames are the fit's columns; a DataFrame with the columns reordered gets the same scores, labels and probabilities`, () => {
      const detector = make().fit(train);
      const expected = detector.score(query);
      const got = detector.score(reordered);
      assert.ok(got.every((value, i) => Object.is(value, expected[i])), `${name}: reordered scores ${got} vs ${expected}`);
      assert.deepEqual(detector.featureNames, ["a", "b", "c"]);
      assert.deepEqual(detector.predict(reordered), detector.predict(query));
      assert.deepEqual(detector.predictProba(reordered), detector.predictProba(query));
      // The training frame, reordered, is the training data: the same scores as scoring it in order.
      assert.deepEqual(detector.score(train.select("b", "c", "a")), detector.score(train));
    });

    it(`${name}: a DataFrame missing a fitted column or carrying an unknown one is refused, naming the columns`, () => {
      const detector = make().fit(train);
      assert.throws(
        () => detector.score(query.select("a", "c")),
        new RegExp(`X does not have the columns ${name} was fitted on: missing "b" \\(fitted on "a", "b", "c"\\)`),
      );
      assert.throws(
        () => detector.score(query.withColumn(pl.lit(1).alias("d"))),
        new RegExp(`X does not have the columns ${name} was fitted on: unknown "d" \\(fitted on "a", "b", "c"\\)`),
      );
      assert.throws(
        () => detector.score(query.select("a", "b").withColumn(pl.lit(1).alias("d"))),
        /missing "c"; unknown "d"/,
      );
    });
  }

  it("a fit on a matrix has no featureNames; a matrix scored against a DataFrame fit is checked by width", () => {
    const matrixFit = new KNNDetector({ nNeighbors: 3 }).fit(train.select("a", "b", "c").rows());
    assert.equal(matrixFit.featureNames, undefined);
    assert.equal(matrixFit.score(reordered).length, 12); // no names to match: width only, as before
    const frameFit = new KNNDetector({ nNeighbors: 3 }).fit(train);
    assert.deepEqual(frameFit.score(query.rows()), frameFit.score(query));
    assert.throws(() => frameFit.score([[1, 2]]), /X has 2 columns, but KNNDetector was fitted on 3 columns/);
    // A later fit on a matrix forgets the names.
    frameFit.fit(train.rows());
    assert.equal(frameFit.featureNames, undefined);
  });

  it("featureNames is a copy: writing into it changes nothing", () => {
    const detector = new HBOSDetector().fit(train);
    (detector.featureNames as string[])[0] = "z";
    assert.deepEqual(detector.featureNames, ["a", "b", "c"]);
  });

  it("PCADetector.transform matches DataFrame columns by name too", () => {
    const pca = new PCADetector({ nComponents: 2 }).fit(train);
    assert.deepEqual(pca.transform(reordered), pca.transform(query));
    assert.throws(() => pca.transform(query.select("a", "b")), /missing "c"/);
  });

  it("asynchronous (deep) detectors record and match feature names the same way (score and reconstruct)", async () => {
    class MeanDistance extends AsyncBaseDetector<Float64Array> {
      protected async fitScores(X: Matrix): Promise<Float64Array> {
        this.model = Float64Array.from({ length: X.cols }, (_, j) => X.data[j]);
        return this.decisionScores(X);
      }
      protected decisionScores(X: Matrix): Float64Array {
        return Float64Array.from({ length: X.rows }, (_, i) => X.data[i * X.cols] * 3 + X.data[i * X.cols + 1]);
      }
    }
    const custom = await new MeanDistance().fit(train);
    assert.deepEqual(custom.featureNames, ["a", "b", "c"]);
    assert.deepEqual(custom.score(reordered), custom.score(query));
    assert.throws(() => custom.score(query.select("a", "c")), /X does not have the columns MeanDistance was fitted on: missing "b"/);

    const ae = await new AutoencoderDetector({ layers: [{ units: 2 }], epochs: 1, progress: false, seed: 1 }).fit(train);
    try {
      assert.deepEqual(ae.featureNames, ["a", "b", "c"]);
      assert.deepEqual(ae.score(reordered), ae.score(query));
      assert.deepEqual(ae.reconstruct(reordered), ae.reconstruct(query));
      assert.throws(() => ae.reconstruct(query.select("b", "c")), /missing "a"/);
    } finally {
      ae.dispose();
    }
  });
});
