// Finite values too large for a detector's arithmetic (issue #22, item 11). 1e300 once passed validation and gave
// silent nonsense (Mahalanobis scored every row 0, KNN / k-means thresholds became Infinity and labelled nothing)
// or misleading errors ("NaN score for row 0", "explains no variance"). Detectors that square differences of
// values (distances, covariances, PCA, k-means, the RBF kernel, z-scores) now refuse such a value, naming its row,
// column and value; those that do not (IForest, HBOS, ECOD, MAD, IQR) keep working, with PyOD's results where PyOD
// gives one (fixtures from test/reference/detectors_overflow.py).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Detector } from "../src/core/detector";
import { createMatrix, type Matrix } from "../src/core/matrix";
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
import { assertPyodOutcome, type PyodOutcome } from "./helpers/assertions";
import { uniformData, type UniformDataSpec } from "./helpers/detector-data";
import { readFixture } from "./helpers/fixtures";

const reference = readFixture("detectors_overflow.json") as {
  data: UniformDataSpec;
  hbosHuge: PyodOutcome;
  ecodHuge: PyodOutcome;
  ecodExtreme: PyodOutcome;
  hbosExtremeError: string;
};

/** The reference data (60 x 3 uniform in [-1, 1)) with the given cells replaced. */
function planted(cells: [row: number, col: number, value: number][]): { X: Matrix; XNew: Matrix } {
  const { X, XNew } = uniformData(reference.data);
  const data = X.data.slice();
  for (const [row, col, value] of cells) data[row * X.cols + col] = value;
  return { X: createMatrix(X.rows, X.cols, data), XNew };
}

const plain = planted([]);
const huge = planted([[7, 1, 1e300]]);
const extreme = planted([[7, 1, 1.7e308], [8, 1, -1.7e308]]);

const SQUARING: [string, () => Detector][] = [
  ["KNNDetector", () => new KNNDetector()],
  ["LOFDetector", () => new LOFDetector()],
  ["KMeansDetector", () => new KMeansDetector({ k: 2, seed: 0 })],
  ["MahalanobisDetector", () => new MahalanobisDetector()],
  ["MCDDetector", () => new MCDDetector({ seed: 0 })],
  ["EllipticEnvelopeDetector", () => new EllipticEnvelopeDetector({ seed: 0 })],
  ["PCADetector", () => new PCADetector()],
  ["OCSVMDetector", () => new OCSVMDetector({ gamma: "scale" })],
  ["ZScoreDetector", () => new ZScoreDetector()],
];

describe("detectors that square differences refuse values whose squares overflow", () => {
  for (const [name, make] of SQUARING) {
    it(`${name}: fit on 1e300 fails with "${name}: X row 7, column 1 is 1e+300, too large to square ..."`, () => {
      assert.throws(
        () => make().fit(huge.X),
        (error: Error) => {
          assert.match(error.message, new RegExp(`^${name}: X row 7, column 1 is 1e\\+300, too large to square`));
          assert.match(error.message, /with 60 rows and 3 columns, values must stay within ±\d\.\d+e\+152/);
          return error instanceof RangeError;
        },
      );
    });

    it(`${name}: scoring a row with -3e200 fails naming that row and column; 1e100 in the fit is accepted`, () => {
      const detector = make().fit(plain.X);
      const data = plain.XNew.data.slice();
      data[2 * 3 + 0] = -3e200;
      assert.throws(() => detector.score(createMatrix(plain.XNew.rows, 3, data)), new RegExp(`^RangeError: ${name}: X row 2, column 0 is -3e\\+200, too large to square`));
      const large = planted([[7, 1, 1e100]]).X;
      const scores = make().fit(large).trainingScores;
      assert.ok(scores.every((value) => !Number.isNaN(value)), `${name}: scores of a fit with 1e100`);
    });
  }
});

describe("detectors that do not square keep working on huge values", () => {
  it("HBOSDetector on 1e300 gives PyOD's HBOS scores, threshold and labels", () => {
    assertPyodOutcome(new HBOSDetector().fit(huge.X), reference.hbosHuge, huge.XNew, "HBOS 1e300");
  });

  it("ECODDetector on 1e300 and on +-1.7e308 gives PyOD's ECOD results (a NaN skewness counts as 0, PyOD's nan_to_num)", () => {
    assertPyodOutcome(new ECODDetector().fit(huge.X), reference.ecodHuge, huge.XNew, "ECOD 1e300");
    assertPyodOutcome(new ECODDetector().fit(extreme.X), reference.ecodExtreme, extreme.XNew, "ECOD 1.7e308");
  });

  it("IForestDetector, MADDetector and IQRDetector fit 1e300 and flag its row as the most anomalous", () => {
    for (const detector of [new IForestDetector({ seed: 0 }), new MADDetector(), new IQRDetector()] as Detector[]) {
      const scores = detector.fit(huge.X).trainingScores;
      const top = scores.indexOf(Math.max(...scores));
      assert.equal(top, 7, `${detector.constructor.name}: row of the top score`);
      assert.equal(detector.labels[7], 1, `${detector.constructor.name}: row 7 labelled`);
    }
  });

  it("HBOSDetector and IForestDetector refuse a column whose range overflows, naming it and the rows of its extremes (numpy's histogram refuses too)", () => {
    assert.match(reference.hbosExtremeError, /Too many bins for data range/);
    for (const detector of [new HBOSDetector(), new IForestDetector({ seed: 0 })] as Detector[]) {
      const name = detector.constructor.name;
      assert.throws(
        () => detector.fit(extreme.X),
        new RegExp(`^RangeError: ${name}: column 1 of X spans from -1\\.7e\\+308 \\(row 8\\) to 1\\.7e\\+308 \\(row 7\\), a range that overflows`),
      );
    }
  });
});
