/**
 * Declaration files of installed packages, parsed once per kernel. TypeScript's watch forgets a file as soon as a
 * program stops using it and parses it again when one does; and the first `import ... from "anomaly-lab"` parses
 * ~760 declaration files (434 of them tfjs-core's), ~70% of that cell's time (CPU profile, issue #26). Kept here,
 * they can also be parsed ahead of the import (CellPrograms.prefetch).
 *
 * Only `.d.ts` files under a node_modules folder are kept: installed packages do not change while a kernel runs,
 * and if one is reinstalled, Node keeps the JavaScript it already loaded too until the kernel restarts.
 */
import type * as TS from "@tslab/typescript-for-tslab";

type GetSourceFile = TS.CompilerHost["getSourceFile"];
type GetSourceFileByPath = NonNullable<TS.CompilerHost["getSourceFileByPath"]>;

/** Whether `fileName` is a declaration file of an installed package. */
export function isInstalledDeclaration(fileName: string): boolean {
  return fileName.endsWith(".d.ts") && fileName.includes("/node_modules/");
}

/** How a file was parsed: the same file parsed for another target or module format is another SourceFile. */
function parseKey(fileName: string, languageVersionOrOptions: TS.ScriptTarget | TS.CreateSourceFileOptions): string {
  if (typeof languageVersionOrOptions === "number") return `${fileName}\0${languageVersionOrOptions}`;
  return `${fileName}\0${languageVersionOrOptions.languageVersion}\0${String(languageVersionOrOptions.impliedNodeFormat)}`;
}

/**
 * Parsed declaration files of installed packages, served to every program of one converter.
 *
 * @example
 * ```ts
 * const cache = new DeclarationCache();
 * const program = ts.createProgram(roots, options, cache.serving(host)); // parses what is not cached yet
 * cache.size;                                                             // files kept for the next program
 * cache.parsed;                                                           // files the host had to parse
 * ```
 */
export class DeclarationCache {
  private readonly files = new Map<string, TS.SourceFile>();
  private parses = 0;

  /** How many parsed files are kept. */
  get size(): number {
    return this.files.size;
  }

  /** How many times an installed declaration file was parsed (asked of the host) rather than served from here. */
  get parsed(): number {
    return this.parses;
  }

  /** `host`, but serving installed declaration files from the cache (and caching those it parses). */
  serving(host: TS.CompilerHost): TS.CompilerHost {
    const served = Object.create(host) as TS.CompilerHost;
    const getSourceFile: GetSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile) =>
      this.lookup(fileName, languageVersionOrOptions, shouldCreateNewSourceFile, () =>
        host.getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile),
      );
    served.getSourceFile = getSourceFile;
    const byPath = host.getSourceFileByPath?.bind(host);
    if (byPath !== undefined) {
      const getSourceFileByPath: GetSourceFileByPath = (fileName, path, languageVersionOrOptions, onError, shouldCreateNewSourceFile) =>
        this.lookup(fileName, languageVersionOrOptions, shouldCreateNewSourceFile, () =>
          byPath(fileName, path, languageVersionOrOptions, onError, shouldCreateNewSourceFile),
        );
      served.getSourceFileByPath = getSourceFileByPath;
    }
    return served;
  }

  private lookup(
    fileName: string,
    languageVersionOrOptions: TS.ScriptTarget | TS.CreateSourceFileOptions,
    shouldCreateNewSourceFile: boolean | undefined,
    parse: () => TS.SourceFile | undefined,
  ): TS.SourceFile | undefined {
    if (!isInstalledDeclaration(fileName)) return parse();
    const key = parseKey(fileName, languageVersionOrOptions);
    const cached = shouldCreateNewSourceFile === true ? undefined : this.files.get(key);
    if (cached !== undefined) return cached;
    const parsed = parse();
    this.parses++;
    if (parsed !== undefined) this.files.set(key, parsed);
    return parsed;
  }
}
