/**
 * `anomaly-lab-kernel install` and `uninstall`: register this package's kernel with the user's
 * Jupyter (through `jupyter kernelspec install`, like `python -m ipykernel install` and
 * `tslab install`), or remove it again.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { findJupyter, jupyterCandidates, JupyterCommandError, runJupyter, type InstalledKernelSpec, type JupyterCommand } from "./jupyter-command";
import { kernelSpec, type KernelSpec } from "./kernelspec";

/** The kernel name `npm run setup` and the notebooks use. */
export const DEFAULT_KERNEL_NAME = "anomaly-lab";
/** The launcher every anomaly-lab kernelspec runs; how uninstall recognises our kernels. */
const LAUNCHER = "anomaly-lab-kernel.js";

/** Which kernel registry to install into (jupyter kernelspec install's --user / --sys-prefix / --prefix). */
export type KernelLocation = { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; prefix: string };

/** Options of {@link installKernel}. */
export interface InstallKernelOptions {
  /** Default "user": the per-user registry (`$JUPYTER_DATA_DIR/kernels` when that is set). */
  location?: KernelLocation;
  /** Kernel name (default "anomaly-lab"): letters, digits, ".", "_" and "-". */
  name?: string;
  /** Shown in Jupyter's kernel picker (default "TypeScript (anomaly-lab)"). */
  displayName?: string;
  /** The Python whose Jupyter to use (default `$ANOMALY_LAB_PYTHON`, `jupyter` on PATH, `python3`). */
  python?: string;
  /** The node binary the kernel runs under (default: the one running this). */
  nodePath?: string;
  env?: NodeJS.ProcessEnv;
}

/** What {@link installKernel} did. */
export interface InstallResult {
  name: string;
  spec: KernelSpec;
  /** The folder holding the installed kernel.json. */
  resourceDir: string;
  /** False when an identical kernelspec was already there (nothing was written). */
  changed: boolean;
  jupyter: JupyterCommand;
  /** Set when Jupyter will not start this kernel under `name` as things stand, and why. */
  warning?: string;
}

const VALID_NAME = /^[a-z0-9._-]+$/i; // jupyter_client's rule for kernel names

/**
 * Checks a kernel name the way Jupyter will, so the error comes before anything is written.
 *
 * @example checkKernelName("my kernel"); // throws: ... letters, digits, ".", "_" and "-" only
 */
export function checkKernelName(name: string): string {
  if (!VALID_NAME.test(name)) {
    throw new Error(`invalid kernel name ${JSON.stringify(name)}: Jupyter allows letters, digits, ".", "_" and "-" only`);
  }
  return name;
}

function prefixKernelsDir(prefix: string): string {
  return path.join(path.resolve(prefix), "share", "jupyter", "kernels");
}

/** The folder Jupyter will install into, where that is known without asking Python (not for sys-prefix). */
function targetDir(jupyter: JupyterCommand, location: KernelLocation, name: string, env: NodeJS.ProcessEnv): string | undefined {
  if (location.kind === "prefix") return path.join(prefixKernelsDir(location.prefix), name);
  if (location.kind === "user") return path.join(runJupyter(jupyter, ["--data-dir"], env).stdout.trim(), "kernels", name);
  return undefined;
}

function readSpec(dir: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "kernel.json"), "utf8"));
  } catch {
    return undefined;
  }
}

function locationFlags(location: KernelLocation): string[] {
  if (location.kind === "user") return ["--user"];
  if (location.kind === "sys-prefix") return ["--sys-prefix"];
  return [`--prefix=${path.resolve(location.prefix)}`];
}

/**
 * Registers the anomaly-lab kernel with Jupyter: writes the kernel.json that {@link kernelSpec}
 * describes (this package's bin/anomaly-lab-kernel.js under this node) and installs it with
 * `jupyter kernelspec install --replace`. Idempotent: an identical installed spec is left alone.
 *
 * @example
 * const result = installKernel({ name: "anomaly-lab", location: { kind: "user" } });
 * result.resourceDir; // "/home/me/.local/share/jupyter/kernels/anomaly-lab"
 */
export function installKernel(options: InstallKernelOptions = {}): InstallResult {
  const env = options.env ?? process.env;
  const name = checkKernelName(options.name ?? DEFAULT_KERNEL_NAME);
  const location = options.location ?? { kind: "user" };
  const spec = kernelSpec({ displayName: options.displayName, nodePath: options.nodePath });
  const found = findJupyter(jupyterCandidates(options.python, env), env);
  const { jupyter } = found;

  const target = targetDir(jupyter, location, name, env);
  const unchanged = target !== undefined && isDeepStrictEqual(readSpec(target), spec);
  const resourceDir = unchanged ? target : installSpec(jupyter, spec, name, location, env) ?? target ?? "";
  const result: InstallResult = { name, spec, resourceDir, changed: !unchanged, jupyter };
  // What Jupyter resolves `name` to now: the list from before still holds when nothing was written.
  const kernelspecs = unchanged ? found.kernelspecs : findJupyter([jupyter], env).kernelspecs;
  const warning = visibilityWarning(kernelspecs, jupyter, name, resourceDir, location);
  if (warning !== undefined) result.warning = warning;
  return result;
}

/** Installs `spec` through Jupyter; returns the folder Jupyter reports it installed into. */
function installSpec(jupyter: JupyterCommand, spec: KernelSpec, name: string, location: KernelLocation, env: NodeJS.ProcessEnv): string | undefined {
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-kernelspec-"));
  try {
    fs.chmodSync(staging, 0o755); // Jupyter copies the mode; mkdtemp's 700 would hide it from other users
    fs.writeFileSync(path.join(staging, "kernel.json"), `${JSON.stringify(spec, null, 1)}\n`, { mode: 0o644 });
    const args = ["kernelspec", "install", "--replace", `--name=${name}`, ...locationFlags(location), staging];
    let log: string;
    try {
      log = runJupyter(jupyter, args, env).stderr; // "[InstallKernelSpec] Installed kernelspec NAME in DIR"
    } catch (error) {
      if (error instanceof JupyterCommandError && /Permission denied|Errno 13/.test(error.output)) {
        error.message += "\n(no permission to write there: use --user, or --prefix DIR / --sys-prefix for a location you own)";
      }
      throw error;
    }
    return /Installed kernelspec \S+ in (.+)$/m.exec(log)?.[1]?.trim();
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Says so when Jupyter, asked for `name`, would start some other kernelspec or none. */
function visibilityWarning(
  specs: Record<string, InstalledKernelSpec>,
  jupyter: JupyterCommand,
  name: string,
  resourceDir: string,
  location: KernelLocation,
): string | undefined {
  const found = specs[name];
  if (found !== undefined && samePath(found.resource_dir, resourceDir)) return undefined;
  if (location.kind === "prefix") {
    const shareDir = path.dirname(prefixKernelsDir(location.prefix));
    return `Jupyter does not look in ${shareDir} by default: add it to JUPYTER_PATH (export JUPYTER_PATH=${shareDir}) for Jupyter to find the kernel '${name}'.`;
  }
  return found === undefined
    ? `\`${jupyter.label} kernelspec list\` does not show '${name}' after installing it.`
    : `Jupyter will start '${name}' from ${found.resource_dir}, which comes before ${resourceDir} in its search path; remove that one or pick another --name.`;
}

function samePath(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}

/** Options of {@link uninstallKernel}. */
export interface UninstallKernelOptions {
  /** Kernel name (default "anomaly-lab"). */
  name?: string;
  /** Also look in PREFIX/share/jupyter/kernels (for a kernel installed with --prefix). */
  prefix?: string;
  python?: string;
  env?: NodeJS.ProcessEnv;
}

/** What {@link uninstallKernel} removed. */
export interface UninstallResult {
  name: string;
  resourceDir: string;
  spec: InstalledKernelSpec["spec"];
}

/**
 * Removes an anomaly-lab kernel from Jupyter (`jupyter kernelspec uninstall`): the one Jupyter
 * finds first under `name`. Refuses kernels that do not run anomaly-lab's launcher, so a typo
 * cannot remove someone's Python kernel.
 *
 * @example uninstallKernel({ name: "anomaly-lab" }).resourceDir; // "/home/me/.local/share/jupyter/kernels/anomaly-lab"
 */
export function uninstallKernel(options: UninstallKernelOptions = {}): UninstallResult {
  const name = checkKernelName(options.name ?? DEFAULT_KERNEL_NAME);
  let env = options.env ?? process.env;
  if (options.prefix !== undefined) {
    const shareDir = path.dirname(prefixKernelsDir(options.prefix));
    env = { ...env, JUPYTER_PATH: [shareDir, env.JUPYTER_PATH].filter((p) => p !== undefined && p !== "").join(path.delimiter) };
  }
  const { jupyter, kernelspecs } = findJupyter(jupyterCandidates(options.python, env), env);
  const installed = kernelspecs[name];
  if (installed === undefined) {
    const known = Object.keys(kernelspecs).sort().join(", ") || "none";
    throw new Error(`no Jupyter kernel named '${name}' (installed: ${known})${options.prefix === undefined ? "; installed with --prefix DIR? pass the same --prefix" : ""}`);
  }
  const argv = Array.isArray(installed.spec.argv) ? installed.spec.argv : [];
  if (!argv.some((arg) => path.basename(arg) === LAUNCHER)) {
    throw new Error(
      `the Jupyter kernel '${name}' in ${installed.resource_dir} is not an anomaly-lab kernel (it runs ${JSON.stringify(argv)}); ` +
        `left in place. Remove it with \`jupyter kernelspec uninstall ${name}\` if you mean to.`,
    );
  }
  runJupyter(jupyter, ["kernelspec", "uninstall", "-y", name], env);
  if (fs.existsSync(installed.resource_dir)) {
    throw new Error(`\`${jupyter.label} kernelspec uninstall ${name}\` reported success but ${installed.resource_dir} is still there`);
  }
  return { name, resourceDir: installed.resource_dir, spec: installed.spec };
}
