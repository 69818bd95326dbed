// The whole NAB corpus (365,558 points) through the reproduced leaders, our entry and RRCF: minutes
// of CPU, so it runs only with ANOMALY_LAB_NAB_FULL=1 (`ANOMALY_LAB_NAB_FULL=1 node --import tsx
// --test test/timeseries-nab-full.test.ts`); `npm run nab` prints the same numbers.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe as suite, test } from "node:test";
import { FetchOptions } from "../src/data/fetch";
import { loadNabCorpus, loadNabScoreboard, NabCorpusSeries } from "../src/data/nab-corpus";
import { NabBenchmarkRow, runNabBenchmark } from "../src/timeseries/nab-benchmark";
import { nabValuesAsNabReadThem } from "../src/timeseries/nab-input";
import { nabLeaderEntries } from "../src/timeseries/nab-leaders";
import { MIRROR_ROOT } from "./helpers/mirror";

const FULL = process.env.ANOMALY_LAB_NAB_FULL === "1";
const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-cache-"));
after(() => fs.rmSync(emptyCache, { recursive: true, force: true }));
const options: FetchOptions = { mirror: MIRROR_ROOT, dataHome: emptyCache, allowUpstream: false, progress: false };

let rows: Map<string, NabBenchmarkRow>;
let board: Record<string, Record<string, number>>;
before(async () => {
  if (!FULL) return;
  const corpus: NabCorpusSeries[] = await loadNabCorpus(options);
  const nabValues = new Map<string, Float64Array>();
  for (const s of corpus) nabValues.set(s.key, await nabValuesAsNabReadThem(s.key, options));
  rows = new Map(runNabBenchmark(corpus, nabLeaderEntries(nabValues)).map((r) => [r.name.split(" ")[0]!, r]));
  board = await loadNabScoreboard(options);
});

const PROFILES = ["standard", "reward_low_FP_rate", "reward_low_FN_rate"] as const;

suite("NAB finals on the whole corpus", { skip: FULL ? false : "set ANOMALY_LAB_NAB_FULL=1 (minutes of CPU)" }, () => {
  test("CAD OSE: the published contextOSE finals 69.9 / 67.0 / 73.2 within 0.01", () => {
    for (const p of PROFILES) assert.ok(Math.abs(rows.get("CAD")!.scores[p].normalized - board.contextOSE![p]!) < 0.01, p);
  });
  test("ARTime: the published finals 74.9 / 65.2 / 80.4 within 0.01", () => {
    for (const p of PROFILES) assert.ok(Math.abs(rows.get("ARTime")!.scores[p].normalized - board.ARTime![p]!) < 0.01, p);
  });
  test("ours: at least 75.0 standard, and above ARTime on at least one other profile", () => {
    const ours = rows.get("ours:")!.scores;
    assert.ok(ours.standard.normalized >= 75.0, `${ours.standard.normalized}`);
    assert.ok(ours.reward_low_FP_rate.normalized > board.ARTime!.reward_low_FP_rate! || ours.reward_low_FN_rate.normalized > board.ARTime!.reward_low_FN_rate!);
  });
  test("RRCF: at least the published randomCutForest's 51.7 standard", () => {
    assert.ok(rows.get("RRCF")!.scores.standard.normalized >= board.randomCutForest!.standard!);
  });
});
