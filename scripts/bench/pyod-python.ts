// Finds a Python that has PyOD, for the benchmarks that run PyOD itself beside anomaly-lab, and runs
// scripts/bench/pyod_benchmark.py with it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
export const PYOD_PYTHON_ENV = "ANOMALY_LAB_PYOD_PYTHON";
/** Made by `npm run bench:pyod -- --setup-pyod` from scripts/bench/requirements-pyod.txt. */
export const PYOD_VENV = path.join(ROOT, ".venv-pyod");

function importsPyod(python: string): boolean {
  const probe = spawnSync(python, ["-c", "import pyod, sklearn, numpy"], { encoding: "utf8", timeout: 60_000 });
  return probe.status === 0;
}

/**
 * The Python to run PyOD with, or a sentence saying why there is none. Order: `--python`, $ANOMALY_LAB_PYOD_PYTHON
 * (both must work), .venv-pyod in the project, ../venv-ref beside it (this project's reference venv), the
 * Jupyter Python, python3.
 */
export function findPyodPython(explicit: string | undefined): { python: string } | { missing: string } {
  const chosen = explicit ?? process.env[PYOD_PYTHON_ENV];
  if (chosen !== undefined && chosen !== "") {
    return importsPyod(chosen) ? { python: chosen } : { missing: `${chosen} cannot import pyod, sklearn and numpy` };
  }
  const jupyter = spawnSync("bash", [path.join(ROOT, "scripts", "lib", "python.sh")], { encoding: "utf8" });
  const candidates = [
    path.join(PYOD_VENV, "bin", "python"),
    path.resolve(ROOT, "..", "venv-ref", "bin", "python"),
    jupyter.status === 0 ? jupyter.stdout.trim() : "",
    "python3",
  ].filter((candidate) => candidate !== "" && (candidate === "python3" || existsSync(candidate)));
  for (const candidate of candidates) if (importsPyod(candidate)) return { python: candidate };
  return {
    missing:
      `no Python with PyOD among ${candidates.join(", ")}; run \`npm run bench:pyod -- --setup-pyod\` to make ${path.relative(ROOT, PYOD_VENV)} ` +
      `from scripts/bench/requirements-pyod.txt, or set ${PYOD_PYTHON_ENV}`,
  };
}

/** One cell of PyOD's own run: its per-iteration values, or why it stopped. */
export interface PyodHereCell {
  dataset: string;
  detector: string;
  runs: { roc: number; prn: number; seconds: number }[];
  error: string | null;
}

/** Runs PyOD on the protocol (datasets as { name: .npz path }); the versions it reports and its cells, or the reason it failed. */
export function runPyodHere(
  python: string,
  args: { files: Record<string, string>; detectors: readonly string[]; iterations: number; timeoutSeconds: number },
): { versions: Record<string, string>; cells: PyodHereCell[] } | { failed: string } {
  const child = spawnSync(
    python,
    [
      path.join(__dirname, "pyod_benchmark.py"),
      "--datasets", Object.entries(args.files).map(([name, file]) => `${name}=${file}`).join(","),
      "--detectors", args.detectors.join(","),
      "--iterations", String(args.iterations),
    ],
    { encoding: "utf8", timeout: args.timeoutSeconds * 1000, maxBuffer: 1 << 26 },
  );
  if (child.error !== undefined) return { failed: `${python}: ${child.error.message}` };
  if (child.status !== 0) return { failed: `${python} exited with ${child.status}: ${child.stderr.trim().split("\n").slice(-3).join(" | ")}` };
  // PyOD prints notices of its own ("please install ...") on stdout: the records are the lines of JSON.
  const lines = child.stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
  const versions = (lines[0]?.["versions"] ?? {}) as Record<string, string>;
  return { versions, cells: lines.slice(1) as unknown as PyodHereCell[] };
}
