// anomaly-lab in a user's own project (README "Use it in your own project"): the `anomaly-lab-kernel`
// command (install, uninstall, --help, --version, no Jupyter), and the whole path a user takes: `npm pack`,
// `npm install` of the tarball into an empty project, `npx anomaly-lab-kernel install` under a temporary
// kernel name, and a notebook in that folder executed by `jupyter nbconvert --execute` on that kernel.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseLocation } from "../src/kernel/cli";
import { checkKernelName } from "../src/kernel/install";
import { jupyterCandidates } from "../src/kernel/jupyter-command";
import { defaultHeapLimitMB, kernelSpec } from "../src/kernel/kernelspec";
import { ROOT, joined, jupyterPython, readNotebook } from "./helpers/jupyter";
import { MIRROR_ROOT } from "./helpers/mirror";

const BIN = path.join(ROOT, "bin", "anomaly-lab-kernel.js");
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;

/** The environment without what `npm test` adds (npm_config_*, npm_lifecycle_*), as a user's shell has it. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PYDEVD_DISABLE_FILE_VALIDATION: "1" };
  for (const [key, value] of Object.entries(process.env)) if (!key.toLowerCase().startsWith("npm_")) env[key] = value;
  return { ...env, ...extra };
}

/** A Python's own scripts folder first on PATH: `python -m jupyter X` runs the first jupyter-X on PATH. */
function withOwnScripts(command: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!path.isAbsolute(command) || !path.basename(command).startsWith("python")) return env;
  return { ...env, PATH: [path.dirname(command), env.PATH].filter(Boolean).join(path.delimiter) };
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? ROOT,
    env: withOwnScripts(command, options.env ?? userEnv()),
    encoding: "utf8",
    timeout: options.timeout ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return result;
}

function output(result: SpawnSyncReturns<string>): string {
  return `${result.stdout}${result.stderr}`;
}

function kernelCommand(args: string[], env?: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return run(process.execPath, [BIN, ...args], { env });
}

function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `anomaly-lab-${label}-`));
}

describe("the anomaly-lab-kernel command", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  test("--help shows install and uninstall with their options; --version the package's", () => {
    const help = kernelCommand(["--help"]);
    assert.equal(help.status, 0, output(help));
    for (const text of ["install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name TEXT]", "uninstall [--name NAME]", "npx anomaly-lab-kernel install"]) {
      assert.ok(help.stdout.includes(text), `--help lacks ${JSON.stringify(text)}:\n${help.stdout}`);
    }
    const version = kernelCommand(["--version"]);
    assert.equal(version.status, 0, output(version));
    assert.match(version.stdout, new RegExp(`^anomaly-lab-kernel ${VERSION.replace(/\./g, "\\.")} \\(tslab 1\\.0\\.22, Node\\.js v\\d+`));
  });

  test("mistakes are usage errors (exit 2) that point at --help, not 'cannot read connection file'", () => {
    const cases: [string[], RegExp][] = [
      [["instal"], /unknown command 'instal'/],
      [["install", "--usr"], /install: Unknown option '--usr'/],
      [["install", "--user", "--prefix", "/tmp/x"], /choose one of --user, --sys-prefix and --prefix \(got --user and --prefix\)/],
      [["--bogus"], /unknown option --bogus/],
      [[], /expected a command/],
    ];
    for (const [args, message] of cases) {
      const result = kernelCommand(args);
      assert.equal(result.status, 2, `${args.join(" ")}: ${output(result)}`);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /Run `anomaly-lab-kernel --help` for usage\./);
    }
    assert.throws(() => checkKernelName("my kernel"), /invalid kernel name "my kernel": Jupyter allows letters, digits/);
    assert.deepEqual(parseLocation({}), { kind: "user" });
    assert.deepEqual(parseLocation({ prefix: "/opt/env" }), { kind: "prefix", prefix: "/opt/env" });
  });

  test("without any Jupyter, install says what it tried and how to get Jupyter (exit 1)", () => {
    // A PATH with node and nothing else: no `jupyter`, no `python3`.
    const bin = tempDir("nojupyter");
    dirs.push(bin);
    fs.symlinkSync(process.execPath, path.join(bin, "node"));
    const env = userEnv({ PATH: bin });
    delete env.ANOMALY_LAB_PYTHON;
    const result = kernelCommand(["install", "--name", "never-installed"], env);
    assert.equal(result.status, 1, output(result));
    assert.match(result.stderr, /no Jupyter found \(tried: `jupyter`: jupyter not found; `python3 -m jupyter`: python3 not found\)/);
    assert.match(result.stderr, /pip install jupyterlab/);
    assert.match(result.stderr, /--python PATH \(or ANOMALY_LAB_PYTHON=PATH\)/);
    // A named Python is used alone: no silent fallback to another Jupyter.
    assert.deepEqual(jupyterCandidates(undefined, { ANOMALY_LAB_PYTHON: "/opt/py/bin/python" }).map((c) => c.label), ["/opt/py/bin/python -m jupyter"]);
    const named = kernelCommand(["install", "--python", path.join(bin, "python-that-is-not-there")]);
    assert.equal(named.status, 1, output(named));
    assert.match(named.stderr, /no Jupyter found \(tried: `\S+python-that-is-not-there -m jupyter`: \S+ not found\)/);
  });

  test("with --python, jupyter subcommands come from that Python's folder, not a jupyter-kernelspec earlier on PATH", () => {
    const python = jupyterPython();
    // Another Jupyter's subcommand first on PATH, as Debian's /usr/bin/jupyter-kernelspec is beside a venv.
    const other = tempDir("otherjupyter");
    dirs.push(other);
    fs.writeFileSync(path.join(other, "jupyter-kernelspec"), "#!/bin/sh\necho 'the other Jupyter ran' >&2\nexit 3\n", { mode: 0o755 });
    const dataDir = tempDir("pathfirst-data");
    dirs.push(dataDir);
    const env = userEnv({ PATH: `${other}${path.delimiter}${process.env.PATH ?? ""}`, JUPYTER_DATA_DIR: dataDir });
    const result = kernelCommand(["install", "--user", "--name", "anomaly-lab-pathfirst", "--python", python], env);
    assert.equal(result.status, 0, output(result));
    assert.doesNotMatch(output(result), /the other Jupyter ran/);
    assert.ok(fs.existsSync(path.join(dataDir, "kernels", "anomaly-lab-pathfirst", "kernel.json")));
  });

  test("--user installs under $JUPYTER_DATA_DIR when set, is idempotent, and uninstall removes only our kernels", () => {
    const dataDir = tempDir("jupyter-data");
    dirs.push(dataDir);
    const env = userEnv({ JUPYTER_DATA_DIR: dataDir });
    const name = "anomaly-lab-user-test";
    const first = kernelCommand(["install", "--user", "--name", name, "--display-name", "TS (user test)"], env);
    assert.equal(first.status, 0, output(first));
    const installed = path.join(dataDir, "kernels", name, "kernel.json");
    assert.match(first.stdout, new RegExp(`^Installed the Jupyter kernel '${name}' \\("TS \\(user test\\)"\\) in ${dataDir}/kernels/${name}\\n`));
    assert.deepEqual(JSON.parse(fs.readFileSync(installed, "utf8")), kernelSpec({ displayName: "TS (user test)" }));
    const again = kernelCommand(["install", "--name", name, "--display-name", "TS (user test)"], env); // --user is the default
    assert.equal(again.status, 0, output(again));
    assert.match(again.stdout, /is already installed in .* \(unchanged\)/);

    // Some other kernel under a name: uninstall refuses it and leaves it in place.
    const foreign = path.join(dataDir, "kernels", "not-ours");
    fs.mkdirSync(foreign, { recursive: true });
    fs.writeFileSync(path.join(foreign, "kernel.json"), JSON.stringify({ argv: ["python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"], display_name: "Py", language: "python" }));
    const refused = kernelCommand(["uninstall", "--name", "not-ours"], env);
    assert.equal(refused.status, 1, output(refused));
    assert.match(refused.stderr, /the Jupyter kernel 'not-ours' in \S+ is not an anomaly-lab kernel .* left in place/);
    assert.ok(fs.existsSync(path.join(foreign, "kernel.json")));

    const removed = kernelCommand(["uninstall", "--name", name], env);
    assert.equal(removed.status, 0, output(removed));
    assert.match(removed.stdout, new RegExp(`Removed the Jupyter kernel '${name}' .* from ${dataDir}/kernels/${name}`));
    assert.ok(!fs.existsSync(path.dirname(installed)));
    const missing = kernelCommand(["uninstall", "--name", name], env);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, new RegExp(`no Jupyter kernel named '${name}' \\(installed: .*not-ours`));
  });

  test("--prefix DIR installs into DIR/share/jupyter/kernels, says JUPYTER_PATH is needed, and uninstall --prefix finds it", () => {
    const prefix = tempDir("prefix");
    dirs.push(prefix);
    const env = userEnv({ JUPYTER_DATA_DIR: path.join(prefix, "unused-user-dir") });
    const result = kernelCommand(["install", "--prefix", prefix, "--name", "anomaly-lab-prefix-test"], env);
    assert.equal(result.status, 0, output(result));
    const kernelJson = path.join(prefix, "share", "jupyter", "kernels", "anomaly-lab-prefix-test", "kernel.json");
    assert.deepEqual(JSON.parse(fs.readFileSync(kernelJson, "utf8")), kernelSpec());
    assert.ok(result.stdout.includes(`Warning: Jupyter does not look in ${path.join(prefix, "share", "jupyter")} by default: add it to JUPYTER_PATH`), result.stdout);
    const withPath = kernelCommand(["install", "--prefix", prefix, "--name", "anomaly-lab-prefix-test"], { ...env, JUPYTER_PATH: path.join(prefix, "share", "jupyter") });
    assert.doesNotMatch(withPath.stdout, /Warning/);
    const removed = kernelCommand(["uninstall", "--prefix", prefix, "--name", "anomaly-lab-prefix-test"], env);
    assert.equal(removed.status, 0, output(removed));
    assert.ok(!fs.existsSync(kernelJson));
  });
});

describe("the packed package in a fresh project: README's three commands, then a notebook", () => {
  // Unique per run, so parallel checkouts and an aborted earlier run never collide.
  const kernelName = `anomaly-lab-pkgtest-${process.pid}`;
  const work = tempDir("package");
  const project = path.join(work, "my-analysis");
  let python: string;
  let installedKernel = false;

  before(() => {
    const built = fs.statSync(path.join(ROOT, "dist", "index.js")).mtimeMs;
    const stale = spawnSync("find", ["src", "bin", "-newer", "dist/index.js", "-name", "*.ts", "-print", "-quit"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
    assert.equal(stale, "", `dist/ (built ${new Date(built).toISOString()}) is older than ${stale}: run \`npm run build\` first`);
    python = jupyterPython();
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, "package.json"), `${JSON.stringify({ name: "my-analysis", version: "1.0.0", private: true }, null, 2)}\n`);
  });

  after(() => {
    if (installedKernel) {
      // Only when the uninstall test did not get to it: never leave the temporary kernel registered.
      run(python, ["-m", "jupyter", "kernelspec", "uninstall", "-y", kernelName]);
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  test("the README's section shows the three commands this test runs", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Use it in your own project"), readme.indexOf("## The kernel"));
    const commands = (/```bash\n([\s\S]*?)```/.exec(section)?.[1] ?? "").split("\n").map((line) => line.replace(/#.*/, "").trim()).filter(Boolean);
    assert.deepEqual(commands, ["npm install anomaly-lab", "npx anomaly-lab-kernel install", "jupyter lab"]);
  });

  test("npm pack, then npm install of the tarball in an empty project", { timeout: 600_000 }, () => {
    // --ignore-scripts: dist/ is built already (checked above), no need for prepack's rebuild.
    const packed = run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { timeout: 300_000 });
    assert.equal(packed.status, 0, output(packed));
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    for (const needed of ["bin/anomaly-lab-kernel.js", "dist/index.js", "dist/index.d.ts", "dist/kernel/cli.js", "data/datasets.json", "package.json"]) {
      assert.ok(files.includes(needed), `the tarball lacks ${needed}`);
    }
    assert.ok(!files.some((f) => f.startsWith("src/") || f.startsWith("test/") || f.startsWith("data/cache")), "sources, tests or cached data in the tarball");
    const tarball = path.join(work, info!.filename);
    // The registry is reachable but the machine's npm cache has every dependency: prefer it.
    const installed = run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], { cwd: project, timeout: 540_000 });
    assert.equal(installed.status, 0, output(installed));
    assert.ok(fs.existsSync(path.join(project, "node_modules", "anomaly-lab", "bin", "anomaly-lab-kernel.js")));
    assert.ok(!fs.lstatSync(path.join(project, "node_modules", "anomaly-lab")).isSymbolicLink(), "anomaly-lab must be a copy, not a link to the checkout");
  });

  test("npx anomaly-lab-kernel install registers the installed package's launcher under this node", () => {
    assert.ok(fs.existsSync(path.join(project, "node_modules", "anomaly-lab")), "the install test failed");
    const result = run("npx", ["--no-install", "anomaly-lab-kernel", "install", "--name", kernelName, "--display-name", "TypeScript (package test)"], { cwd: project });
    assert.equal(result.status, 0, output(result));
    installedKernel = true;
    assert.doesNotMatch(result.stdout, /Warning/);
    const listed = JSON.parse(run(python, ["-m", "jupyter", "kernelspec", "list", "--json"]).stdout) as {
      kernelspecs: Record<string, { resource_dir: string; spec: { argv: string[]; display_name: string } }>;
    };
    const spec = listed.kernelspecs[kernelName];
    assert.ok(spec, `${kernelName} is not in \`jupyter kernelspec list\``);
    const launcher = path.join(fs.realpathSync(project), "node_modules", "anomaly-lab", "bin", "anomaly-lab-kernel.js");
    assert.deepEqual(spec.spec.argv, [process.execPath, `--max-old-space-size=${defaultHeapLimitMB()}`, launcher, "{connection_file}"]);
    assert.equal(spec.spec.display_name, "TypeScript (package test)");
  });

  test("jupyter nbconvert --execute runs a notebook in the project on that kernel", { timeout: 300_000 }, () => {
    assert.ok(installedKernel, "the kernel install test failed");
    const cells = [
      'import { salaryData, KNNDetector, rocAuc, histogram, loadNab } from "anomaly-lab";\nconsole.log(require.resolve("anomaly-lab"));',
      "const df = salaryData();\nconst knn = new KNNDetector({ contamination: 0.02, nNeighbors: 5 }).fit(df.select(\"salary\"));\nrocAuc(df.getColumn(\"class\"), knn.trainingScores)",
      'await histogram(df.getColumn("salary"), { bins: 40 })',
      'const taxi = await loadNab("nyc_taxi");\nconsole.log(taxi.description);',
    ];
    const notebook = path.join(project, "analysis.ipynb");
    fs.writeFileSync(notebook, JSON.stringify({
      cells: cells.map((source) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source })),
      metadata: { kernelspec: { name: kernelName, display_name: "TypeScript (package test)", language: "typescript" } },
      nbformat: 4,
      nbformat_minor: 5,
    }));
    const executed = run(python, ["-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=240", "--output", "executed.ipynb", "analysis.ipynb"], {
      cwd: project,
      env: userEnv({ ANOMALY_LAB_DATA_MIRROR: MIRROR_ROOT }),
      timeout: 280_000,
    });
    assert.equal(executed.status, 0, output(executed));
    const result = readNotebook(path.join(project, "executed.ipynb"));
    const stdout = (i: number): string => (result.cells[i]!.outputs ?? []).filter((o) => o.name === "stdout").map((o) => joined(o.text)).join("");
    const data = (i: number, mime: string): string => joined((result.cells[i]!.outputs ?? []).find((o) => o.output_type === "execute_result")?.data?.[mime]);

    // "anomaly-lab" resolves to the project's installed copy, not to the checkout.
    assert.equal(stdout(0).trim(), path.join(fs.realpathSync(project), "node_modules", "anomaly-lab", "dist", "index.js"));
    assert.deepEqual(result.cells.map((cell) => cell.execution_count), [1, 2, 3, 4]);
    assert.equal(data(1, "text/plain"), "1", "KNN's ROC-AUC on the salary data is the tutorial's 1");
    assert.match(data(2, "text/html"), /data:image\/svg\+xml;base64,/);
    // Descriptions name the dataset's file and the kind of source, never a local folder.
    assert.match(stdout(3), /10,320 points.* File nab\/data\/realKnownCause\/nyc_taxi\.csv from the mirror folder \(sha256 verified\)\./);
    assert.ok(!stdout(3).includes(MIRROR_ROOT), stdout(3));
  });

  test("npx anomaly-lab-kernel uninstall removes the temporary kernel", () => {
    assert.ok(installedKernel, "the kernel install test failed");
    const result = run("npx", ["--no-install", "anomaly-lab-kernel", "uninstall", "--name", kernelName], { cwd: project });
    assert.equal(result.status, 0, output(result));
    installedKernel = false;
    const listed = JSON.parse(run(python, ["-m", "jupyter", "kernelspec", "list", "--json"]).stdout) as { kernelspecs: Record<string, unknown> };
    assert.ok(!(kernelName in listed.kernelspecs), `${kernelName} is still registered`);
  });
});
