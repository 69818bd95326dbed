// Executes notebooks/01-datasets.ipynb on the real kernel in quick mode against the datasets mirror and checks
// that every loader ran in one line on the verified real files with the PROVENANCE figures.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, joined, jupyterPython, readNotebook, runNotebooks } from "./helpers/jupyter";
import { MIRROR_ROOT } from "./helpers/mirror";

const NAME = "01-datasets";
const out = mkdtempSync(path.join(tmpdir(), "anomaly-lab-datasets-"));
let stdout = "";
let htmlOutputs: string[] = [];

before(async () => {
  const env = { ...process.env, ANOMALY_LAB_DATA_MIRROR: MIRROR_ROOT };
  const run = await runNotebooks(jupyterPython(), [path.join(ROOT, "notebooks", `${NAME}.ipynb`), "--quick", "--out", out], env);
  assert.equal(run.code, 0, `the datasets notebook failed:\n${run.output}`);
  const outputs = readNotebook(path.join(out, `${NAME}.ipynb`)).cells.flatMap((cell) => cell.outputs ?? []);
  stdout = outputs.filter((o) => o.name === "stdout").map((o) => joined(o.text)).join("");
  htmlOutputs = outputs.flatMap((o) => (o.data?.["text/html"] ? [joined(o.data["text/html"])] : []));
});

test("ECG5000: 4,998 x 140, 2,919 normal, 2,079 abnormal; the tutorial split 3,998 / 1,000", () => {
  assert.match(stdout, /X: 4998 x 140; normal 2919, abnormal 2079/);
  assert.match(stdout, /train 3998, test 1000/);
});

test("every file is checksum-verified", () => {
  assert.equal((stdout.match(/sha256 verified/g) ?? []).length, 4, stdout);
});

test("bearings, credit card and NAB load with their PROVENANCE figures", () => {
  assert.match(stdout, /984 ten-minute rows, 2004-02-12 10:32:39 \.\. 2004-02-19 06:22:39/);
  assert.match(stdout, /variant: subset-5412; 5412 rows, 492 frauds \(9\.09%\)/);
  assert.match(stdout, /10,320 points, 5 anomaly window/);
});

test("the executed notebook and its HTML report are under 1 MB each (full mode: were 2.5 MB and 0.96 MB)", () => {
  for (const extension of ["ipynb", "html"]) {
    const bytes = statSync(path.join(out, `${NAME}.${extension}`)).size;
    assert.ok(bytes < 1_000_000, `${NAME}.${extension}: ${bytes} bytes`);
  }
});

test("four charts and the tables reach the HTML", () => {
  assert.equal(htmlOutputs.filter((h) => h.includes("data:image/svg+xml;base64,")).length, 4);
  assert.ok(htmlOutputs.filter((h) => h.includes("<table")).length >= 3);
});
