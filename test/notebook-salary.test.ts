// Executes notebooks/02-salary-kmeans.ipynb on the real anomaly-lab kernel in quick mode (as CI and
// `npm run reports -- --quick` do) and checks the numbers the FloydHub tutorial publishes, and that
// tables and charts reach the HTML export as HTML (nbconvert 6.5 drops image/svg+xml content).
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, joined, jupyterPython, readNotebook, runNotebooks, type Notebook, assertLightReports, reportSizes } from "./helpers/jupyter";

const NAME = "02-salary-kmeans";
const out = mkdtempSync(path.join(tmpdir(), "anomaly-lab-salary-"));
let notebook: Notebook;
let html: string;
let allStdout: string;

function outputsOfType(mime: string): string[] {
  return notebook.cells.flatMap((cell) =>
    (cell.outputs ?? []).filter((o) => o.data?.[mime] !== undefined).map((o) => joined(o.data?.[mime])),
  );
}

before(async () => {
  const python = jupyterPython();
  const run = await runNotebooks(python, [path.join(ROOT, "notebooks", `${NAME}.ipynb`), "--quick", "--out", out]);
  assert.equal(run.code, 0, `the salary notebook failed:\n${run.output}`);
  notebook = readNotebook(path.join(out, `${NAME}.ipynb`));
  html = readFileSync(path.join(out, `${NAME}.html`), "utf8");
  allStdout = notebook.cells
    .flatMap((cell) => cell.outputs ?? [])
    .filter((o) => o.output_type === "stream" && o.name === "stdout")
    .map((o) => joined(o.text))
    .join("");
});

test("runs in quick mode", () => {
  assert.match(allStdout, /run mode: quick/);
});

test("first five salaries are the tutorial's (numpy seed 7)", () => {
  assert.match(allStdout, /first five salaries: 1175, 2220, 1537, 1502, 1211\n/);
});

test("describe() shows min 17 and max 2498 as an HTML table", () => {
  const table = outputsOfType("text/plain").find((text) => text.includes("statistic"));
  assert.ok(table, "no describe() output");
  assert.match(table, /min\s+┆\s+17\.0/);
  assert.match(table, /max\s+┆\s+2498\.0/);
  assert.ok(outputsOfType("text/html").some((h) => h.includes("<table") && h.includes("2498")));
});

test("the IQR fences flag exactly the two planted anomalies", () => {
  assert.match(allStdout, /outside the fences: rows 16, 65 -> 23, 17 USD/);
});

test("KNN reproduces the tutorial: ROC-AUC 1, precision @ n 1, predict(37) = 1, predict(1256) = 0", () => {
  assert.match(allStdout, /KNN ROC-AUC: 1\n/);
  assert.match(allStdout, /KNN precision @ rank n: 1\n/);
  assert.match(allStdout, /predict\(37\)\s+-> 1 \(outlier\)/);
  assert.match(allStdout, /predict\(1256\) -> 0 \(inlier\)/);
});

test("k-means puts the two anomalies in a cluster of their own", () => {
  assert.match(allStdout, /smallest cluster: rows 16, 65 -> 23, 17 USD/);
});

test("every quantity of the tutorial comparison matches", () => {
  const comparison = outputsOfType("text/plain").find((text) => text.startsWith("Compared with"));
  assert.ok(comparison, "no tutorial comparison output");
  assert.doesNotMatch(comparison, /^DIFF/m);
  assert.equal((comparison.match(/^OK /gm) ?? []).length, 7);
});

test("describe() and the charts are Out[n] of their cells (execute_result), and every cell has In [n]", () => {
  const codeCells = notebook.cells.filter((cell) => cell.cell_type === "code");
  assert.ok(codeCells.every((cell) => typeof cell.execution_count === "number"), "a code cell without execution_count");
  const results = codeCells.flatMap((cell) => (cell.outputs ?? []).filter((o) => o.output_type === "execute_result"));
  const describeResult = results.find((o) => joined(o.data?.["text/plain"]).includes("statistic"));
  assert.ok(describeResult, "describe(...) as the last expression must be an execute_result");
  assert.match(joined(describeResult.data?.["text/html"]), /<table/);
  const chartResults = results.filter((o) => joined(o.data?.["text/html"]).includes("data:image/svg+xml;base64,"));
  assert.equal(chartResults.length, 4);
  assert.ok(chartResults.every((o) => o.data?.["image/svg+xml"] !== undefined));
  assert.match(html, /Out\[\d+\]:/);
});

test("charts are HTML images in the export, not stripped SVG", () => {
  const charts = outputsOfType("text/html").filter((h) => h.includes("data:image/svg+xml;base64,"));
  assert.equal(charts.length, 4, "histogram, boxplot, scatter and class counts");
  assert.equal((html.match(/<img[^>]+src="data:image\/svg\+xml;base64,/g) ?? []).length, 4);
});

test("the executed notebook and its HTML report are under 1 MB each", () => {
  assertLightReports(reportSizes(out, NAME), NAME);
});
