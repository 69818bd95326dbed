/**
 * The program tslab's watch compiles each cell in: a plain TypeScript program (ts.createAbstractBuilder)
 * instead of the incremental "emit and semantic diagnostics" builder TypeScript's watch uses by default.
 *
 * Why: tslab rebuilds the program for every cell (once more when the cell declares names), and the
 * builder's state is rebuilt with it: a reference map over every file of the program, which after
 * `import ... from "anomaly-lab"` means ~900 declaration files (tfjs's types among them), checked symbol by
 * symbol. That was ~70% of a trivial cell's time (kernel CPU profile, issue #26). tslab uses only four things
 * of the builder: getSourceFile, getProgram and emit, which a plain program does the same, and
 * getAllDependencies of the cell, from which it keeps the .ts and .js sources to type-check and emit with it.
 * {@link cellSourceDependencies} computes those from the cell alone. (And one side effect: creating the
 * builder's state creates the type checker, which binds the cell; {@link cellProgramFactory} does that too.)
 */
import path from "node:path";
import type * as TS from "@tslab/typescript-for-tslab";
import { DeclarationCache } from "./declaration-cache";

/** Internal SourceFile fields the dependency walk reads (TypeScript 5.0's binder and program set them). */
interface SourceFileInternals {
  /** Every module name the file imports or requires (string literals), in order. */
  imports?: readonly TS.StringLiteralLike[];
  /** `declare module "name"` augmentations (and `declare global`) in a module. */
  moduleAugmentations?: readonly (TS.StringLiteral | TS.Identifier)[];
  /** Set when a JavaScript file uses require/module.exports (it is then a module). */
  commonJsModuleIndicator?: TS.Node;
}

function internals(file: TS.SourceFile): SourceFileInternals {
  return file as unknown as SourceFileInternals;
}

/**
 * Whether a change of `file` can change every other file's meaning (TypeScript's isFileAffectingGlobalScope):
 * a script (not a module) or a module with `declare global`. tslab's builder then lists every file.
 */
function affectsGlobalScope(ts: typeof TS, file: TS.SourceFile): boolean {
  const globalAugmentation = (internals(file).moduleAugmentations ?? []).some(
    (name) => (name.parent.flags & ts.NodeFlags.GlobalAugmentation) !== 0,
  );
  if (globalAugmentation) return true;
  if (ts.isExternalModule(file) || internals(file).commonJsModuleIndicator !== undefined) return false;
  if (file.fileName.endsWith(".json")) return false;
  // A script of `declare module "name" { ... }` blocks only (an ambient module file) adds no global names.
  return !file.statements.every((s) => ts.isModuleDeclaration(s) && ts.isStringLiteral(s.name));
}

/** The files `file` refers to: the files declaring what it imports or augments, and its `/// <reference path>`s. */
function referencedFiles(ts: typeof TS, program: TS.Program, file: TS.SourceFile): TS.SourceFile[] {
  const checker = program.getTypeChecker();
  const found: TS.SourceFile[] = [];
  const moduleNames = [...(internals(file).imports ?? []), ...(internals(file).moduleAugmentations ?? [])];
  for (const name of moduleNames) {
    if (!ts.isStringLiteralLike(name)) continue; // `declare global`
    for (const declaration of checker.getSymbolAtLocation(name)?.declarations ?? []) found.push(declaration.getSourceFile());
  }
  // TypeScript's file names use "/" on every platform.
  const directory = path.posix.dirname(file.fileName);
  for (const reference of file.referencedFiles) {
    const referenced = program.getSourceFile(path.posix.resolve(directory, reference.fileName));
    if (referenced !== undefined) found.push(referenced);
  }
  return found;
}

/**
 * The source files (not declaration files) `file` depends on, itself included, as tslab's builder lists them for
 * getAllDependencies, once tslab keeps the .ts and .js ones: through imports, module augmentations and
 * `/// <reference path>`, transitively through source files. Declaration files are not followed (tslab drops
 * them, and a .d.ts does not import sources); a file that affects the global scope depends on every file.
 *
 * @example
 * ```ts
 * cellSourceDependencies(ts, program, program.getSourceFile("/work/__tslab__.ts")!);
 * // ["/work/__tslab__.ts", "/work/helpers.ts"] for a cell that imports "./helpers"
 * ```
 */
export function cellSourceDependencies(ts: typeof TS, program: TS.Program, file: TS.SourceFile): string[] {
  if (affectsGlobalScope(ts, file)) return program.getSourceFiles().map((f) => f.fileName);
  const seen = new Set<TS.SourceFile>([file]);
  const queue = [file];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const referenced of referencedFiles(ts, program, next)) {
      if (seen.has(referenced) || referenced.isDeclarationFile) continue;
      seen.add(referenced);
      queue.push(referenced);
    }
  }
  return [...seen].map((f) => f.fileName);
}

/** The module a warm-up parses ahead (./warm-up): resolved as a cell in the converter's directory resolves it. */
const PREFETCH_FILE = "__anomaly_lab_prefetch__.ts";

/**
 * The programs of one tslab converter: a `createProgram` for ts.createWatchCompilerHost making TypeScript's
 * abstract builder (a plain program, reusing the old program's unchanged files) whose getAllDependencies is
 * {@link cellSourceDependencies}, with installed declaration files parsed once (./declaration-cache).
 *
 * @example
 * ```ts
 * const programs = new CellPrograms(ts);
 * const host = ts.createWatchCompilerHost(rootFiles, options, sys, programs.createProgram);
 * ts.createWatchProgram(host);
 * programs.prefetch("anomaly-lab"); // later: its declaration files are parsed before a cell imports it
 * ```
 */
export class CellPrograms {
  readonly declarations = new DeclarationCache();
  /** The compiler options and host of the last program, for {@link prefetch}. */
  private last: { options: TS.CompilerOptions; host: TS.CompilerHost } | undefined;

  constructor(private readonly ts: typeof TS) {}

  readonly createProgram: TS.CreateProgram<TS.BuilderProgram> = (
    rootNames,
    options,
    host,
    oldProgram,
    configFileParsingDiagnostics,
    projectReferences,
  ) => {
    if (options === undefined || host === undefined) throw new Error("anomaly-lab kernel: a cell program needs compiler options and a host");
    this.last = { options, host };
    const builder = this.ts.createAbstractBuilder(
      rootNames,
      options,
      this.declarations.serving(host),
      oldProgram,
      configFileParsingDiagnostics,
      projectReferences,
    );
    // As TypeScript's builder does: creating the checker binds every file, and tslab reads the cell's bound
    // `locals` (the names it declares, to export them to later cells) before it asks for anything typed.
    builder.getProgram().getTypeChecker();
    builder.getAllDependencies = (sourceFile) => cellSourceDependencies(this.ts, builder.getProgram(), sourceFile);
    return builder;
  };

  /**
   * Parses and binds the declaration files a cell importing `moduleName` would bring in, in a throwaway program
   * with the cells' options and host, so that the cell that imports it finds them ready. Returns how many
   * declaration files are cached now; a module that does not resolve adds none.
   */
  prefetch(moduleName: string): number {
    const last = this.last;
    if (last === undefined) throw new Error("anomaly-lab kernel: prefetch before the converter made its first program");
    const ts = this.ts;
    const root = path.posix.join(last.host.getCurrentDirectory(), PREFETCH_FILE);
    const text = `import ${JSON.stringify(moduleName)};\n`;
    const host = Object.create(this.declarations.serving(last.host)) as TS.CompilerHost;
    const served = { getSourceFile: host.getSourceFile, getSourceFileByPath: host.getSourceFileByPath };
    host.fileExists = (fileName) => fileName === root || last.host.fileExists(fileName);
    host.readFile = (fileName) => (fileName === root ? text : last.host.readFile(fileName));
    host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile) =>
      fileName === root
        ? ts.createSourceFile(root, text, languageVersionOrOptions, true)
        : served.getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile);
    if (served.getSourceFileByPath !== undefined) {
      const byPath = served.getSourceFileByPath;
      host.getSourceFileByPath = (fileName, filePath, languageVersionOrOptions, onError, shouldCreateNewSourceFile) =>
        fileName === root
          ? ts.createSourceFile(root, text, languageVersionOrOptions, true)
          : byPath(fileName, filePath, languageVersionOrOptions, onError, shouldCreateNewSourceFile);
    }
    ts.createProgram([root], last.options, host).getTypeChecker(); // the checker binds every file
    return this.declarations.size;
  }
}
