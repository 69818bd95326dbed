// The anomaly-lab Jupyter kernel (src/kernel/): the tslab pin, its protocol helpers against
// references computed by SQLite / jupyter_client (test/kernel-protocol/reference.py), and the
// built kernel itself driven by Jupyter: jupyter_kernel_test's conformance suite and an
// nbconvert run of test/kernel-protocol/fixtures/smoke.ipynb.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";
import { before, describe, test } from "node:test";
import pl from "nodejs-polars";
import { createConverter as tslabCreateConverter } from "tslab/dist/converter";
import { JupyterHandlerImpl } from "tslab/dist/jupyter";
import type { Executor } from "tslab/dist/executor";
import * as ts from "@tslab/typescript-for-tslab";
import { enclosingCall } from "../src/kernel/call-at-cursor";
import { cellSourceDependencies } from "../src/kernel/cell-program";
import { convertersCreated, createConverter } from "../src/kernel/tslab-converter";
import { ShellActivity, WarmUp } from "../src/kernel/warm-up";
import { CellRecorder, createCellExecutor } from "../src/kernel/cell-executor";
import { cellLineOf, compileErrorContent, runtimeErrorContent } from "../src/kernel/errors";
import { executeResultData, normalizeMimeBundle } from "../src/kernel/execute-result";
import { answerHistoryRequest, ExecutionHistory, globToRegExp } from "../src/kernel/history";
import { KernelHandler } from "../src/kernel/handler";
import { kernelSpec } from "../src/kernel/kernelspec";
import { cellPublisher, clearOutput, setCellPublisher } from "../src/kernel/output";
import { expandShorthandProperties, originalOffset, originalPosition } from "../src/kernel/shorthand";
import { assertTslabCompatible, checkTslabCompatibility, installedTslabVersion, SUPPORTED_TSLAB_VERSION } from "../src/kernel/tslab";
import { encodeMessage, parseMessage, peekMessageType, signParts } from "../src/kernel/wire";

const ROOT = path.resolve(__dirname, "..");
const PROTOCOL_DIR = path.join(ROOT, "test", "kernel-protocol");

interface Reference {
  glob: { pattern: string; text: string; match: boolean }[];
  message: { key: string; frames: string[]; msg_type: string; msg_id: string; content: object; identities: string[] };
  signature: { key: string; parts: string[]; signature: string };
}
const reference = JSON.parse(fs.readFileSync(path.join(PROTOCOL_DIR, "fixtures", "reference.json"), "utf8")) as Reference;

describe("tslab pin (fails loudly when an upgrade changes what the kernel extends)", () => {
  test("tslab is exactly 1.0.22 and package.json pins that exact version", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    assert.equal(SUPPORTED_TSLAB_VERSION, "1.0.22");
    assert.equal(pkg.dependencies.tslab, "1.0.22", "package.json must pin tslab exactly (no ^ or ~)");
    assert.equal(installedTslabVersion(), "1.0.22");
  });

  test("the tslab handler and server members the kernel overrides still exist", async () => {
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
    const [stdoutWrite, stderrWrite, displayWriter] = [process.stdout.write, process.stderr.write, jupyter.lastWriteDisplayData];
    assert.deepEqual(await checkTslabCompatibility(), []);
    await assert.doesNotReject(assertTslabCompatible);
    // The check runs tslab's cell body on a stub executor: it must leave the process as it found it.
    assert.equal(process.stdout.write, stdoutWrite);
    assert.equal(process.stderr.write, stderrWrite);
    assert.equal(jupyter.lastWriteDisplayData, displayWriter);
  });

  test("the check notices when a method the kernel overrides moves", async () => {
    const proto = JupyterHandlerImpl.prototype as unknown as Record<string, unknown>;
    const original = proto.handleExecuteImpl;
    try {
      delete proto.handleExecuteImpl;
      assert.match((await checkTslabCompatibility()).join("\n"), /JupyterHandlerImpl\.handleExecuteImpl is not a method/);
      await assert.rejects(assertTslabCompatible, /anomaly-lab kernel: incompatible tslab/);
    } finally {
      proto.handleExecuteImpl = original;
    }
  });

  test("the check probes the internals the kernel relies on: the execCount counter and the thrown count", async () => {
    const proto = JupyterHandlerImpl.prototype as unknown as Record<string, unknown>;
    const original = proto.handleExecuteImpl as (this: { executor: { execute(code: string): Promise<boolean> } }, ...args: unknown[]) => Promise<unknown>;
    try {
      // Same arity, but no longer counts cells in execCount and resolves where it used to throw.
      proto.handleExecuteImpl = async function (this: { executor: { execute(code: string): Promise<boolean> } }, req: { code: string }, _w: unknown, _d: unknown) {
        await this.executor.execute(req.code);
        return { count: 1 };
      };
      const problems = (await checkTslabCompatibility()).join("\n");
      assert.match(problems, /handleExecuteImpl no longer counts cells in execCount/);
      assert.match(problems, /handleExecuteImpl no longer throws its ExecutionCount when a cell fails/);
    } finally {
      proto.handleExecuteImpl = original;
    }
  });

  test("a request without an IOPub channel fails loudly instead of running with its output dropped", async () => {
    const executed: string[] = [];
    const executor = { execute: async (code: string) => (executed.push(code), true) } as unknown as Executor;
    const logged: string[] = [];
    const identity = { implementationVersion: "0", typescriptVersion: "0", banner: "" };
    const handler = new KernelHandler(executor, new CellRecorder(), new ExecutionHistory(), identity, (line) => logged.push(line));
    const streams: [string, string][] = [];
    // Running the cell would point process.stdout/stderr at `streams` (tslab does that per cell): put them back.
    const [stdoutWrite, stderrWrite] = [process.stdout.write, process.stderr.write];
    let reply;
    try {
      reply = await handler.handleExecute({ code: "6 * 7" }, (name, text) => streams.push([name, text]), () => {});
    } finally {
      [process.stdout.write, process.stderr.write] = [stdoutWrite, stderrWrite];
    }
    assert.equal(reply.status, "error");
    assert.equal(reply.ename, "KernelError");
    assert.match(reply.evalue ?? "", /no IOPub channel for this execute_request/);
    assert.deepEqual(executed, [], "the cell must not run");
    assert.match(logged.join("\n"), /no IOPub channel for this execute_request/);
    assert.match(streams.map(([name, text]) => `${name}: ${text}`).join(""), /^stderr: .*no IOPub channel/);
  });

  test("tslab's executor reports values, throws and compile errors through its console argument", async () => {
    const { executor, recorder } = createCellExecutor(ROOT);
    try {
      recorder.begin();
      assert.equal(await executor.execute("6 * 7"), true);
      assert.deepEqual(recorder.report.result, { value: 42 });
      assert.equal(recorder.report.compiled?.source, "6 * 7");
      assert.equal(recorder.report.compiled?.lastExpressionVar, "tsLastExpr");

      recorder.begin();
      assert.equal(await executor.execute('throw new RangeError("r")'), false);
      assert.ok(recorder.report.thrown?.value instanceof RangeError);
      assert.equal(recorder.report.result, undefined);

      recorder.begin();
      assert.equal(await executor.execute('const n: number = "text";'), false);
      assert.equal(recorder.report.diagnostics.length, 1);
      assert.equal(recorder.report.diagnostics[0].code, 2322); // TS2322: not assignable
      assert.deepEqual([recorder.report.diagnostics[0].start.line, recorder.report.diagnostics[0].start.character], [0, 6]);
      assert.equal(recorder.report.thrown, undefined);
    } finally {
      executor.close();
    }
  });
});

describe("the cell program (a plain TypeScript program instead of the incremental builder)", () => {
  /** Writes `files` into a fresh directory under `parent`; returns its path. */
  function project(files: Record<string, string>, parent = os.tmpdir()): string {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(parent, "anomaly-lab-cells-")));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
  }

  test("lists the source files a cell depends on exactly as TypeScript's own builder does, once declaration files are dropped", () => {
    const dir = project({
      "cell.ts": '/// <reference path="./referenced.ts" />\nimport { a } from "./a";\nimport fs from "fs";\nexport const x = a + fs.constants.F_OK;\n',
      "a.ts": 'import { b } from "./b";\nexport const a = b;\n',
      "b.ts": "export const b = 1;\n",
      "referenced.ts": "export const r = 2;\n",
      "unrelated.ts": "export const u = 3;\n",
      "global.ts": "export {};\ndeclare global { var fromGlobal: number; }\n",
    });
    try {
      const roots = ["cell.ts", "unrelated.ts", "global.ts"].map((f) => path.join(dir, f));
      const options = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Node10, target: ts.ScriptTarget.ES2020, esModuleInterop: true };
      const builder = ts.createEmitAndSemanticDiagnosticsBuilderProgram(roots, options, ts.createIncrementalCompilerHost(options));
      const program = builder.getProgram();
      const sources = (files: readonly string[]) => files.filter((f) => !f.endsWith(".d.ts")).sort();
      for (const root of ["cell.ts", "global.ts"]) {
        const file = program.getSourceFile(path.join(dir, root));
        assert.ok(file);
        assert.deepEqual(sources(cellSourceDependencies(ts, program, file)), sources(builder.getAllDependencies(file)), root);
      }
      const cell = program.getSourceFile(path.join(dir, "cell.ts"));
      assert.ok(cell);
      assert.deepEqual(sources(cellSourceDependencies(ts, program, cell)), ["a.ts", "b.ts", "cell.ts", "referenced.ts"].map((f) => path.join(dir, f)));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("compiles every code cell of the tutorial notebooks, in order, to exactly what tslab's converter (TypeScript's builder) gives", { timeout: 300_000 }, () => {
    // Plus cells the notebooks lack: a type error, top-level await, a global declaration, types, functions.
    const extra = [
      'const wrong: number = "text";',
      "await Promise.resolve(1)",
      "declare global { var fromCell: number }\nexport {};",
      "interface Point { x: number }\nconst p: Point = { x: 1 };\np.x",
      "function f(): number { return 1; }\nlet u = f();\nu++",
    ];
    const notebooks = fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();
    assert.ok(notebooks.length >= 10, `${notebooks.length} notebooks`);
    const sequences = notebooks.map((name) => {
      const notebook = JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks", name), "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
      return { name, cells: notebook.cells.filter((c) => c.cell_type === "code").map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source)) };
    });
    sequences.push({ name: "extra cells", cells: extra });
    const reference = tslabCreateConverter({ isJS: false, isBrowser: false });
    const ours = createConverter({ isJS: false, isBrowser: false });
    try {
      for (const { name, cells } of sequences) {
        // As the executor: the declarations of the cells that compiled so far are the next cell's context.
        let [referenceDecls, ourDecls] = ["", ""];
        for (const cell of cells) {
          const expected = reference.convert(referenceDecls, cell);
          const actual = ours.convert(ourDecls, cell);
          assert.deepEqual(actual, expected, `${name}: ${cell.slice(0, 80)}`);
          if (expected.diagnostics.length === 0) [referenceDecls, ourDecls] = [expected.declOutput ?? "", actual.declOutput ?? ""];
        }
      }
    } finally {
      reference.close();
      ours.close();
    }
  });

  test("a cell that imports a local .ts module (which imports another) runs it, and a type error there fails the cell naming the file", async () => {
    // tslab compiles cells as files of the directory the process started in (TypeScript caches it): here ROOT.
    const dir = project(
      {
        "helper.ts": 'import { base } from "./base";\nexport function twice(n: number): number { return base * n * 2; }\n',
        "base.ts": "export const base = 1;\n",
        "broken.ts": 'export const broken: number = "text";\n',
      },
      ROOT,
    );
    const local = `./${path.basename(dir)}`;
    const { executor, recorder } = createCellExecutor(ROOT);
    try {
      recorder.begin();
      assert.equal(await executor.execute(`import { twice } from "${local}/helper";\ntwice(21)`), true, JSON.stringify(recorder.report.diagnostics));
      assert.deepEqual(recorder.report.result, { value: 42 });
      recorder.begin();
      assert.equal(await executor.execute(`import { broken } from "${local}/broken";\nbroken`), false);
      assert.equal(recorder.report.diagnostics.length, 1);
      assert.equal(recorder.report.diagnostics[0].fileName, `${path.basename(dir)}/broken.ts`);
      assert.equal(recorder.report.diagnostics[0].code, 2322); // TS2322: not assignable
    } finally {
      executor.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("start-up: the compiler warms up after kernel_info (issue #26)", () => {
  test("creating the executor creates no TypeScript program; warmUp() creates one, once, and cells then compile in it", async () => {
    const before = convertersCreated();
    const { executor, recorder, warmUp } = createCellExecutor(ROOT);
    try {
      assert.equal(convertersCreated(), before, "createCellExecutor must leave the compiler to warmUp() or the first cell");
      warmUp();
      assert.equal(convertersCreated(), before + 1);
      warmUp();
      recorder.begin();
      assert.equal(await executor.execute("6 * 7"), true);
      assert.deepEqual(recorder.report.result, { value: 42 });
      assert.equal(convertersCreated(), before + 1, "the cell reuses the warmed-up program");
    } finally {
      executor.close();
    }
  });

  test("prefetching anomaly-lab parses its declaration files ahead: the cell importing it then parses none and compiles as tslab's converter does", () => {
    const cell = 'import { KNNDetector } from "anomaly-lab";\nKNNDetector.name';
    const reference = tslabCreateConverter({ isJS: false, isBrowser: false });
    const ours = createConverter({ isJS: false, isBrowser: false });
    try {
      ours.convert("", "");
      const before = ours.parsedDeclarations();
      const cached = ours.prefetch("anomaly-lab");
      const parsed = ours.parsedDeclarations();
      assert.ok(parsed - before > 500, `${parsed - before} declaration files prefetched`); // tfjs-core alone has 434
      assert.deepEqual(ours.convert("", cell), reference.convert("", cell));
      assert.equal(ours.parsedDeclarations(), parsed, "the import cell parsed declaration files again");
      assert.equal(ours.prefetch("no-such-module-anywhere"), cached, "a module that does not resolve adds nothing");
    } finally {
      reference.close();
      ours.close();
    }
  });

  test("the executor's prefetch also requires the module from the cells' directory; an unresolvable one is skipped", async () => {
    const { executor, prefetch } = createCellExecutor(ROOT);
    try {
      const entry = require.resolve("anomaly-lab", { paths: [ROOT] });
      delete require.cache[entry];
      await prefetch("anomaly-lab");
      assert.ok(require.cache[entry], `${entry} is not loaded`);
      await assert.doesNotReject(prefetch("no-such-module-anywhere"));
    } finally {
      executor.close();
    }
  });

  test("ShellActivity.quiet resolves only once no request has run for the given time", async () => {
    const keepAlive = setInterval(() => {}, 1000); // quiet()'s timers do not hold the process (the kernel's sockets do)
    try {
      const activity = new ShellActivity();
      activity.started();
      let quiet = false;
      const waiting = activity.quiet(30).then(() => (quiet = true));
      await new Promise((resolve) => setTimeout(resolve, 60));
      assert.equal(quiet, false, "a request is still running");
      activity.ended();
      const ended = performance.now();
      await waiting;
      assert.ok(performance.now() - ended >= 30, `resolved ${performance.now() - ended} ms after the request ended`);
    } finally {
      clearInterval(keepAlive);
    }
  });

  test("without warmUp(), the first cell creates the compiler itself", async () => {
    const before = convertersCreated();
    const { executor, recorder } = createCellExecutor(ROOT);
    try {
      recorder.begin();
      assert.equal(await executor.execute("const k = 6;\nk * 7"), true);
      assert.deepEqual(recorder.report.result, { value: 42 });
      assert.equal(convertersCreated(), before + 1);
    } finally {
      executor.close();
    }
  });

  test("WarmUp runs its task once: after the promise settles and a turn of the event loop, or at the fallback delay; errors and rejections go to onError", async () => {
    const runs: string[] = [];
    const warm = new WarmUp(
      () => void runs.push("ran"),
      (error) => void runs.push(`error: ${String(error)}`),
    );
    let release = (): void => {};
    warm.after(new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(runs, [], "not before the promise settles");
    release();
    await Promise.resolve();
    assert.deepEqual(runs, [], "not in the same turn: I/O already due goes first");
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(runs, ["ran"]);
    warm.run();
    warm.after(Promise.resolve());
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(runs, ["ran"], "once");

    const late: string[] = [];
    const fallback = new WarmUp(() => void late.push("ran"), () => {});
    fallback.fallback(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(late, ["ran"]);

    const failures: unknown[] = [];
    const failing = new WarmUp(() => { throw new Error("no compiler"); }, (error) => failures.push(error));
    failing.run();
    assert.match(String(failures[0]), /no compiler/);
    assert.equal(failing.done, true);
    const rejecting = new WarmUp(async () => { throw new Error("late failure"); }, (error) => failures.push(error));
    rejecting.run();
    await new Promise((resolve) => setImmediate(resolve));
    assert.match(String(failures[1]), /late failure/);
  });
});

describe("shorthand properties (the kernel's workaround for tslab's bug)", () => {
  // Expected rewrites are written by hand from the ECMAScript grammar: `{ k }` means `{ k: k }`,
  // and in a destructuring assignment `{ a = 1 }` means `{ a: a = 1 }`.
  const rewrites: [cell: string, expected: string][] = [
    ["const o = { k };", "const o = { k: k };"],
    ["f({ k, n: 1, m })", "f({ k: k, n: 1, m: m })"],
    ["({ a } = obj)", "({ a: a } = obj)"],
    ["({ a = 1 } = obj)", "({ a: a = 1 } = obj)"],
    ["({ a = 1, b: { c = 2 } } = obj)", "({ a: a = 1, b: { c: c = 2 } } = obj)"],
    ["[{ a = 1 }, ...[{ b }]] = xs;", "[{ a: a = 1 }, ...[{ b: b }]] = xs;"],
    ["for ({ a = 1 } of xs) {}", "for ({ a: a = 1 } of xs) {}"],
    ["const o = { outer: { k, inner: { n } }, m };", "const o = { outer: { k: k, inner: { n: n } }, m: m };"],
    ["`total: ${ ({ k }).k }`", "`total: ${ ({ k: k }).k }`"],
    ["const o = { k, method() { return { k }; } };", "const o = { k: k, method() { return { k: k }; } };"],
  ];

  test("spells out shorthand properties of object literals and destructuring assignments", () => {
    for (const [cell, expected] of rewrites) {
      assert.equal(expandShorthandProperties(cell).source, expected, cell);
    }
  });

  test("leaves code without shorthand properties exactly as written", () => {
    const cells = [
      "const { a, b = 2, c: { d } } = obj;", // destructuring declarations: BindingElements
      "function f({ a }: { a: number }, [{ b }] = [{ b: 1 }]) { return a + b; }",
      "for (const { a } of xs) {}",
      "if (ok) { run(); }",
      'const text = "{ k }"; // { k }',
      "const o = { k: 1, [key]: 2, ...rest, get g() { return 1; } };",
      "type T = { k: number };",
      "6 * 7",
    ];
    for (const cell of cells) {
      assert.deepEqual(expandShorthandProperties(cell), { original: cell, source: cell, insertions: [] }, cell);
    }
  });

  test("keeps `{ a = 1 }` outside a destructuring assignment the compile error it is", () => {
    assert.equal(expandShorthandProperties("const z = { k, b = 1 };").source, "const z = { k: k, b = 1 };");
  });

  test("inserts on the same line, so every line keeps its number", () => {
    const cell = "const o = {\n  k,\n  nested: { n, m },\n};\n({ a = 1 } =\n  { a: o.k });\n`${ { k }.k }`";
    const { source } = expandShorthandProperties(cell);
    const written = cell.split("\n");
    const compiled = source.split("\n");
    assert.equal(compiled.length, written.length);
    assert.deepEqual(compiled, ["const o = {", "  k: k,", "  nested: { n: n, m: m },", "};", "({ a: a = 1 } =", "  { a: o.k });", "`${ { k: k }.k }`"]);
  });

  test("means what the cell meant (V8 evaluates both the same)", () => {
    const cells = [
      "const k = 3; const o = { k, nested: { k } }; JSON.stringify(o)",
      "let a = 0, b = 0; ({ a, b = 7 } = { a: 5 }); [a, b].join()",
      "let a = 0; [{ a = 4 }] = [{}]; a",
      "const k = 'x'; `${ ({ k }).k }!`",
    ];
    for (const cell of cells) {
      assert.deepEqual(vm.runInNewContext(expandShorthandProperties(cell).source), vm.runInNewContext(cell), cell);
    }
  });

  test("maps positions in the rewritten cell back to the cell as written", () => {
    const cell = "const k = 1;\nf({ k }, oops)";
    const expansion = expandShorthandProperties(cell);
    assert.equal(expansion.source, "const k = 1;\nf({ k: k }, oops)");
    const oops = expansion.source.indexOf("oops");
    assert.deepEqual(originalPosition(expansion, oops), { offset: cell.indexOf("oops"), line: 1, character: 9 });
    // The inserted property name maps to the identifier the user wrote.
    const inserted = expansion.source.indexOf("k: k");
    const written = cell.indexOf("{ k }") + 2;
    for (let offset = inserted; offset <= inserted + 3; offset++) assert.equal(originalOffset(expansion, offset), written);
    assert.equal(originalOffset(expansion, 3), 3);
    assert.throws(() => originalOffset(expansion, -1), /offset must be a non-negative integer, got -1/);
    assert.throws(() => expandShorthandProperties(42 as unknown as string), /cell must be a string, got number/);
  });

  test("cells using an earlier cell's variable in shorthand run, and errors point into the cell as written", async () => {
    const { executor, recorder } = createCellExecutor(ROOT);
    const run = async (cell: string) => {
      recorder.begin();
      const ok = await executor.execute(cell);
      return { ok, report: recorder.report };
    };
    try {
      assert.equal((await run("const k = 3;")).ok, true);
      const shorthand = await run("const o = { k }; o.k");
      assert.deepEqual(shorthand.report.result, { value: 3 });
      assert.equal(shorthand.report.compiled?.source, "const o = { k }; o.k");
      assert.equal(shorthand.report.compiled?.compiledSource, "const o = { k: k }; o.k");
      assert.deepEqual((await run("`${ ({ k }).k }`")).report.result, { value: "3" });

      await run("let a = 0;");
      assert.deepEqual((await run("({ a } = { a: 5 }); a")).report.result, { value: 5 });
      assert.deepEqual((await run("({ a = 1 } = {}); a")).report.result, { value: 1 });

      const cell = "const q = { k,\n  k2: { k }, zz };";
      const failed = await run(cell);
      assert.equal(failed.ok, false);
      assert.equal(failed.report.diagnostics.length, 1);
      const { start } = failed.report.diagnostics[0];
      const zz = cell.indexOf("zz");
      assert.deepEqual(start, { offset: zz, line: 1, character: zz - cell.indexOf("\n") - 1 });
      assert.match(compileErrorContent(failed.report.diagnostics, cell).traceback.join("\n"), /2:14 - Cannot find name 'zz'/);

      const thrown = await run("const w = { k };\nthrow new RangeError(String({ k }.k))");
      assert.ok(thrown.report.thrown?.value instanceof RangeError);
      assert.ok(
        runtimeErrorContent(thrown.report.thrown.value, thrown.report.compiled).traceback.includes(
          "    at line 2 of the cell: throw new RangeError(String({ k }.k))",
        ),
      );

      // Completion takes the raw cell and a cursor in it: positions must not shift.
      const completing = "const o2 = { k }; Math.ab";
      const completion = executor.complete(completing, completing.length);
      assert.equal(completion.start, completing.length - 2);
      assert.ok(completion.candidates.includes("abs"));
    } finally {
      executor.close();
    }
  });
});

describe("the call around a cursor (Shift+Tab inside a call's parentheses)", () => {
  // Offsets counted by hand: the callee's name ends where quick info shows its signature.
  test("finds the innermost call whose parentheses hold the cursor, and where its callee's name ends", () => {
    assert.deepEqual(enclosingCall("new IForestDetector(", 20), { calleeEnd: 19, justOpened: true });
    assert.deepEqual(enclosingCall("Math.max(1, ", 12), { calleeEnd: 8, justOpened: false });
    assert.deepEqual(enclosingCall("Math.max(1, 2", 13), { calleeEnd: 8, justOpened: false });
    assert.deepEqual(enclosingCall("Math.max(Math.abs(-3), ", 23), { calleeEnd: 8, justOpened: false });
    assert.deepEqual(enclosingCall("f(g(x), y)", 4), { calleeEnd: 3, justOpened: false }, "inside g's parentheses");
    assert.deepEqual(enclosingCall("f(g(x), y)", 8), { calleeEnd: 1, justOpened: false }, "after g's `)`: f");
    assert.deepEqual(enclosingCall("a.b.c(d, ", 9), { calleeEnd: 5, justOpened: false });
    assert.deepEqual(enclosingCall('f("(", ', 7), { calleeEnd: 1, justOpened: false }, "a `(` in a string opens nothing");
    assert.deepEqual(enclosingCall("foo(bar", 4), { calleeEnd: 3, justOpened: true });
    assert.deepEqual(enclosingCall("f( ", 3), { calleeEnd: 1, justOpened: true });
  });

  test("is undefined outside every call's parentheses", () => {
    assert.equal(enclosingCall("f(x)", 1), undefined, "before the `(`");
    assert.equal(enclosingCall("f(x)", 4), undefined, "after the `)`");
    assert.equal(enclosingCall("new Foo", 7), undefined, "new without parentheses");
    assert.equal(enclosingCall("f(\nconst x = 1", 14), undefined, "a statement after an unclosed `(`");
    assert.throws(() => enclosingCall("f(", 3), /cursor must be an integer in \[0, 2\], got 3/);
  });
});

describe("history (IPython semantics)", () => {
  test("glob patterns match exactly where SQLite's GLOB does", () => {
    for (const { pattern, text, match } of reference.glob) {
      assert.equal(globToRegExp(pattern).test(text), match, `${JSON.stringify(pattern)} GLOB ${JSON.stringify(text)}`);
    }
  });

  function sampleHistory(): ExecutionHistory {
    const history = new ExecutionHistory();
    ["6 * 7", "const a = 1;", "6 * 7", "a + 1"].forEach((code, i) => history.record(i + 1, code));
    history.setOutput(1, "42");
    return history;
  }

  test("tail, range and search return (session, line, input) rows", () => {
    const history = sampleHistory();
    assert.deepEqual(history.tail(2), [[1, 3, "6 * 7"], [1, 4, "a + 1"]]);
    assert.deepEqual(history.tail(1, { output: true }), [[1, 4, ["a + 1", null]]]);
    assert.deepEqual(history.range(1, 1, 2, { output: true }), [[1, 1, ["6 * 7", "42"]]]);
    assert.deepEqual(history.range(0, 3, undefined), [[1, 3, "6 * 7"], [1, 4, "a + 1"]]);
    assert.deepEqual(history.range(7, 1, undefined), []);
    assert.deepEqual(history.search("6 * 7"), [[1, 1, "6 * 7"], [1, 3, "6 * 7"]]);
    assert.deepEqual(history.search("6 * 7", { unique: true }), [[1, 3, "6 * 7"]]);
    assert.deepEqual(history.search("*", { n: 1 }), [[1, 4, "a + 1"]]);
  });

  test("a malformed history_request gets an error reply naming the field", () => {
    const history = sampleHistory();
    const badType = answerHistoryRequest(history, { hist_access_type: "everything", output: false, raw: true });
    assert.equal(badType.status, "error");
    assert.match(badType.status === "error" ? badType.evalue : "", /hist_access_type/);
    const badN = answerHistoryRequest(history, { hist_access_type: "tail", n: -2, output: false, raw: true });
    assert.match(badN.status === "error" ? badN.evalue : "", /n must be a non-negative integer, got -2/);
    assert.throws(() => history.setOutput(99, "x"), /no cell with execution count 99/);
  });
});

describe("wire protocol (against jupyter_client's Session)", () => {
  test("parses and verifies a message that jupyter_client serialized and signed", () => {
    const { key, frames, msg_type, msg_id, content, identities } = reference.message;
    const buffers = frames.map((frame) => Buffer.from(frame, "utf8"));
    assert.equal(peekMessageType(buffers), msg_type);
    const parsed = parseMessage(buffers, key);
    assert.equal(parsed.header.msg_id, msg_id);
    assert.deepEqual(parsed.content, content);
    assert.deepEqual(parsed.identities.map((id) => id.toString("utf8")), identities);
    assert.throws(() => parseMessage(buffers, "wrong key"), /signature does not match/);
    assert.throws(() => parseMessage(buffers.slice(2), key), /no <IDS\|MSG> delimiter/);
  });

  test("signs like Python's hmac (HMAC-SHA256 over the four JSON frames)", () => {
    const { key, parts, signature } = reference.signature;
    assert.equal(signParts(key, parts), signature);
    assert.equal(signParts("", parts), "");
  });

  test("an encoded reply parses back with the request as parent", () => {
    const request = parseMessage(reference.message.frames.map((f) => Buffer.from(f)), "secret");
    const frames = encodeMessage(request, "history_reply", { status: "ok", history: [] }, "secret", request.identities);
    const reply = parseMessage(frames, "secret");
    assert.equal(reply.header.msg_type, "history_reply");
    assert.equal(reply.header.session, request.header.session);
    const parentFrame = frames[request.identities.length + 3]; // identities, <IDS|MSG>, signature, header, parent
    assert.deepEqual(JSON.parse(parentFrame.toString()), request.header);
  });
});

describe("error content", () => {
  test("compile errors: 1-based line:col, the source line and a caret", () => {
    const diagnostic = {
      start: { offset: 6, line: 0, character: 6 },
      end: { offset: 7, line: 0, character: 7 },
      messageText: "Type 'string' is not assignable to type 'number'.",
      category: 1,
      code: 2322,
    };
    const content = compileErrorContent([diagnostic], 'const n: number = "text";');
    assert.equal(content.ename, "TSError");
    assert.equal(content.evalue, "Type 'string' is not assignable to type 'number'.");
    assert.deepEqual(content.traceback.slice(1), [
      "1:7 - Type 'string' is not assignable to type 'number'.",
      '    const n: number = "text";',
      "          ^",
    ]);
    assert.throws(() => compileErrorContent([], ""), /no diagnostics/);
  });

  test("compiled JavaScript lines map back to the cell's TypeScript lines by their text", () => {
    const cell = {
      source: 'const ok: number = 1;\n\nthrow new Error("x")',
      output: 'Object.defineProperty(exports, "__esModule", { value: true });\nexports.ok = void 0;\nconst ok = 1;\nexports.ok = ok;\nthrow new Error("x");\n',
    };
    assert.equal(cellLineOf(cell, 3), 1);
    assert.equal(cellLineOf(cell, 5), 3);
    assert.equal(cellLineOf(cell, 2), undefined);
  });

  test("thrown non-Error values are shown the way Node prints them", () => {
    assert.deepEqual(runtimeErrorContent("boom"), { ename: "Error", evalue: "Uncaught 'boom'", traceback: ["Uncaught 'boom'"] });
  });
});

describe("execute_result data", () => {
  test("plain values are shown like Node's REPL; undefined shows nothing", async () => {
    assert.deepEqual(await executeResultData(42), { "text/plain": "42" });
    assert.deepEqual(await executeResultData("ab"), { "text/plain": "'ab'" });
    assert.deepEqual(await executeResultData([1, { a: 2 }]), { "text/plain": "[ 1, { a: 2 } ]" });
    assert.equal(await executeResultData(undefined), undefined);
  });

  test("Displayables give their own bundle, awaited when async", async () => {
    const bundle = { "text/html": "<b>x</b>", "text/plain": "x" };
    assert.deepEqual(await executeResultData({ toMimeBundle: () => bundle }), bundle);
    assert.deepEqual(await executeResultData({ toMimeBundle: async () => bundle }), bundle);
    const noText = await executeResultData({ toMimeBundle: () => ({ "text/html": "<i>y</i>" }) });
    assert.equal(noText?.["text/html"], "<i>y</i>");
    assert.equal(typeof noText?.["text/plain"], "string");
  });

  test("a module namespace exporting toMimeBundle is not a Displayable", async () => {
    const namespace = { __esModule: true, toMimeBundle: () => ({ "text/plain": "wrong" }) };
    assert.notEqual((await executeResultData(namespace))?.["text/plain"], "wrong");
  });

  test("polars DataFrames become an HTML table plus polars' own text", async () => {
    const df = pl.DataFrame({ a: [1, 2], b: ["x", "<y>"] });
    const data = await executeResultData(df);
    assert.equal(data?.["text/plain"], df.toString());
    assert.match(String(data?.["text/html"]), /<table[\s\S]*&lt;y&gt;/);
  });

  test("malformed bundles are rejected with the offending key", async () => {
    assert.deepEqual(normalizeMimeBundle({ "image/png": new Uint8Array([1, 2, 3]) }), { "image/png": "AQID" });
    assert.deepEqual(normalizeMimeBundle({ "application/vnd.vegalite.v5+json": { mark: "bar" } }), {
      "application/vnd.vegalite.v5+json": { mark: "bar" },
    });
    assert.throws(() => normalizeMimeBundle({ html: "<b>" }), /"html", which is not a mime type/);
    assert.throws(() => normalizeMimeBundle({ "text/html": 3 }), /returned number for "text\/html"/);
    await assert.rejects(executeResultData({ toMimeBundle: () => null }), /must return an object .* got null/);
  });
});

describe("kernelspec and clearOutput", () => {
  test("kernel.json runs bin/anomaly-lab-kernel.js under this node, with half the machine's memory as heap limit and signal interrupts", () => {
    const spec = kernelSpec();
    const halfMemoryMB = Math.floor(os.totalmem() / 2 / 1024 / 1024);
    assert.deepEqual(spec.argv, [process.execPath, `--max-old-space-size=${halfMemoryMB}`, path.join(ROOT, "bin", "anomaly-lab-kernel.js"), "{connection_file}"]);
    assert.equal(kernelSpec({ heapLimitMB: 512 }).argv[1], "--max-old-space-size=512");
    assert.throws(() => kernelSpec({ heapLimitMB: 10 }), /heapLimitMB must be an integer of at least 64 \(MB\), got 10/);
    assert.equal(spec.display_name, "TypeScript (anomaly-lab)");
    assert.equal(spec.language, "typescript");
    assert.equal(spec.interrupt_mode, "signal");
    assert.throws(() => kernelSpec({ nodePath: "node" }), /nodePath must be an absolute path, got "node"/);
  });

  test("clearOutput publishes clear_output on the running cell's channel and checks its options", () => {
    const previous = cellPublisher();
    const sent: [string, object][] = [];
    try {
      setCellPublisher((msgType, content) => sent.push([msgType, content]));
      clearOutput({ wait: true });
      clearOutput();
      assert.deepEqual(sent, [["clear_output", { wait: true }], ["clear_output", { wait: false }]]);
      assert.throws(() => clearOutput({ wait: "yes" as unknown as boolean }), /wait must be a boolean, got "yes"/);
      setCellPublisher(null);
      clearOutput(); // outside any kernel: nothing to clear, no error
    } finally {
      setCellPublisher(previous);
    }
  });
});

/** The Python that runs Jupyter for this project (scripts/lib/python.sh), or null. */
function jupyterPython(): string | null {
  const found = spawnSync("bash", [path.join(ROOT, "scripts", "lib", "python.sh")], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim().split("\n").pop() ?? null : null;
}

describe("the registered kernel, driven by Jupyter", () => {
  // The kernel `npm run setup` registers (scripts/test.sh runs setup first), as a user's Jupyter finds it.
  const kernelName = "anomaly-lab";
  let python: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    const main = path.join(ROOT, "dist", "kernel", "main.js");
    assert.ok(fs.existsSync(main), "dist/kernel/main.js is missing: run `npm run build` first");
    const built = fs.statSync(main).mtimeMs;
    const stale = fs.readdirSync(path.join(ROOT, "src", "kernel")).filter((f) => fs.statSync(path.join(ROOT, "src", "kernel", f)).mtimeMs > built);
    assert.deepEqual(stale, [], "dist/kernel is older than src/kernel: run `npm run build` first");
    const found = jupyterPython();
    assert.ok(found, "no Python with Jupyter found: run `npm run setup` (see environment/README.md)");
    python = found;
    env = {
      ...process.env,
      // `python -m jupyter X` runs the first jupyter-X on PATH: this Python's own first (a machine may also
      // have Debian's in /usr/bin), as src/kernel/jupyter-command.ts does.
      PATH: [path.dirname(python), process.env.PATH].filter(Boolean).join(path.delimiter),
      ANOMALY_LAB_KERNEL: kernelName,
      PYDEVD_DISABLE_FILE_VALIDATION: "1", // Debian's debugpy warns on every jupyter command
      PYTHONDONTWRITEBYTECODE: "1", // no __pycache__ in test/kernel-protocol
    };
    // It must be this checkout's launcher, not another checkout's or plain tslab.
    const listed = spawnSync(python, ["-m", "jupyter", "kernelspec", "list", "--json"], { env, encoding: "utf8" });
    assert.equal(listed.status, 0, listed.stderr);
    const specs = JSON.parse(listed.stdout) as { kernelspecs: Record<string, { spec: { argv: string[] } }> };
    assert.ok(specs.kernelspecs[kernelName], `kernel '${kernelName}' is not registered: run \`npm run setup\``);
    assert.deepEqual(specs.kernelspecs[kernelName].spec.argv, kernelSpec().argv, "the registered kernel is not this checkout's: run `npm run setup`");
  });

  test("passes jupyter_kernel_test's conformance suite (test/kernel-protocol/test_conformance.py)", { timeout: 180_000 }, (t) => {
    if (spawnSync(python, ["-c", "import jupyter_kernel_test"]).status !== 0) {
      // CI installs it (environment/setup.sh): there a missing suite is a failure, not a skip.
      assert.ok(!process.env.CI, `${python} lacks jupyter_kernel_test; environment/setup.sh installs python3-jupyter-kernel-test`);
      t.skip(`${python} lacks jupyter_kernel_test (Debian: apt-get install python3-jupyter-kernel-test)`);
      return;
    }
    const run = spawnSync(python, ["-m", "unittest", "discover", "-v", "-s", PROTOCOL_DIR, "-p", "test_conformance.py"], {
      cwd: ROOT,
      env,
      encoding: "utf8",
      timeout: 170_000,
    });
    assert.equal(run.status, 0, `conformance suite failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /^OK/m);
  });

  test("Shift+Tab inside a call's parentheses shows the callee: `new IForestDetector(` the constructor, `Math.max(1, ` Math.max, `f(g(x), ` f", { timeout: 120_000 }, () => {
    type InspectReply = { status: string; found: boolean; data: Record<string, string> };
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-inspect-")), "facts.json");
    let facts: Record<string, InspectReply> & { client_error?: string };
    try {
      const client = path.join(PROTOCOL_DIR, "trust_client.py");
      const run = spawnSync(python, [client, "inspect-in-call", "--out", out, "--kernel", kernelName], { cwd: ROOT, env, encoding: "utf8", timeout: 110_000 });
      assert.equal(run.status, 0, `trust_client.py inspect-in-call failed:\n${run.stderr}`);
      facts = JSON.parse(fs.readFileSync(out, "utf8")) as typeof facts;
    } finally {
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
    assert.equal(facts.client_error, undefined, facts.client_error);
    const shown = (name: string): string => {
      const reply = facts[name];
      assert.equal(reply.status, "ok", `${name}: ${JSON.stringify(reply)}`);
      assert.equal(reply.found, true, `${name}: nothing found (${JSON.stringify(reply)})`);
      return reply.data["text/plain"];
    };
    // The signatures as declared: src/detectors/iforest.ts and TypeScript's lib.es5.d.ts.
    assert.match(shown("new_iforest_name"), /^\(alias\) new IForestDetector\(options\?: IForestOptions\): IForestDetector\nimport IForestDetector/);
    assert.match(shown("max_name"), /^\(method\) Math\.max\(\.\.\.values: number\[\]\): number/);
    assert.match(shown("abs_name"), /^\(method\) Math\.abs\(x: number\): number/);
    // Inside the parentheses: what the callee's name shows.
    assert.equal(shown("new_iforest_open"), shown("new_iforest_name"), "cursor right after `new IForestDetector(`");
    assert.equal(shown("max_after_comma"), shown("max_name"), "cursor after `Math.max(1, `");
    assert.equal(shown("max_after_argument"), shown("max_name"), "cursor after `Math.max(1, 2`");
    assert.equal(shown("max_after_nested_call"), shown("max_name"), "cursor after `Math.max(Math.abs(-3), `: the outer call");
    assert.equal(shown("abs_inside_nested_call"), shown("abs_name"), "cursor after `Math.max(Math.abs(`: the innermost call");
  });

  test("nbconvert executes a notebook with In [n], rich results and errors", { timeout: 120_000 }, () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-nb-"));
    try {
      const run = spawnSync(
        python,
        [
          "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
          `--ExecutePreprocessor.kernel_name=${kernelName}`,
          "--ExecutePreprocessor.allow_errors=True",
          "--ExecutePreprocessor.timeout=60",
          "--output-dir", outDir, "--output", "smoke.ipynb",
          path.join(PROTOCOL_DIR, "fixtures", "smoke.ipynb"),
        ],
        { cwd: ROOT, env, encoding: "utf8", timeout: 110_000 },
      );
      assert.equal(run.status, 0, `nbconvert failed:\n${run.stdout}\n${run.stderr}`);
      // nbformat may store multi-line strings as lists of lines.
      type Text = string | string[];
      type Output = { output_type: string; execution_count?: number; data?: Record<string, Text>; text?: Text; ename?: string; evalue?: string; traceback?: string[] };
      const joined = (text: Text | undefined): string | undefined => (Array.isArray(text) ? text.join("") : text);
      const notebook = JSON.parse(fs.readFileSync(path.join(outDir, "smoke.ipynb"), "utf8")) as {
        cells: { cell_type: string; source: string | string[]; execution_count?: number | null; outputs?: Output[] }[];
      };
      const cells = notebook.cells
        .filter((c) => c.cell_type === "code")
        .map((c) => ({ ...c, source: Array.isArray(c.source) ? c.source.join("") : c.source }));
      assert.deepEqual(cells.map((c) => c.execution_count), cells.map((_, i) => i + 1), "every code cell shows In [n]");
      const outputsOf = (source: string): Output[] => {
        const cell = cells.find((c) => c.source === source);
        assert.ok(cell, `fixture has no cell ${source}`);
        return cell.outputs ?? [];
      };

      assert.deepEqual(outputsOf("const factor = 6;"), []);
      const [answer] = outputsOf("factor * 7");
      assert.equal(answer.output_type, "execute_result");
      assert.equal(answer.execution_count, 2);
      assert.equal(joined(answer.data?.["text/plain"]), "42");

      const [rich] = outputsOf('({ toMimeBundle: () => ({ "text/html": "<b>rich</b>", "text/plain": "rich" }) })');
      assert.equal(rich.output_type, "execute_result");
      assert.equal(joined(rich.data?.["text/html"]), "<b>rich</b>");

      assert.deepEqual(outputsOf('console.log("printed");').map((o) => [o.output_type, joined(o.text)]), [["stream", "printed\n"]]);

      const [failure] = outputsOf('throw new RangeError("expected failure");');
      assert.equal(failure.output_type, "error");
      assert.equal(failure.ename, "RangeError");
      assert.equal(failure.evalue, "expected failure");
      assert.ok(failure.traceback?.some((line) => line.includes("line 1 of the cell")), String(failure.traceback));

      // stop_on_error=False (allow_errors) must not abort the next cell, as tslab's queue would.
      assert.equal(joined(outputsOf('"still running"')[0]?.data?.["text/plain"]), "'still running'");
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
