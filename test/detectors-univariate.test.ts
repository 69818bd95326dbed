// ZScoreDetector, MADDetector (PyOD MAD) and IQRDetector against scipy / numpy:
// fixtures from test/reference/detectors_univariate.py.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Matrix, toMatrix } from "../src/core/matrix";
import { salaryData } from "../src/data/salary";
import { IQRDetector, MADDetector, ZScoreDetector } from "../src/detectors/univariate";
import { iqrOutliers } from "../src/eda/iqr-outliers";
import { assertAllClose, assertNear } from "./helpers/assertions";
import { uniformData } from "./helpers/detector-data";
import { readFixture } from "./helpers/fixtures";

const reference = readFixture("detectors_univariate.json");

interface RuleCase {
  parameters: Record<string, number[]>;
  XNew: number[][];
  contamination: number;
  trainingScores: number[];
  newScores: number[];
  fixedThreshold: number;
  labels: number[];
  newLabels: number[];
  percentileThreshold: number;
  percentileLabels: number[];
}

type Rule = "zscore" | "mad" | "iqr" | "iqr3";

function make(rule: Rule, options: { contamination?: number } = {}) {
  if (rule === "zscore") return new ZScoreDetector(options);
  if (rule === "mad") return new MADDetector(options);
  return new IQRDetector({ ...options, k: rule === "iqr3" ? 3 : 1.5 });
}

function parameters(rule: Rule, detector: ReturnType<typeof make>): Record<string, number[]> {
  if (detector instanceof ZScoreDetector) return { mean: Array.from(detector.parameters.mean), std: Array.from(detector.parameters.std) };
  if (detector instanceof MADDetector) return { median: Array.from(detector.parameters.median), mad: Array.from(detector.parameters.mad) };
  const fences = (detector as IQRDetector).fences;
  void rule;
  return { lower: fences.map((f) => f.lower), upper: fences.map((f) => f.upper) };
}

function assertRuleCase(rule: Rule, c: RuleCase, X: Matrix, label: string): void {
  const fixed = make(rule, {}).fit(X); // the rule's textbook cut-off
  const learned = parameters(rule, fixed);
  for (const [name, values] of Object.entries(c.parameters)) assertAllClose(learned[name], values, 1e-9, `${label} ${name}`);
  assertAllClose(fixed.trainingScores, c.trainingScores, 1e-9, `${label} training scores`);
  assert.equal(fixed.threshold, c.fixedThreshold, `${label} fixed threshold`);
  assert.deepEqual(Array.from(fixed.labels), c.labels, `${label} labels`);
  assert.deepEqual(Array.from(fixed.fitPredict(X)), c.labels, `${label} fitPredict`);
  assertAllClose(fixed.score(c.XNew), c.newScores, 1e-9, `${label} new scores`);
  assert.deepEqual(Array.from(fixed.predict(c.XNew)), c.newLabels, `${label} predictions`);
  // contamination places the threshold at the percentile, like every other detector.
  const byContamination = make(rule, { contamination: c.contamination }).fit(X);
  assertNear(byContamination.threshold, c.percentileThreshold, 1e-9, `${label} percentile threshold`);
  assert.deepEqual(Array.from(byContamination.labels), c.percentileLabels, `${label} percentile labels`);
}

const salaries = toMatrix(salaryData(), { columns: ["salary"] });
const RULES: Rule[] = ["zscore", "mad", "iqr"];

describe("univariate rule detectors", () => {
  for (const rule of [...RULES, "iqr3" as const]) {
    it(`${rule}: matches scipy / numpy on the salary data`, () => {
      assertRuleCase(rule, reference.salary[rule] as RuleCase, salaries, `salary ${rule}`);
    });
  }

  for (const rule of RULES) {
    it(`${rule}: takes the largest per-column score on 3 columns`, () => {
      assertRuleCase(rule, reference.multi[rule] as RuleCase, uniformData(reference.multi.data).X, `multi ${rule}`);
    });
  }

  it("flags the salary tutorial's two injected values, and IQR agrees with the EDA iqrOutliers rule", () => {
    // Uniform salaries have a wide MAD: 23 has modified z 3.05, under PyOD's 3.5 but over 3.
    assert.deepEqual(Array.from(new MADDetector().fit(salaries).labels).filter((label) => label === 1), []);
    for (const detector of [new ZScoreDetector(), new MADDetector({ threshold: { fixed: 3 } }), new IQRDetector()]) {
      const flagged = Array.from(detector.fit(salaries).labels).flatMap((label, i) => (label ? [i] : []));
      assert.deepEqual(flagged, [16, 65], detector.constructor.name);
    }
    const eda = iqrOutliers(salaryData().getColumn("salary"));
    assert.deepEqual(Array.from(new IQRDetector().fit(salaries).labels), Array.from(eda.flags));
    assert.deepEqual(new IQRDetector().fit(salaries).fences, [{ lower: eda.lower, upper: eda.upper }]);
  });

  it("lets predict override the threshold", () => {
    const mad = new MADDetector().fit(salaries);
    assert.deepEqual(Array.from(mad.predict([[1000], [37]])), [0, 0]);
    assert.deepEqual(Array.from(mad.predict([[1000], [37]], { threshold: 3 })), [0, 1]);
  });

  it("rejects constant columns and bad options with clear messages", () => {
    assert.throws(() => new ZScoreDetector().fit([[1, 5], [2, 5], [3, 5]]), /ZScoreDetector: column 1 is constant \(5\); its standard deviation is 0/);
    assert.throws(() => new MADDetector().fit([[1], [2], [2], [2], [9]]), /MADDetector: column 0 has median absolute deviation 0 \(at least half the values equal 2\)/);
    // IQR 0 is usable: fences collapse onto the quartile.
    assert.deepEqual(Array.from(new IQRDetector().fit([[2], [2], [2], [2], [9]]).trainingScores), [0, 0, 0, 0, 7]);
    assert.throws(() => new IQRDetector({ k: -1 }), /k must be >= 0, got -1/);
    assert.throws(() => new ZScoreDetector({ threshold: { fixed: Infinity } }), /threshold\.fixed must be a finite number, got Infinity/);
    assert.throws(() => new MADDetector().parameters, /MADDetector is not fitted/);
    assert.throws(() => new IQRDetector().threshold, /IQRDetector is not fitted/);
    assert.throws(() => new ZScoreDetector().fit([[1], [NaN]]), /X: row 1, column 0 is NaN/);
  });
});
