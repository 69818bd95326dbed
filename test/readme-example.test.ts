// The README's library example must keep working as written: run it as a one-cell notebook on the real kernel.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, joined, jupyterPython, readNotebook, runNotebooks } from "./helpers/jupyter";

test("the README's 'Using the library in your own notebook' example runs and prints the tutorial's answers", async () => {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Using the library in your own notebook"));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, "no ```ts block in the README section");
  // Inside the repository, so that "anomaly-lab" resolves the way it does for the notebooks.
  const dir = mkdtempSync(path.join(ROOT, "notebooks", ".readme-"));
  const notebook = path.join(dir, "readme.ipynb");
  writeFileSync(notebook, JSON.stringify({
    cells: [{ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: code }],
    metadata: { kernelspec: { name: "anomaly-lab", display_name: "TypeScript (anomaly-lab)", language: "typescript" } },
    nbformat: 4, nbformat_minor: 5,
  }));
  try {
    const out = mkdtempSync(path.join(tmpdir(), "anomaly-lab-readme-"));
    const run = await runNotebooks(jupyterPython(), [notebook, "--quick", "--out", out]);
    assert.equal(run.code, 0, run.output);
    const outputs = readNotebook(path.join(out, "readme.ipynb")).cells[0].outputs ?? [];
    assert.match(outputs.filter((o) => o.name === "stdout").map((o) => joined(o.text)).join(""), /Uint8Array\(1\) \[ 1 \] Uint8Array\(1\) \[ 0 \]/);
    const result = outputs.find((o) => o.output_type === "execute_result");
    assert.equal(joined(result?.data?.["text/plain"]), "1");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
