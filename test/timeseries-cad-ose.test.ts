// CAD OSE (NAB's contextOSE) against its published NAB output, row by row, on real corpus files;
// the CPython 2.7 semantics it depends on against CPython 2.7 itself; save/restore across processes.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe as suite, test } from "node:test";
import { FetchOptions } from "../src/data/fetch";
import { loadNabCorpusSeries, loadNabPublishedScores } from "../src/data/nab-corpus";
import { CadOseStream, ContextOseDetector } from "../src/timeseries/cad-ose";
import { nabValuesAsNabReadThem, pandasLegacyFloat } from "../src/timeseries/nab-input";
import { Python27IntDict, python27TupleHash } from "../src/timeseries/python27";
import { streamScores } from "../src/timeseries/stream";
import { restoreStream } from "../src/timeseries/stream-registry";
import { readFixture } from "./helpers/fixtures";
import { MIRROR_ROOT } from "./helpers/mirror";

const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-cache-"));
after(() => fs.rmSync(emptyCache, { recursive: true, force: true }));
const options: FetchOptions = { mirror: MIRROR_ROOT, dataHome: emptyCache, allowUpstream: false, progress: false };

/** Rows where our score, printed as NAB printed it (Python 2's str: 12 significant digits), differs from the published one. */
function differingRows(ours: Float64Array, published: Float64Array): number[] {
  assert.equal(ours.length, published.length);
  const rows: number[] = [];
  for (let i = 0; i < ours.length; i++) if (Number(ours[i]!.toPrecision(12)) !== published[i]) rows.push(i);
  return rows;
}

async function cadOseScores(key: string, values: "as NAB read them" | "correctly rounded"): Promise<{ ours: Float64Array; published: Float64Array }> {
  const series = await loadNabCorpusSeries(key, options);
  const input = values === "as NAB read them" ? await nabValuesAsNabReadThem(key, options) : series.values;
  const ours = streamScores(new ContextOseDetector(), input, series.timestamps);
  return { ours, published: (await loadNabPublishedScores("contextOSE", key, options)).scores };
}

suite("CAD OSE reproduces NAB's published contextOSE output", () => {
  const keys = [
    "realKnownCause/nyc_taxi.csv",
    "artificialWithAnomaly/art_daily_jumpsup.csv",
    "realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv",
    "realAdExchange/exchange-4_cpc_results.csv",
  ];
  for (const key of keys) {
    test(`every row of ${key} equals the published anomaly_score (to its 12 printed digits)`, async () => {
      const { ours, published } = await cadOseScores(key, "correctly rounded");
      assert.deepEqual(differingRows(ours, published), []);
    });
  }

  test("ec2_request_latency_system_failure: every row equals the published output when values are read as NAB's pandas 0.23 read them", async () => {
    const key = "realKnownCause/ec2_request_latency_system_failure.csv";
    const { ours, published } = await cadOseScores(key, "as NAB read them");
    assert.deepEqual(differingRows(ours, published), []);
  });

  test("ec2_request_latency_system_failure: correctly rounded, its maximum (row 3395) falls in bin 7 instead of 6, and rows after it differ", async () => {
    const key = "realKnownCause/ec2_request_latency_system_failure.csv";
    const series = await loadNabCorpusSeries(key, options);
    const legacy = await nabValuesAsNabReadThem(key, options);
    // CAD OSE bins over [min, max] in 7 steps: (max - min) / ((max - min) / 7) is 7.000000000000001
    // for the correctly rounded maximum, 6.999999999999999 for pandas' reading (one unit higher).
    const bins = (v: ArrayLike<number>): number[] => {
      const min = Math.min(...Array.from(v));
      const max = Math.max(...Array.from(v));
      return Array.from(v, (x) => Math.trunc((x - min) / ((max - min) / 7)));
    };
    assert.equal(series.values[3395], 99.24799999999999);
    assert.equal(pandasLegacyFloat("99.24799999999999"), 99.248);
    const [exact, read] = [bins(series.values), bins(legacy)];
    assert.deepEqual([exact[3395], read[3395]], [7, 6]);
    assert.deepEqual(exact.filter((b, i) => b !== read[i]).length, 1);
    const { ours, published } = await cadOseScores(key, "correctly rounded");
    const rows = differingRows(ours, published);
    assert.ok(rows.length > 0 && rows[0]! > 3395, `first differing row ${rows[0]}`);
  });
});

suite("CPython 2.7 semantics (fixture written by CPython 2.7.18)", () => {
  const reference = readFixture("python27_semantics.json") as {
    hashes: { tuple: number[]; hash: string }[];
    dicts: { inserted: number[]; keys: number[]; values: number[] }[];
  };

  test("python27TupleHash equals hash(tuple) for 200 tuples of sensor and neuron facts", () => {
    for (const { tuple, hash } of reference.hashes) {
      const h = python27TupleHash(tuple);
      assert.equal((BigInt(h.hi) * 2n ** 32n + BigInt(h.lo)).toString(), hash, `hash of (${tuple.join(", ")})`);
    }
  });

  test("Python27IntDict iterates keys and values in dict order after setdefault, for 200 insertion sequences", () => {
    for (const { inserted, keys, values } of reference.dicts) {
      const dict = new Python27IntDict();
      inserted.forEach((k, i) => dict.setDefault(k, i));
      assert.deepEqual([Array.from(dict.keys()), Array.from(dict.values())], [keys, values]);
    }
  });
});

suite("CAD OSE stream state", () => {
  test("a stream saved at row 2000, restored in another process, continues with scores identical (Object.is) to the uninterrupted run", async () => {
    const series = await loadNabCorpusSeries("artificialWithAnomaly/art_daily_jumpsup.csv", options);
    const summary = { min: Math.min(...series.values), max: Math.max(...series.values), length: series.values.length };
    const whole = new ContextOseDetector().open(summary);
    const expected = Array.from(series.values, (v, i) => whole.update(series.timestamps[i]!, v));
    const first = new ContextOseDetector().open(summary);
    for (let i = 0; i < 2000; i++) first.update(series.timestamps[i]!, series.values[i]!);
    const input = JSON.stringify({ snapshot: first.snapshot(), timestamps: Array.from(series.timestamps.subarray(2000)), values: Array.from(series.values.subarray(2000)) });
    const child = execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "helpers", "resume-stream.ts")], { input, encoding: "utf8" });
    const resumed = JSON.parse(child) as number[];
    assert.equal(resumed.length, expected.length - 2000);
    const mismatch = resumed.findIndex((s, k) => !Object.is(s, expected[2000 + k]));
    assert.equal(mismatch, -1, `row ${2000 + mismatch}: ${resumed[mismatch]} vs ${expected[2000 + mismatch]}`);
    assert.ok(expected.slice(2000).some((s) => s > 0), "the continued part has non-zero scores");
  });

  test("restoreStream rejects a snapshot of another kind or version, naming it", () => {
    const snapshot = new CadOseStream({ minValue: 0, maxValue: 1, restPeriod: 10 }).snapshot();
    assert.throws(() => restoreStream({ ...snapshot, kind: "nope" }), /unknown snapshot kind "nope"/);
    assert.throws(() => CadOseStream.restore({ ...snapshot, version: 99 }), /snapshot version 99 is not supported/);
    assert.throws(() => CadOseStream.restore({ ...snapshot, leftFactsGroup: [3, 1] }), /leftFactsGroup must be an increasing list/);
  });
});

suite("CAD OSE input checks", () => {
  test("a NaN value, a NaN option and an inverted range are errors naming them", () => {
    const stream = new CadOseStream({ minValue: 0, maxValue: 1, restPeriod: 10 });
    assert.throws(() => stream.update(0, NaN), /update got value NaN at timestamp 0/);
    assert.throws(() => new CadOseStream({ minValue: NaN, maxValue: 1, restPeriod: 10 }), /option minValue must be a finite number, got NaN/);
    assert.throws(() => new CadOseStream({ minValue: 2, maxValue: 1, restPeriod: 10 }), /maxValue \(1\) is below minValue \(2\)/);
    assert.throws(() => new CadOseStream({ minValue: 0, maxValue: 1, restPeriod: 10, maxActiveNeurons: 0 }), /maxActiveNeurons must be a positive integer, got 0/);
    assert.throws(() => streamScores(new ContextOseDetector(), [1, Infinity, 2]), /value 1 is Infinity/);
    assert.throws(() => streamScores(new ContextOseDetector(), []), /the series is empty/);
  });
});
