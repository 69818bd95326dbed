/**
 * tslab's executor, built as `tslab kernel` builds it (dist/main.js), with two listening posts
 * so the kernel can report a cell properly instead of printing it:
 *  - the executor's `console` argument: tslab calls `console.log(value)` for the cell's last
 *    expression and `console.error(...)` for runtime errors and diagnostics;
 *  - the converter's `convert`: the compiled JavaScript and structured diagnostics of the cell.
 * The converter is also where the kernel works around tslab's shorthand-property bug
 * (./shorthand): each cell is compiled with its shorthand properties spelled out, and compile
 * errors are mapped back to the cell as written. Completion and inspection get the raw cell,
 * since their cursor positions are positions in it.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { format } from "node:util";
import type { Converter, Diagnostic } from "tslab/dist/converter";
import { createExecutor, type ConsoleInterface, type ConverterSet, type Executor } from "tslab/dist/executor";
import type { CompiledCell } from "./errors";
import { expandShorthandProperties, originalPosition, type ShorthandExpansion } from "./shorthand";
import { createConverter, type KernelConverter } from "./tslab-converter";

/** Everything one `executor.execute(code)` reported, instead of printing it. */
export interface CellReport {
  /** The cell as compiled (absent when it never reached the compiler, e.g. module cells). */
  compiled?: CompiledCell;
  /** Compile errors that stopped the cell. */
  diagnostics: Diagnostic[];
  /** The last expression's value; tslab reports only values that are not null/undefined. */
  result?: { value: unknown };
  /** What the cell threw, or the rejection of its top-level await. */
  thrown?: { value: unknown };
  /** Lines tslab printed without failing the cell (diagnostics of `//%module` cells). */
  notes: string[];
}

function emptyReport(): CellReport {
  return { diagnostics: [], notes: [] };
}

/** Collects what tslab reports about the running cell. */
export class CellRecorder implements ConsoleInterface {
  private current: CellReport = emptyReport();

  /** Starts a fresh report for the next cell. */
  begin(): void {
    this.current = emptyReport();
  }

  /** The report of the cell run since the last {@link begin}. */
  get report(): CellReport {
    return this.current;
  }

  /** tslab's only console.log: the cell's last expression value. */
  log(value?: unknown): void {
    this.current.result = { value };
  }

  /** tslab's console.error: `(thrown)` for failures, `(format, ...args)` for diagnostics. */
  error(first?: unknown, ...rest: unknown[]): void {
    if (rest.length === 0) this.current.thrown = { value: first };
    else this.current.notes.push(format(first, ...rest));
  }

  /** Records the converter's output for the cell being run (`source` as written, `compiledSource` as compiled). */
  converted(source: string, compiledSource: string, result: ReturnType<Converter["convert"]>): void {
    this.current.compiled = { source, output: result.output, lastExpressionVar: result.lastExpressionVar };
    if (compiledSource !== source) this.current.compiled.compiledSource = compiledSource;
    this.current.diagnostics = result.diagnostics;
  }
}

/** A diagnostic of the rewritten cell, positioned in the cell as the user wrote it. */
function diagnosticInCell(diagnostic: Diagnostic, expansion: ShorthandExpansion): Diagnostic {
  // Diagnostics with a file name are in other files; an unchanged cell needs no mapping.
  if (diagnostic.fileName !== undefined || expansion.insertions.length === 0) return diagnostic;
  return {
    ...diagnostic,
    start: originalPosition(expansion, diagnostic.start.offset),
    end: originalPosition(expansion, diagnostic.end.offset),
  };
}

/** tslab's node/browser converter pair, created lazily like tslab's own, reporting each convert. */
class RecordingConverters implements ConverterSet {
  /** The node converter itself (cells go through `nodeConverter`, which records them). */
  private nodeKernelConverter?: KernelConverter;
  private nodeConverter?: Converter;
  private browserConverter?: Converter;

  constructor(private readonly recorder: CellRecorder) {}

  get node(): Converter {
    if (this.nodeConverter === undefined) {
      this.nodeKernelConverter = createConverter({ isJS: false, isBrowser: false });
      this.nodeConverter = this.recording(this.nodeKernelConverter);
    }
    return this.nodeConverter;
  }

  /**
   * Creates the node converter (TypeScript's lib and @types/node, parsed and bound: most of the kernel's start
   * time) and compiles one empty cell through it, so the code paths of a cell's compilation are warm too.
   * The empty cell goes to the converter directly: nothing is recorded, and the executor's state is untouched.
   */
  warmUp(): void {
    if (this.nodeConverter !== undefined) return;
    void this.node;
    this.nodeKernelConverter?.convert("", "");
  }

  /** Parses the declaration files of `moduleName` for the node converter (creating it first if need be). */
  prefetchTypes(moduleName: string): number {
    void this.node;
    return this.nodeKernelConverter?.prefetch(moduleName) ?? 0;
  }

  get browser(): Converter {
    return (this.browserConverter ??= this.recording(createConverter({ isJS: false, isBrowser: true })));
  }

  close(): void {
    this.nodeConverter?.close();
    this.browserConverter?.close();
  }

  private recording(converter: Converter): Converter {
    return {
      convert: (prevDecl, src) => {
        const expansion = expandShorthandProperties(src);
        const converted = converter.convert(prevDecl, expansion.source);
        // tslab prints these diagnostics too: both should point into the cell as written.
        const result = { ...converted, diagnostics: converted.diagnostics.map((d) => diagnosticInCell(d, expansion)) };
        this.recorder.converted(src, expansion.source, result);
        return result;
      },
      inspect: (prevDecl, src, position) => converter.inspect(prevDecl, src, position),
      complete: (prevDecl, src, position) => converter.complete(prevDecl, src, position),
      addModule: (name, content, meta) => converter.addModule(name, content, meta),
      close: () => converter.close(),
    };
  }
}

/** Lets the event loop run: requests that arrived during a warm-up step go before the next step. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** tslab's executor, its recorder, and what the kernel does ahead of the cells that need it. */
export interface CellExecutor {
  executor: Executor;
  recorder: CellRecorder;
  /** Creates the TypeScript compiler now (else the first cell, completion or inspection does). */
  warmUp(): void;
  /**
   * Loads `moduleName` as a cell's `import` would, ahead of it: its declaration files parsed and bound for the
   * compiler, then its JavaScript required from the cells' directory, yielding to the event loop between the
   * two. A module that does not resolve from there is skipped.
   */
  prefetch(moduleName: string): Promise<void>;
}

/**
 * Creates tslab's TypeScript executor for modules resolved from `rootDir`, with a recorder of
 * what each cell produced. The TypeScript compiler is created by `warmUp()`, or else by the first
 * cell, completion or inspection that needs it (the kernel answers kernel_info first: ./warm-up).
 *
 * @example
 * ```ts
 * const { executor, recorder, warmUp } = createCellExecutor(process.cwd());
 * warmUp();                        // optional: takes the compiler's start-up cost now
 * recorder.begin();
 * await executor.execute("6 * 7"); // true
 * recorder.report.result;          // { value: 42 }
 * ```
 */
export function createCellExecutor(rootDir: string): CellExecutor {
  const recorder = new CellRecorder();
  const converters = new RecordingConverters(recorder);
  const requireFromCells = createRequire(path.join(rootDir, "src.js")); // as tslab's executor resolves
  return {
    executor: createExecutor(rootDir, converters, recorder),
    recorder,
    warmUp: () => converters.warmUp(),
    prefetch: async (moduleName) => {
      let resolved: string;
      try {
        resolved = requireFromCells.resolve(moduleName);
      } catch {
        return; // not installed where the cells run: nothing to prefetch
      }
      converters.prefetchTypes(moduleName);
      await nextTurn();
      requireFromCells(resolved);
    },
  };
}
