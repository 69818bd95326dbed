// Executes notebooks/07-time-series.ipynb on the real kernel (quick mode, datasets mirror) and checks
// what it prints against independent figures: the NAB labels (combined_windows.json), NAB's published
// twitterADVec scores, and the autocorrelation peaks (statsmodels acf, test/fixtures/timeseries.json).
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, joined, jupyterPython, readNotebook, runNotebooks, type NotebookOutput, assertLightReports, reportSizes, type ReportSizes } from "./helpers/jupyter";
import { MIRROR_ROOT } from "./helpers/mirror";

const NAME = "07-time-series";
let outputs: NotebookOutput[] = [];
let stdout = "";
let html = "";

let reports: ReportSizes;
before(async () => {
  const out = mkdtempSync(path.join(tmpdir(), "anomaly-lab-timeseries-"));
  const env = { ...process.env, ANOMALY_LAB_DATA_MIRROR: MIRROR_ROOT };
  const run = await runNotebooks(jupyterPython(), [path.join(ROOT, "notebooks", `${NAME}.ipynb`), "--quick", "--out", out], env);
  assert.equal(run.code, 0, `the time-series notebook failed:\n${run.output}`);
  outputs = readNotebook(path.join(out, `${NAME}.ipynb`)).cells.flatMap((cell) => cell.outputs ?? []);
  stdout = outputs.filter((o) => o.name === "stdout").map((o) => joined(o.text)).join("");
  html = outputs.map((o) => joined(o.data?.["text/html"])).join("\n");
  reports = reportSizes(out, NAME);
});

test("nyc_taxi and its five labelled windows", () => {
  assert.match(stdout, /realKnownCause\/nyc_taxi\.csv: 10320 half-hourly counts from 2014-07-01 00:00 to 2015-01-31 23:30/);
  assert.match(stdout, /2014-10-30 15:30 \.\. 2014-11-03 22:30/); // the marathon window (combined_windows.json)
  assert.match(stdout, /2015-01-24 20:30 \.\. 2015-01-29 03:30/); // the blizzard window
});

test("the period estimate is a week, a day the runner-up (autocorrelation 0.887 and 0.799, statsmodels)", () => {
  assert.match(html, /336[\s\S]*0\.887/);
  assert.match(html, /48[\s\S]*0\.799/);
});

test("S-H-ESD finds anomalies inside the labelled windows; streaming equals batch for the rolling MAD", () => {
  const m = /S-H-ESD \(weekly period, at most 1% anomalies\): (\d+) anomalies, (\d+) inside labelled windows; (\d) of 5 windows detected/.exec(stdout);
  assert.ok(m, stdout);
  assert.ok(Number(m[2]) > 0 && Number(m[3]) >= 3, m[0]);
  assert.match(stdout, /streaming identical to batch: true/);
});

test("the published twitterADVec scores are reproduced; charts are rendered", () => {
  assert.ok(!html.includes("differs"), "a quantity differs from the published scoreboard");
  assert.match(html, /twitterADVec, standard/);
  const charts = outputs.filter((o) => o.output_type === "execute_result" && joined(o.data?.["text/plain"]).startsWith("Chart:"));
  assert.ok(charts.length >= 5, `${charts.length} charts`);
});

test("the executed notebook and its HTML report are under 1 MB each", () => {
  assertLightReports(reports, NAME);
});

test("the reproduced leaders equal NAB's published outputs row for row; a restored stream continues identically", () => {
  assert.match(stdout, /CAD OSE: 0 of \d+ rows differ from the published contextOSE output/);
  assert.match(stdout, /ARTime: 0 of \d+ rows differ from the published ARTime output/);
  assert.match(stdout, /restored stream continues identically: true/);
  const m = /: ARTime (\d+) alarms \((\d+) outside the windows\), ours (\d+) \((\d+) outside\)/.exec(stdout);
  assert.ok(m, stdout);
  assert.ok(Number(m[4]) < Number(m[2]), m[0]);
});
