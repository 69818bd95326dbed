/**
 * Finds and runs the user's `jupyter` command, for `anomaly-lab-kernel install` and `uninstall`.
 * Everything goes through Jupyter's own CLI (`jupyter kernelspec ...`), so the kernel lands
 * exactly where that Jupyter looks, whatever its version or configuration (JUPYTER_DATA_DIR,
 * JUPYTER_PATH, conda, venv).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";

/** Env var naming the Python whose Jupyter anomaly-lab uses (as in scripts/lib/python.sh). */
export const PYTHON_ENV = "ANOMALY_LAB_PYTHON";

/** A way to run Jupyter: `jupyter ...` or `<python> -m jupyter ...`. */
export interface JupyterCommand {
  command: string;
  prefixArgs: string[];
  /** As a user would type it, for messages: "jupyter" or "/usr/bin/python3 -m jupyter". */
  label: string;
  /**
   * A folder put first on PATH while it runs: a named Python's own scripts folder, because `python -m jupyter X`
   * runs the first `jupyter-X` on PATH (jupyter_core appends its own scripts folder last), which on a machine with
   * two Jupyters (Debian's in /usr/bin and a venv) would be the other Jupyter's.
   */
  pathFirst?: string;
}

/** One installed kernelspec, as `jupyter kernelspec list --json` reports it. */
export interface InstalledKernelSpec {
  resource_dir: string;
  spec: { argv: string[]; display_name: string; language?: string; [key: string]: unknown };
}

/** Raised when no working Jupyter is found; the message says what was tried and what to do. */
export class JupyterNotFoundError extends Error {
  constructor(readonly attempts: string[]) {
    super(
      `no Jupyter found (tried: ${attempts.join("; ")}).\n` +
        "Install Jupyter first, e.g. `pip install jupyterlab`, `conda install -c conda-forge jupyterlab` or, on " +
        "Debian/Ubuntu, `sudo apt-get install jupyter-notebook`; or name the Python that has it with " +
        `--python PATH (or ${PYTHON_ENV}=PATH), then run this command again.`,
    );
    this.name = "JupyterNotFoundError";
  }
}

/** Raised when a jupyter command exits with an error; carries its output. */
export class JupyterCommandError extends Error {
  constructor(jupyter: JupyterCommand, args: string[], readonly output: string) {
    super(`\`${jupyter.label} ${args.join(" ")}\` failed:\n${output.trim()}`);
    this.name = "JupyterCommandError";
  }
}

/** The result of a finished jupyter command. */
interface Completed {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Set when the command could not be started at all (e.g. ENOENT: not on PATH). */
  error?: NodeJS.ErrnoException;
}

function jupyterEnv(jupyter: JupyterCommand, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // Debian's debugpy prints a frozen-modules warning on every jupyter command: noise here.
  const quiet = { ...env, PYDEVD_DISABLE_FILE_VALIDATION: "1" };
  if (jupyter.pathFirst === undefined) return quiet;
  return { ...quiet, PATH: [jupyter.pathFirst, env.PATH].filter((part) => part !== undefined && part !== "").join(path.delimiter) };
}

function spawnJupyter(jupyter: JupyterCommand, args: string[], env: NodeJS.ProcessEnv): Completed {
  const run = spawnSync(jupyter.command, [...jupyter.prefixArgs, ...args], {
    env: jupyterEnv(jupyter, env),
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout ?? "", stderr: run.stderr ?? "", error: run.error as NodeJS.ErrnoException | undefined };
}

/**
 * Runs `jupyter <args>` and returns its stdout and stderr (where Jupyter logs); throws
 * {@link JupyterCommandError} with the command's output when it fails.
 *
 * @example runJupyter(jupyter, ["--data-dir"]).stdout.trim(); // "/home/me/.local/share/jupyter"
 */
export function runJupyter(jupyter: JupyterCommand, args: string[], env: NodeJS.ProcessEnv = process.env): { stdout: string; stderr: string } {
  const run = spawnJupyter(jupyter, args, env);
  if (run.error !== undefined || run.status !== 0) {
    throw new JupyterCommandError(jupyter, args, run.error?.message ?? `${run.stderr}\n${run.stdout}`);
  }
  return { stdout: run.stdout, stderr: run.stderr };
}

/** Runs a python as Jupyter: `<python> -m jupyter`, its subcommands taken from that Python's own folder first. */
export function pythonJupyter(python: string): JupyterCommand {
  const command: JupyterCommand = { command: python, prefixArgs: ["-m", "jupyter"], label: `${python} -m jupyter` };
  return path.isAbsolute(python) ? { ...command, pathFirst: path.dirname(python) } : command;
}

/**
 * Where to look for Jupyter, in order: `python` (the --python option) or `$ANOMALY_LAB_PYTHON`
 * when given (then only that one: a named Python must work, no silent fallback), else `jupyter`
 * on PATH, else `python3 -m jupyter` (`python` on Windows).
 *
 * @example jupyterCandidates(undefined, {}).map((c) => c.label); // ["jupyter", "python3 -m jupyter"]
 */
export function jupyterCandidates(python: string | undefined, env: NodeJS.ProcessEnv = process.env): JupyterCommand[] {
  const named = python ?? env[PYTHON_ENV];
  if (named !== undefined && named !== "") return [pythonJupyter(named)];
  return [{ command: "jupyter", prefixArgs: [], label: "jupyter" }, pythonJupyter(process.platform === "win32" ? "python" : "python3")];
}

/** What {@link findJupyter} found: the command and the kernelspecs it already knows. */
export interface FoundJupyter {
  jupyter: JupyterCommand;
  kernelspecs: Record<string, InstalledKernelSpec>;
}

/**
 * The first candidate whose `jupyter kernelspec list --json` works (that needs jupyter_client,
 * which is all a kernel install needs); throws {@link JupyterNotFoundError} naming every attempt.
 *
 * @example const { jupyter, kernelspecs } = findJupyter(jupyterCandidates(undefined));
 */
export function findJupyter(candidates: JupyterCommand[], env: NodeJS.ProcessEnv = process.env): FoundJupyter {
  const attempts: string[] = [];
  for (const jupyter of candidates) {
    const run = spawnJupyter(jupyter, ["kernelspec", "list", "--json"], env);
    if (run.error !== undefined) {
      attempts.push(`\`${jupyter.label}\`: ${run.error.code === "ENOENT" ? `${jupyter.command} not found` : run.error.message}`);
      continue;
    }
    if (run.status !== 0) {
      attempts.push(`\`${jupyter.label} kernelspec list\`: ${lastLine(run.stderr) || `exit status ${run.status}`}`);
      continue;
    }
    try {
      return { jupyter, kernelspecs: parseKernelspecList(run.stdout) };
    } catch (error) {
      attempts.push(`\`${jupyter.label} kernelspec list --json\`: ${(error as Error).message}`);
    }
  }
  throw new JupyterNotFoundError(attempts);
}

/**
 * The kernelspecs Jupyter knows now (`jupyter kernelspec list --json`).
 *
 * @example Object.keys(listKernelspecs(jupyter)); // ["anomaly-lab", "python3"]
 */
export function listKernelspecs(jupyter: JupyterCommand, env: NodeJS.ProcessEnv = process.env): Record<string, InstalledKernelSpec> {
  return parseKernelspecList(runJupyter(jupyter, ["kernelspec", "list", "--json"], env).stdout);
}

function parseKernelspecList(stdout: string): Record<string, InstalledKernelSpec> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new Error(`output is not JSON: ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  const specs = (parsed as { kernelspecs?: unknown }).kernelspecs;
  if (typeof specs !== "object" || specs === null) throw new Error("output has no \"kernelspecs\" object");
  return specs as Record<string, InstalledKernelSpec>;
}

function lastLine(text: string): string {
  return text.trim().split("\n").pop()?.trim() ?? "";
}
