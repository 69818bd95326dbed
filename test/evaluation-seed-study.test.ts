// evaluateOverSeeds / SeedStudy / seedSpreadChart: runs per detector and seed, mean ± sample std (numpy
// std(ddof=1) of the runs' values), seed-by-seed comparisons, and clear errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IForestDetector, ECODDetector } from "../src/detectors";
import { evaluateOverSeeds } from "../src/evaluation/seed-study";
import { rocAuc } from "../src/evaluation/ranking";
import { averagePrecision } from "../src/evaluation/pr-curve";
import { seedSpreadChart } from "../src/plots/seed-spread";
import { RandomState } from "../src/random/random-state";
import { assertNear } from "./helpers/assertions";

function data(outlierShift = 2.5) {
  const r = new RandomState(0);
  const rows = (n: number, shift: number) => Array.from({ length: n }, () => Array.from(r.standardNormal(3) as Float64Array, (v) => v + shift));
  const train = rows(200, 0);
  const test = [...rows(60, 0), ...rows(8, outlierShift)];
  const yTest = [...Array(60).fill(0), ...Array(8).fill(1)];
  return { train, test, yTest };
}

describe("evaluateOverSeeds", () => {
  it("fits once per detector and seed; summaries are mean ± std (ddof 1) of the runs", async () => {
    const d = data();
    const seen: string[] = [];
    const study = await evaluateOverSeeds(
      { IForest: (seed) => new IForestDetector({ seed, nEstimators: 20 }), ECOD: () => new ECODDetector() },
      d,
      [3, 4, 5],
      { onRun: (run) => seen.push(`${run.detector}/${run.seed}`) },
    );
    assert.deepEqual(seen, ["IForest/3", "IForest/4", "IForest/5", "ECOD/3", "ECOD/4", "ECOD/5"]);
    const forest = study.runs.filter((run) => run.detector === "IForest");
    const direct = new IForestDetector({ seed: 4, nEstimators: 20 }).fit(d.train).score(d.test);
    assert.equal(forest[1].rocAuc, rocAuc(d.yTest, direct), "each run is an ordinary fit + score");
    assert.equal(forest[1].averagePrecision, averagePrecision(d.yTest, direct));
    const values = forest.map((run) => run.rocAuc);
    const mean = values.reduce((a, b) => a + b, 0) / 3;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 2);
    const summary = study.summary.find((s) => s.detector === "IForest")!;
    assertNear(summary.rocAucMean, mean, 1e-15, "mean");
    assertNear(summary.rocAucStd, std, 1e-15, "std, ddof 1");
    const ecod = study.runs.filter((run) => run.detector === "ECOD");
    assert.ok(ecod.every((run) => run.rocAuc === ecod[0].rocAuc), "a deterministic detector scores every seed alike");
    // ... so no spread beyond rounding: the mean of three equal values need not be that value (numpy: 1.4e-16 here).
    assert.ok(study.summary.find((s) => s.detector === "ECOD")!.rocAucStd < 1e-15, "no spread");
    const paired = study.paired("IForest", "ECOD");
    assert.deepEqual(paired.differences, forest.map((run, k) => run.rocAuc - ecod[k].rocAuc));
    assert.equal(paired.aWins, paired.differences.filter((v) => v > 0).length);
    assert.ok(study.table(), "a displayable table");
    const chart = await seedSpreadChart(study, { metric: "averagePrecision" });
    assert.match(chart.svg, /<svg/);
  });

  it("a detector given as an instance is cloned with each seed (clone({ seed })): the same runs as building it per seed; the instance stays unfitted", async () => {
    const d = data(0.8); // outliers close enough that a forest's seed shows in its scores
    const prototype = new IForestDetector({ nEstimators: 20, maxSamples: 64 });
    const cloned = await evaluateOverSeeds({ IForest: prototype, ECOD: new ECODDetector() }, d, [3, 4]);
    const built = await evaluateOverSeeds(
      { IForest: (seed) => new IForestDetector({ seed, nEstimators: 20, maxSamples: 64 }), ECOD: () => new ECODDetector() },
      d,
      [3, 4],
    );
    const metrics = (runs: readonly { detector: string; seed: number; rocAuc: number; averagePrecision: number }[]) =>
      runs.map(({ detector, seed, rocAuc, averagePrecision }) => ({ detector, seed, rocAuc, averagePrecision }));
    assert.deepEqual(metrics(cloned.runs), metrics(built.runs));
    assert.notEqual(cloned.runs[0].rocAuc, cloned.runs[1].rocAuc, "the two seeds grow different forests");
    assert.equal(prototype.isFitted, false);
    assert.equal(prototype.getParams().seed, undefined, "the instance keeps its own options");
  });

  it("says what is wrong", async () => {
    await assert.rejects(evaluateOverSeeds({}, data(), [0]), /at least one detector/);
    await assert.rejects(evaluateOverSeeds({ ECOD: () => new ECODDetector() }, data(), []), /at least one seed/);
    const study = await evaluateOverSeeds({ ECOD: () => new ECODDetector() }, data(), [0]);
    assert.throws(() => study.paired("ECOD", "KNN"), /no runs of "KNN" \(detectors: ECOD\)/);
  });
});
