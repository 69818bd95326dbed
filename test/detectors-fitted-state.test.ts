// The detector contract's fitted state, for every detector: one "not fitted" guard that names the class
// (also a user's subclass), and no array handed out by a fitted detector is the detector's own.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AsyncBaseDetector, BaseDetector, type Detector } from "../src/core/detector";
import { createMatrix, type Matrix } from "../src/core/matrix";
import { ECODDetector } from "../src/detectors/ecod";
import { EllipticEnvelopeDetector } from "../src/detectors/elliptic-envelope";
import { HBOSDetector } from "../src/detectors/hbos";
import { IForestDetector } from "../src/detectors/iforest";
import { KMeansDetector } from "../src/detectors/kmeans-detector";
import { KNNDetector } from "../src/detectors/knn";
import { LOFDetector } from "../src/detectors/lof";
import { MCDDetector } from "../src/detectors/mcd";
import { OCSVMDetector } from "../src/detectors/ocsvm";
import { PCADetector } from "../src/detectors/pca";
import { IQRDetector, MADDetector, ZScoreDetector } from "../src/detectors/univariate";
import { RandomState } from "../src/random/random-state";

type AnyConstructor = abstract new (...args: never[]) => object;

/** `Base` under another class name, as a user's subclass would be. */
function renamed<T extends AnyConstructor>(Base: T, name: string): T {
  abstract class Renamed extends (Base as unknown as abstract new () => object) {}
  Object.defineProperty(Renamed, "name", { value: name });
  return Renamed as unknown as T;
}

/** Every detector class, a seeded instance, and the fitted accessors it adds to the contract. */
const DETECTORS: { make: (Class?: AnyConstructor) => Detector; name: string; accessors: ((d: never) => unknown)[] }[] = [
  { name: "KNNDetector", make: (C = KNNDetector) => new (C as typeof KNNDetector)({ nNeighbors: 3 }), accessors: [] },
  { name: "LOFDetector", make: (C = LOFDetector) => new (C as typeof LOFDetector)({ nNeighbors: 5 }), accessors: [(d: LOFDetector) => d.effectiveNeighbors] },
  { name: "IForestDetector", make: (C = IForestDetector) => new (C as typeof IForestDetector)({ seed: 0, nEstimators: 10 }), accessors: [(d: IForestDetector) => d.maxSamplesUsed] },
  { name: "HBOSDetector", make: (C = HBOSDetector) => new (C as typeof HBOSDetector)(), accessors: [(d: HBOSDetector) => d.histogram] },
  { name: "ECODDetector", make: (C = ECODDetector) => new (C as typeof ECODDetector)(), accessors: [] },
  {
    name: "PCADetector",
    make: (C = PCADetector) => new (C as typeof PCADetector)(),
    accessors: [(d: PCADetector) => d.components, (d: PCADetector) => d.explainedVariance, (d: PCADetector) => d.explainedVarianceRatio, (d: PCADetector) => d.transform([[1, 2, 3]])],
  },
  { name: "MCDDetector", make: (C = MCDDetector) => new (C as typeof MCDDetector)({ seed: 0 }), accessors: [(d: MCDDetector) => d.estimate, (d: MCDDetector) => d.location, (d: MCDDetector) => d.covariance] },
  { name: "EllipticEnvelopeDetector", make: (C = EllipticEnvelopeDetector) => new (C as typeof EllipticEnvelopeDetector)({ seed: 0 }), accessors: [(d: EllipticEnvelopeDetector) => d.offset, (d: EllipticEnvelopeDetector) => d.location] },
  {
    name: "OCSVMDetector",
    make: (C = OCSVMDetector) => new (C as typeof OCSVMDetector)(),
    accessors: [(d: OCSVMDetector) => d.rho, (d: OCSVMDetector) => d.fittedGamma, (d: OCSVMDetector) => d.dualCoef, (d: OCSVMDetector) => d.supportIndices, (d: OCSVMDetector) => d.iterations, (d: OCSVMDetector) => d.converged],
  },
  { name: "KMeansDetector", make: (C = KMeansDetector) => new (C as typeof KMeansDetector)({ k: 2, seed: 0 }), accessors: [(d: KMeansDetector) => d.codebook, (d: KMeansDetector) => d.distortion] },
  { name: "ZScoreDetector", make: (C = ZScoreDetector) => new (C as typeof ZScoreDetector)(), accessors: [(d: ZScoreDetector) => d.parameters] },
  { name: "MADDetector", make: (C = MADDetector) => new (C as typeof MADDetector)(), accessors: [(d: MADDetector) => d.parameters] },
  { name: "IQRDetector", make: (C = IQRDetector) => new (C as typeof IQRDetector)(), accessors: [(d: IQRDetector) => d.fences] },
];

const CLASSES: Record<string, AnyConstructor> = {
  KNNDetector, LOFDetector, IForestDetector, HBOSDetector, ECODDetector, PCADetector, MCDDetector,
  EllipticEnvelopeDetector, OCSVMDetector, KMeansDetector, ZScoreDetector, MADDetector, IQRDetector,
};

function sample(rows: number, cols: number, seed: number): Matrix {
  const data = new RandomState(seed).standardNormal(rows * cols);
  data[0] = 8; // one clear outlier
  return createMatrix(rows, cols, data);
}

describe("the fitted-model slot (one 'not fitted' guard for every detector)", () => {
  for (const { name, make, accessors } of DETECTORS) {
    it(`${name}: every fitted accessor of a subclass names the subclass`, () => {
      const subclassName = `My${name}`;
      const detector = make(renamed(CLASSES[name], subclassName));
      const message = new RegExp(`^${subclassName} is not fitted: call fit\\(X\\) first$`);
      assert.equal(detector.isFitted, false);
      const common = [(d: Detector) => d.threshold, (d: Detector) => d.trainingScores, (d: Detector) => d.labels, (d: Detector) => d.score([[1, 2, 3]])];
      for (const accessor of [...common, ...accessors]) {
        assert.throws(() => (accessor as (d: Detector) => unknown)(detector), (error: Error) => message.test(error.message), `${accessor}`);
      }
    });
  }

  it("gives a custom detector its typed model, the guard and the class name", () => {
    class Centroid extends BaseDetector<{ centre: number }> {
      get centre(): number {
        return this.model.centre;
      }
      protected fitScores(X: Matrix): Float64Array {
        this.model = { centre: X.data.reduce((sum, value) => sum + value, 0) / X.rows };
        return this.decisionScores(X);
      }
      protected decisionScores(X: Matrix): Float64Array {
        return X.data.map((value) => Math.abs(value - this.model.centre));
      }
    }
    assert.throws(() => new Centroid().centre, /^Error: Centroid is not fitted: call fit\(X\) first$/);
    const fitted = new Centroid().fit([1, 2, 3, 10]);
    assert.equal(fitted.centre, 4);
    assert.deepEqual(Array.from(fitted.score([0])), [4]);
  });

  it("gives asynchronous (deep) detectors the same slot", async () => {
    class Delayed extends AsyncBaseDetector<{ scale: number }> {
      get scale(): number {
        return this.model.scale;
      }
      protected async fitScores(X: Matrix): Promise<Float64Array> {
        await new Promise((resolve) => setImmediate(resolve));
        this.model = { scale: 2 };
        return this.decisionScores(X);
      }
      protected decisionScores(X: Matrix): Float64Array {
        return X.data.map((value) => value * this.model.scale);
      }
    }
    assert.throws(() => new Delayed().scale, /^Error: Delayed is not fitted: call fit\(X\) first$/);
    const detector = await new Delayed().fit([1, 2]);
    assert.equal(detector.scale, 2);
  });

  it("leaves a detector unfitted when a fit fails, not half-way between two fits", () => {
    const knn = new KNNDetector({ nNeighbors: 3 }).fit(sample(20, 2, 1));
    assert.throws(() => knn.fit([[1], [2]]), /nNeighbors \(3\) must be less than the number of training rows \(2\)/);
    assert.equal(knn.isFitted, false);
    assert.throws(() => knn.score([[1, 2]]), /KNNDetector is not fitted/);
  });
});

describe("fitted state cannot be changed from outside (every array handed out is a copy)", () => {
  for (const { name, make } of DETECTORS) {
    it(`${name}: writing into trainingScores, labels, fitPredict's labels or the caller's X changes nothing`, () => {
      const X = sample(60, 3, 7);
      const detector = make();
      const labelsFromFit = detector.fitPredict(X);
      const scores = Array.from(detector.trainingScores);
      const labels = Array.from(detector.labels);
      const threshold = detector.threshold;
      const newRows = [[0.5, -0.5, 0.1], [6, 6, 6]];
      const newScores = Array.from(detector.score(newRows));
      const probabilities = Array.from(detector.predictProba(newRows));

      labelsFromFit.fill(7);
      detector.trainingScores.fill(-1);
      detector.labels.fill(9);
      X.data.fill(3); // the caller's training matrix

      assert.deepEqual(Array.from(detector.trainingScores), scores);
      assert.deepEqual(Array.from(detector.labels), labels);
      assert.equal(detector.threshold, threshold);
      assert.deepEqual(Array.from(detector.score(newRows)), newScores);
      assert.deepEqual(Array.from(detector.predictProba(newRows)), probabilities);
    });
  }

  it("MCD: location, covariance and the whole estimate are copies", () => {
    const mcd = new MCDDetector({ seed: 0 }).fit(sample(60, 3, 3));
    const before = Array.from(mcd.score([[1, 1, 1]]));
    const location = Array.from(mcd.location);
    mcd.location.fill(100);
    mcd.covariance.data.fill(100);
    const estimate = mcd.estimate;
    for (const array of [estimate.location, estimate.precision.data, estimate.covariance.data, estimate.distances, estimate.support, estimate.rawLocation, estimate.rawCovariance.data, estimate.rawSupport]) {
      array.fill(0);
    }
    assert.deepEqual(Array.from(mcd.location), location);
    assert.deepEqual(Array.from(mcd.score([[1, 1, 1]])), before);
    assert.ok(mcd.estimate.support.includes(1));
  });

  it("PCA components and k-means codebook are copies", () => {
    const X = sample(60, 3, 5);
    const pca = new PCADetector().fit(X);
    const pcaScores = Array.from(pca.score([[1, 1, 1]]));
    pca.components.data.fill(0);
    assert.deepEqual(Array.from(pca.score([[1, 1, 1]])), pcaScores);
    const kmeans = new KMeansDetector({ k: 2, seed: 0 }).fit(X);
    const kmeansScores = Array.from(kmeans.score([[1, 1, 1]]));
    kmeans.codebook.data.fill(0);
    assert.deepEqual(Array.from(kmeans.score([[1, 1, 1]])), kmeansScores);
  });
});

describe("training data is copied once (by toMatrix), not again by the detector", () => {
  /** Runs `fit` while counting Float64Array copies (from / slice) as large as the training data. */
  function fullCopiesDuringFit(detector: Detector, X: Matrix): number {
    const size = X.rows * X.cols;
    let copies = 0;
    const from = Float64Array.from;
    const slice = Float64Array.prototype.slice;
    Float64Array.from = function (this: typeof Float64Array, ...args: Parameters<typeof Float64Array.from>) {
      const copy = from.apply(this, args);
      if (copy.length === size) copies++;
      return copy;
    } as typeof Float64Array.from;
    Float64Array.prototype.slice = function (this: Float64Array, ...args: Parameters<Float64Array["slice"]>) {
      const copy = slice.apply(this, args);
      if (copy.length === size) copies++;
      return copy;
    };
    try {
      detector.fit(X);
    } finally {
      Float64Array.from = from;
      Float64Array.prototype.slice = slice;
    }
    return copies;
  }

  const cases: [string, () => Detector][] = [
    ["KNNDetector", () => new KNNDetector({ nNeighbors: 3 })],
    ["LOFDetector", () => new LOFDetector({ nNeighbors: 5 })],
    ["OCSVMDetector", () => new OCSVMDetector()],
    ["ECODDetector", () => new ECODDetector()],
    ["MCDDetector", () => new MCDDetector({ seed: 0 })],
  ];
  for (const [name, make] of cases) {
    it(`${name} fits on toMatrix's copy without a second one`, () => {
      const X = sample(61, 3, 11); // 183 values: no other array of the fit has that length
      assert.equal(fullCopiesDuringFit(make(), X), 1);
    });
  }
});
