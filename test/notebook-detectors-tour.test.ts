// Executes notebooks/02-detectors-tour.ipynb on the real kernel (quick mode, datasets mirror) and checks its
// numbers against scikit-learn on the same stratified split (values computed with Debian's sklearn 1.2:
// StandardScaler on the 60% train part of train_test_split(test_size=0.4, random_state=42, stratify=y),
// features V1..V28 + Amount; LocalOutlierFactor(novelty=True) and NearestNeighbors scores of the test rows).
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, joined, jupyterPython, readNotebook, runNotebooks, type NotebookOutput } from "./helpers/jupyter";
import { MIRROR_ROOT } from "./helpers/mirror";

const NAME = "02-detectors-tour";
let outputs: NotebookOutput[] = [];
let stdout = "";

before(async () => {
  const out = mkdtempSync(path.join(tmpdir(), "anomaly-lab-tour-"));
  const env = { ...process.env, ANOMALY_LAB_DATA_MIRROR: MIRROR_ROOT };
  const run = await runNotebooks(jupyterPython(), [path.join(ROOT, "notebooks", `${NAME}.ipynb`), "--quick", "--out", out], env);
  assert.equal(run.code, 0, `the detectors tour failed:\n${run.output}`);
  outputs = readNotebook(path.join(out, `${NAME}.ipynb`)).cells.flatMap((cell) => cell.outputs ?? []);
  stdout = outputs.filter((o) => o.name === "stdout").map((o) => joined(o.text)).join("");
});

function aucOf(detector: string): number {
  const table = outputs.map((o) => joined(o.data?.["text/plain"])).find((text) => text.includes("ROC-AUC"));
  assert.ok(table, "no results table");
  const line = table.split("\n").find((row) => row.trim().startsWith(`${detector} `));
  assert.ok(line, `no row for ${detector} in\n${table}`);
  return Number(line.trim().split(/\s+/)[1]);
}

test("the split is stratified: 3,247 train / 2,165 test rows, 9.1% fraud in each", () => {
  assert.match(stdout, /train 3247 x 29 \(9\.09% fraud\), test 2165 \(9\.10% fraud\)/);
});

test("KNN and LOF score the test rows as scikit-learn does (ROC-AUC to 4 decimals)", () => {
  assert.equal(aucOf("KNN"), 0.905);
  assert.equal(aucOf("LOF"), 0.5172);
  assert.match(stdout, /LOF with 400 neighbours: ROC-AUC 0\.9432/);
});

test("the global detectors rank the frauds well", () => {
  for (const name of ["HBOS", "ECOD", "IForest", "OCSVM", "MCD", "PCA"]) assert.ok(aucOf(name) > 0.9, name);
});

test("the autoencoder has its row in the same table, trained in quick mode (3 epochs)", () => {
  // Measured in quick mode (wasm): 0.9001 after 3 epochs; the full run (up to 60 epochs) is higher. The bar is
  // well above chance and below what a few epochs reach on any backend.
  assert.ok(aucOf("autoencoder") > 0.85, `autoencoder ROC-AUC ${aucOf("autoencoder")}`);
  assert.match(stdout + outputs.map((o) => joined(o.data?.["text/plain"])).join(""), /AutoencoderDetector training 3\/3/);
});

test("ROC and PR charts are execute_results with images", () => {
  const charts = outputs.filter((o) => o.output_type === "execute_result" && joined(o.data?.["text/plain"]).startsWith("Chart:"));
  assert.equal(charts.length, 2);
});
