import * as fs from "node:fs";
import * as path from "node:path";
import pl from "nodejs-polars";
import { describeSource, formatCount } from "./describe";
import { DataParseError } from "./errors";
import { describeLocalFile, fetchDatasetFile, FetchedFile, FetchOptions } from "./fetch";
import { expectFieldCount, forEachRecord, parseNumberField } from "./text-table";

const DATASET = "creditcard-fraud";
/** The 31 columns of the ULB credit-card file, in the published order. */
export const CREDIT_CARD_COLUMNS: readonly string[] = ["Time", ...Array.from({ length: 28 }, (_, i) => `V${i + 1}`), "Amount", "Class"];

/** Which credit-card file was loaded, decided from its row and fraud counts. */
export type CreditCardVariant = "subset-5412" | "full-284807" | "other";

/** Options of {@link loadCreditCard}. */
export interface CreditCardOptions extends FetchOptions {
  /**
   * Registry file when no `path` is given: "subset" (default; the verified 5,412-row real subset)
   * or "full" (the 284,807-row file from TensorFlow's bucket; no checksum known, ~150 MB).
   */
  file?: "subset" | "full";
}

/** The credit-card fraud data as a DataFrame. */
export interface CreditCard {
  /** Time, V1..V28, Amount as Float64; Class as Int64 (1 = fraud). */
  df: pl.DataFrame;
  variant: CreditCardVariant;
  nRows: number;
  nFraud: number;
  /** nFraud / nRows. */
  fraudRate: number;
  source: FetchedFile;
  /** Human-readable summary (variant, counts, fraud rate, provenance) for notebooks to print. */
  description: string;
}

/**
 * Loads the ULB credit-card fraud data: the verified real subset (default), the full Kaggle/TF
 * file (`{ file: "full" }`), or any file with the same 31 columns (`{ path }`). Accepts Class as
 * 0/1 or quoted "0"/"1" and Time as integer or float. The header must be exactly Time, V1..V28,
 * Amount, Class (any order); otherwise the error names the missing or extra columns.
 *
 * @example
 * const cc = await loadCreditCard();
 * console.log(cc.description); // "... REAL SUBSET: 5,412 transactions, 492 frauds (9.09%) ..."
 */
export async function loadCreditCard(options: CreditCardOptions = {}): Promise<CreditCard> {
  const choice = options.file ?? "subset";
  if (choice !== "subset" && choice !== "full") throw new Error(`loadCreditCard: file must be "subset" or "full", got ${JSON.stringify(choice)}`);
  const source =
    options.path !== undefined
      ? await describeLocalFile(DATASET, options.path)
      : await fetchDatasetFile(DATASET, choice === "full" ? "creditcard.csv" : "creditcard_sample.csv", options);
  const { df, nRows, nFraud } = parseCreditCardCsv(await fs.promises.readFile(source.path, "utf8"), source.path);
  const variant: CreditCardVariant =
    nRows === 5412 && nFraud === 492 ? "subset-5412" : nRows === 284807 && nFraud === 492 ? "full-284807" : "other";
  const fraudRate = nFraud / nRows;
  const rate = `${(100 * fraudRate).toFixed(fraudRate < 0.01 ? 3 : 2)}%`;
  const what =
    variant === "subset-5412"
      ? `REAL SUBSET (all 492 frauds + 4,920 random normals): ${formatCount(nRows)} transactions, ${nFraud} frauds (${rate}; the full data has 0.172%)`
      : variant === "full-284807"
        ? `full data: ${formatCount(nRows)} transactions over two days of Sept 2013, ${nFraud} frauds (${rate})`
        : `non-standard file: ${formatCount(nRows)} transactions, ${formatCount(nFraud)} frauds (${rate})`;
  const description = `Credit-card fraud (ULB / Worldline), ${what}. ` + describeSource(source, source.fileId === null ? path.basename(source.path) : `creditcard_fraud/${source.fileId}`);
  return { df, variant, nRows, nFraud, fraudRate, source, description };
}

/**
 * Parses credit-card CSV text into a DataFrame with the canonical column order and Class as 0/1
 * integers; every value is checked, errors name file, line and column.
 *
 * @example parseCreditCardCsv(text, "creditcard.csv").df.columns; // ["Time", "V1", ..., "Class"]
 */
export function parseCreditCardCsv(text: string, file: string): { df: pl.DataFrame; nRows: number; nFraud: number } {
  let header: string[] | null = null;
  let position: number[] = []; // canonical column index -> field index in this file
  const values = CREDIT_CARD_COLUMNS.slice(0, -1).map(() => [] as number[]);
  const classes: number[] = [];
  let nFraud = 0;
  const classColumn = CREDIT_CARD_COLUMNS.length - 1;
  forEachRecord(text, { file, delimiter: "," }, (record) => {
    if (header === null) {
      header = record.fields;
      position = checkHeader(header, file);
      return;
    }
    expectFieldCount(record, CREDIT_CARD_COLUMNS.length, file);
    for (let k = 0; k < classColumn; k++) {
      const j = position[k]!;
      values[k]!.push(parseNumberField(record.fields[j]!, { file, line: record.line, column: j + 1, columnName: CREDIT_CARD_COLUMNS[k] }));
    }
    const j = position[classColumn]!;
    const token = record.fields[j]!;
    const cls = token === "0" || token === "0.0" ? 0 : token === "1" || token === "1.0" ? 1 : -1;
    if (cls === -1) throw new DataParseError({ file, line: record.line, column: j + 1, columnName: "Class" }, `Class must be 0 or 1, got "${token}"`);
    classes.push(cls);
    nFraud += cls;
  });
  if (header === null) throw new DataParseError({ file, line: 1 }, "file is empty (no header)");
  if (classes.length === 0) throw new DataParseError({ file, line: 2 }, "no data rows");
  const df = pl.DataFrame([
    ...values.map((column, k) => pl.Series(CREDIT_CARD_COLUMNS[k]!, Float64Array.from(column), pl.Float64)),
    pl.Series("Class", classes, pl.Int64),
  ]);
  return { df, nRows: classes.length, nFraud };
}

function checkHeader(header: string[], file: string): number[] {
  const names = header.map((h) => h.trim());
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  const missing = CREDIT_CARD_COLUMNS.filter((c) => !names.includes(c));
  const extra = names.filter((n) => !CREDIT_CARD_COLUMNS.includes(n));
  if (duplicates.length > 0 || missing.length > 0 || extra.length > 0) {
    const problems = [
      missing.length > 0 ? `missing column(s) ${missing.join(", ")}` : "",
      extra.length > 0 ? `unexpected column(s) ${extra.map((e) => JSON.stringify(e)).join(", ")}` : "",
      duplicates.length > 0 ? `duplicate column(s) ${duplicates.join(", ")}` : "",
    ].filter((p) => p !== "");
    throw new DataParseError({ file, line: 1 }, `header must be exactly Time, V1..V28, Amount, Class: ${problems.join("; ")}`);
  }
  return CREDIT_CARD_COLUMNS.map((c) => names.indexOf(c));
}
