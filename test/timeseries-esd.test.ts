// STL and seasonal-hybrid ESD against test/fixtures/timeseries.json (statsmodels' STL with R's
// stl() settings + numpy/scipy generalized ESD, test/reference/timeseries.py), on real NAB series;
// and against the published R AnomalyDetectionVec output in NAB (results/twitterADVec).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe as suite, test } from "node:test";
import { FetchOptions } from "../src/data/fetch";
import { loadNabCorpusSeries, loadNabPublishedScores } from "../src/data/nab-corpus";
import { generalizedEsd, seasonalHybridEsd } from "../src/timeseries/esd";
import { stl } from "../src/timeseries/stl";
import { readFixture } from "./helpers/fixtures";
import { MIRROR_ROOT } from "./helpers/mirror";

const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-cache-"));
after(() => fs.rmSync(emptyCache, { recursive: true, force: true }));
const options: FetchOptions = { mirror: MIRROR_ROOT, dataHome: emptyCache, allowUpstream: false, progress: false };
const reference = readFixture("timeseries.json");

function assertAllClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]!));
    if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance * scale)) assert.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

const strided = (x: Float64Array, stride: number): number[] => Array.from(x).filter((_, i) => i % stride === 0);

suite("STL against statsmodels", () => {
  test("R's stl(periodic, robust) on nyc_taxi, period 48", async () => {
    const ref = reference.stl_periodic_robust;
    const series = await loadNabCorpusSeries(ref.key, options);
    const fit = stl(series.values, ref.period, { seasonal: "periodic", robust: true });
    assertAllClose(fit.seasonal.subarray(0, ref.period), ref.seasonalProfile, 1e-8, "seasonal");
    assertAllClose(strided(fit.trend, ref.stride), ref.trend, 1e-8, "trend");
    assertAllClose(strided(fit.remainder, ref.stride), ref.remainder, 1e-7, "remainder");
  });

  test("general path: seasonal window 7, degree 1, jumps 1, not robust", async () => {
    const ref = reference.stl_general;
    const series = await loadNabCorpusSeries(ref.key, options);
    const fit = stl(series.values, ref.period, {
      seasonal: ref.seasonal, seasonalDegree: ref.seasonalDegree, seasonalJump: 1, trendJump: 1, lowPassJump: 1, inner: ref.inner, outer: ref.outer,
    });
    assertAllClose(strided(fit.seasonal, ref.stride), ref.seasonal_, 1e-8, "seasonal");
    assertAllClose(strided(fit.trend, ref.stride), ref.trend, 1e-8, "trend");
  });

  test("bad input", () => {
    assert.throws(() => stl([1, 2, 3, 4, 5], 3), /shorter than two periods \(6\)/);
    assert.throws(() => stl([1, 2, NaN, 4, 5, 6], 3), /value 2 is NaN/);
    assert.throws(() => stl([1, 2, 3, 4, 5, 6], 2.5), /period must be an integer/);
  });
});

suite("seasonal-hybrid ESD against numpy/scipy on real series", () => {
  for (const ref of reference.shesd as { key: string; period: number; maxAnoms: number; alpha: number; direction: "pos" | "neg" | "both"; anomalies: number[]; steps: { index: number; statistic: number; critical: number }[] }[]) {
    test(`${ref.key} period ${ref.period}, maxAnoms ${ref.maxAnoms}, alpha ${ref.alpha}, ${ref.direction}`, async () => {
      const series = await loadNabCorpusSeries(ref.key, options);
      const result = seasonalHybridEsd(series.values, { period: ref.period, maxAnoms: ref.maxAnoms, alpha: ref.alpha, direction: ref.direction });
      assert.deepEqual(result.anomalies, ref.anomalies);
      const steps = result.pieces[0]!.esd.steps;
      assert.deepEqual(steps.map((s) => s.index), ref.steps.map((s) => s.index));
      assertAllClose(steps.map((s) => s.statistic), ref.steps.map((s) => s.statistic), 1e-7, "statistic");
      assertAllClose(steps.map((s) => s.critical), ref.steps.map((s) => s.critical), 1e-9, "critical");
    });
  }
});

suite("seasonal-hybrid ESD against the published R AnomalyDetectionVec output (NAB twitterADVec)", () => {
  // NAB ran AnomalyDetectionVec(x, alpha = 0.05, period = 150, max_anoms = 0.002, direction = "both").
  for (const key of ["realKnownCause/nyc_taxi.csv", "realTweets/Twitter_volume_GOOG.csv", "realAWSCloudwatch/rds_cpu_utilization_e47b3b.csv"]) {
    test(key, async () => {
      const series = await loadNabCorpusSeries(key, options);
      const published = await loadNabPublishedScores("twitterADVec", key, options);
      const theirs = Array.from(published.scores).flatMap((s, i) => (s > 0 ? [i] : []));
      const ours = seasonalHybridEsd(series.values, { period: 150, maxAnoms: 0.002, alpha: 0.05, direction: "both" }).anomalies;
      assert.deepEqual(ours, theirs);
    });
  }
});

suite("generalized ESD", () => {
  test("Rosner's example (NIST handbook): 3 outliers among 54 values", () => {
    // NIST/SEMATECH e-Handbook 1.3.5.17.3: the 54 Rosner (1983) values; mean/sd ESD with k = 10 finds 3.
    const x = [-0.25, 0.68, 0.94, 1.15, 1.2, 1.26, 1.26, 1.34, 1.38, 1.43, 1.49, 1.49, 1.55, 1.56, 1.58, 1.65, 1.69, 1.7, 1.76, 1.77, 1.81, 1.91, 1.94, 1.96, 1.99, 2.06, 2.09, 2.1, 2.14, 2.15, 2.23, 2.24, 2.26, 2.35, 2.37, 2.4, 2.47, 2.54, 2.62, 2.64, 2.9, 2.92, 2.92, 2.93, 3.21, 3.26, 3.3, 3.59, 3.68, 4.3, 4.64, 5.34, 5.42, 6.01];
    const r = generalizedEsd(x, { maxAnoms: 10, center: "mean" });
    assert.deepEqual(r.anomalies, [53, 52, 51]);
    // The handbook's table: R1 = 3.118, λ1 = 3.158; R3 = 3.179, λ3 = 3.143 (the handbook truncates to three decimals).
    assert.ok(Math.abs(r.steps[0]!.statistic - 3.118) < 1.5e-3 && Math.abs(r.steps[0]!.critical - 3.158) < 1.5e-3);
    assert.ok(Math.abs(r.steps[2]!.statistic - 3.179) < 1.5e-3 && Math.abs(r.steps[2]!.critical - 3.143) < 1.5e-3);
  });

  test("bad input", () => {
    assert.throws(() => generalizedEsd([1, 2, 3], { maxAnoms: 2 }), /must leave at least 2 points/);
    assert.throws(() => generalizedEsd([1, 2, 3, 4], { maxAnoms: 1, alpha: 2 }), /alpha must be in \(0, 1\)/);
    assert.throws(() => generalizedEsd([1, Infinity, 3, 4], { maxAnoms: 1 }), /value 1 is Infinity/);
    assert.throws(() => seasonalHybridEsd([1, 2, 3], { period: 2 }), /fewer than two periods/);
    assert.throws(() => seasonalHybridEsd(new Array(100).fill(1), { period: 10, maxAnoms: 0.6 }), /maxAnoms must be in \(0, 0.49\]/);
  });
});
