// The NAB scorer against NAB's own published numbers: the raw per-row outputs of null,
// windowedGaussian and twitterADVec (results/<detector>/), re-scored, must give the published
// per-row S(t), the published thresholds' raw scores (config/thresholds.json) and the published
// final scores (results/final_results.json) to 0.01.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe as suite, test } from "node:test";
import { FetchOptions } from "../src/data/fetch";
import {
  loadNabCorpus,
  loadNabPublishedScores,
  loadNabScoreboard,
  loadNabThresholds,
  NAB_PUBLISHED_RESULTS,
  NabCorpusSeries,
} from "../src/data/nab-corpus";
import {
  NAB_PROFILE_NAMES,
  NAB_PROFILES,
  nabBestThreshold,
  nabProbationLength,
  nabScoreAtThreshold,
  nabScoresByThreshold,
  nabSweepRows,
  NabScoringInput,
  scaledSigmoid,
  scoreNab,
} from "../src/timeseries/nab-scorer";
import { MIRROR_ROOT, mirrorFile } from "./helpers/mirror";

/** NAB's per-file score table: Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count. */
function readScoresCsv(file: string): Map<string, { score: number; tp: number; tn: number; fp: number; fn: number }> {
  const lines = fs.readFileSync(file, "utf8").trim().split("\n");
  assert.equal(lines[0], "Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count");
  const out = new Map<string, { score: number; tp: number; tn: number; fp: number; fn: number }>();
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    const [score, tp, tn, fp, fn] = f.slice(4, 9).map(Number) as [number, number, number, number, number];
    out.set(f[0] === "Totals" ? "Totals" : f[2]!, { score, tp, tn, fp, fn });
  }
  return out;
}

const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-cache-"));
after(() => fs.rmSync(emptyCache, { recursive: true, force: true }));
const options: FetchOptions = { mirror: MIRROR_ROOT, dataHome: emptyCache, allowUpstream: false, progress: false };

let corpus: NabCorpusSeries[];
let labelCount: number;
const published = new Map<string, { inputs: NabScoringInput[]; rowScores: Record<string, Float64Array>[] }>();

before(async () => {
  corpus = await loadNabCorpus(options);
  labelCount = corpus.reduce((s, c) => s + c.labelCount, 0);
  for (const detector of NAB_PUBLISHED_RESULTS) {
    const inputs: NabScoringInput[] = [];
    const rowScores: Record<string, Float64Array>[] = [];
    for (const series of corpus) {
      const r = await loadNabPublishedScores(detector, series.key, options);
      assert.deepEqual(r.timestamps, series.timestamps, `${detector} ${series.key}: timestamps differ from the data file`);
      inputs.push({ key: series.key, timestamps: series.timestamps, scores: r.scores, windows: series.windows });
      rowScores.push(r.rowScores);
    }
    published.set(detector, { inputs, rowScores });
  }
});

suite("NAB corpus", () => {
  test("58 series, 365,558 rows, 116 windows, 120 labels, 7 categories", () => {
    assert.equal(corpus.length, 58);
    assert.equal(corpus.reduce((s, c) => s + c.values.length, 0), 365558);
    assert.equal(corpus.reduce((s, c) => s + c.windows.length, 0), 116);
    // NAB normalises by the number of windows (116); combined_labels.json has 120 instants.
    assert.equal(labelCount, 120);
    assert.equal(new Set(corpus.map((c) => c.category)).size, 7);
  });

  test("profiles equal config/profiles.json", () => {
    const file = JSON.parse(fs.readFileSync(path.join(MIRROR_ROOT, "nab/config/profiles.json"), "utf8"));
    for (const p of NAB_PROFILE_NAMES) {
      const c = file[p].CostMatrix;
      assert.deepEqual(NAB_PROFILES[p], { tpWeight: c.tpWeight, fpWeight: c.fpWeight, fnWeight: c.fnWeight });
    }
  });
});

suite("NAB scoring primitives", () => {
  test("scaled sigmoid and probation as documented by NAB", () => {
    assert.ok(Math.abs(scaledSigmoid(-1) - 0.98661) < 1e-5);
    assert.ok(Math.abs(scaledSigmoid(-0.5) - 0.84828) < 1e-5);
    assert.equal(scaledSigmoid(0), 0);
    assert.ok(Math.abs(scaledSigmoid(1) + 0.98661) < 1e-5);
    assert.equal(scaledSigmoid(3.5), -1);
    assert.equal(nabProbationLength(4032), 604);
    assert.equal(nabProbationLength(22695), 750);
  });

  test("bad input is named", () => {
    const t = [0, 1, 2, 3];
    assert.throws(() => nabSweepRows([{ key: "x", timestamps: t, scores: [0, 0, 0], windows: [] }], NAB_PROFILES.standard), /"x" has 4 timestamps but 3/);
    assert.throws(() => nabSweepRows([{ key: "x", timestamps: t, scores: [0, 0, 0, 0], windows: [[0, 1], [1, 3]] }], NAB_PROFILES.standard), /windows 0 and 1 of "x" overlap/);
    assert.throws(() => nabSweepRows([{ key: "x", timestamps: t, scores: [0, NaN, 0, 0], windows: [] }], NAB_PROFILES.standard), /row 1 has anomaly score NaN/);
    assert.throws(() => nabSweepRows([{ key: "x", timestamps: t, scores: [0, 0, 0, 0], windows: [[1, 5]] }], NAB_PROFILES.standard), /not one of its timestamps/);
    assert.throws(() => scoreNab([]), /no files/);
  });
});

suite("NAB scorer: what NAB does at the edges", () => {
  // 100 rows: probation = floor(0.15 · 100) = 15 rows.
  const t = Array.from({ length: 100 }, (_, i) => i * 60_000);
  const scores = t.map((_, i) => (i === 50 ? 0.9 : 0.1));

  test("files without any labelled window are refused: NAB's normalisation 100·(raw − null)/(perfect − null) would be 0/0", () => {
    const noWindows: NabScoringInput[] = [{ key: "a", timestamps: t, scores, windows: [] }, { key: "b", timestamps: t, scores, windows: [] }];
    assert.throws(() => scoreNab(noWindows), /scoreNab: the 2 files have no labelled anomaly window .* normalised score .* 0 \/ 0/);
    // With a label count the perfect score is not 0, and the score is a number.
    assert.ok(Number.isFinite(scoreNab(noWindows, { labelCount: 1 }).standard.normalized));
    // The raw sweep still works (one false positive: -fpWeight = -0.11 at threshold 0.9).
    const rows = nabSweepRows(noWindows.slice(0, 1), NAB_PROFILES.standard);
    assert.equal(nabScoreAtThreshold(nabScoresByThreshold(rows, NAB_PROFILES.standard), 0.9).score, -0.11);
  });

  test("a NaN threshold is refused (NAB's scoreDataSet finds no row for it and fails)", () => {
    const file: NabScoringInput[] = [{ key: "a", timestamps: t, scores, windows: [[t[40]!, t[60]!]] }];
    assert.throws(() => scoreNab(file, { thresholds: { standard: NaN } }), /scoreNab: thresholds\.standard must be a number \(a detection is score >= threshold\), got NaN/);
    const sweep = nabScoresByThreshold(nabSweepRows(file, NAB_PROFILES.standard), NAB_PROFILES.standard);
    assert.throws(() => nabScoreAtThreshold(sweep, NaN), /nabScoreAtThreshold: threshold must be a number, got NaN/);
  });

  test("a window that starts inside the probationary period is refused, as NAB's labeller deletes it (nab/labeler.py checkWindows)", () => {
    for (const window of [[t[5]!, t[10]!], [t[14]!, t[30]!]] as [number, number][]) {
      assert.throws(
        () => scoreNab([{ key: "a", timestamps: t, scores, windows: [window] }]),
        /NAB scorer: window 0 of "a" starts at row (5|14), inside the probationary period \(rows 0-14: the first 15% of its 100 rows, at most 750, are not scored\)/,
      );
    }
    // From row 15 on it is scored: the detection at row 50 is inside it, a true positive.
    const report = scoreNab([{ key: "a", timestamps: t, scores, windows: [[t[15]!, t[60]!]] }], { profiles: ["standard"] });
    assert.equal(report.standard.counts.tp, 1);
    assert.throws(() => scoreNab([{ key: "a", timestamps: t, scores, windows: [] }], { probationPercent: NaN }), /probationPercent must be in \[0, 1\), got NaN/);
  });
});

suite("NAB scorer reproduces the published results", () => {
  test("per-file scores and counts of every published output at its threshold (results/<detector>/*_scores.csv)", async () => {
    const thresholds = await loadNabThresholds(options);
    for (const [detector, { inputs }] of published) {
      for (const profile of NAB_PROFILE_NAMES) {
        const table = readScoresCsv(mirrorFile("nab", "results", detector, `${detector}_${profile}_scores.csv`));
        const threshold = thresholds[detector]![profile]!.threshold;
        let total = 0;
        for (const input of inputs) {
          const cost = NAB_PROFILES[profile];
          const ours = nabScoreAtThreshold(nabScoresByThreshold(nabSweepRows([input], cost), cost), threshold);
          const theirs = table.get(input.key);
          assert.ok(theirs !== undefined, `${detector} ${profile}: ${input.key} missing from the published table`);
          const what = `${detector} ${profile} ${input.key}`;
          assert.ok(Math.abs(ours.score - theirs.score) < 1e-9, `${what}: score ${ours.score} vs ${theirs.score}`);
          assert.deepEqual([ours.tp, ours.tn, ours.fp, ours.fn], [theirs.tp, theirs.tn, theirs.fp, theirs.fn], what);
          total += ours.score;
        }
        assert.ok(Math.abs(total - table.get("Totals")!.score) < 1e-8, `${detector} ${profile} total`);
      }
    }
  });

  test("final scores of null, windowedGaussian, twitterADVec at their published thresholds, to 0.01", async () => {
    const board = await loadNabScoreboard(options);
    const thresholds = await loadNabThresholds(options);
    for (const [detector, { inputs }] of published) {
      const given = Object.fromEntries(NAB_PROFILE_NAMES.map((p) => [p, thresholds[detector]![p]!.threshold]));
      const report = scoreNab(inputs, { thresholds: given });
      for (const p of NAB_PROFILE_NAMES) {
        const ours = report[p].normalized;
        const theirs = board[detector]![p]!;
        assert.ok(Math.abs(ours - theirs) < 0.01, `${detector} ${p}: ours ${ours.toFixed(4)}, published ${theirs.toFixed(4)}`);
      }
    }
    // The headline figures of the issue, rounded as published.
    const std = (d: string): string => board[d]!.standard!.toFixed(1);
    assert.deepEqual([std("windowedGaussian"), std("twitterADVec")], ["39.6", "47.1"]);
  });

  test("the threshold sweep (NAB's optimizer) reaches the published final scores without being told the thresholds", async () => {
    const board = await loadNabScoreboard(options);
    for (const [detector, { inputs }] of published) {
      const report = scoreNab(inputs);
      for (const p of NAB_PROFILE_NAMES) {
        assert.ok(Math.abs(report[p].normalized - board[detector]![p]!) < 0.01, `${detector} ${p}: swept ${report[p].normalized} vs ${board[detector]![p]}`);
      }
    }
  });

  test("the null baseline is the no-detection score of the null detector's output", () => {
    const { inputs } = published.get("null")!;
    for (const p of NAB_PROFILE_NAMES) {
      const sweep = nabScoresByThreshold(nabSweepRows(inputs, NAB_PROFILES[p]), NAB_PROFILES[p]);
      const best = nabBestThreshold(sweep);
      assert.equal(best.tp + best.fp, 0);
      assert.equal(scoreNab(inputs, { profiles: [p] })[p].normalized, 0);
    }
  });
});
