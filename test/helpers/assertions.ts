// Closeness assertions shared by the tests that compare with numpy / scipy / scikit-learn fixtures.
import assert from "node:assert/strict";
import type { BaseDetector } from "../../src/core/detector";
import type { MatrixInput } from "../../src/core/matrix";

/**
 * An absolute tolerance, or `{ relative: r }`: r * max(1, |expected|), which is absolute near 0 and
 * relative for large values.
 */
export type Tolerance = number | { relative: number };

function allowedError(tolerance: Tolerance, expected: number): number {
  return typeof tolerance === "number" ? tolerance : tolerance.relative * Math.max(1, Math.abs(expected));
}

/**
 * Asserts |actual - expected| <= tolerance (NaN fails), naming `what` and both values on failure.
 * @example assertNear(detector.threshold, c.threshold, 1e-9, "salary threshold");
 */
export function assertNear(actual: number, expected: number, tolerance: Tolerance, what: string): void {
  assert.ok(Math.abs(actual - expected) <= allowedError(tolerance, expected), `${what}: ${actual} vs ${expected}`);
}

/**
 * Asserts equal lengths and every element within the tolerance; a failure names the index and both values.
 * @example assertAllClose(pca.trainingScores, c.trainingScores, { relative: 1e-9 }, "training scores");
 */
export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    assert.ok(error <= allowedError(tolerance, expected[i]), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** What a fixture stores about a fitted PyOD detector (`pyod_outcome` in test/reference/common.py). */
export interface PyodOutcome {
  trainingScores: number[];
  threshold: number;
  labels: number[];
  newScores: number[];
  newLabels: number[];
}

/**
 * Asserts that a fitted detector reproduces PyOD's training scores, threshold and labels, and its
 * scores and predictions for `XNew`: scores and threshold within 1e-9, labels exactly.
 * @example assertPyodOutcome(new ECODDetector().fit(X), reference.salary, reference.salary.XNew, "salary");
 */
export function assertPyodOutcome(
  detector: Pick<BaseDetector, "trainingScores" | "threshold" | "labels" | "score" | "predict">,
  expected: PyodOutcome,
  XNew: MatrixInput,
  label: string,
): void {
  assertAllClose(detector.trainingScores, expected.trainingScores, 1e-9, `${label} training scores`);
  assertNear(detector.threshold, expected.threshold, 1e-9, `${label} threshold`);
  assert.deepEqual(Array.from(detector.labels), expected.labels, `${label} labels`);
  assertAllClose(detector.score(XNew), expected.newScores, 1e-9, `${label} new scores`);
  assert.deepEqual(Array.from(detector.predict(XNew)), expected.newLabels, `${label} predictions`);
}
