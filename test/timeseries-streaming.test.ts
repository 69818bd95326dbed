// Streaming equals batch for every time-series detector; the baselines against independent
// references: NAB's published windowedGaussian output, pandas rolling windows, statsmodels acf.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe as suite, mock, test } from "node:test";
import { FetchOptions } from "../src/data/fetch";
import { loadNabCorpusSeries, loadNabPublishedScores, NabCorpusSeries } from "../src/data/nab-corpus";
import { ContextualGaussianDetector, RollingZScoreDetector, WindowedGaussianDetector } from "../src/timeseries/baselines";
import { decompose, estimatePeriod, movingAverage, movingMedian } from "../src/timeseries/decompose";
import { CausalDetector, SuppressedDetector } from "../src/timeseries/detector";
import { checkTimestamps, hourOfWeek } from "../src/timeseries/series";
import { SeasonalHybridEsdDetector } from "../src/timeseries/shesd-detector";
import { readFixture } from "./helpers/fixtures";
import { MIRROR_ROOT } from "./helpers/mirror";

const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-cache-"));
after(() => fs.rmSync(emptyCache, { recursive: true, force: true }));
const options: FetchOptions = { mirror: MIRROR_ROOT, dataHome: emptyCache, allowUpstream: false, progress: false };
const reference = readFixture("timeseries.json");
let taxi: NabCorpusSeries;
before(async () => {
  taxi = await loadNabCorpusSeries("realKnownCause/nyc_taxi.csv", options);
});

function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance)) assert.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

suite("NAB's windowed Gaussian", () => {
  // Published per-row scores (results/windowedGaussian), written with 12 significant digits.
  for (const key of ["realKnownCause/nyc_taxi.csv", "artificialWithAnomaly/art_daily_flatmiddle.csv", "realTweets/Twitter_volume_FB.csv"]) {
    test(`reproduces the published output of ${key}`, async () => {
      const series = await loadNabCorpusSeries(key, options);
      const published = await loadNabPublishedScores("windowedGaussian", key, options);
      assertAllClose(new WindowedGaussianDetector().detectEntire(series.values), published.scores, 1e-11, key);
    });
  }
});

suite("rolling rules against pandas", () => {
  test("z-score and MAD over the previous 48 points of nyc_taxi", () => {
    const ref = reference.rolling;
    const x = taxi.values.subarray(0, ref.n);
    assertAllClose(new RollingZScoreDetector({ windowSize: ref.window, minPoints: ref.minPoints }).detectEntire(x), ref.zscore, 1e-12, "z-score");
    assertAllClose(new RollingZScoreDetector({ windowSize: ref.window, minPoints: ref.minPoints, robust: true }).detectEntire(x), ref.mad, 1e-12, "MAD");
  });
});

suite("streaming equals batch", () => {
  const detectors = (): CausalDetector[] => [
    new WindowedGaussianDetector({ windowSize: 400, stepSize: 25 }),
    new RollingZScoreDetector({ windowSize: 96 }),
    new RollingZScoreDetector({ windowSize: 96, robust: true }),
    new ContextualGaussianDetector({ perContext: 8 }),
  ];
  for (const make of [0, 1, 2, 3]) {
    test(`${detectors()[make]!.name}: a stream fed point by point = detectEntire(); detectLast(the series up to i) = detectEntire()[i]`, () => {
      const n = 2000;
      const x = taxi.values.subarray(0, n);
      const t = taxi.timestamps.subarray(0, n);
      const detector = detectors()[make]!;
      const batch = detector.detectEntire(x, t);
      const stream = detector.open();
      const streamed = Float64Array.from(x, (v, i) => stream.update(t[i]!, v));
      assert.deepEqual(streamed, batch);
      for (const i of [10, 500, 1234, n - 1]) {
        assert.equal(detector.detectLast(x.subarray(0, i + 1), t.subarray(0, i + 1)), batch[i]);
      }
    });
  }

  test("debounced detector: a stream = detectEntire(); a burst of alarms becomes one", () => {
    const x = taxi.values.subarray(0, 2000);
    const d = new SuppressedDetector(new RollingZScoreDetector({ windowSize: 96 }), 48);
    const batch = d.detectEntire(x);
    const stream = d.open();
    assert.deepEqual(Float64Array.from(x, (v, i) => stream.update(i, v)), batch);
    const raw = new RollingZScoreDetector({ windowSize: 96 }).detectEntire(x);
    for (let i = 0; i < x.length; i++) {
      const before = raw.subarray(Math.max(0, i - 48), i);
      assert.equal(batch[i], before.every((s) => raw[i]! > s) ? raw[i] : 0);
    }
    const spike = [...Array(100).fill(0).map((_, i) => i % 2), 50, 50, 50, 0, 1];
    const alarms = new SuppressedDetector(new RollingZScoreDetector({ windowSize: 50 }), 10).detectEntire(spike);
    assert.equal(Array.from(alarms.subarray(100, 103)).filter((s) => s > 0.5).length, 1);
  });

  test("rolling rules: the last-point answer from a bounded window equals the whole-series batch", () => {
    const x = taxi.values.subarray(0, 2000);
    for (const robust of [false, true]) {
      const d = new RollingZScoreDetector({ windowSize: 96, robust });
      const batch = d.detectEntire(x);
      // The window is the previous 96 points plus the point judged.
      for (const i of [100, 777, 1999]) assert.equal(d.detectLast(x.subarray(i - 96, i + 1)), batch[i]);
    }
  });

  test("S-H-ESD: a stream's score = detectLast(the series so far) = batch on the last windowSize points; memory bounded", () => {
    const d = new SeasonalHybridEsdDetector({ period: 48, maxAnoms: 0.02, windowSize: 7 * 48 });
    const x = taxi.values.subarray(0, 1200);
    const stream = d.open();
    let flagged = 0;
    for (let i = 0; i < x.length; i++) {
      const s = stream.update(i, x[i]!);
      if (i >= 96 && i % 97 === 0) {
        const window = x.subarray(Math.max(0, i + 1 - d.windowSize), i + 1);
        const batch = d.detectEntire(window);
        assert.equal(s, batch[batch.length - 1]);
        assert.equal(s, d.detectLast(x.subarray(0, i + 1)));
      }
      flagged += s;
    }
    assert.ok(flagged > 0, "some arriving points are flagged");
  });
});

suite("detectors at the edges", () => {
  test("S-H-ESD fed point by point with maxAnoms 0.01 does not die at its 49th or 98th point (raised to 1/n: one anomaly)", () => {
    const d = new SeasonalHybridEsdDetector({ period: 7, maxAnoms: 0.01, windowSize: 98 });
    const x = Array.from({ length: 130 }, (_, i) => [10, 12, 15, 14, 11, 4, 3][i % 7]! + ((i * 37) % 11) / 20);
    x[48] = 60; // arrives as point 49: S-H-ESD on 49 points, where 49 · (1/49) < 1 in floating point
    x[97] = 90; // point 98, the next such length; the larger spike is the one candidate
    const stream = d.open();
    const scores = x.map((v, i) => stream.update(i, v));
    assert.equal(scores[48], 1);
    assert.equal(scores[97], 1);
    assert.equal(scores.filter((s) => s > 0).length, 2);
  });

  test("S-H-ESD detector: a missing period is named; a zero MAD is warned about once per stream (a new stream warns again)", () => {
    const make = SeasonalHybridEsdDetector as unknown as new (options?: object) => SeasonalHybridEsdDetector;
    assert.throws(() => new make(), /SeasonalHybridEsdDetector: options\.period is required/);
    assert.throws(() => new make({ windowSize: 100 }), /SeasonalHybridEsdDetector: options\.period is required/);
    assert.throws(() => new make({ period: 1 }), /SeasonalHybridEsdDetector: period must be an integer >= 2, got 1/);
    // Alternating 0/1 with spikes: each window's residual is mostly one value, so its MAD is 0.
    const x = Array.from({ length: 60 }, (_, i) => (i === 20 || i === 40 || i === 50 ? 50 : i % 2));
    const warn = mock.method(console, "warn", () => undefined);
    try {
      const d = new SeasonalHybridEsdDetector({ period: 2, maxAnoms: 0.1, windowSize: 30 });
      const first = d.open();
      x.forEach((v, i) => first.update(i, v));
      assert.equal(warn.mock.callCount(), 1);
      assert.match(String(warn.mock.calls[0]!.arguments[0]), /^Warning: S-H-ESD: the MAD of the residual \(points 0-\d+\) is 0 at ESD step/);
      const second = d.open();
      x.forEach((v, i) => second.update(i, v));
      assert.equal(warn.mock.callCount(), 2);
    } finally {
      warn.mock.restore();
    }
  });

  test("detectLast of no points is an error for the debounced detector too (it returned undefined)", () => {
    const d = new SuppressedDetector(new RollingZScoreDetector({ windowSize: 10 }), 3);
    assert.throws(() => d.detectLast([]), /rolling z-score, debounced \(3\): detectLast needs at least one point/);
    assert.throws(() => new RollingZScoreDetector().detectLast([]), /rolling z-score: detectLast needs at least one point/);
  });

  test("options that would score silently wrong are refused, naming the option and the value", () => {
    const refused: [() => unknown, RegExp][] = [
      [() => new WindowedGaussianDetector({ windowSize: NaN }), /WindowedGaussianDetector: windowSize must be an integer >= 1, got NaN/],
      [() => new WindowedGaussianDetector({ windowSize: 1.5 }), /WindowedGaussianDetector: windowSize must be an integer >= 1, got 1\.5/],
      [() => new WindowedGaussianDetector({ threshold: NaN }), /WindowedGaussianDetector: threshold must be a number in \[0, 1\] \(scores are\), got NaN/],
      [() => new WindowedGaussianDetector({ threshold: { fixed: 2 } }), /WindowedGaussianDetector: threshold must be a number in \[0, 1\] \(scores are\), got 2/],
      [() => new WindowedGaussianDetector({ stepSize: NaN }), /WindowedGaussianDetector: stepSize must be an integer in 1 \.\. windowSize/],
      [() => new RollingZScoreDetector({ minPoints: NaN }), /RollingZScoreDetector: minPoints must be an integer in 2 \.\. windowSize \(288\), got NaN/],
      [() => new RollingZScoreDetector({ windowSize: 20, minPoints: 30 }), /RollingZScoreDetector: minPoints must be an integer in 2 \.\. windowSize \(20\), got 30/],
      [() => new RollingZScoreDetector({ zThreshold: NaN }), /RollingZScoreDetector: zThreshold must be a finite number/],
      [() => new RollingZScoreDetector({ zThreshold: 0 }), /RollingZScoreDetector: zThreshold must be greater than 0, got 0/],
      [() => new ContextualGaussianDetector({ perContext: NaN }), /ContextualGaussianDetector: perContext must be an integer >= 2, got NaN/],
      [() => new ContextualGaussianDetector({ minPoints: NaN }), /ContextualGaussianDetector: minPoints must be an integer in 2 \.\. perContext \(50\), got NaN/],
      [() => new ContextualGaussianDetector({ zThreshold: NaN }), /ContextualGaussianDetector: zThreshold must be a finite number/],
    ];
    for (const [make, message] of refused) assert.throws(make, message);
    // The robust rule's MAD needs one point, the z-score's standard deviation two.
    assert.equal(new RollingZScoreDetector({ robust: true, minPoints: 1 }).detectEntire([1, 1, 5])[2], 1);
  });

  test("Date timestamps are taken wherever epoch ms are (as checkTimestamps does), with the same scores", () => {
    const hour = 3_600_000;
    const t = Array.from({ length: 24 * 7 * 3 }, (_, i) => Date.UTC(2024, 0, 1) + i * hour);
    const x = t.map((_, i) => 10 + (i % 24 >= 18 ? 50 : 0) + ((i * 37) % 11) / 5);
    const dates = t.map((ms) => new Date(ms));
    const d = new ContextualGaussianDetector({ perContext: 4, minPoints: 2 });
    const expected = d.detectEntire(x, t);
    assert.deepEqual(d.detectEntire(x, dates), expected);
    assert.equal(d.detectLast(x, dates), expected[expected.length - 1]);
    const stream = d.open();
    assert.deepEqual(Float64Array.from(x, (v, i) => stream.update(dates[i]!.getTime(), v)), expected);
    const debounced = new SuppressedDetector(new ContextualGaussianDetector({ perContext: 4, minPoints: 2 }), 3);
    assert.deepEqual(debounced.detectEntire(x, dates), debounced.detectEntire(x, t));
    assert.throws(() => d.detectEntire(x.slice(0, 2), [new Date(NaN), dates[1]!]), /timestamp 0 is not a valid time/);
  });
});

suite("contextual anomalies", () => {
  test("the same value is normal at one hour of the week and anomalous at another", () => {
    // Five weeks of hourly data: busy (100 ± 5) on weekday evenings 18-21h, quiet (10 ± 2) otherwise.
    const start = Date.UTC(2024, 0, 1); // a Monday
    const hour = 3600 * 1000;
    const t: number[] = [];
    const x: number[] = [];
    let seed = 1;
    const noise = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
    for (let h = 0; h < 5 * 168; h++) {
      const how = hourOfWeek(start + h * hour);
      const busy = how < 120 && how % 24 >= 18 && how % 24 < 22;
      t.push(start + h * hour);
      x.push(busy ? 100 + 5 * noise() : 10 + 2 * noise());
    }
    // Week 6: 100 at Monday 19h (busy: normal) and 100 at Monday 04h (quiet: anomalous).
    const monday19 = start + (5 * 168 + 19) * hour;
    const monday04 = start + (5 * 168 + 4) * hour;
    const d = new ContextualGaussianDetector({ alpha: 1 });
    // Replay the Monday up to 04h with quiet values, then the spike.
    const s04 = d.detectLast([...x, ...Array(4).fill(10), 100], [...t, ...[0, 1, 2, 3].map((k) => start + (5 * 168 + k) * hour), monday04]);
    const sEvening = d.detectLast([...x, ...Array.from({ length: 19 }, (_, k) => (k === 18 ? 100 : 10)), 100], [...t, ...Array.from({ length: 19 }, (_, k) => start + (5 * 168 + k) * hour), monday19]);
    assert.ok(s04 > 0.9, `100 at 04h scores ${s04}`);
    assert.ok(sEvening < d.threshold, `100 at 19h scores ${sEvening}`);
  });
});

suite("decomposition", () => {
  test("autocorrelation against statsmodels; the period of nyc_taxi is a week, a day the runner-up", () => {
    const est = estimatePeriod(taxi.values, { maxPeriod: 400 });
    assert.equal(est.period, 336);
    assert.ok(Math.abs(est.acf - reference.acf.acf[2]) < 1e-12);
    const day = est.candidates.find(([lag]) => lag === 48);
    assert.ok(day !== undefined && Math.abs(day[1] - reference.acf.acf[1]) < 1e-12);
  });

  test("centred moving median / mean against pandas", () => {
    const ref = reference.moving;
    const pick = (a: Float64Array): number[] => Array.from(a.subarray(ref.from, ref.to)).filter((_, i) => i % ref.stride === 0);
    assertAllClose(pick(movingMedian(taxi.values, ref.window)), ref.median, 1e-9, "median");
    assertAllClose(pick(movingAverage(taxi.values, ref.window)), ref.mean, 1e-8, "mean");
  });

  test("trend + seasonal + residual add back up; profile sums to zero; bad input", () => {
    const d = decompose(taxi.values, { period: 48, trend: "median" });
    for (let i = 0; i < taxi.values.length; i += 101) assert.ok(Math.abs(d.trend[i]! + d.seasonal[i]! + d.residual[i]! - taxi.values[i]!) < 1e-9);
    assert.ok(Math.abs(d.profile.reduce((s, v) => s + v, 0)) < 1e-8);
    // Night trough, evening peak.
    assert.ok(d.profile[10]! < 0 && d.profile[38]! > 0);
    assert.throws(() => decompose([1, 2, 3, 4, 5], { period: 3 }), /fewer than two periods/);
    assert.throws(() => decompose([1, 2, NaN, 4, 5, 6, 7], { period: 3 }), /value 2 is NaN/);
    assert.throws(() => estimatePeriod(new Array(50).fill(3)), /constant/);
  });
});

suite("bad timestamps", () => {
  test("duplicates, unsorted, gaps, wrong length; a NaN value or timestamp fed to a stream", () => {
    assert.throws(() => checkTimestamps([0, 1000, 1000], [1, 2, 3], "x"), /rows 1 and 2 have the same timestamp/);
    assert.throws(() => checkTimestamps([0, 2000, 1000], [1, 2, 3], "x"), /not sorted: row 2/);
    assert.throws(() => checkTimestamps([0, 1000], [1, 2, 3], "x"), /2 timestamps for 3 values/);
    assert.deepEqual(checkTimestamps([0, 60000, 120000, 300000], [1, 2, 3, 4], "x"), { step: 60000, gaps: [[3, 2]] });
    assert.throws(() => new ContextualGaussianDetector().detectEntire([1, 2, 3]), /needs timestamps/);
    assert.throws(() => new RollingZScoreDetector().detectEntire([1, NaN]), /value 1 is NaN/);
    assert.throws(() => new RollingZScoreDetector().open().update(0, NaN), /update got value NaN at timestamp 0/);
    assert.throws(() => new ContextualGaussianDetector().open().update(NaN, 1), /update got timestamp NaN/);
    const debouncedContext = new SuppressedDetector(new ContextualGaussianDetector(), 5);
    assert.throws(() => debouncedContext.open().update(Infinity, 1), /debounced \(5\): update needs a timestamp in epoch ms, got Infinity/);
  });
});
