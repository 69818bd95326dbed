// The two datasets of test/reference/detectors_lineup.py (PyOD's benchmark lineup: ABOD, CBLOF, FeatureBagging,
// COPOD, LODA, COF, SOD) and the comparisons their tests share.
import assert from "node:assert/strict";
import type { FittedDetector } from "../../src/core/detector";
import { type Matrix, toMatrix } from "../../src/core/matrix";
import { uniformData, type UniformDataSpec } from "./detector-data";
import { readFixture } from "./fixtures";

/** What the reference script stores per detector and dataset (PyOD's fitted attributes). */
export interface LineupOutcome {
  trainingScores: number[];
  threshold: number;
  labels: number[];
  newScores: number[];
  newLabels: number[];
}

export interface LineupDataset {
  readonly name: "synthetic" | "cardio";
  readonly X: Matrix;
  readonly XNew: Matrix;
}

const data = readFixture("detectors_lineup_data.json");

/** uniform_data(seed 3, 120 x 5, 6 outliers, 40 new rows), regenerated bit for bit. */
export const synthetic: LineupDataset = { name: "synthetic", ...uniformData(data.synthetic as UniformDataSpec) };

/** 400 standardised training rows and 150 held-out rows of ADBench's cardio (stored in the fixture). */
export const cardio: LineupDataset & { y: number[]; yNew: number[] } = {
  name: "cardio",
  X: toMatrix(data.cardio.X as number[][]),
  XNew: toMatrix(data.cardio.XNew as number[][]),
  y: data.cardio.y as number[],
  yNew: data.cardio.yNew as number[],
};

/** The largest |actual - expected| / |expected| over the arrays (0 / 0 counts as 0). */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, "lengths");
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    const relative = error === 0 ? 0 : error / Math.abs(expected[i]);
    if (!(relative <= worst)) worst = relative; // NaN propagates as a failure
  }
  return worst;
}

/** Asserts every element within `relative` of the reference (relative to |expected|), naming the worst one. */
export function assertRelativeClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relative: number, what: string): void {
  const worst = maxRelativeError(actual, expected);
  assert.ok(worst <= relative, `${what}: largest relative error ${worst} > ${relative}`);
}

/**
 * Asserts PyOD's training scores and new-row scores within `relative`, the threshold within `relative`,
 * and labels / predictions exactly.
 */
export function assertLineupOutcome(detector: FittedDetector, expected: LineupOutcome, XNew: Matrix, relative: number, label: string): void {
  assertRelativeClose(detector.trainingScores, expected.trainingScores, relative, `${label} training scores`);
  assertRelativeClose([detector.threshold], [expected.threshold], relative, `${label} threshold`);
  assert.deepEqual(Array.from(detector.labels), expected.labels, `${label} labels`);
  assertRelativeClose(detector.score(XNew), expected.newScores, relative, `${label} new scores`);
  assert.deepEqual(Array.from(detector.predict(XNew)), expected.newLabels, `${label} predictions`);
}
