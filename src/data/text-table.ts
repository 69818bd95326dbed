import { DataParseError } from "./errors";

/** How fields are separated: a single character, or any run of spaces/tabs (UCR .txt files). */
export type Delimiter = "," | "\t" | "whitespace";

/** One line of a delimited text file, split into fields. */
export interface TextRecord {
  /** Fields with surrounding double quotes removed ("0" -> 0). */
  fields: string[];
  /** 1-based line number in the file. */
  line: number;
}

/**
 * Splits a delimited text (LF or CRLF) into records, calling `onRecord` for each. Blank lines at
 * the end are ignored; an empty line anywhere else is an error, because in these numeric files it
 * means a damaged file, not a record to skip. Quoted fields may not contain the delimiter.
 *
 * @example
 * forEachRecord("a,b\r\n1,2\r\n", { file: "x.csv", delimiter: "," }, (r) => console.log(r.line, r.fields));
 */
export function forEachRecord(
  text: string,
  options: { file: string; delimiter: Delimiter },
  onRecord: (record: TextRecord) => void,
): void {
  const whitespace = /[ \t]+/;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0; // tolerate a UTF-8 byte-order mark
  let line = 0;
  while (start < text.length) {
    line++;
    let end = text.indexOf("\n", start);
    const next = end === -1 ? text.length : end + 1;
    if (end === -1) end = text.length;
    if (end > start && text.charCodeAt(end - 1) === 13) end--; // CR of CRLF
    const content = text.slice(start, end);
    start = next;
    if (content.trim() === "") {
      if (text.slice(start).trim() === "") break; // blank lines at the very end are harmless
      throw new DataParseError({ file: options.file, line }, "empty line");
    }
    const fields =
      options.delimiter === "whitespace" ? content.trim().split(whitespace) : content.split(options.delimiter);
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (f.length >= 2 && f.charCodeAt(0) === 34 && f.charCodeAt(f.length - 1) === 34) fields[i] = f.slice(1, -1);
    }
    onRecord({ fields, line });
  }
}

/** Location context for field parsers. */
export interface FieldContext {
  file: string;
  line: number;
  /** 1-based column number. */
  column: number;
  columnName?: string;
}

// Decimal and scientific notation only: Number() alone would accept "", " ", "0x1f" and "Infinity".
const NUMBER_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses one numeric field strictly; anything else (empty, "NaN", "abc") throws a
 * {@link DataParseError} naming file, line and column, so bad input never becomes NaN.
 *
 * @example parseNumberField("-1.5e-3", { file: "x.csv", line: 2, column: 1 }); // -0.0015
 */
export function parseNumberField(token: string, at: FieldContext): number {
  if (!NUMBER_PATTERN.test(token)) {
    throw new DataParseError(at, token === "" ? "empty value where a number is expected" : `"${token}" is not a number`);
  }
  const value = Number(token);
  if (!Number.isFinite(value)) throw new DataParseError(at, `"${token}" overflows a double`);
  return value;
}

/**
 * Checks that a record has exactly `expected` fields.
 *
 * @example expectFieldCount(record, 141, "ecg.csv");
 */
export function expectFieldCount(record: TextRecord, expected: number, file: string): void {
  if (record.fields.length !== expected) {
    throw new DataParseError(
      { file, line: record.line },
      `expected ${expected} values, got ${record.fields.length}`,
    );
  }
}

/** A parsed all-numeric table: row-major values. */
export interface NumericTable {
  nRows: number;
  nCols: number;
  /** Row-major values, length nRows * nCols. */
  values: Float64Array;
  /** Header fields when `header: true`. */
  header: string[] | null;
}

/**
 * Parses an all-numeric delimited text into a row-major Float64Array, checking that every row
 * has the same number of fields (the header's, or the first row's, or `columns` if given).
 *
 * @example parseNumericTable("1,2\n3,4\n", { file: "x.csv", delimiter: "," }).values; // [1, 2, 3, 4]
 */
export function parseNumericTable(
  text: string,
  options: { file: string; delimiter: Delimiter; header?: boolean; columns?: number },
): NumericTable {
  const { file } = options;
  let header: string[] | null = null;
  let nCols = options.columns ?? -1;
  let values = new Float64Array(1024);
  let length = 0;
  let nRows = 0;
  forEachRecord(text, options, (record) => {
    if (options.header === true && header === null) {
      header = record.fields;
      if (nCols === -1) nCols = header.length;
      else expectFieldCount(record, nCols, file);
      return;
    }
    if (nCols === -1) nCols = record.fields.length;
    expectFieldCount(record, nCols, file);
    if (length + nCols > values.length) {
      const grown = new Float64Array(Math.max(values.length * 2, length + nCols));
      grown.set(values.subarray(0, length));
      values = grown;
    }
    for (let j = 0; j < nCols; j++) {
      const at: FieldContext = { file, line: record.line, column: j + 1 };
      if (header !== null) at.columnName = (header as string[])[j];
      values[length++] = parseNumberField(record.fields[j]!, at);
    }
    nRows++;
  });
  if (options.header === true && header === null) throw new DataParseError({ file, line: 1 }, "file is empty (no header)");
  return { nRows, nCols: Math.max(nCols, 0), values: values.slice(0, length), header };
}
