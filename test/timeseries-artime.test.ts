// ARTime against its published NAB output, row by row, on real corpus files; Julia's numerics it
// relies on; save/restore across processes.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe as suite, test } from "node:test";
import { FetchOptions } from "../src/data/fetch";
import { loadNabCorpusSeries, loadNabPublishedScores } from "../src/data/nab-corpus";
import { artimeProbation, ArtimeDetector, ArtimeStream } from "../src/timeseries/artime/artime";
import { haarDwt } from "../src/timeseries/artime/haar";
import { juliaSum, roundDigits, roundHalfEven } from "../src/timeseries/artime/julia";
import { nabResultsRoundTrip, nabValuesAsNabReadThem } from "../src/timeseries/nab-input";
import { streamScores } from "../src/timeseries/stream";
import { MIRROR_ROOT } from "./helpers/mirror";

const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-cache-"));
after(() => fs.rmSync(emptyCache, { recursive: true, force: true }));
const options: FetchOptions = { mirror: MIRROR_ROOT, dataHome: emptyCache, allowUpstream: false, progress: false };

/** Rows where our score, after NAB's three write/read rounds of its results file, differs from the published one. */
async function differingRows(key: string, values: "as NAB read them" | "correctly rounded"): Promise<{ rows: number[]; nonZero: number }> {
  const series = await loadNabCorpusSeries(key, options);
  const input = values === "as NAB read them" ? await nabValuesAsNabReadThem(key, options) : series.values;
  const ours = streamScores(new ArtimeDetector(), input, series.timestamps);
  const published = (await loadNabPublishedScores("ARTime", key, options)).scores;
  assert.equal(ours.length, published.length);
  const rows: number[] = [];
  for (let i = 0; i < ours.length; i++) if (nabResultsRoundTrip(ours[i]!, 3) !== published[i]) rows.push(i);
  return { rows, nonZero: published.filter((s) => s !== 0).length };
}

suite("ARTime reproduces NAB's published ARTime output", () => {
  const keys = [
    "realKnownCause/nyc_taxi.csv",
    "artificialWithAnomaly/art_daily_jumpsup.csv",
    "realTweets/Twitter_volume_GOOG.csv",
    "realAdExchange/exchange-4_cpc_results.csv",
    "realTraffic/speed_7578.csv",
  ];
  for (const key of keys) {
    test(`every row of ${key} equals the published anomaly_score exactly (values and scores through NAB's CSV round trips)`, async () => {
      const { rows, nonZero } = await differingRows(key, "as NAB read them");
      assert.ok(nonZero > 0);
      assert.deepEqual(rows, []);
    });
  }

  test("exchange-4_cpc_results with correctly rounded input values: 3 rows differ (NAB's parser changed the input)", async () => {
    const { rows } = await differingRows("realAdExchange/exchange-4_cpc_results.csv", "correctly rounded");
    assert.equal(rows.length, 3);
  });

  test("probationary period and downsampling as ARTime.init computes them", () => {
    assert.deepEqual([artimeProbation(4032), artimeProbation(1127), artimeProbation(10320)], [604, 168, 750]);
    const stream = new ArtimeStream({ min: 0, max: 1, length: 10320 });
    // sstep = max(1, 750 ÷ (8·13)) = 7; trend window = floor(750 / 7) = 107
    assert.deepEqual([stream.sstep, stream.trendWindow, stream.maskRhoAfterAnomaly], [7, 107, 12]);
  });
});

suite("Julia numerics", () => {
  test("round to nearest, ties to even, and round(x, digits=6)", () => {
    assert.deepEqual([0.5, 1.5, 2.5, -0.5, -2.5, 2.4999].map(roundHalfEven), [0, 2, 2, -0, -2, 2]);
    // round(0.125, digits=2) == 0.12 and round(0.375, digits=2) == 0.38 in Julia (12.5 and 37.5 are exact halves)
    assert.deepEqual([roundDigits(0.125, 2), roundDigits(0.375, 2), roundDigits(0.3885434, 6)], [0.12, 0.38, 0.388543]);
  });

  test("Base.sum adds left to right up to 1024 terms, then in pairwise halves", () => {
    const x: number[] = [1e16, 1, 1, -1e16];
    assert.equal(juliaSum(x), ((1e16 + 1) + 1) - 1e16);
    const long = Array.from({ length: 2000 }, (_, k): number => (k % 3 === 0 ? 1e16 : 1));
    const halves = (a: number, b: number): number => {
      if (b - a <= 1024) return long.slice(a, b).reduce((s, v) => s + v);
      const mid = a + ((b - a - 1) >> 1) + 1;
      return halves(a, mid) + halves(mid, b);
    };
    assert.equal(juliaSum(long), halves(0, 2000));
  });

  test("Haar DWT of 1..8: [s3, d3, d2, d2, d1 x4] with details = (second - first)/sqrt(2)", () => {
    const out = haarDwt([1, 2, 3, 4, 5, 6, 7, 8], new Float64Array(8));
    const expected = [36 / Math.sqrt(8), 16 / Math.sqrt(8), 2, 2, Math.SQRT1_2, Math.SQRT1_2, Math.SQRT1_2, Math.SQRT1_2];
    expected.forEach((e, k) => assert.ok(Math.abs(out[k]! - e) < 1e-12, `coefficient ${k}: ${out[k]} vs ${e}`));
  });
});

suite("ARTime stream state", () => {
  test("a stream saved after the probation, restored in another process, continues with identical scores (Object.is)", async () => {
    const series = await loadNabCorpusSeries("realKnownCause/nyc_taxi.csv", options);
    const summary = { min: Math.min(...series.values), max: Math.max(...series.values), length: series.values.length };
    const whole = new ArtimeDetector().open(summary);
    const expected = Array.from(series.values, (v, i) => whole.update(series.timestamps[i]!, v));
    const cut = 5000;
    const first = new ArtimeDetector().open(summary);
    for (let i = 0; i < cut; i++) first.update(series.timestamps[i]!, series.values[i]!);
    const input = JSON.stringify({ snapshot: first.snapshot(), timestamps: Array.from(series.timestamps.subarray(cut)), values: Array.from(series.values.subarray(cut)) });
    const child = execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "helpers", "resume-stream.ts")], { input, encoding: "utf8" });
    const resumed = JSON.parse(child) as number[];
    const mismatch = resumed.findIndex((s, k) => !Object.is(s, expected[cut + k]));
    assert.equal(mismatch, -1, `row ${cut + mismatch}: ${resumed[mismatch]} vs ${expected[cut + mismatch]}`);
    assert.ok(expected.slice(cut).filter((s) => s > 0).length >= 5, "the continued part has anomalies");
  });

  test("bad input is named: NaN value, inverted range, too short a series, a snapshot missing a field", () => {
    const stream = new ArtimeStream({ min: 0, max: 1, length: 1000 });
    assert.throws(() => stream.update(5, NaN), /update got value NaN at timestamp 5/);
    assert.throws(() => new ArtimeStream({ min: 2, max: 1, length: 1000 }), /summary.max \(1\) is below summary.min \(2\)/);
    assert.throws(() => new ArtimeStream({ min: 0, max: 1, length: 50 }), /a series of 50 points gives a probationary period of 6, too short/);
    const snapshot = stream.snapshot();
    const { medbin: _dropped, ...state } = snapshot.state;
    assert.throws(() => ArtimeStream.restore({ ...snapshot, state: state as never }), /state.medbin is missing/);
  });
});
