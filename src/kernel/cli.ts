/**
 * The `anomaly-lab-kernel` command (bin/anomaly-lab-kernel.js): `install` and `uninstall` the
 * kernel, `--help`, `--version`, and `<connection_file>`, which is how Jupyter starts the kernel.
 * The kernel itself (tslab, ZeroMQ) is loaded only in that last case, so installing stays fast.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_KERNEL_NAME, installKernel, uninstallKernel, type KernelLocation } from "./install";
import { PYTHON_ENV } from "./jupyter-command";

const COMMAND = "anomaly-lab-kernel";

export const USAGE = `${COMMAND}: the TypeScript Jupyter kernel of anomaly-lab (tslab's compiler and executor
behind a conformant Jupyter protocol layer).

Usage:
  ${COMMAND} install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name TEXT] [--python PATH]
  ${COMMAND} uninstall [--name NAME] [--prefix DIR] [--python PATH]
  ${COMMAND} --help | --version
  ${COMMAND} <connection_file>        (how Jupyter starts the kernel)

install    registers this package's kernel with Jupyter (\`jupyter kernelspec install\`): Jupyter will run
           this package's bin/${COMMAND}.js under the Node.js running this command.
  --user               in your per-user kernel folder (the default; $JUPYTER_DATA_DIR/kernels when set)
  --sys-prefix         in the Python environment Jupyter runs in (a venv or conda env)
  --prefix DIR         in DIR/share/jupyter/kernels (Jupyter finds it there with JUPYTER_PATH=DIR/share/jupyter)
  --name NAME          the kernel's name (default ${DEFAULT_KERNEL_NAME}; the notebooks ask for that one)
  --display-name TEXT  its name in Jupyter's kernel picker (default "TypeScript (anomaly-lab)")
  --python PATH        the Python whose Jupyter to use (default: $${PYTHON_ENV}, else \`jupyter\` on PATH,
                       else python3)
uninstall  removes a kernel that install registered (refuses kernels that are not anomaly-lab's);
           --prefix DIR for one installed with --prefix.

In your own project:
  npm install anomaly-lab
  npx ${COMMAND} install
  jupyter lab            # then pick "TypeScript (anomaly-lab)"
`;

/** A command-line mistake: printed with a pointer to --help, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

function packageVersion(): string {
  const file = path.resolve(__dirname, "..", "..", "package.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

function tslabVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve("tslab/package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

/** `--version`: this package's version, and the tslab and Node.js it runs on. */
export function versionLine(): string {
  return `${COMMAND} ${packageVersion()} (tslab ${tslabVersion()}, Node.js ${process.version})`;
}

function parse(command: string, args: string[], options: NonNullable<Parameters<typeof parseArgs>[0]>["options"]): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    // parseArgs' messages name the option; drop its advice about positionals starting with "-".
    throw new UsageError(`${command}: ${(error as Error).message.split(". To specify")[0]}`);
  }
}

function stringOption(values: Record<string, string | boolean | undefined>, key: string): string | undefined {
  const value = values[key];
  if (value === "") throw new UsageError(`--${key} needs a value`);
  return typeof value === "string" ? value : undefined;
}

/** The install location from --user / --sys-prefix / --prefix (at most one; default user). */
export function parseLocation(values: Record<string, string | boolean | undefined>): KernelLocation {
  const prefix = stringOption(values, "prefix");
  const chosen = [values.user === true && "--user", values["sys-prefix"] === true && "--sys-prefix", prefix !== undefined && "--prefix"].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`install: choose one of --user, --sys-prefix and --prefix (got ${chosen.join(" and ")})`);
  if (prefix !== undefined) return { kind: "prefix", prefix };
  return values["sys-prefix"] === true ? { kind: "sys-prefix" } : { kind: "user" };
}

function runInstall(args: string[], log: (line: string) => void): void {
  const values = parse("install", args, {
    user: { type: "boolean" },
    "sys-prefix": { type: "boolean" },
    prefix: { type: "string" },
    name: { type: "string" },
    "display-name": { type: "string" },
    python: { type: "string" },
  });
  const result = installKernel({
    location: parseLocation(values),
    name: stringOption(values, "name"),
    displayName: stringOption(values, "display-name"),
    python: stringOption(values, "python"),
  });
  const what = `the Jupyter kernel '${result.name}' ("${result.spec.display_name}")`;
  log(result.changed ? `Installed ${what} in ${result.resourceDir}` : `${what[0]!.toUpperCase()}${what.slice(1)} is already installed in ${result.resourceDir} (unchanged)`);
  log(`  it runs: ${result.spec.argv.slice(0, -1).join(" ")}`);
  if (result.warning !== undefined) log(`Warning: ${result.warning}`);
  else log(`Open a notebook in Jupyter (\`jupyter lab\`) and pick "${result.spec.display_name}".`);
}

function runUninstall(args: string[], log: (line: string) => void): void {
  const values = parse("uninstall", args, { name: { type: "string" }, prefix: { type: "string" }, python: { type: "string" } });
  const result = uninstallKernel({
    name: stringOption(values, "name"),
    prefix: stringOption(values, "prefix"),
    python: stringOption(values, "python"),
  });
  log(`Removed the Jupyter kernel '${result.name}' ("${result.spec.display_name}") from ${result.resourceDir}`);
}

/** Whether a lone argument is meant as a connection file rather than a mistyped command. */
function looksLikeConnectionFile(arg: string): boolean {
  return arg.endsWith(".json") || arg.includes("/") || arg.includes(path.sep) || fs.existsSync(arg);
}

/**
 * Runs the command line; returns the exit status (the kernel case returns undefined and keeps running).
 *
 * @example
 * process.exitCode = runCli(["install", "--name", "my-kernel"]) ?? 0;
 */
export function runCli(args: string[], log: (line: string) => void = console.log, logError: (line: string) => void = console.error): number | undefined {
  const [first, ...rest] = args;
  try {
    if (first === undefined) throw new UsageError("expected a command");
    if (first === "--help" || first === "-h" || first === "help") {
      log(USAGE);
      return 0;
    }
    if (first === "--version" || first === "-V") {
      log(versionLine());
      return 0;
    }
    if (first === "install") {
      if (rest.includes("--help") || rest.includes("-h")) return runCli(["--help"], log, logError);
      runInstall(rest, log);
      return 0;
    }
    if (first === "uninstall") {
      if (rest.includes("--help") || rest.includes("-h")) return runCli(["--help"], log, logError);
      runUninstall(rest, log);
      return 0;
    }
    if (args.length === 1 && !first.startsWith("-") && looksLikeConnectionFile(first)) {
      // Loaded here, not at the top: tslab and ZeroMQ are needed by the kernel only.
      (require("./main") as typeof import("./main")).main(args);
      return undefined;
    }
    throw new UsageError(
      first.startsWith("-") ? `unknown option ${first}` : args.length === 1 ? `unknown command '${first}' (and no such connection file)` : `unexpected arguments: ${args.join(" ")}`,
    );
  } catch (error) {
    if (error instanceof UsageError) {
      logError(`${COMMAND}: ${error.message}\nRun \`${COMMAND} --help\` for usage.`);
      return 2;
    }
    logError(`${COMMAND}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
