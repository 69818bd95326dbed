/**
 * Jupyter error content (ename, evalue, traceback) for a failed cell: TypeScript compile errors
 * as "line:col - message" with the offending source line, runtime errors with their stack
 * pointed back at the cell's own lines where that can be told.
 */
import path from "node:path";
import { inspect } from "node:util";
import type { Diagnostic } from "tslab/dist/converter";

/** The ename / evalue / traceback triple of Jupyter's error message and error reply. */
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** A cell as tslab compiled it, to point stack frames back at the cell's TypeScript lines. */
export interface CompiledCell {
  /** The TypeScript the user wrote. */
  source: string;
  /**
   * The TypeScript tslab compiled, when the kernel rewrote the cell (shorthand properties spelled
   * out, see ./shorthand): same lines as `source`, and what the JavaScript lines are matched against.
   */
  compiledSource?: string;
  /** The JavaScript tslab ran (no source map exists; lines are matched by their text). */
  output?: string;
  /** The exports variable tslab assigns the last expression to, e.g. "tsLastExpr". */
  lastExpressionVar?: string;
}

/**
 * Error content for TypeScript compile errors: one "line:col - message" entry per diagnostic
 * (1-based, like editors), followed by the source line and a caret for errors in the cell.
 *
 * @example
 * ```ts
 * compileErrorContent(diagnostics, 'const n: number = "text";').traceback;
 * // ["TSError: 1 TypeScript error", "1:7 - Type 'string' is not assignable to type 'number'.",
 * //  "    const n: number = \"text\";", "          ^"]
 * ```
 */
export function compileErrorContent(diagnostics: readonly Diagnostic[], cellSource: string): ErrorContent {
  if (diagnostics.length === 0) throw new RangeError("compileErrorContent: no diagnostics to report");
  const lines = cellSource.split("\n");
  const traceback = [`TSError: ${diagnostics.length} TypeScript error${diagnostics.length === 1 ? "" : "s"}`];
  for (const d of diagnostics) {
    const where = `${d.fileName ? `${d.fileName} ` : ""}${d.start.line + 1}:${d.start.character + 1}`;
    traceback.push(`${where} - ${d.messageText}`);
    const sourceLine = d.fileName ? undefined : lines[d.start.line];
    if (sourceLine !== undefined) {
      traceback.push(`    ${sourceLine}`, `    ${" ".repeat(d.start.character)}^`);
    }
  }
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : "";
  return { ename: "TSError", evalue: `${diagnostics[0].messageText}${more}`, traceback };
}

/** Where the machinery that runs a cell lives: Node's internals, tslab, this kernel. */
const MACHINERY_PLACES = ["(node:", " node:", path.dirname(require.resolve("tslab/package.json")) + path.sep, __dirname + path.sep];

function isMachineryFrame(frame: string): boolean {
  return MACHINERY_PLACES.some((place) => frame.includes(place));
}
/** A frame inside code compiled by tslab (every cell is a vm script without a file name). */
const CELL_FRAME = /^(\s*at (?:async )?)(?:(.*?) \()?evalmachine\.<anonymous>:(\d+):\d+\)?$/;

/** Cell text reduced to what survives TypeScript -> JavaScript, for line matching. */
function comparable(line: string, lastExpressionVar?: string): string {
  let text = line.trim();
  if (lastExpressionVar) text = text.replace(new RegExp(`^exports\\.${lastExpressionVar}\\s*=\\s*`), "");
  return text
    .replace(/\bexports\./g, "") // tslab keeps top-level variables on an exports object
    .replace(/^((?:export\s+)?(?:const|let|var)\s+[\w$]+)\s*:[^=]+=/, "$1 =") // `const x: T =` -> `const x =`
    .replace(/;\s*$/, "")
    .replace(/\s+/g, "");
}

/**
 * The 1-based cell line whose text is the JavaScript line `jsLineNumber` of the compiled cell,
 * or undefined when no cell line matches (type-only syntax, or a frame of an earlier cell).
 *
 * @example
 * ```ts
 * cellLineOf({ source: "const ok = 1;\nthrow new Error('x')", output: "...\nthrow new Error('x');\n" }, 5); // 2
 * ```
 */
export function cellLineOf(cell: CompiledCell, jsLineNumber: number): number | undefined {
  const jsLines = (cell.output ?? "").split("\n");
  const target = comparable(jsLines[jsLineNumber - 1] ?? "", cell.lastExpressionVar);
  if (target === "") return undefined;
  // The k-th JS line with this text maps to the k-th cell line with it.
  const rank = jsLines
    .slice(0, jsLineNumber - 1)
    .filter((line) => comparable(line, cell.lastExpressionVar) === target).length;
  const matches = (cell.compiledSource ?? cell.source)
    .split("\n")
    .map((line, index) => ({ index, text: comparable(line) }))
    .filter((line) => line.text === target);
  const match = matches[Math.min(rank, matches.length - 1)];
  return match === undefined ? undefined : match.index + 1;
}

function isInterrupt(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "ERR_SCRIPT_EXECUTION_INTERRUPTED" || error.message === "Interrupted asynchronously";
}

/** The name parts of a frame's function, without tslab's `Proxy.` receiver ("Proxy.inner" -> ["inner"]). */
function functionNames(fn: string): string[] {
  return fn.split(".").filter((part) => part !== "Proxy" && part !== "Object" && part !== "<anonymous>");
}

/** True when the cell declares `name` as a function, class or variable. */
function declaresName(source: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`\\b(?:function\\s*\\*?\\s*${escaped}|class\\s+${escaped}|(?:const|let|var)\\s+${escaped})\\b`).test(source);
}

/**
 * The stack frames worth showing, cell frames rewritten to cell lines. Every cell runs as a
 * script named "evalmachine.<anonymous>", so a frame's line is only looked up in THIS cell when
 * the frame surely belongs to it: the outermost anonymous frame (the cell's top level), or a
 * function the cell itself declares. Other cell frames (earlier cells) say "cell code".
 */
function userFrames(stack: string, cell: CompiledCell | undefined): string[] {
  const jsLineCount = (cell?.output ?? "").split("\n").length;
  const frames = stack
    .split("\n")
    .filter((line) => /^\s*at /.test(line))
    .map((text) => ({ text, cellFrame: CELL_FRAME.exec(text) }))
    // Drop the frame of tslab's wrapper calling the cell (the line after the cell's code).
    .filter(({ cellFrame: m }) => !(m !== null && m[2] === undefined && Number(m[3]) >= jsLineCount));
  const anonymous = frames.map(({ cellFrame: m }) => m !== null && m[2] === undefined);
  const outermostAnonymous = anonymous.lastIndexOf(true);
  const shown: string[] = [];
  frames.forEach(({ text, cellFrame }, index) => {
    if (cellFrame === null) {
      if (!isMachineryFrame(text)) shown.push(text);
      return;
    }
    const [, at, fn, jsLine] = cellFrame;
    const names = fn === undefined ? [] : functionNames(fn);
    const belongsHere =
      cell !== undefined &&
      (fn === undefined ? index === outermostAnonymous : names.some((name) => declaresName(cell.source, name)));
    const cellLine = belongsHere ? cellLineOf(cell, Number(jsLine)) : undefined;
    const place =
      cell === undefined || cellLine === undefined
        ? "cell code"
        : `line ${cellLine} of the cell: ${cell.source.split("\n")[cellLine - 1].trim()}`;
    shown.push(fn === undefined ? `${at}${place}` : `${at}${names.join(".") || fn} (${place})`);
  });
  return shown;
}

/**
 * Error content for a value a cell threw (synchronously or as a rejected top-level await).
 *
 * @example
 * ```ts
 * runtimeErrorContent(new RangeError("out of range"), cell);
 * // { ename: "RangeError", evalue: "out of range",
 * //   traceback: ["RangeError: out of range", "    at line 2 of the cell: throw new RangeError(\"out of range\")"] }
 * ```
 */
export function runtimeErrorContent(thrown: unknown, cell?: CompiledCell): ErrorContent {
  if (!(thrown instanceof Error)) {
    const shown = inspect(thrown);
    return { ename: "Error", evalue: `Uncaught ${shown}`, traceback: [`Uncaught ${shown}`] };
  }
  if (isInterrupt(thrown)) {
    return { ename: "KeyboardInterrupt", evalue: "interrupted", traceback: ["KeyboardInterrupt: the cell was interrupted"] };
  }
  const ename = thrown.name || "Error";
  const evalue = thrown.message;
  return { ename, evalue, traceback: [`${ename}: ${evalue}`, ...userFrames(thrown.stack ?? "", cell)] };
}
