// Executes notebooks/09-image-anomalies.ipynb on the real anomaly-lab kernel in quick mode and checks that
// the planted sandals dominate the top of the conv autoencoder's error ranking (and that the isolation
// forest on pixels does not beat it), and that the montages reach the HTML report as PNG images.
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

test("quick mode: 500 trousers + 5 planted sandals from the verified Fashion-MNIST files", () => {
  assert.match(stdout, /run mode: quick/);
  assert.match(stdout, /505 images: 500 Trouser \+ 5 Sandal \(planted, 0\.99%\)/);
  assert.match(stdout, /sha256 verified/);
});

test("the backend and the training cost are printed", () => {
  assert.match(stdout, /backend: TensorFlow\.js [\d.]+ on (wasm|cpu|tensorflow)/);
  assert.match(stdout, /architecture: strided; 6 epochs in [\d.]+ s = [\d.]+ s per epoch, [\d.]+ s per epoch per 1,000 images/);
});

// Thresholds with margin below what was measured in quick mode on wasm (scripts/trials/image-pairs.ts, seeds
// 42 / 7 / 1): precision at 5 = 0.6 / 0.6 / 0.8, ROC-AUC 0.996 / 0.997 / 0.998; isolation forest 0.4 / 0 / 0.
test("planted sandals dominate the top of the conv autoencoder's ranking (precision at 5 >= 0.4), ahead of the isolation forest", () => {
  const match = /conv autoencoder precision at k = 5: ([\d.]+); ROC-AUC ([\d.]+)/.exec(stdout);
  assert.ok(match, "no precision line");
  assert.ok(Number(match[1]) >= 0.4, `precision at 5 = ${match[1]}`);
  assert.ok(Number(match[2]) >= 0.98, `ROC-AUC = ${match[2]}`);
  const forest = /Isolation forest \(pixels\): precision at 5 = ([\d.]+)/.exec(stdout);
  assert.ok(forest, "no isolation forest line");
  assert.ok(Number(match[1]) >= Number(forest[1]), `conv autoencoder ${match[1]} < isolation forest ${forest[1]}`);
  assert.match(stdout, /top \d+ by error: .*sandal \(planted\)/);
});

test("the montages are PNG images in the notebook and in the HTML report", () => {
  const pngs = notebook.cells.flatMap((cell) => (cell.outputs ?? []).filter((o) => o.data?.["image/png"] !== undefined));
  assert.equal(pngs.length, 2, "expected the sample montage and the top-anomalies montage");
  assert.equal((html.match(/<img [^>]*src="data:image\/png;base64,/g) ?? []).length, 2);
});

test("the executed notebook and its HTML report are under 1 MB each", () => {
  assertLightReports(reportSizes(out, NAME), NAME);
});
