// Executes notebooks/09-image-anomalies.ipynb on the real anomaly-lab kernel in quick mode and checks that
// the planted trousers dominate the top of the conv autoencoder's error ranking, and that the montages
// reach the HTML report as PNG images.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, joined, jupyterPython, readNotebook, runNotebooks, type Notebook, assertLightReports, reportSizes } from "./helpers/jupyter";

const NAME = "09-image-anomalies";
const out = mkdtempSync(path.join(tmpdir(), "anomaly-lab-image-"));
let notebook: Notebook;
let html: string;
let stdout: string;

before(async () => {
  const run = await runNotebooks(jupyterPython(), [path.join(ROOT, "notebooks", `${NAME}.ipynb`), "--quick", "--out", out]);
  assert.equal(run.code, 0, `the image notebook failed:\n${run.output}`);
  notebook = readNotebook(path.join(out, `${NAME}.ipynb`));
  html = readFileSync(path.join(out, `${NAME}.html`), "utf8");
  stdout = notebook.cells
    .flatMap((cell) => cell.outputs ?? [])
    .filter((o) => o.output_type === "stream" && o.name === "stdout")
    .map((o) => joined(o.text))
    .join("");
});

test("quick mode: 500 sneakers + 5 planted trousers from the verified Fashion-MNIST files", () => {
  assert.match(stdout, /run mode: quick/);
  assert.match(stdout, /505 images: 500 Sneaker \+ 5 Trouser \(planted, 0\.99%\)/);
  assert.match(stdout, /sha256 verified/);
});

test("the backend and the training cost are printed", () => {
  assert.match(stdout, /backend: TensorFlow\.js [\d.]+ on (wasm|cpu|tensorflow)/);
  assert.match(stdout, /architecture: strided; 2 epochs in [\d.]+ s = [\d.]+ s per epoch, [\d.]+ s per epoch per 1,000 images/);
});

test("planted images dominate the top of the conv autoencoder's ranking (precision at 5 >= 0.6)", () => {
  const match = /conv autoencoder precision at k = 5: ([\d.]+); ROC-AUC ([\d.]+)/.exec(stdout);
  assert.ok(match, "no precision line");
  assert.ok(Number(match[1]) >= 0.6, `precision at 5 = ${match[1]}`);
  assert.ok(Number(match[2]) >= 0.95, `ROC-AUC = ${match[2]}`);
  assert.match(stdout, /Isolation forest \(pixels\): precision at 5 = [\d.]+/);
});

test("the montages are PNG images in the notebook and in the HTML report", () => {
  const pngs = notebook.cells.flatMap((cell) => (cell.outputs ?? []).filter((o) => o.data?.["image/png"] !== undefined));
  assert.equal(pngs.length, 2, "expected the sample montage and the top-anomalies montage");
  assert.equal((html.match(/<img src="data:image\/png;base64,/g) ?? []).length, 2);
});

test("the executed notebook and its HTML report are under 1 MB each", () => {
  assertLightReports(reportSizes(out, NAME), NAME);
});
