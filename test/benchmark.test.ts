// The benchmark library (src/benchmark): PyOD's published table, the datasets it is reproduced on, PyOD's and
// ADBench's protocols and average ranks. References: PyOD 1.1.3 on scikit-learn 1.2.2 and ODDS's .mat files
// (test/reference/benchmark.py), and PyOD's published docs/tables/*.csv.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { adbenchSplit, mergeAdbenchResults, runAdbenchProtocol } from "../src/benchmark/adbench-protocol";
import { ADBENCH_UNSUPERVISED, BENCHMARK_LINEUP, lineupEntry, pyodColumnEntry } from "../src/benchmark/lineup";
import { PYOD_ODDS_DATASETS, publishedCell, pyodPublishedTable } from "../src/benchmark/published";
import { comparePublished, pythonRound, runPyodProtocol } from "../src/benchmark/pyod-protocol";
import { averageRanks, rankData } from "../src/benchmark/ranks";
import { loadAdbench } from "../src/data/adbench";
import { CBLOFDetector } from "../src/detectors/cblof";
import { MCDDetector } from "../src/detectors/mcd";
import { DeepSVDDDetector } from "../src/nn/deep-svdd";
import { precisionAtN, rocAuc } from "../src/evaluation/ranking";
import { StandardScaler } from "../src/preprocessing/scalers";
import { trainTestSplit } from "../src/preprocessing/split";
import { RandomState } from "../src/random/random-state";
import { assertAllClose, assertNear } from "./helpers/assertions";
import { readFixture } from "./helpers/fixtures";
import { MIRROR_ROOT } from "./helpers/mirror";

const reference = readFixture("benchmark.json") as {
  odds: Record<string, { X: string; y: string; shape: number[] }>;
  pyodProtocol: Record<string, Record<string, { roc: number[]; prn: number[] }>>;
  mcdStream: Record<string, { roc: number[]; prn: number[] }>;
  adbenchSplits: Record<string, {
    trainRows: number[]; testRows: number[]; nTrain: number; nTest: number; trainRowSum: number; testRowSum: number;
    trainFirst: number[]; testLast: number[]; testOutliers: number;
  }>;
  adbenchProtocol: Record<string, Record<string, { roc: number; averagePrecision: number }>>;
  ranks: { scores: Record<string, Record<string, number | null>>; averageRank: Record<string, number> };
  pythonRound: [number, number][];
};
const options = { mirror: MIRROR_ROOT, allowUpstream: false, progress: false };
const sha256 = (bytes: ArrayBufferView) => createHash("sha256").update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).digest("hex");

describe("PyOD's published table", () => {
  it("data/pyod-benchmark/*.csv are PyOD's files byte for byte (the sha256 of PROVENANCE.txt) and parse to their cells", () => {
    const folder = path.join(__dirname, "..", "data", "pyod-benchmark");
    const provenance = fs.readFileSync(path.join(folder, "PROVENANCE.txt"), "utf8");
    for (const file of ["roc.csv", "prc.csv", "time.csv"]) {
      const digest = createHash("sha256").update(fs.readFileSync(path.join(folder, file))).digest("hex");
      assert.match(provenance, new RegExp(`${digest}  ${file}`), file);
    }
    const table = pyodPublishedTable();
    assert.deepEqual(table.detectors, ["ABOD", "CBLOF", "FB", "HBOS", "IForest", "KNN", "LOF", "MCD", "OCSVM", "PCA"]);
    assert.equal(table.roc.length, 17);
    assert.equal(publishedCell("roc", "cardio", "KNN"), 0.7236);
    assert.equal(publishedCell("prc", "vertebral", "HBOS"), 0.0071);
    assert.equal(publishedCell("time", "shuttle", "OCSVM"), 44.683);
    assert.deepEqual(
      { ...table.roc.find((r) => r.dataset === "mnist")!, values: undefined },
      { dataset: "mnist", samples: 7603, dimensions: 100, outlierPercent: 9.2069, values: undefined },
    );
  });

  it("the twelve datasets it is reproduced on are ODDS's files value for value (sha256 of X and y), and lympho is not", async () => {
    assert.deepEqual(Object.keys(PYOD_ODDS_DATASETS).sort(), Object.keys(reference.odds).filter((name) => name !== "lympho").sort());
    for (const [name, odds] of Object.entries(reference.odds)) {
      const data = await loadAdbench(name === "lympho" ? "Lymphography" : PYOD_ODDS_DATASETS[name]!, options);
      assert.deepEqual(data.X.shape, odds.shape, `${name} shape`);
      const same = sha256(data.X.data) === odds.X && sha256(data.y) === odds.y;
      assert.equal(same, name !== "lympho", `${name}: ADBench's X and y ${same ? "equal" : "differ from"} ODDS's`);
    }
  });
});

describe("pythonRound", () => {
  it("equals Python's round(x, 4), exact ties to the even digit included", () => {
    for (const [value, rounded] of reference.pythonRound) assert.ok(Object.is(pythonRound(value, 4), rounded), `round(${value}, 4): ${pythonRound(value, 4)} vs Python's ${rounded}`);
  });
});

describe("runPyodProtocol", () => {
  it("vertebral and cardio, 10 iterations: every iteration's ROC-AUC and precision@n equal PyOD's, and the means are the published cells", async () => {
    const detectors = ["HBOS", "KNN", "LOF", "OCSVM", "PCA"];
    const result = await runPyodProtocol({ ...options, datasets: ["vertebral", "cardio"], detectors });
    assert.equal(result.iterations, 10);
    for (const cell of result.cells) {
      const pyod = reference.pyodProtocol[cell.dataset]![cell.detector]!;
      assert.equal(cell.status, "ok");
      assert.deepEqual(cell.runs.map((run) => run.roc), pyod.roc, `${cell.dataset} ${cell.detector} ROC-AUC per iteration`);
      assert.deepEqual(cell.runs.map((run) => run.precisionAtN), pyod.prn, `${cell.dataset} ${cell.detector} precision@n per iteration`);
    }
    const comparisons = comparePublished(result).filter((c) => c.metric !== "time");
    assert.equal(comparisons.length, 2 * 2 * detectors.length);
    for (const c of comparisons) assert.ok(c.sameTo4Decimals, `${c.dataset} ${c.detector} ${c.metric}: ours ${c.ours}, published ${c.published}`);
  });

  it("MCD draws as scikit-learn's MinCovDet: with the split's generator straight after the split, vowels' ROC-AUC and precision@n equal PyOD's in every iteration", async () => {
    const data = await loadAdbench("vowels", options);
    const expected = reference.mcdStream["vowels"]!;
    for (let i = 0; i < 10; i++) {
      const random = new RandomState(i);
      const { train: [XTrain], test: [XTest, yTest] } = trainTestSplit([data.X, data.y], { testSize: 0.4, seed: random });
      const scaler = new StandardScaler().fit(XTrain);
      const scores = new MCDDetector({ contamination: data.outlierFraction, seed: random, correction: "median" }).fit(scaler.transform(XTrain)).score(scaler.transform(XTest));
      assert.equal(pythonRound(rocAuc(yTest, scores), 4), expected.roc[i], `iteration ${i} ROC-AUC`);
      assert.equal(pythonRound(precisionAtN(yTest, scores), 4), expected.prn[i], `iteration ${i} precision@n`);
    }
  });

  it("columns run in the table's order (ABOD before HBOS), each with its detector; unknown datasets and columns are refused naming the known ones", async () => {
    const result = await runPyodProtocol({ ...options, datasets: ["vertebral"], detectors: ["hbos", "ABOD"], iterations: 1 });
    assert.deepEqual(result.cells.map((c) => [c.detector, c.status]), [["ABOD", "ok"], ["HBOS", "ok"]]);
    await assert.rejects(runPyodProtocol({ ...options, datasets: ["glass"] }), /"glass" is not one of the datasets whose ADBench copy is ODDS's file \(cardio, letter, .*vowels\)/);
    await assert.rejects(runPyodProtocol({ ...options, detectors: ["SVM"] }), /no column "SVM" in PyOD's table; its columns: ABOD, CBLOF, FB, HBOS, IForest, KNN, LOF, MCD, OCSVM, PCA/);
    await assert.rejects(runPyodProtocol({ ...options, iterations: 0 }), /iterations must be a positive integer, got 0/);
  });
});

describe("ADBench's protocol", () => {
  for (const [key, expected] of Object.entries(reference.adbenchSplits)) {
    it(`adbenchSplit ${key}: the rows and min-max scaled values of ADBench's DataGenerator (la = 0)`, async () => {
      const [id, seed] = key.split("/") as [string, string];
      const data = await loadAdbench(id, options);
      const split = adbenchSplit(data.X, data.y, Number(seed));
      assert.deepEqual([split.trainRows.length, split.testRows.length], [expected.nTrain, expected.nTest]);
      assert.deepEqual(split.trainRows.slice(0, 40), expected.trainRows);
      assert.deepEqual(split.testRows.slice(0, 40), expected.testRows);
      assert.equal(split.trainRows.reduce((a, b) => a + b, 0), expected.trainRowSum);
      assert.equal(split.testRows.reduce((a, b) => a + b, 0), expected.testRowSum);
      assertAllClose(split.train.data.subarray(0, data.nFeatures), expected.trainFirst, 1e-15, "first training row, scaled");
      assertAllClose(split.test.data.subarray(split.test.data.length - data.nFeatures), expected.testLast, 1e-15, "last test row, scaled");
      assert.equal(split.yTest.reduce((a, b) => a + b, 0), expected.testOutliers);
    });
  }

  it("runAdbenchProtocol, seed 1: the deterministic detectors' ROC-AUC and average precision equal PyOD's with default settings (LOF on resampled Hepatitis within 0.005; average precision within 1e-4)", async () => {
    const result = await runAdbenchProtocol({ ...options, datasets: ["Hepatitis", "cardio"], detectors: ["HBOS", "KNN", "LOF", "OCSVM", "PCA"], seeds: [1] });
    assert.equal(result.cells.length, 10);
    for (const cell of result.cells) {
      const pyod = reference.adbenchProtocol[`${cell.dataset}/1`]![cell.detector]!;
      // ADBench resamples Hepatitis's 80 rows to 1,000: LOF's neighbours are then full of ties, which LOFDetector
      // breaks by lower row index and scikit-learn's brute-force search by its own order (see LOFDetector).
      const tolerance = cell.dataset === "15_Hepatitis" && cell.detector === "LOF" ? 0.005 : 1e-12;
      assertNear(cell.roc, pyod.roc, tolerance, `${cell.dataset} ${cell.detector} ROC-AUC`);
      // Scores agree to ~1e-15 relative, but where two of PyOD's scores tie exactly and ours differ in the last bit
      // (or the reverse), average precision moves (cardio LOF: by 4e-5); ROC-AUC counts such pairs the same.
      assertNear(cell.averagePrecision, pyod.averagePrecision, Math.max(tolerance, 1e-4), `${cell.dataset} ${cell.detector} average precision`);
      assert.deepEqual(cell.errors, []);
    }
    assert.deepEqual(result.ranks.map((r) => r.datasets), [2, 2, 2, 2, 2]);
  });
});

describe("runAdbenchProtocol's time budget", () => {
  it("cardio, seeds 1 and 2: within a budget of 60 s HBOS's runs in the worker have the in-process ROC-AUC; SOD (~1 s) over a budget of 0.05 s is 'timed out' on seed 1 and not run on seed 2", async () => {
    const inProcess = await runAdbenchProtocol({ ...options, datasets: ["cardio"], detectors: ["HBOS"], seeds: [1, 2] });
    const inWorker = await runAdbenchProtocol({ ...options, datasets: ["cardio"], detectors: ["HBOS"], seeds: [1, 2], timeBudgetSeconds: 60 });
    assert.deepEqual(inWorker.runs.map((run) => run.error), [undefined, undefined]);
    inWorker.runs.forEach((run, k) => assert.ok(Object.is(run.roc, inProcess.runs[k]!.roc), `HBOS seed ${run.seed}: ${run.roc} vs ${inProcess.runs[k]!.roc}`));
    inWorker.runs.forEach((run, k) => assert.ok(Object.is(run.averagePrecision, inProcess.runs[k]!.averagePrecision), `HBOS seed ${run.seed} average precision`));
    const result = await runAdbenchProtocol({ ...options, datasets: ["cardio"], detectors: ["HBOS", "SOD"], seeds: [1, 2], timeBudgetSeconds: 0.05 });
    const sod = result.runs.filter((run) => run.detector === "SOD");
    assert.deepEqual(sod.map((run) => [run.seed, run.timedOut, Number.isNaN(run.roc), run.error]), [
      [1, true, true, "timed out: over the budget of 0.05 s per run"],
      [2, true, true, "not run: timed out on seed 1"],
    ]);
    const cell = result.cells.find((c) => c.detector === "SOD")!;
    assert.ok(Number.isNaN(cell.roc));
    assert.deepEqual(cell.errors, ["seed 1: timed out: over the budget of 0.05 s per run", "seed 2: not run: timed out on seed 1"]);
    assert.deepEqual(result.ranks.find((r) => r.detector === "SOD"), { detector: "SOD", averageRank: NaN, datasets: 0, wins: [] });
    await assert.rejects(runAdbenchProtocol({ ...options, datasets: ["cardio"], detectors: ["HBOS"], timeBudgetSeconds: 0 }), /timeBudgetSeconds must be a positive number of seconds, got 0/);
  });
});

describe("mergeAdbenchResults", () => {
  it("a sweep run in parts (detectors, seeds, datasets apart; one part read back from JSON) merges to the cells and ranks of one run of all", async () => {
    const run = (datasets: string[], detectors: string[], seeds: number[]) => runAdbenchProtocol({ ...options, datasets, detectors, seeds });
    const whole = await run(["Hepatitis", "wine"], ["HBOS", "ECOD", "KNN"], [1, 2]);
    const failedPart = await run(["wine"], ["KNN"], [2]);
    const parts = [
      await run(["Hepatitis", "wine"], ["HBOS", "ECOD"], [1, 2]),
      await run(["wine", "Hepatitis"], ["KNN"], [1]),
      { ...failedPart, runs: failedPart.runs.map((r) => ({ ...r, roc: NaN, error: "failed" })) }, // replaced by the next
      JSON.parse(JSON.stringify(await run(["wine"], ["KNN"], [2]))), // as saveBenchmark writes it
      await run(["Hepatitis"], ["KNN"], [2]),
    ];
    const merged = mergeAdbenchResults(parts);
    assert.deepEqual(merged.seeds, [1, 2]);
    assert.deepEqual(merged.detectors, ["HBOS", "KNN", "ECOD"]); // the lineup's order
    assert.deepEqual(merged.datasets.map((d) => d.id), ["15_Hepatitis", "45_wine"]);
    const key = (c: { dataset: string; detector: string }) => `${c.dataset} ${c.detector}`;
    const expected = new Map(whole.cells.map((c) => [key(c), c]));
    assert.equal(merged.cells.length, whole.cells.length);
    for (const cell of merged.cells) {
      const one = expected.get(key(cell))!;
      assert.ok(Object.is(cell.roc, one.roc) && Object.is(cell.averagePrecision, one.averagePrecision), `${key(cell)}: ${cell.roc} vs ${one.roc}`);
      assert.deepEqual(cell.errors, []);
    }
    assert.deepEqual(merged.ranks, whole.ranks);
  });
});

describe("average ranks", () => {
  it("equal scipy's rankdata(method='average') per dataset, averaged; missing scores are left out; ties share first place", () => {
    const scores = Object.fromEntries(Object.entries(reference.ranks.scores).map(([d, row]) => [d, Object.fromEntries(Object.entries(row).map(([n, v]) => [n, v ?? NaN]))]));
    const ranks = averageRanks(scores);
    for (const [detector, expected] of Object.entries(reference.ranks.averageRank)) {
      assertNear(ranks.find((r) => r.detector === detector)!.averageRank, expected, 1e-12, detector);
    }
    assert.deepEqual(ranks.map((r) => r.averageRank), [...ranks.map((r) => r.averageRank)].sort((a, b) => a - b), "best first");
    assert.deepEqual(ranks.find((r) => r.detector === "LOF")!.datasets, 3);
    assert.deepEqual(ranks.find((r) => r.detector === "KNN")!.wins, ["a", "d"]);
    assert.deepEqual(ranks.find((r) => r.detector === "HBOS")!.wins, ["b", "c", "d"]);
    assert.deepEqual(rankData([0.3, 0.1, 0.3]), [2.5, 1, 2.5]);
  });
});

describe("the lineup", () => {
  it("names each detector once; PyOD's columns map to their entries; unknown names list the known ones", () => {
    const names = BENCHMARK_LINEUP.map((e) => e.name);
    assert.equal(new Set(names).size, names.length);
    for (const column of pyodPublishedTable().detectors) {
      const entry = pyodColumnEntry(column);
      if (entry !== undefined) assert.equal(entry.pyodColumn, column);
    }
    assert.equal(lineupEntry("knn").name, "KNN");
    assert.equal(lineupEntry("FB").name, "FeatureBagging");
    assert.throws(() => lineupEntry("SVM"), /No detector "SVM" in the benchmark lineup; known: .*HBOS, IForest, KNN/);
  });

  it("has a detector for every column of PyOD's published table (ABOD, CBLOF, FB, HBOS, IForest, KNN, LOF, MCD, OCSVM, PCA)", () => {
    const missing = pyodPublishedTable().detectors.filter((column) => pyodColumnEntry(column) === undefined);
    assert.deepEqual(missing, [], `PyOD columns without a lineup entry: ${missing.join(", ")}`);
  });

  it("has every detector of ADBench's unsupervised lineup but DAGMM, and PyOD's INNE, KDE and GMM", () => {
    const names = new Set(BENCHMARK_LINEUP.map((e) => e.name));
    const missing = [...ADBENCH_UNSUPERVISED.filter((name) => name !== "DAGMM"), "INNE", "KDE", "GMM"].filter((name) => !names.has(name));
    assert.deepEqual(missing, [], `missing from the lineup: ${missing.join(", ")}`);
  });

  it("builds CBLOF as each protocol does: 10 clusters in PyOD's table (benchmark.py), PyOD's default 8 in ADBench", () => {
    const make = (protocol: "pyod" | "adbench") => lineupEntry("CBLOF").make({ protocol, contamination: 0.1, random: new RandomState(0), seed: 0 });
    const [pyod, adbench] = [make("pyod"), make("adbench")];
    assert.ok(pyod instanceof CBLOFDetector && adbench instanceof CBLOFDetector);
    assert.equal(pyod.nClusters, 10);
    assert.equal(adbench.nClusters, 8);
  });

  it("builds DeepSVDD as ADBench builds PyOD 3.6.7's DeepSVDD(): its epochs, batch, Adam rate, decay, layers, relu output, standardising", () => {
    // test/reference/benchmark_deep_svdd.py reads these from PyOD itself (constructor defaults, the network it builds).
    const pyod = readFixture("benchmark_deep_svdd.json");
    const detector = lineupEntry("DeepSVDD").make({ protocol: "adbench", contamination: 0.1, random: new RandomState(1), seed: 1 });
    assert.ok(detector instanceof DeepSVDDDetector);
    const params = detector.getParams();
    assert.equal(pyod.optimizer, "Adam"); // the only optimizer the training loop has
    assert.equal(pyod.biases, false); // DeepSVDDDetector has none either
    assert.deepEqual(
      { epochs: params.epochs, batchSize: params.batchSize, learningRate: params.learningRate, weightDecay: params.weightDecay, dropoutRate: params.dropoutRate },
      { epochs: pyod.epochs, batchSize: pyod.batchSize, learningRate: pyod.learningRate, weightDecay: pyod.weightDecay, dropoutRate: pyod.dropoutRate },
    );
    assert.deepEqual(detector.hiddenUnits, pyod.hiddenUnits);
    assert.equal(detector.activation, pyod.hiddenActivation);
    assert.equal(detector.outputActivation, pyod.outputActivation.toLowerCase());
    assert.equal(detector.preprocessing, pyod.standardises ? "standard" : "none");
    assert.deepEqual(params.threshold, { contamination: pyod.contamination });
    // PyOD keeps the weights of the epoch with the lowest summed training loss and never stops early.
    assert.deepEqual(params.earlyStopping, { monitor: "loss", patience: pyod.epochs, minDelta: 0, restoreBestWeights: true });
  });
});
