// `npm run nab`'s machinery with the reproduced leaders: per-file NAB scores at NAB's published
// thresholds equal NAB's own per-file score tables, and our NAB result files match NAB's layout.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe as suite, test } from "node:test";
import { FetchOptions } from "../src/data/fetch";
import { loadNabCorpus, loadNabPublishedScores, loadNabThresholds, NabCorpusSeries } from "../src/data/nab-corpus";
import { nabScoreTable, runNabBenchmark } from "../src/timeseries/nab-benchmark";
import { nabValuesAsNabReadThem } from "../src/timeseries/nab-input";
import { nabLeaderEntries } from "../src/timeseries/nab-leaders";
import { nabResultsCsv, nabResultsPath } from "../src/timeseries/nab-results";
import { NAB_PROFILE_NAMES, NAB_PROFILES, nabScoreAtThreshold, nabScoresByThreshold, nabSweepRows } from "../src/timeseries/nab-scorer";
import { MIRROR_ROOT, mirrorFile } from "./helpers/mirror";

const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-cache-"));
after(() => fs.rmSync(emptyCache, { recursive: true, force: true }));
const options: FetchOptions = { mirror: MIRROR_ROOT, dataHome: emptyCache, allowUpstream: false, progress: false };
const KEYS = ["realKnownCause/ec2_request_latency_system_failure.csv", "realAdExchange/exchange-4_cpc_results.csv", "realTraffic/speed_7578.csv"];

let corpus: NabCorpusSeries[];
const scores = new Map<string, Float64Array>();
let rows: ReturnType<typeof runNabBenchmark>;
before(async () => {
  corpus = await loadNabCorpus({ ...options, keys: KEYS });
  const nabValues = new Map<string, Float64Array>();
  for (const s of corpus) nabValues.set(s.key, await nabValuesAsNabReadThem(s.key, options));
  const entries = nabLeaderEntries(nabValues).filter((e) => !e.name.startsWith("RRCF"));
  rows = runNabBenchmark(corpus, entries, { onScores: (entry, series, s) => scores.set(`${entry}|${series.key}`, s) });
});

/** NAB's per-file table: File -> [score, tp, tn, fp, fn]. */
function publishedTable(detector: string, profile: string): Map<string, number[]> {
  const lines = fs.readFileSync(mirrorFile("nab", "results", detector, `${detector}_${profile}_scores.csv`), "utf8").trim().split("\n");
  return new Map(lines.slice(1).map((line) => line.split(",")).map((f) => [f[2]!, f.slice(4, 9).map(Number)]));
}

suite("the reproduced leaders in runNabBenchmark", () => {
  for (const [entry, detector] of [["CAD OSE (contextOSE)", "contextOSE"], ["ARTime", "ARTime"]] as const) {
    test(`${entry}: per-file score and TP/TN/FP/FN at NAB's thresholds equal ${detector}_<profile>_scores.csv, 3 files x 3 profiles`, async () => {
      const thresholds = await loadNabThresholds(options);
      for (const profile of NAB_PROFILE_NAMES) {
        const table = publishedTable(detector, profile);
        const cost = NAB_PROFILES[profile];
        for (const series of corpus) {
          const input = { key: series.key, timestamps: series.timestamps, windows: series.windows, scores: scores.get(`${entry}|${series.key}`)! };
          const ours = nabScoreAtThreshold(nabScoresByThreshold(nabSweepRows([input], cost), cost), thresholds[detector]![profile]!.threshold);
          const [score, tp, tn, fp, fn] = table.get(series.key)!;
          assert.ok(Math.abs(ours.score - score!) < 1e-9, `${profile} ${series.key}: ${ours.score} vs ${score}`);
          assert.deepEqual([ours.tp, ours.tn, ours.fp, ours.fn], [tp, tn, fp, fn], `${profile} ${series.key}`);
        }
      }
    });
  }

  test("the table row carries points per second and the points scored", () => {
    const total = corpus.reduce((s, c) => s + c.values.length, 0);
    for (const row of rows) assert.equal(row.points, total);
    const table = nabScoreTable(rows, {});
    for (const r of table) assert.ok(r.pointsPerSecond !== null && r.pointsPerSecond > 0);
  });
});

suite("NAB result files", () => {
  test("timestamps and labels equal the published contextOSE file of ec2_request_latency_system_failure; scores read back exactly", async () => {
    const series = corpus[0]!;
    const ours = scores.get(`CAD OSE (contextOSE)|${series.key}`)!;
    const text = nabResultsCsv(series, ours);
    const published = fs.readFileSync(mirrorFile("nab", "results", "contextOSE", series.category, `contextOSE_${series.name}.csv`), "utf8").trim().split("\n");
    const lines = text.trim().split("\n");
    assert.equal(lines[0], "timestamp,value,anomaly_score,label");
    assert.equal(lines.length, published.length);
    for (let i = 1; i < lines.length; i++) {
      const [t, , score, label] = lines[i]!.split(",");
      const p = published[i]!.split(",");
      assert.deepEqual([t, label], [p[0], p[3]], `row ${i}`);
      assert.ok(Object.is(Number(score), ours[i - 1]), `row ${i} score`);
    }
    assert.equal(nabResultsPath("contextOSE", series.key), `contextOSE/realKnownCause/contextOSE_ec2_request_latency_system_failure.csv`);
    assert.ok((await loadNabPublishedScores("contextOSE", series.key, options)).scores.length === ours.length);
  });
});
