// End-to-end test of the reports job: scripts/run_notebooks.py runs fixture notebooks on the
// real anomaly-lab tslab kernel under Debian's (or the user's) Jupyter, and we check the
// executed notebooks and HTML it writes. Needs `npm run setup` first; without Jupyter or the
// kernel the tests fail (never skip) and say so.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FIXTURES, jupyterPython, readNotebook, runNotebooks, joined, stdoutOf, type RunResult } from "./helpers/jupyter";

function freshDir(label: string): string {
  return mkdtempSync(path.join(tmpdir(), `anomaly-lab-${label}-`));
}

const hello = path.join(FIXTURES, "hello.ipynb");
const boom = path.join(FIXTURES, "boom.ipynb");
const quickOut = freshDir("quick");
const fullOut = freshDir("full");
const failOut = freshDir("fail");
const goodHtml = "<html><body>previous good report</body></html>\n";
const goodNotebook = '{"cells": [], "note": "previous good executed notebook"}\n';

let quickRun: Promise<RunResult>;
let fullRun: Promise<RunResult>;
let failRun: Promise<RunResult>;

before(() => {
  const python = jupyterPython();
  writeFileSync(path.join(failOut, "boom.html"), goodHtml);
  writeFileSync(path.join(failOut, "boom.ipynb"), goodNotebook);
  // The runs are independent kernels: start them together to keep the file fast.
  quickRun = runNotebooks(python, ["--quick", "--out", quickOut, hello]);
  // Full mode must unset the variable even when the caller's environment has it.
  fullRun = runNotebooks(python, ["--out", fullOut, hello], { ...process.env, ANOMALY_LAB_QUICK: "1" });
  failRun = runNotebooks(python, ["--quick", "--out", failOut, boom]);
});

after(() => {
  for (const dir of [quickOut, fullOut, failOut]) rmSync(dir, { recursive: true, force: true });
});

test("quick run executes the notebook on tslab and writes the executed notebook and HTML", { timeout: 180_000 }, async () => {
  const run = await quickRun;
  assert.equal(run.code, 0, run.output);
  assert.match(run.output, /kernel\s+anomaly-lab/);

  const executed = readNotebook(path.join(quickOut, "hello.ipynb"));
  assert.equal(stdoutOf(executed, 1), "42\n");
  const html = (executed.cells[2].outputs ?? []).find((o) => o.data?.["text/html"] !== undefined);
  assert.ok(html, "cell 2 should have a text/html display output");
  assert.equal(joined(html.data?.["text/html"]), "<b>bold</b>");
  assert.equal(stdoutOf(executed, 3), "1\n");

  const reportFile = path.join(quickOut, "hello.html");
  assert.ok(existsSync(reportFile), `${reportFile} should exist`);
  assert.ok(readFileSync(reportFile, "utf8").includes("<b>bold</b>"), "the HTML report should contain the display output");
  assert.ok(!existsSync(path.join(quickOut, "hello.failed.ipynb")));
});

test("the HTML keeps only the CSS its page can use (nbconvert inlines 0.54 MB of JupyterLab's)", { timeout: 180_000 }, async () => {
  assert.equal((await quickRun).code, 0);
  const html = readFileSync(path.join(quickOut, "hello.html"), "utf8");
  const css = [...html.slice(0, html.indexOf("</head>")).matchAll(/<style[^>]*>([^]*?)<\/style>/g)].map((m) => m[1]!).join("");
  assert.ok(css.length < 60_000, `${css.length} bytes of CSS`);
  assert.match(css, /\.jp-OutputArea-output[^{]*\{/, "the rules for the page's own elements stay");
  assert.ok(!css.includes(".jp-FileBrowser"), "the file browser's rules go");
});

test("full run unsets ANOMALY_LAB_QUICK for the kernel", { timeout: 180_000 }, async () => {
  const run = await fullRun;
  assert.equal(run.code, 0, run.output);
  assert.equal(stdoutOf(readNotebook(path.join(fullOut, "hello.ipynb")), 3), "undefined\n");
});

test("a failing cell exits 1, names notebook and cell, and leaves the good report untouched", { timeout: 180_000 }, async () => {
  const run = await failRun;
  assert.equal(run.code, 1, run.output);
  assert.match(run.output, /FAILED \S*boom\.ipynb cell 2\b/);
  assert.match(run.output, /Error: boom/);

  assert.ok(readFileSync(path.join(failOut, "boom.html")).equals(Buffer.from(goodHtml)), "boom.html must be unchanged");
  assert.ok(readFileSync(path.join(failOut, "boom.ipynb")).equals(Buffer.from(goodNotebook)), "boom.ipynb must be unchanged");
  assert.deepEqual(readdirSync(failOut).sort(), ["boom.failed.ipynb", "boom.html", "boom.ipynb"], "no temp files left");

  const partial = readNotebook(path.join(failOut, "boom.failed.ipynb"));
  assert.equal(stdoutOf(partial, 1), "before the error\n");
  assert.equal(stdoutOf(partial, 3), "", "cells after the failing one must not run");
});
