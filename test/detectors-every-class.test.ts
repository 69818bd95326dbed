// One contract for every exported detector class, classic, neural and time series (issue #23, items 3 and 4):
// scikit-learn's estimator protocol (`getParams()`, `clone()`), and save / load: fitted (or streamed), saved,
// loaded in a fresh process, it gives the same scores to the last bit, and a file of another class or of a
// newer format is refused with an error that says so.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { AnyDetector } from "../src/core/detector";
import * as library from "../src/index";
import { runInFreshProcess } from "./helpers/fresh-process";
import {
  classicNewRows,
  classicTrainingFrame,
  comparableParams,
  EVERY_DETECTOR,
  exportedDetectorClasses,
  neuralNewRows,
  neuralTrainingFrame,
  seriesPoints,
  STREAMED_BEFORE_SAVE,
  paramsText,
  type DetectorCase,
  type LoadedOutcome,
  type LoadRequest,
} from "./helpers/every-detector";

type TimeSeriesDetector = library.TimeSeriesDetector;
type Saveable = { save(path: string): void | Promise<void> };
type Loader = { load(path: string): unknown };

const classicX = classicTrainingFrame();
const classicRows = classicNewRows();
const neuralX = neuralTrainingFrame();
const neuralRows = neuralNewRows();
const points = seriesPoints();
const head = { values: points.values.slice(0, STREAMED_BEFORE_SAVE), timestamps: points.timestamps.slice(0, STREAMED_BEFORE_SAVE) };
const rest = { values: points.values.slice(STREAMED_BEFORE_SAVE), timestamps: points.timestamps.slice(STREAMED_BEFORE_SAVE) };

let scratch: string;
before(() => {
  scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "every-detector-")));
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Fits a classic or neural detector on its DataFrame, or streams a time-series detector through the first points. */
async function train(detector: AnyDetector | TimeSeriesDetector, kind: DetectorCase["kind"]): Promise<void> {
  if (kind === "time series") {
    const ts = detector as TimeSeriesDetector;
    head.values.forEach((value, i) => ts.update(value, head.timestamps[i]));
  } else {
    await (detector as AnyDetector).fit(kind === "neural" ? neuralX : classicX);
  }
}

/** The saved form's path: one JSON file (classic, time series) or a model folder (neural). */
function savedPath(folder: string, testCase: DetectorCase): string {
  return path.join(folder, testCase.kind === "neural" ? testCase.name : `${testCase.name}.json`);
}

/** Asserts two float64 arrays (base64 of their bytes) equal value for value with Object.is. */
function assertSameFloats(actual: string | undefined, expected: ArrayLike<number>, what: string): void {
  assert.ok(actual !== undefined, `${what}: missing`);
  const bytes = Buffer.from(actual, "base64");
  const values = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  assert.equal(values.length, expected.length, `${what}: length`);
  for (let i = 0; i < values.length; i++) {
    assert.ok(Object.is(values[i], expected[i]), `${what}[${i}]: ${values[i]} after loading, ${expected[i]} before saving`);
  }
}

function dispose(detector: unknown): void {
  (detector as { dispose?: () => void }).dispose?.();
}

describe("every exported detector class: getParams / clone, save / load", () => {
  it("the cases cover exactly the exported detector classes (classic, neural, time series)", () => {
    assert.deepEqual([...EVERY_DETECTOR.map((testCase) => testCase.name)].sort(), exportedDetectorClasses());
  });

  describe("getParams() and clone(), scikit-learn's estimator protocol", () => {
    for (const testCase of EVERY_DETECTOR) {
      it(`${testCase.name}: getParams() holds the options given; clone() is a new, unfitted detector whose getParams() deep-equals the original's`, async () => {
        const detector = testCase.make(3);
        const params = detector.getParams();
        for (const [name, value] of Object.entries(testCase.options ?? {})) assert.deepEqual(params[name], value, `option ${name}`);
        if (testCase.seeded) assert.equal(params.seed, 3, "seed");
        await train(detector, testCase.kind);
        const clone = detector.clone();
        assert.notEqual(clone, detector);
        assert.equal(clone.constructor, detector.constructor);
        assert.deepStrictEqual(comparableParams(clone.getParams()), comparableParams(detector.getParams()));
        if (testCase.kind !== "time series") assert.equal((clone as AnyDetector).isFitted, false, "a clone is not fitted");
        dispose(detector);
      });

      it(`${testCase.name}: a clone fitted on the same data gives the same scores as the original (Object.is on every value)`, async () => {
        const original = testCase.make(5);
        const clone = original.clone();
        if (testCase.kind === "time series") {
          const run = (ts: TimeSeriesDetector) => points.values.map((value, i) => ts.update(value, points.timestamps[i]));
          const expected = run(original as TimeSeriesDetector);
          const actual = run(clone as TimeSeriesDetector);
          actual.forEach((score, i) => assert.ok(Object.is(score, expected[i]), `point ${i}: ${score} vs ${expected[i]}`));
          return;
        }
        await train(original, testCase.kind);
        await train(clone, testCase.kind);
        const rows = testCase.kind === "neural" ? neuralRows : classicRows;
        const expected = (original as AnyDetector).score(rows);
        const actual = (clone as AnyDetector).score(rows);
        actual.forEach((score, i) => assert.ok(Object.is(score, expected[i]), `row ${i}: ${score} vs ${expected[i]}`));
        dispose(original);
        dispose(clone);
      });
    }
  });

  it("save, then load in a fresh process (loadDetector and <Class>.load): identical scores, threshold, labels, params and feature names", async () => {
    const folder = path.join(scratch, "saved");
    fs.mkdirSync(folder);
    const requests: LoadRequest[] = [];
    const expected = new Map<string, { outcome: Omit<LoadedOutcome, "scores" | "trainingScores" | "streamed" | "entire">; floats: Record<string, ArrayLike<number>> }>();
    for (const testCase of EVERY_DETECTOR) {
      const detector = testCase.make(7);
      await train(detector, testCase.kind);
      const target = savedPath(folder, testCase);
      await (detector as unknown as Saveable).save(target);
      const params = paramsText(detector.getParams());
      if (testCase.kind === "time series") {
        const ts = detector as TimeSeriesDetector;
        const streamed = rest.values.map((value, i) => ts.update(value, rest.timestamps[i]));
        const entire = ts.detectEntire(points.values, points.timestamps);
        requests.push({ name: testCase.name, kind: testCase.kind, path: target, stream: rest, series: points });
        expected.set(testCase.name, { outcome: { className: testCase.name, params }, floats: { streamed, entire } });
      } else {
        const fitted = detector as AnyDetector;
        const rows = testCase.kind === "neural" ? neuralRows : classicRows;
        requests.push({ name: testCase.name, kind: testCase.kind, path: target, rows });
        expected.set(testCase.name, {
          outcome: {
            className: testCase.name,
            params,
            threshold: fitted.threshold,
            labels: Array.from(fitted.labels),
            featureNames: fitted.featureNames ?? null,
          },
          floats: { scores: fitted.score(rows), trainingScores: fitted.trainingScores },
        });
        dispose(detector);
      }
    }
    const results = runInFreshProcess<Record<string, { generic: LoadedOutcome; own: LoadedOutcome }>>(
      "load-and-score.ts", requests, path.join(scratch, "manifest.json"), 180_000, "the loading process",
    );
    assert.deepEqual(Object.keys(results).sort(), EVERY_DETECTOR.map((testCase) => testCase.name).sort());
    for (const [name, { outcome, floats }] of expected) {
      for (const via of ["generic", "own"] as const) {
        const loaded = results[name][via];
        const what = `${name} loaded by ${via === "generic" ? "loadDetector" : `${name}.load`}`;
        const { scores, trainingScores, streamed, entire, ...rest } = loaded;
        assert.deepEqual(rest, outcome, what);
        const got: Record<string, string | undefined> = { scores, trainingScores, streamed, entire };
        for (const [field, values] of Object.entries(floats)) assertSameFloats(got[field], values, `${what}: ${field}`);
      }
    }
  });

  describe("load refuses, with an error that says why, a file of another class and a file of a newer format", () => {
    const folder = (): string => path.join(scratch, "refused");
    before(async () => {
      fs.mkdirSync(folder());
      for (const testCase of EVERY_DETECTOR) {
        const detector = testCase.make(1);
        await train(detector, testCase.kind);
        await (detector as unknown as Saveable).save(savedPath(folder(), testCase));
        dispose(detector);
      }
    });

    for (const [index, testCase] of EVERY_DETECTOR.entries()) {
      it(`${testCase.name}.load: a saved ${nextOfKind(index).name} is refused naming both classes; format version 2 is refused asking for an upgrade`, async () => {
        const Class = (library as unknown as Record<string, Loader>)[testCase.name];
        const other = nextOfKind(index);
        const load = async (target: string) => Class.load(target);
        await assert.rejects(load(savedPath(folder(), other)), (error: Error) => {
          assert.match(error.message, new RegExp(`^${testCase.name}\\.load: `));
          assert.match(error.message, new RegExp(`holds an? ${other.name}; load it with ${other.name}\\.load`));
          return true;
        });
        const newer = bumpVersion(savedPath(folder(), testCase), testCase);
        await assert.rejects(load(newer), (error: Error) => {
          assert.match(error.message, new RegExp(`^${testCase.name}\\.load: `));
          assert.match(error.message, /format version 2; this anomaly-lab reads up to 1: upgrade anomaly-lab/);
          return true;
        });
      });
    }
  });
});

/** The next case of the same kind (cyclically): a class whose saved files this one must refuse. */
function nextOfKind(index: number): DetectorCase {
  const kind = EVERY_DETECTOR[index].kind;
  const same = EVERY_DETECTOR.filter((testCase) => testCase.kind === kind);
  return same[(same.indexOf(EVERY_DETECTOR[index]) + 1) % same.length];
}

/** A copy of a saved detector whose format version is 2 (the next, unknown one). */
function bumpVersion(saved: string, testCase: DetectorCase): string {
  const copy = `${saved}-v2${testCase.kind === "neural" ? "" : ".json"}`;
  if (testCase.kind === "neural") {
    fs.cpSync(saved, copy, { recursive: true });
    const file = path.join(copy, "detector.json");
    const json = JSON.parse(fs.readFileSync(file, "utf8")) as { formatVersion: number };
    json.formatVersion = 2;
    fs.writeFileSync(file, JSON.stringify(json));
  } else {
    const json = JSON.parse(fs.readFileSync(saved, "utf8")) as { version: number };
    json.version = 2;
    fs.writeFileSync(copy, JSON.stringify(json));
  }
  return copy;
}
