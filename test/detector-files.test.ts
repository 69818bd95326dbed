// Detector files (issue #23, item 4) and the estimator protocol's details (item 3): the file format, floats that
// JSON numbers cannot hold, RandomState options, saving that never destroys what is not an anomaly-lab detector
// file, and loading that refuses a damaged file naming the file and the field. test/detectors-every-class.test.ts
// holds the round trip of every class.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { resetDeprecationWarnings } from "../src/core/deprecation";
import { createMatrix } from "../src/core/matrix";
import { HBOSDetector } from "../src/detectors/hbos";
import { IForestDetector } from "../src/detectors/iforest";
import { KNNDetector } from "../src/detectors/knn";
import { LOFDetector } from "../src/detectors/lof";
import { OCSVMDetector } from "../src/detectors/ocsvm";
import { MahalanobisDetector } from "../src/detectors/mahalanobis";
import { ZScoreDetector } from "../src/detectors/univariate";
import { loadDetector } from "../src/persistence/load-detector";
import { decodeParams, encodeParams } from "../src/persistence/params";
import { encodeArray, StateReader } from "../src/persistence/state-codec";
import { RandomState } from "../src/random/random-state";
import { RollingZScoreDetector, WindowedGaussianDetector } from "../src/timeseries/baselines";

const X = (() => {
  const values = new RandomState(2).standardNormal(50 * 3);
  values[0] = 7;
  return createMatrix(50, 3, values);
})();
const XNew = createMatrix(10, 3, new RandomState(3).standardNormal(30).map((value) => 2 * value));

let scratch: string;
before(() => {
  scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "detector-files-")));
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

function fresh(name: string): string {
  const folder = fs.mkdtempSync(path.join(scratch, `${name}-`));
  return folder;
}

function readJson(file: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, any>;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("getParams / clone details", () => {
  it("getParams() of a default detector holds PyOD's documented defaults (IForest, KNN, LOF, OCSVM, HBOS)", () => {
    // PyOD 2.x / scikit-learn signatures: IForest(n_estimators=100, max_samples="auto", contamination=0.1,
    // max_features=1.0, bootstrap=False, random_state=None); KNN(contamination=0.1, n_neighbors=5, method="largest");
    // LOF(n_neighbors=20); OCSVM(kernel="rbf", nu=0.5, gamma="auto", tol=1e-3, shrinking=True, cache_size=200,
    // max_iter=-1); HBOS(n_bins=10, alpha=0.1, tol=0.5).
    assert.deepStrictEqual(new IForestDetector().getParams(), {
      threshold: { contamination: 0.1 },
      nEstimators: 100,
      maxSamples: "auto",
      maxFeatures: 1,
      bootstrap: false,
      seed: undefined,
    });
    const knn = new KNNDetector().getParams();
    assert.deepStrictEqual([knn.threshold, knn.nNeighbors, knn.method], [{ contamination: 0.1 }, 5, "largest"]);
    assert.equal(new LOFDetector().getParams().nNeighbors, 20);
    const ocsvm = new OCSVMDetector().getParams();
    assert.deepStrictEqual(ocsvm, { threshold: { contamination: 0.1 }, gamma: "auto", nu: 0.5, tol: 1e-3, shrinking: true, cacheSize: 200, maxIter: -1 });
    assert.deepStrictEqual(new HBOSDetector().getParams(), { threshold: { contamination: 0.1 }, nBins: 10, alpha: 0.1, tol: 0.5 });
  });

  it("clone(overrides) replaces those options; an override that is not an option is refused, naming the options", () => {
    const forest = new IForestDetector({ nEstimators: 30, seed: 1 });
    assert.deepStrictEqual(forest.clone({ seed: 2 }).getParams(), { ...forest.getParams(), seed: 2 });
    assert.throws(
      () => new KNNDetector().clone({ seed: 2 }),
      /^RangeError: KNNDetector\.clone: "seed" is not an option of it \(its options: threshold, nNeighbors, method, algorithm, threads\)$/,
    );
  });

  it("getParams() speaks today's vocabulary whatever the spelling given: threshold (the rule) and seed; clone() warns nothing", () => {
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      resetDeprecationWarnings();
      const old = [
        new IForestDetector({ nEstimators: 5, random: 4 }),
        new ZScoreDetector({ threshold: 2.5 }),
        new MahalanobisDetector({ meanMultiple: 3 }),
        new KNNDetector({ contamination: 0.05 }),
      ];
      assert.equal(warnings.length, 3, "one warning per old spelling (random, threshold: number, meanMultiple)");
      const params = old.map((detector) => detector.getParams());
      assert.deepStrictEqual([params[0].seed, params[0].random], [4, undefined]);
      assert.deepStrictEqual(params.map((p) => p.threshold), [
        { contamination: 0.1 },
        { fixed: 2.5 },
        { meanMultiple: 3 },
        { contamination: 0.05 },
      ]);
      assert.ok(params.every((p) => !("contamination" in p) && !("meanMultiple" in p) && !("random" in p)));
      resetDeprecationWarnings();
      const clones = old.map((detector) => detector.clone());
      assert.deepStrictEqual(clones.map((clone) => clone.getParams()), params);
      assert.deepStrictEqual(warnings.length, 3, "a clone is built in the new spelling: no warning");
    } finally {
      console.warn = warn;
    }
  });

  it("clone({ contamination: c }) replaces the rule (PyOD's spelling of threshold: { contamination: c }); with threshold too it is refused", () => {
    const zscore = new ZScoreDetector();
    assert.deepStrictEqual(zscore.clone({ contamination: 0.2 }).thresholdRule, { contamination: 0.2 });
    assert.deepStrictEqual(zscore.clone({ threshold: { quantile: 0.9 } }).thresholdRule, { quantile: 0.9 });
    assert.throws(
      () => zscore.clone({ contamination: 0.2, threshold: { fixed: 1 } }),
      /^TypeError: ZScoreDetector: pass either contamination or threshold, not both/,
    );
  });

  it("a time-series detector's getParams() holds its threshold as { fixed: t }, so a clone alarms where the original does", () => {
    const gaussian = new WindowedGaussianDetector({ threshold: { fixed: 0.9 } });
    assert.deepStrictEqual(gaussian.getParams().threshold, { fixed: 0.9 });
    assert.equal(gaussian.clone().threshold, 0.9);
    assert.equal(new RollingZScoreDetector({ threshold: { fixed: 0.7 } }).clone().threshold, 0.7);
  });

  it("a RandomState option: getParams() returns the detector's own generator; clone() copies it in its current state", () => {
    const random = new RandomState(8);
    random.randomSample(5); // somewhere in its stream
    const forest = new IForestDetector({ nEstimators: 10, seed: random });
    assert.equal(forest.getParams().seed, random);
    const clone = forest.clone();
    assert.notEqual(clone.getParams().seed, random, "a copy, not the same generator");
    const before = random.getState();
    const cloneScores = clone.fit(X).score(XNew);
    assert.deepStrictEqual(random.getState(), before, "the clone's fit does not advance the original's generator");
    assert.deepEqual(forest.fit(X).score(XNew), cloneScores, "both draw the same trees");
  });
});

describe("detector files", () => {
  it("save writes one JSON file: format anomaly-lab/detector, version 1, class, library version, params, fit (shape, names, scores) and state", () => {
    const file = path.join(fresh("format"), "forest.json");
    new IForestDetector({ nEstimators: 5, seed: 3 }).fit(X).save(file);
    const json = readJson(file);
    assert.deepEqual(Object.keys(json), ["format", "version", "class", "libraryVersion", "params", "fit", "state"]);
    assert.equal(json.format, "anomaly-lab/detector");
    assert.equal(json.version, 1);
    assert.equal(json.class, "IForestDetector");
    assert.deepEqual(json.params, { threshold: { contamination: 0.1 }, nEstimators: 5, maxSamples: "auto", maxFeatures: 1, bootstrap: false, seed: 3 });
    assert.deepEqual({ ...json.fit, trainingScores: undefined }, { rows: 50, cols: 3, featureNames: null, trainingScores: undefined });
    assert.deepEqual(json.fit.trainingScores.dtype, "float64");
    assert.deepEqual(Object.keys(json.state).sort(), ["feature", "left", "maxSamples", "pathLength", "roots", "threshold"]);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ["forest.json"], "no temporary file left behind");
  });

  it("NaN, ±Infinity and -0 come back exactly, in arrays and in options (JSON numbers cannot hold them)", () => {
    const values = Float64Array.from([Number.NaN, Infinity, -Infinity, -0, 0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2]);
    const state = StateReader.of({ values: JSON.parse(JSON.stringify(encodeArray(values))) }, "test", "state");
    const back = state.float64("values", { finite: false, nan: true });
    values.forEach((value, i) => assert.ok(Object.is(back[i], value), `value ${i}: ${back[i]} vs ${value}`));
    const params = { a: Number.NaN, b: -0, c: -Infinity, d: [Infinity, 1], e: { f: Number.NaN } };
    const decoded = decodeParams(JSON.parse(JSON.stringify(encodeParams(params, "test"))), "test");
    assert.ok(Object.is(decoded.a, Number.NaN) && Object.is(decoded.b, -0) && Object.is(decoded.c, -Infinity));
    assert.deepStrictEqual(decoded.d, [Infinity, 1]);
    assert.ok(Object.is((decoded.e as { f: number }).f, Number.NaN));
  });

  it("a RandomState option is saved as its generator's state: the loaded detector's next fit draws what the saved one's would", () => {
    const file = path.join(fresh("random"), "forest.json");
    const random = new RandomState(4);
    const forest = new IForestDetector({ nEstimators: 8, seed: random }).fit(X);
    forest.save(file);
    assert.ok(readJson(file).params.seed.$randomState, "saved as { $randomState: { key, pos, cachedGaussian } }");
    const loaded = IForestDetector.load(file);
    assert.deepEqual(loaded.score(XNew), forest.score(XNew));
    assert.deepEqual(loaded.fit(X).score(XNew), forest.fit(X).score(XNew), "the second fits grow the same trees");
  });

  it("an unfitted detector is not saved, and nothing is written", () => {
    const folder = fresh("unfitted");
    assert.throws(() => new IForestDetector().save(path.join(folder, "forest.json")), /^Error: IForestDetector is not fitted: call fit\(X\) first$/);
    assert.deepEqual(fs.readdirSync(folder), []);
  });

  describe("save never destroys what is not an anomaly-lab detector file", () => {
    const forest = new IForestDetector({ nEstimators: 5, seed: 1 }).fit(X);

    it("an existing file of the user's (JSON or not) is refused and left as it was", () => {
      const folder = fresh("user-file");
      for (const [name, content] of [["notes.txt", "my notes\n"], ["config.json", '{"format": "mine", "a": 1}\n']] as const) {
        const file = path.join(folder, name);
        fs.writeFileSync(file, content);
        assert.throws(() => forest.save(file), new RegExp(`^Error: IForestDetector\\.save: ${escape(file)} is not an anomaly-lab detector file, and saving would replace it`));
        assert.equal(fs.readFileSync(file, "utf8"), content);
      }
      assert.deepEqual(fs.readdirSync(folder).sort(), ["config.json", "notes.txt"], "no temporary file left behind");
    });

    it("a folder (a neural model folder too), a symbolic link and an empty path are refused", async () => {
      const folder = fresh("targets");
      const inner = path.join(folder, "models");
      fs.mkdirSync(inner);
      fs.writeFileSync(path.join(inner, "README.md"), "models\n");
      assert.throws(() => forest.save(inner), /is a folder, not an anomaly-lab detector file/);
      const original = path.join(folder, "original.json");
      forest.save(original);
      const link = path.join(folder, "link.json");
      fs.symlinkSync(original, link);
      assert.throws(() => forest.save(link), /is a symbolic link, not an anomaly-lab detector file/);
      assert.throws(() => forest.save(""), /IForestDetector\.save: the path is empty/);
      assert.throws(() => forest.save(undefined as unknown as string), /IForestDetector\.save: the path must be a string, got undefined/);
      assert.equal(fs.readFileSync(path.join(inner, "README.md"), "utf8"), "models\n");
      assert.ok(fs.lstatSync(link).isSymbolicLink());
    });

    it("an anomaly-lab detector file is replaced (another class's too), atomically", () => {
      const file = path.join(fresh("replace"), "model.json");
      new ZScoreDetector().fit(X).save(file);
      forest.save(file);
      assert.equal(readJson(file).class, "IForestDetector");
      assert.deepEqual(fs.readdirSync(path.dirname(file)), ["model.json"]);
    });
  });

  describe("load refuses a damaged or foreign file, naming the file and the field", () => {
    let saved: string;
    before(() => {
      saved = path.join(fresh("damaged"), "forest.json");
      new IForestDetector({ nEstimators: 4, seed: 0 }).fit(X).save(saved);
    });

    /** A copy of the saved forest with `edit` applied to its JSON. */
    function damaged(name: string, edit: (json: Record<string, any>) => void): string {
      const json = readJson(saved);
      edit(json);
      const file = path.join(path.dirname(saved), `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(json));
      return file;
    }

    const cases: [string, (json: Record<string, any>) => void, RegExp][] = [
      ["a missing state field", (json) => delete json.state.left, /: state\.left must be int32 values \(an object \{ dtype: "int32", length, base64 \}\), got undefined$/],
      [
        "a node testing a column the fit did not have",
        (json) => {
          const bytes = Buffer.from(json.state.feature.base64, "base64");
          const feature = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
          feature[0] = 3;
          json.state.feature = encodeArray(feature);
        },
        /: state\.feature\[0\] must be an integer in \[0, 2\], got 3$/,
      ],
      ["truncated base64", (json) => (json.state.pathLength.base64 = json.state.pathLength.base64.slice(0, 12)), /: state\.pathLength\.base64 must be \d+ bytes of base64/],
      ["a NaN training score", (json) => (json.fit.trainingScores = encodeArray(new Float64Array(50).fill(Number.NaN))), /: fit\.trainingScores\[0\] must be a value \(not NaN\), got null$/],
      ["column names that do not match the columns", (json) => (json.fit.featureNames = ["a", "b"]), /: fit\.featureNames must be 3 strings or null, got \["a","b"\]$/],
      ["an option the class refuses", (json) => (json.params.nEstimators = 0), /: params: nEstimators must be an integer >= 1, got 0$/],
      ["an unknown format", (json) => (json.format = "something/else"), / is not an anomaly-lab detector file \(format "something\/else"\)$/],
    ];
    for (const [what, edit, message] of cases) {
      it(`${what}`, () => {
        const file = damaged(what.replace(/\W+/g, "-"), edit);
        assert.throws(() => IForestDetector.load(file), (error: Error) => {
          assert.match(error.message, new RegExp(`^IForestDetector\\.load: ${escape(file)}`));
          assert.match(error.message, message);
          return true;
        });
      });
    }

    it("a file that is not JSON, a missing file, a folder", () => {
      const folder = path.dirname(saved);
      const text = path.join(folder, "notes.txt");
      fs.writeFileSync(text, "not json");
      assert.throws(() => IForestDetector.load(text), new RegExp(`^Error: IForestDetector\\.load: ${escape(text)} is not valid JSON`));
      assert.throws(() => IForestDetector.load(path.join(folder, "absent.json")), /absent\.json does not exist$/);
      assert.throws(() => IForestDetector.load(folder), /is a folder, not an anomaly-lab detector file$/);
    });

    it("loadDetector names the class to use for a class it does not know", async () => {
      const file = damaged("unknown-class", (json) => (json.class = "MyDetector"));
      await assert.rejects(loadDetector(file), /holds a MyDetector, which is not a detector class of anomaly-lab; load it with MyDetector\.load/);
    });

    it("a time-series file with a stream longer than its window is refused", () => {
      const file = path.join(path.dirname(saved), "rolling.json");
      const rolling = new RollingZScoreDetector({ windowSize: 10 });
      for (let i = 0; i < 30; i++) rolling.update(Math.sin(i));
      rolling.save(file);
      const json = readJson(file);
      json.state.window = encodeArray(new Float64Array(11));
      fs.writeFileSync(file, JSON.stringify(json));
      assert.throws(() => RollingZScoreDetector.load(file), /: state\.window\.length must be at most 10 \(windowSize\), got 11$/);
    });
  });
});
