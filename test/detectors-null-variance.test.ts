// PCADetector and MCDDetector on data with constant columns, linearly dependent columns and zero-variance
// principal components: scored as PyOD scores them, not refused. References: PyOD 1.1.3 on scikit-learn 1.2.2
// (the behaviour behind PyOD's published benchmark table), test/reference/detectors_null_variance.py; so the detectors
// run with scikit-learn 1.2's conventions: PCA signs: "row-votes", MCD correction: "median".
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { loadAdbench } from "../src/data/adbench";
import { MCDDetector } from "../src/detectors/mcd";
import { PCADetector } from "../src/detectors/pca";
import { precisionAtN, rocAuc } from "../src/evaluation/ranking";
import { StandardScaler } from "../src/preprocessing/scalers";
import { trainTestSplit } from "../src/preprocessing/split";
import { RandomState } from "../src/random/random-state";
import { assertAllClose, assertNear } from "./helpers/assertions";
import { readFixture } from "./helpers/fixtures";
import { MIRROR_ROOT } from "./helpers/mirror";

interface Case {
  trainingScores: number[];
  labels: number[];
  newScores: number[];
  newLabels: number[];
}
interface SplitResult {
  roc: number;
  precisionAtN: number;
  labels: number[];
  nullComponents?: number;
}
const reference = readFixture("detectors_null_variance.json") as {
  X: number[][];
  XNew: number[][];
  pcaDependent: Case & { explainedVarianceRatio: number[] };
  pcaConstant: Case & { explainedVarianceRatio: number[] };
  mcd: Case & { warnings: string[]; rawSupport: number[]; support: number[]; location: number[] };
  datasets: Record<string, { constantTrainingColumns: number; pca: SplitResult; mcd?: SplitResult }>;
};
const dropColumn = (rows: number[][], j: number) => rows.map((row) => row.filter((_, k) => k !== j));
/** Row numbers from the highest score to the lowest (ties by row number). */
const ranking = (scores: ArrayLike<number>) => Array.from(scores, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);

describe("PCADetector with zero-variance components (signs: \"row-votes\", scikit-learn 1.2)", () => {
  it("a linearly dependent column: the rows rank, and get the labels, that PyOD gives them (training and new rows)", () => {
    const expected = reference.pcaDependent;
    assert.ok(expected.explainedVarianceRatio.at(-1)! < 1e-30, "the reference has a zero-variance component");
    const pca = new PCADetector({ contamination: 0.1, signs: "row-votes" }).fit(dropColumn(reference.X, 4));
    assert.ok(pca.trainingScores.every(Number.isFinite));
    assert.deepEqual(ranking(pca.trainingScores), ranking(expected.trainingScores));
    assert.deepEqual(Array.from(pca.labels), expected.labels);
    const XNew = dropColumn(reference.XNew, 4);
    assert.deepEqual(ranking(pca.score(XNew)), ranking(expected.newScores));
    assert.deepEqual(Array.from(pca.predict(XNew)), expected.newLabels);
  });

  it("a constant column (where PyOD's SVD gives a ratio of exactly 0 and scores every row +Infinity): finite scores ranking the rows as PyOD does without it", () => {
    assert.equal(reference.pcaConstant.explainedVarianceRatio.at(-1), 0);
    assert.ok(reference.pcaConstant.trainingScores.every((score) => (score as unknown) === "Infinity"), "PyOD: +inf for every row");
    const pca = new PCADetector({ contamination: 0.1, signs: "row-votes" }).fit(reference.X);
    assert.ok(pca.trainingScores.every(Number.isFinite));
    assert.deepEqual(ranking(pca.trainingScores), ranking(reference.pcaDependent.trainingScores));
    assert.deepEqual(Array.from(pca.labels), reference.pcaDependent.labels);
  });

  it("keeps the clear errors where nothing can be scored: every column constant, NaN", () => {
    assert.throws(() => new PCADetector().fit([[1, 2], [1, 2], [1, 2]]), /PCADetector: every column of X is constant/);
    assert.throws(() => new PCADetector().fit([[1, NaN], [2, 3]]), /X: row 0, column 1 is NaN/);
  });
});

describe("MCDDetector with a constant column (correction: \"median\", scikit-learn 1.2)", () => {
  it("as scikit-learn 1.2's MinCovDet (which warns and goes on): raw support, support, location, distances and labels", () => {
    const expected = reference.mcd;
    assert.deepEqual(expected.warnings, ["The covariance matrix associated to your dataset is not full rank"]);
    const mcd = new MCDDetector({ contamination: 0.1, seed: 0, correction: "median" }).fit(reference.X);
    const estimate = mcd.estimate;
    assert.deepEqual(Array.from(estimate.rawSupport), expected.rawSupport);
    assert.deepEqual(Array.from(estimate.support), expected.support);
    assertAllClose(estimate.location, expected.location, 1e-12, "location");
    assertAllClose(mcd.trainingScores, expected.trainingScores, { relative: 1e-9 }, "distances");
    assert.deepEqual(Array.from(mcd.labels), expected.labels);
    assertAllClose(mcd.score(reference.XNew), expected.newScores, { relative: 1e-9 }, "new-row distances");
    assert.deepEqual(Array.from(mcd.predict(reference.XNew)), expected.newLabels);
  });

  it("keeps the clear error where nothing can be scored: every column constant", () => {
    const constant = Array.from({ length: 20 }, () => [1, 2, 3]);
    assert.throws(() => new MCDDetector({ seed: 0 }).fit(constant), /MCD: the covariance of the support rows is 0/);
  });
});

describe("PyOD's benchmark split 0 on ODDS data with constant and dependent columns", () => {
  const options = { mirror: MIRROR_ROOT, allowUpstream: false, progress: false };
  for (const [id, expected] of Object.entries(reference.datasets)) {
    it(`${id}: PCA${expected.mcd ? " and MCD" : ""} give the test rows PyOD's ROC-AUC and precision@n (1e-4) and labels`, async () => {
      const data = await loadAdbench(id, options);
      const random = new RandomState(0);
      const { train: [XTrain], test: [XTest, yTest] } = trainTestSplit([data.X, data.y], { testSize: 0.4, random });
      const scaler = new StandardScaler().fit(XTrain);
      const [train, test] = [scaler.transform(XTrain), scaler.transform(XTest)];
      const constant = Array.from({ length: train.cols }, (_, j) => j).filter((j) => {
        for (let i = 1; i < train.rows; i++) if (train.data[i * train.cols + j] !== train.data[j]) return false;
        return true;
      });
      assert.equal(constant.length, expected.constantTrainingColumns, "constant training columns");
      const detectors: [string, SplitResult, () => PCADetector | MCDDetector][] = [
        ["pca", expected.pca, () => new PCADetector({ contamination: data.outlierFraction, signs: "row-votes" })],
      ];
      if (expected.mcd) detectors.push(["mcd", expected.mcd, () => new MCDDetector({ contamination: data.outlierFraction, seed: 0, correction: "median" })]);
      for (const [name, want, make] of detectors) {
        const detector = make().fit(train);
        const scores = detector.score(test);
        assertNear(rocAuc(yTest, scores), want.roc, 1e-4, `${id} ${name} ROC-AUC`);
        assertNear(precisionAtN(yTest, scores), want.precisionAtN, 1e-4, `${id} ${name} precision@n`);
        const labels = detector.predict(test);
        const differing = want.labels.filter((label, i) => label !== labels[i]).length;
        assert.equal(differing, 0, `${id} ${name}: ${differing} of ${want.labels.length} test labels differ from PyOD's`);
      }
    });
  }
});
