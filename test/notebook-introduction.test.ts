// Executes notebooks/00-introduction.ipynb on the real kernel (quick mode, datasets mirror) and checks what its
// prose claims: the article's Isolation Forest example flags one planted point of two at contamination 0.01 and
// both at 0.02, the comparisons with scikit-learn / imbalanced-learn all match (values from Debian's sklearn 1.2
// and imblearn 0.10 on the same split, see the notebook), every chart is there, the links resolve, and
// `npm run reports` runs the introduction first.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, joined, jupyterPython, readNotebook, runNotebooks, runPython, type Notebook, type NotebookOutput, assertLightReports, reportSizes, type ReportSizes } from "./helpers/jupyter";
import { MIRROR_ROOT } from "./helpers/mirror";

const NAME = "00-introduction";
let notebook: Notebook;
let outputs: NotebookOutput[] = [];
let stdout = "";

let reports: ReportSizes;
before(async () => {
  const out = mkdtempSync(path.join(tmpdir(), "anomaly-lab-intro-"));
  const env = { ...process.env, ANOMALY_LAB_DATA_MIRROR: MIRROR_ROOT };
  const run = await runNotebooks(jupyterPython(), [path.join(ROOT, "notebooks", `${NAME}.ipynb`), "--quick", "--out", out], env);
  assert.equal(run.code, 0, `the introduction failed:\n${run.output}`);
  notebook = readNotebook(path.join(out, `${NAME}.ipynb`));
  outputs = notebook.cells.flatMap((cell) => cell.outputs ?? []);
  stdout = outputs.filter((o) => o.name === "stdout").map((o) => joined(o.text)).join("");
  reports = reportSizes(out, NAME);
});

function textOutputs(): string[] {
  return outputs.map((o) => joined(o.data?.["text/plain"]));
}

/** Rows of the metrics table: model -> [ROC-AUC, PR-AUC, recall @ 10% alarms]. */
function metrics(): Map<string, number[]> {
  const tableText = textOutputs().find((text) => text.includes("recall @ 10% alarms"));
  assert.ok(tableText, "no metrics table");
  const rows = new Map<string, number[]>();
  for (const line of tableText.split("\n").slice(1)) {
    const values = line.trim().split(/\s+/).slice(-3).map(Number);
    rows.set(line.trim().split(/\s{2,}|\s+(?=\d)/)[0], values);
  }
  return rows;
}

test("the Isolation Forest example prints scikit-learn-style predictions with exactly one -1", () => {
  const printed = stdout.match(/\[[ \d\n-]+\]/);
  assert.ok(printed, `no numpy-style array in\n${stdout}`);
  const values = printed[0].replace(/[[\]]/g, " ").trim().split(/\s+/).map(Number);
  assert.equal(values.length, 100);
  assert.equal(values.filter((v) => v === -1).length, 1);
  assert.ok(values.every((v) => v === 1 || v === -1));
  assert.match(stdout, /planted rows flagged: row [01]; not flagged: row [01]/);
  assert.match(stdout, /contamination 0\.02 flags rows 0 and 1/);
});

test("every comparison with scikit-learn and imbalanced-learn matches", () => {
  const comparisons = textOutputs().filter((text) => text.startsWith("Compared with"));
  assert.equal(comparisons.length, 2);
  for (const text of comparisons) assert.doesNotMatch(text, /^DIFF/m, text);
});

test("the metrics support the notebook's conclusions", () => {
  const rows = metrics();
  const get = (name: string) => {
    const values = rows.get(name);
    assert.ok(values, `no row '${name}' in ${[...rows.keys()]}`);
    return values;
  };
  const forests = ["random forest (supervised)", "random forest + RandomOverSampler", "random forest + SMOTE"].map(get);
  const detectors = ["Isolation Forest (unsupervised)", "Isolation Forest (semi-supervised)", "KNN (semi-supervised)"].map(get);
  for (let m = 0; m < 3; m++) {
    assert.ok(Math.min(...forests.map((f) => f[m])) > Math.max(...detectors.map((d) => d[m])), `labels help (metric ${m})`);
    assert.ok(detectors[1][m] > detectors[0][m], `semi-supervised beats unsupervised (metric ${m})`);
  }
  assert.ok(forests[1][0] >= forests[0][0], "oversampling does not hurt the forest's ROC-AUC");
});

test("every chart is rendered (scatter, two lines, two decision-region plots, recall curve, PR curves, importances)", () => {
  const charts = outputs.filter((o) => o.output_type === "execute_result" && joined(o.data?.["text/plain"]).startsWith("Chart:"));
  assert.equal(charts.length, 8);
  for (const chart of charts) assert.ok(joined(chart.data?.["image/svg+xml"]).includes("<svg"), "chart without an image");
});

test("the links to the other notebooks and docs resolve", () => {
  const markdown = notebook.cells.filter((cell) => cell.cell_type === "markdown").map((cell) => joined((cell as { source?: string | string[] }).source)).join("\n");
  const links = [...markdown.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]);
  assert.ok(links.length >= 6, `links: ${links}`);
  for (const link of links) assert.ok(existsSync(path.join(ROOT, "notebooks", link)), `broken link ${link}`);
});

test("npm run reports runs the introduction first", async () => {
  const listing = await runPython(jupyterPython(), ["-c",
    "import sys; sys.path.insert(0, 'scripts'); import run_notebooks; print([p.name for p in run_notebooks.find_notebooks([])][0])"]);
  assert.equal(listing.code, 0, listing.output);
  assert.equal(listing.output.trim(), `${NAME}.ipynb`);
});

test("the executed notebook and its HTML report are under 1 MB each", () => {
  assertLightReports(reports, NAME);
});
