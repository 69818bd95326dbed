// STL and seasonal-hybrid ESD against test/fixtures/timeseries.json (statsmodels' STL with R's
// stl() settings + numpy/scipy generalized ESD, test/reference/timeseries.py), on real NAB series;
// and against the published R AnomalyDetectionVec output in NAB (results/twitterADVec).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe as suite, mock, test } from "node:test";
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
      assert.deepEqual(result.warnings, []);
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

/** A weekly pattern (period 7) with small deterministic noise and one spike of +40 at `spike`. */
function weeklyWithSpike(n: number, spike: number): number[] {
  let seed = 7;
  const noise = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
  return Array.from({ length: n }, (_, i) => [10, 12, 15, 14, 11, 4, 3][i % 7]! + noise() + (i === spike ? 40 : 0));
}

suite("seasonal-hybrid ESD: AnomalyDetectionVec's rules at the edges", () => {
  test("maxAnoms below 1/n is raised to one anomaly at every length, also where n · (1/n) < 1 in floating point (49, 98, ..., 19,995)", () => {
    // R: `if (max_anoms < 1/num_obs) max_anoms <- 1/num_obs`, then trunc(num_obs * max_anoms): one anomaly is the intent.
    for (const n of [48, 49, 98, 103, 107, 161, 19995]) {
      assert.equal(Math.floor(n * (1 / n)), n === 48 ? 1 : 0, `n = ${n} is one of the lengths floating point rounds down`);
      const spike = n - 5;
      for (const maxAnoms of [0.0001, 1 / n]) {
        const result = seasonalHybridEsd(weeklyWithSpike(n, spike), { period: 7, maxAnoms });
        assert.equal(result.pieces[0]!.esd.steps.length, 1, `n = ${n}, maxAnoms ${maxAnoms}: ESD tests one candidate`);
        assert.deepEqual(result.anomalies, [spike], `n = ${n}, maxAnoms ${maxAnoms}`);
      }
    }
    // A piece shorter than the series gets floor(piece / n) = 0 of the raised share, and R stops there too.
    assert.throws(() => seasonalHybridEsd(weeklyWithSpike(140, 100), { period: 7, maxAnoms: 0.001, piecewise: 70 }), /allows no anomaly in 70 points/);
  });

  test("without options, or without a period, it says period is required (R: 'Period must be set')", () => {
    const x = weeklyWithSpike(70, 60);
    const call = seasonalHybridEsd as (values: number[], options?: unknown) => unknown;
    assert.throws(() => call(x), /seasonalHybridEsd: options\.period is required: the number of points in one season/);
    assert.throws(() => call(x, {}), /seasonalHybridEsd: options\.period is required/);
    assert.throws(() => call(x, { period: 7.5 }), /period must be an integer >= 2, got 7\.5/);
  });

  test("a zero MAD stops ESD as R's detect_anoms does, with a warning naming the untested points (result.warnings and console.warn)", () => {
    // Alternating 0/1 (period 2) with two equal spikes: after the first is removed, more than half the residuals are
    // one value, so the MAD is 0 and ESD stops (R: `if (data_sigma == 0) break`) without testing the second.
    const x = Array.from({ length: 140 }, (_, i) => (i === 30 || i === 100 ? 50 : i % 2));
    const warn = mock.method(console, "warn", () => undefined);
    try {
      const result = seasonalHybridEsd(x, { period: 2, maxAnoms: 0.05 });
      assert.deepEqual(result.anomalies, [30]);
      assert.equal(result.pieces[0]!.esd.steps.length, 1, "ESD stopped after its first step");
      assert.equal(result.warnings.length, 1);
      assert.match(result.warnings[0]!, /^seasonalHybridEsd: the MAD of the residual \(points 0-139\) is 0 at ESD step 2 of 7: /);
      assert.match(result.warnings[0]!, /the 139 remaining points are one value, .* did not test them; the farthest, point 100, is 50\.00 from the center/);
      assert.deepEqual(warn.mock.calls.map((c) => c.arguments), [[`Warning: ${result.warnings[0]}`]]);
      // A constant series has nothing left to test: no warning.
      assert.deepEqual(seasonalHybridEsd(new Array(70).fill(3), { period: 7 }).warnings, []);
      assert.equal(warn.mock.callCount(), 1);
    } finally {
      warn.mock.restore();
    }
  });
});

suite("generalized ESD", () => {
  test("a zero MAD stops it before testing 9 (R's detect_anoms breaks there too); result.zeroScale and a printed warning say so", () => {
    const warn = mock.method(console, "warn", () => undefined);
    try {
      const r = generalizedEsd([1, 1, 1, 1, 1, 1, 1, 5, 9], { maxAnoms: 2 });
      assert.deepEqual(r.anomalies, []);
      assert.deepEqual(r.steps, []);
      assert.deepEqual(r.zeroScale, { step: 1, remaining: 9, farthest: { index: 8, distance: 8 } });
      assert.equal(warn.mock.callCount(), 1);
      assert.match(String(warn.mock.calls[0]!.arguments[0]), /^Warning: generalizedEsd: the MAD of the values is 0 at ESD step 1 of 2: .* the farthest, point 8, is 8\.000 from the center/);
      // Rosner's mean and standard deviation are not 0 here (mean 7/3, sd √8: R1 = (9 − 7/3)/√8 = 2.357), so ESD runs.
      const rosner = generalizedEsd([1, 1, 1, 1, 1, 1, 1, 5, 9], { maxAnoms: 2, center: "mean" });
      assert.equal(rosner.zeroScale, undefined);
      assert.ok(Math.abs(rosner.steps[0]!.statistic - (9 - 7 / 3) / Math.sqrt(8)) < 1e-12);
      assert.deepEqual(rosner.anomalies, [8, 7]);
      assert.equal(warn.mock.callCount(), 1);
    } finally {
      warn.mock.restore();
    }
  });

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
