// Executes notebooks/06-ecg-heartbeat.ipynb on the real kernel (quick mode, datasets mirror) and checks it
// against TensorFlow's "Intro to Autoencoders": the split's sizes (scikit-learn's train_test_split with
// random_state 21, as src/data's tests check row by row), the tutorial's published accuracy 0.94,
// precision 0.994 and recall 0.898 (normal = positive) within 0.02 (one unseeded run, rounded), and the
// issue's bar for the better setting: accuracy >= 0.94 and ROC-AUC >= 0.97 with abnormal = positive.
// The dense autoencoders train exactly as in full mode (only the conv autoencoder trains fewer epochs).
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, joined, jupyterPython, readNotebook, runNotebooks, type NotebookOutput, assertLightReports, reportSizes, type ReportSizes } from "./helpers/jupyter";
import { MIRROR_ROOT } from "./helpers/mirror";

const NAME = "06-ecg-heartbeat";
let outputs: NotebookOutput[] = [];
let stdout = "";
let html = "";

let reports: ReportSizes;
before(async () => {
  const out = mkdtempSync(path.join(tmpdir(), "anomaly-lab-ecg-"));
  const env = { ...process.env, ANOMALY_LAB_DATA_MIRROR: MIRROR_ROOT };
  const run = await runNotebooks(jupyterPython(), [path.join(ROOT, "notebooks", `${NAME}.ipynb`), "--quick", "--out", out], env);
  assert.equal(run.code, 0, `the ECG notebook failed:\n${run.output}`);
  outputs = readNotebook(path.join(out, `${NAME}.ipynb`)).cells.flatMap((cell) => cell.outputs ?? []);
  stdout = outputs.filter((o) => o.name === "stdout").map((o) => joined(o.text)).join("");
  html = readFileSync(path.join(out, `${NAME}.html`), "utf8");
  reports = reportSizes(out, NAME);
});

/** The cells of a model's row in the results table (the text/html of `table(...)`), by column. */
function resultRow(model: string): Record<string, string> {
  const tableHtml = outputs.map((o) => joined(o.data?.["text/html"])).find((t) => t.includes("abnormal right") && t.includes("Curiousily"));
  assert.ok(tableHtml, "no results table");
  const cells = (row: string) => [...row.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((m) => m[1].replace(/&amp;/g, "&"));
  const rows = [...tableHtml.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => cells(m[1]));
  const header = rows[0];
  const row = rows.find((r) => r[0]?.startsWith(model));
  assert.ok(row, `no row for ${model} in the results table`);
  return Object.fromEntries(row.map((cell, i) => [header[i], cell]));
}

test("the tutorial's split: 3,998 training beats (2,359 normal), 1,000 test beats (560 normal, 440 abnormal)", () => {
  assert.match(stdout, /train: 3998 beats \(2359 normal: the autoencoder's training data\); test: 1000 beats \(560 normal, 440 abnormal\)/);
});

test("the tutorial's setting matches its published accuracy, precision and recall within 0.02", () => {
  const comparison = outputs.map((o) => joined(o.data?.["text/plain"])).find((t) => t.startsWith("Compared with TensorFlow"));
  assert.ok(comparison, "no TutorialComparison");
  for (const quantity of ["accuracy", "precision \\(normal\\)", "recall \\(normal\\)"]) {
    assert.match(comparison, new RegExp(`^OK +${quantity}: tutorial`, "m"), `${quantity} within 0.02 of the tutorial:\n${comparison}`);
  }
});

test("the better setting meets the bar: accuracy >= 0.94, ROC-AUC >= 0.97 (abnormal = positive)", () => {
  assert.match(stdout, /better setting meets the bar/);
  const better = resultRow("dense AE 100×64");
  assert.ok(Number(better.accuracy) >= 0.94, `accuracy ${better.accuracy}`);
  assert.ok(Number(better["ROC-AUC"]) >= 0.97, `ROC-AUC ${better["ROC-AUC"]}`);
  // Ranking improves over the tutorial's 100 gradient steps (seeded: 0.960 -> 0.990 on wasm).
  const tutorial = resultRow("dense AE 20×512");
  assert.ok(Number(tutorial["ROC-AUC"]) > 0.94 && Number(tutorial["ROC-AUC"]) < Number(better["ROC-AUC"]), `tutorial setting ROC-AUC ${tutorial["ROC-AUC"]}`);
});

test("the conv autoencoder and Isolation Forest are in the same table, with per-class counts", () => {
  const conv = resultRow("1-D conv AE");
  assert.ok(Number(conv["ROC-AUC"]) > 0.85, `conv AE ROC-AUC ${conv["ROC-AUC"]} after the quick run's few epochs`);
  const forest = resultRow("Isolation Forest");
  assert.ok(Number(forest["ROC-AUC"]) > 0.8, `Isolation Forest ROC-AUC ${forest["ROC-AUC"]}`);
  assert.match(conv["normal right"], /^\d+ \/ 560$/);
  assert.match(conv["abnormal right"], /^\d+ \/ 440$/);
  assert.equal(resultRow("Curiousily")["normal right"], "142 / 145");
});

test("every chart reaches the HTML: class counts, beats, mean bands, 3 loss curves, 2 reconstructions, errors, ROC, PR", () => {
  const charts = outputs.filter((o) => joined(o.data?.["text/plain"]).startsWith("Chart:"));
  assert.equal(charts.length, 12);
  assert.equal((html.match(/<img[^>]+src="data:image\/svg\+xml/g) ?? []).length, 12, "each chart as an SVG image in the HTML export");
});

test("the executed notebook and its HTML report are under 1 MB each", () => {
  assertLightReports(reports, NAME);
});
