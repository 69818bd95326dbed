// Shared by the tests that execute notebooks on the real anomaly-lab kernel through scripts/run_notebooks.py.
import { spawn, spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const FIXTURES = path.join(ROOT, "test", "fixtures", "notebooks");
export const SETUP_HINT = "Run `npm run setup` (see environment/README.md).";

export interface RunResult {
  code: number | null;
  output: string;
}

export interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}

export interface Notebook {
  cells: { cell_type?: string; source?: string | string[]; execution_count?: number | null; outputs?: NotebookOutput[] }[];
}

/** The Python that has Jupyter, resolved exactly as the scripts do; throws with a setup hint. */
export function jupyterPython(): string {
  const found = spawnSync("bash", [path.join(ROOT, "scripts", "lib", "python.sh")], { encoding: "utf8" });
  if (found.status !== 0) {
    throw new Error(`No Python with Jupyter (jupyter_client, nbclient, nbconvert) found. ${SETUP_HINT}\n${found.stderr}`);
  }
  const python = found.stdout.trim();
  const kernel = spawnSync(python, ["-c",
    "from jupyter_client.kernelspec import KernelSpecManager as M; M().get_kernel_spec('anomaly-lab')"],
    { encoding: "utf8" });
  if (kernel.status !== 0) {
    throw new Error(`The Jupyter kernel 'anomaly-lab' is not installed for ${python}. ${SETUP_HINT}\n${kernel.stderr}`);
  }
  return python;
}

export function runPython(python: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, {
      cwd: ROOT,
      env: { ...env, PYDEVD_DISABLE_FILE_VALIDATION: "1" },
    });
    let output = "";
    child.stdout.on("data", (chunk) => { output += chunk; });
    child.stderr.on("data", (chunk) => { output += chunk; });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

export function runNotebooks(python: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return runPython(python, [path.join(ROOT, "scripts", "run_notebooks.py"), ...args], env);
}

export function readNotebook(file: string): Notebook {
  return JSON.parse(readFileSync(file, "utf8")) as Notebook;
}

export function joined(text: string | string[] | undefined): string {
  return Array.isArray(text) ? text.join("") : text ?? "";
}

export function stdoutOf(notebook: Notebook, cellIndex: number): string {
  return (notebook.cells[cellIndex].outputs ?? [])
    .filter((o) => o.output_type === "stream" && o.name === "stdout")
    .map((o) => joined(o.text))
    .join("");
}

/** The byte sizes of a notebook's executed copy and HTML report, as run_notebooks.py wrote them into `out`. */
export interface ReportSizes {
  ipynb: number;
  html: number;
}

export function reportSizes(out: string, name: string): ReportSizes {
  return { ipynb: statSync(path.join(out, `${name}.ipynb`)).size, html: statSync(path.join(out, `${name}.html`)).size };
}

/** Issue #15: every executed notebook and every HTML report stays under 1 MB (quick mode; full mode draws the same charts). */
export function assertLightReports(sizes: ReportSizes, name: string): void {
  for (const [kind, bytes] of Object.entries(sizes)) {
    assert.ok(bytes < 1_000_000, `${name}.${kind} is ${bytes} bytes; reports must stay under 1 MB (issue #15: see Chart.displaySvg and scripts/report_css.py)`);
  }
}
