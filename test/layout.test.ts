// The layout of src/ (issue #23, item 6): src/detectors holds only detector classes, the numerical engine sits
// in folders below them, and src/threads is a generic job registry that imports nothing above it. Imports are
// read from the source text with TypeScript's own scanner (import, export ... from, require, import(); type-only
// imports included), so the checks see what the compiler sees without building anything.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";
import { BaseDetector } from "../src/core/detector";

const SRC = path.join(__dirname, "..", "src");

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const file = path.join(folder, entry);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return file.endsWith(".ts") ? [file] : [];
  });
}

/** What a file imports: node built-ins as "node:x", packages by name, files of src as absolute paths. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return importedFiles.map(({ fileName: specifier }) => {
    if (specifier.startsWith("node:") || builtinModules.includes(specifier)) return `node:${specifier.replace(/^node:/, "")}`;
    if (!specifier.startsWith(".")) return specifier;
    const base = path.resolve(path.dirname(file), specifier);
    return [`${base}.ts`, path.join(base, "index.ts")].find((candidate) => existsSync(candidate)) ?? base;
  });
}

const relative = (file: string) => path.relative(SRC, file);
const FILES = sourceFiles(SRC);

describe("layout of src/", () => {
  it("src/threads imports only Node built-ins and its own files (nothing from a folder above it, no package)", () => {
    const threads = path.join(SRC, "threads") + path.sep;
    const outside = FILES.filter((file) => file.startsWith(threads)).flatMap((file) =>
      importsOf(file)
        .filter((target) => !target.startsWith("node:") && !target.startsWith(threads))
        .map((target) => `${relative(file)} imports ${path.isAbsolute(target) ? relative(target) : target}`),
    );
    assert.deepEqual(outside, []);
  });

  it("no file of src/ reaches itself through its imports (no import cycle, type-only imports included)", () => {
    const graph = new Map(FILES.map((file) => [file, importsOf(file).filter((target) => FILES.includes(target))]));
    const cycles: string[] = [];
    // Depth-first search; a file met again while it is still on the path closes a cycle.
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, trail: string[]): void => {
      state.set(file, "open");
      for (const target of graph.get(file) ?? []) {
        if (state.get(target) === "open") cycles.push([...trail.slice(trail.indexOf(target)), file, target].map(relative).join(" -> "));
        else if (state.get(target) === undefined) visit(target, [...trail, file]);
      }
      state.set(file, "done");
    };
    for (const file of FILES) if (state.get(file) === undefined) visit(file, []);
    assert.deepEqual(cycles, []);
  });

  // The consumers of detectors (the package index, the benchmark lineup, loadDetector's class table) sit above
  // them; everything they are built from sits below and must not reach back up.
  const USERS_OF_DETECTORS = ["index.ts", "benchmark", "persistence/load-detector.ts"];
  it("no folder below the detectors imports from src/detectors (only src/index.ts, src/benchmark and loadDetector use them)", () => {
    const detectors = path.join(SRC, "detectors") + path.sep;
    const isUser = (file: string): boolean => USERS_OF_DETECTORS.some((user) => relative(file) === user || relative(file).startsWith(`${user}/`));
    const importers = FILES.filter((file) => !file.startsWith(detectors) && !isUser(file)).flatMap((file) =>
      importsOf(file).filter((target) => target.startsWith(detectors)).map((target) => `${relative(file)} imports ${relative(target)}`),
    );
    assert.deepEqual(importers, []);
  });

  it("every file in src/detectors except index.ts exports a class that extends BaseDetector (directly or through another detector)", () => {
    const folder = path.join(SRC, "detectors");
    const notDetectors = readdirSync(folder)
      .filter((entry) => entry.endsWith(".ts") && entry !== "index.ts")
      .filter((entry) => {
        const exported: unknown[] = Object.values(require(path.join(folder, entry)) as Record<string, unknown>);
        return !exported.some((value) => typeof value === "function" && value.prototype instanceof BaseDetector);
      });
    assert.deepEqual(notDetectors, []);
  });
});
