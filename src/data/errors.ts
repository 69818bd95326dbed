/**
 * Errors raised by the dataset loaders. Each one names the file and what went wrong,
 * so that a notebook user can act on the message without reading the stack.
 */

/** Where in a text file a parse problem sits (1-based line and column). */
export interface TextLocation {
  /** File name or path as given to the parser. */
  file: string;
  /** 1-based line number. */
  line: number;
  /** 1-based field (column) number within the line. */
  column?: number;
  /** Header name of that column, when the file has one. */
  columnName?: string;
}

/**
 * A data file does not have the expected shape or contents.
 *
 * @example
 * try { parseNumericTable("1,x\n", { file: "a.csv", delimiter: "," }); }
 * catch (e) { if (e instanceof DataParseError) console.log(e.line, e.column); } // 1 2
 */
export class DataParseError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number | undefined;
  readonly columnName: string | undefined;
  readonly problem: string;

  constructor(location: TextLocation, problem: string) {
    const column =
      location.column === undefined
        ? ""
        : `, column ${location.column}${location.columnName === undefined ? "" : ` ("${location.columnName}")`}`;
    super(`${location.file}, line ${location.line}${column}: ${problem}`);
    this.name = "DataParseError";
    this.file = location.file;
    this.line = location.line;
    this.column = location.column;
    this.columnName = location.columnName;
    this.problem = problem;
  }
}

/**
 * A file's sha256 differs from the registry's. The bad bytes were discarded (downloads) or left
 * untouched where they are (mirror folders); nothing unverified enters the cache.
 *
 * @example
 * catch (e) { if (e instanceof ChecksumMismatchError) console.log(e.expected, e.actual); }
 */
export class ChecksumMismatchError extends Error {
  /** Registry name of the file, e.g. "ecg5000/ecg.csv". */
  readonly file: string;
  /** Where the bytes came from: a path or a URL. */
  readonly origin: string;
  readonly expected: string;
  readonly actual: string;

  constructor(file: string, origin: string, expected: string, actual: string, consequence: string) {
    super(`Checksum mismatch for ${file} (from ${origin}): expected sha256 ${expected}, got ${actual}. ${consequence}`);
    this.name = "ChecksumMismatchError";
    this.file = file;
    this.origin = origin;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * No source could provide a registry file. The message lists every source tried and why it failed.
 *
 * @example
 * catch (e) { if (e instanceof DatasetUnavailableError) console.log(e.attempts); }
 */
export class DatasetUnavailableError extends Error {
  readonly file: string;
  readonly attempts: readonly string[];

  constructor(file: string, attempts: readonly string[], hint: string) {
    const tried = attempts.length === 0 ? "  (no source configured)" : attempts.map((a) => `  - ${a}`).join("\n");
    super(`Could not obtain ${file}. Sources tried:\n${tried}\n${hint}`);
    this.name = "DatasetUnavailableError";
    this.file = file;
    this.attempts = attempts;
  }
}
