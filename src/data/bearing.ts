import * as fs from "node:fs";
import * as path from "node:path";
import pl from "nodejs-polars";
import { describeSource, formatCount } from "./describe";
import { DataParseError } from "./errors";
import { fetchDatasetFile, FetchedFile, FetchOptions } from "./fetch";
import { expectFieldCount, forEachRecord, parseNumberField } from "./text-table";
import { parseNaiveTimestamp } from "./timestamps";

const DATASET = "nasa-ims-bearing-test2";
const BEARING_COLUMNS = ["bearing1", "bearing2", "bearing3", "bearing4"] as const;
/** NASA IMS raw files are named by their recording time, e.g. "2004.02.12.10.32.39". */
const RAW_FILE_NAME = /^\d{4}\.\d{2}\.\d{2}\.\d{2}\.\d{2}\.\d{2}$/;

/** The 10-minute table of NASA IMS bearing test 2. */
export interface BearingTest2 {
  /** Columns timestamp (UTC-naive datetime), bearing1..bearing4 (mean |vibration|). */
  df: pl.DataFrame;
  /** Always true for the published table: each raw file's first sample row is left out (see docs). */
  firstRowDropped: true;
  source: FetchedFile;
  description: string;
}

/**
 * Loads the widely used aggregated table of NASA IMS bearing test 2: 984 rows, 2004-02-12 10:32:39
 * .. 2004-02-19 06:22:39, mean absolute vibration of bearings 1..4 per 10-minute file. Caveat: it
 * was computed without the first sample row of each raw file (pandas `read_csv` without
 * `header=None`); {@link aggregateBearingFiles} builds it either way from the raw files.
 *
 * @example
 * const { df } = await loadBearingTest2();
 * df.shape; // { height: 984, width: 5 }
 */
export async function loadBearingTest2(options: FetchOptions = {}): Promise<BearingTest2> {
  const source = await fetchDatasetFile(DATASET, "merged_dataset_BearingTest_2.csv", options);
  const file = source.path;
  const text = await fs.promises.readFile(file, "utf8");
  const timestamps: Date[] = [];
  const columns = BEARING_COLUMNS.map(() => [] as number[]);
  let header: string[] | null = null;
  forEachRecord(text, { file, delimiter: "," }, (record) => {
    expectFieldCount(record, 1 + BEARING_COLUMNS.length, file);
    if (header === null) {
      header = record.fields;
      // pandas writes the index column with an empty name; another common copy names bearings 0..3.
      if (header[0] !== "") throw new DataParseError({ file, line: 1, column: 1 }, `expected an empty header cell (pandas index), got "${header[0]}"`);
      return;
    }
    timestamps.push(parseNaiveTimestamp(record.fields[0]!, { file, line: record.line, column: 1 }));
    for (let j = 0; j < BEARING_COLUMNS.length; j++) {
      columns[j]!.push(parseNumberField(record.fields[j + 1]!, { file, line: record.line, column: j + 2, columnName: header[j + 1] }));
    }
  });
  if (timestamps.length === 0) throw new DataParseError({ file, line: 1 }, "no data rows");
  const df = bearingFrame(timestamps, columns);
  const description =
    `NASA IMS bearing test 2 (outer-race failure of bearing 1 at the end): ${formatCount(timestamps.length)} ten-minute rows, ` +
    `${isoNaive(timestamps[0]!)} .. ${isoNaive(timestamps[timestamps.length - 1]!)}, mean |vibration| of bearings 1-4 ` +
    `(first sample row of each raw file left out, as in the widely used table). ` +
    describeSource(source, "nasa_ims_bearing_test2/merged_dataset_BearingTest_2.csv");
  return { df, firstRowDropped: true, source, description };
}

/** How to aggregate raw NASA IMS files. */
export interface BearingAggregationOptions {
  /**
   * true: leave out the first sample row of every file, reproducing the widely used table (and
   * {@link loadBearingTest2}) to ~1e-17. false: average all rows, the correct mean (differs by up
   * to ~2e-4 relative). Required, so that every notebook states which convention it uses.
   */
  dropFirstRow: boolean;
  /** Column names, one per channel (default bearing1..bearing4, test 2's layout). */
  columnNames?: readonly string[];
  /** Sample rows each file must have (default 20,480). */
  samplesPerFile?: number;
}

/**
 * Mean absolute value of each channel of one raw NASA IMS file (TAB-separated, CRLF, no header),
 * with compensated summation so the result does not depend on the summation order.
 *
 * @example await bearingFileMeans("2nd_test/2004.02.12.10.32.39", { dropFirstRow: true }); // [0.0583..., ...]
 */
export async function bearingFileMeans(filePath: string, options: BearingAggregationOptions): Promise<number[]> {
  const nChannels = (options.columnNames ?? BEARING_COLUMNS).length;
  const expectedRows = options.samplesPerFile ?? 20480;
  const text = await fs.promises.readFile(filePath, "latin1");
  const sums = new Array<number>(nChannels).fill(0);
  const compensations = new Array<number>(nChannels).fill(0);
  let rows = 0;
  forEachRecord(text, { file: filePath, delimiter: "\t" }, (record) => {
    expectFieldCount(record, nChannels, filePath);
    rows++;
    const skipped = rows === 1 && options.dropFirstRow; // still validated, just not summed
    for (let j = 0; j < nChannels; j++) {
      const x = Math.abs(parseNumberField(record.fields[j]!, { file: filePath, line: record.line, column: j + 1 }));
      if (skipped) continue;
      // Neumaier summation: 20,480 terms would otherwise lose ~1e-14 relative to float noise.
      const t = sums[j]! + x;
      compensations[j]! += Math.abs(sums[j]!) >= x ? sums[j]! - t + x : x - t + sums[j]!;
      sums[j] = t;
    }
  });
  if (rows !== expectedRows) {
    throw new DataParseError({ file: filePath, line: rows + 1 }, `expected ${expectedRows} sample rows, got ${rows}`);
  }
  const counted = options.dropFirstRow ? rows - 1 : rows;
  return sums.map((s, j) => (s + compensations[j]!) / counted);
}

/**
 * Builds the 10-minute table from a folder of raw NASA IMS files (e.g. the extracted `2nd_test/`):
 * one row per file named YYYY.MM.DD.hh.mm.ss, in time order, with the mean absolute vibration per
 * channel. Other files in the folder are ignored; a folder without raw files is an error.
 *
 * @example
 * const df = await aggregateBearingFiles("data/2nd_test", { dropFirstRow: false }); // correct means
 */
export async function aggregateBearingFiles(folder: string, options: BearingAggregationOptions): Promise<pl.DataFrame> {
  if (typeof options?.dropFirstRow !== "boolean") {
    throw new TypeError("aggregateBearingFiles: options.dropFirstRow must be true (widely used table) or false (all rows); see docs/datasets.md");
  }
  const names = (await fs.promises.readdir(folder)).filter((name) => RAW_FILE_NAME.test(name)).sort();
  if (names.length === 0) throw new Error(`aggregateBearingFiles: no raw files named YYYY.MM.DD.hh.mm.ss in ${path.resolve(folder)}`);
  const columnNames = options.columnNames ?? BEARING_COLUMNS;
  const columns = columnNames.map(() => [] as number[]);
  const timestamps: Date[] = [];
  for (const name of names) {
    timestamps.push(parseNaiveTimestamp(name));
    const means = await bearingFileMeans(path.join(folder, name), options);
    means.forEach((m, j) => columns[j]!.push(m));
  }
  return bearingFrame(timestamps, columns, columnNames);
}

function bearingFrame(timestamps: Date[], columns: number[][], names: readonly string[] = BEARING_COLUMNS): pl.DataFrame {
  return pl.DataFrame([
    pl.Series("timestamp", timestamps),
    ...columns.map((values, j) => pl.Series(names[j]!, Float64Array.from(values), pl.Float64)),
  ]);
}

function isoNaive(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}
