/**
 * PyOD's published benchmark table (docs/tables/roc.csv, prc.csv, time.csv of yzhao062/pyod), shipped byte for
 * byte in data/pyod-benchmark/ with its provenance, and the ODDS datasets of it that ADBench holds unchanged.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../data/paths";

/** The three metrics of the table. */
export type PublishedMetric = "roc" | "prc" | "time";

/** One row of the published table: a dataset with its shape and one value per detector column. */
export interface PublishedRow {
  /** PyOD's dataset name, e.g. "cardio". */
  dataset: string;
  samples: number;
  dimensions: number;
  /** round(100 * outlier fraction, 4), as PyOD prints it. */
  outlierPercent: number;
  /** Detector column ("ABOD", ..., "PCA") -> value. */
  values: Record<string, number>;
}

/** PyOD's published table: detector columns in PyOD's order and one row per dataset, for each metric. */
export interface PublishedTable {
  detectors: string[];
  roc: PublishedRow[];
  prc: PublishedRow[];
  time: PublishedRow[];
  /** Where the files come from (repository, commit, URLs). */
  source: string;
}

/** Where the CSVs were taken from; data/pyod-benchmark/PROVENANCE.txt has the details and checksums. */
export const PYOD_TABLE_SOURCE =
  "yzhao062/pyod docs/tables/{roc,prc,time}.csv at 34f7996e (unchanged since a1d492c2, 2019-03-13): " +
  "https://github.com/yzhao062/pyod/tree/34f7996effac700a5166d882d5e94c6e6078fae3/docs/tables";

/**
 * The datasets of PyOD's table whose ADBench copy is ODDS's file value for value and row for row (checked against
 * the .mat files in PyOD's notebooks/data: test/benchmark.test.ts), as { PyOD name: ADBench id }. ADBench's
 * Lymphography has ODDS's shape but other values (its categories are encoded as reals, ODDS's as 1..8), and its
 * glass, Ionosphere and WBC have other shapes; arrhythmia is not in ADBench.
 */
export const PYOD_ODDS_DATASETS: Readonly<Record<string, string>> = {
  cardio: "6_cardio",
  letter: "20_letter",
  mnist: "24_mnist",
  musk: "25_musk",
  optdigits: "26_optdigits",
  pendigits: "28_pendigits",
  pima: "29_Pima",
  satellite: "30_satellite",
  "satimage-2": "31_satimage-2",
  shuttle: "32_shuttle",
  vertebral: "39_vertebral",
  vowels: "40_vowels",
};

/** Iterations behind each published cell: PyOD's benchmark.py (n_ite = 10) and docs/benchmark.rst. */
export const PYOD_TABLE_ITERATIONS = 10;

let memo: PublishedTable | undefined;

/**
 * PyOD's published table, parsed from data/pyod-benchmark/*.csv.
 *
 * @example
 * const table = pyodPublishedTable();
 * table.roc.find((r) => r.dataset === "cardio")!.values.KNN; // 0.7236
 */
export function pyodPublishedTable(): PublishedTable {
  if (memo !== undefined) return memo;
  const folder = path.join(packageRoot(), "data", "pyod-benchmark");
  const parsed = (["roc", "prc", "time"] as const).map((metric) => parseTable(fs.readFileSync(path.join(folder, `${metric}.csv`), "utf8"), `${folder}/${metric}.csv`));
  const detectors = parsed[0]!.detectors;
  parsed.forEach((table, k) => {
    if (table.detectors.join() !== detectors.join()) throw new Error(`${folder}: the three tables have different detector columns (table ${k})`);
  });
  return (memo = { detectors, roc: parsed[0]!.rows, prc: parsed[1]!.rows, time: parsed[2]!.rows, source: PYOD_TABLE_SOURCE });
}

/**
 * One published cell, or undefined when the table has no such dataset or detector.
 *
 * @example publishedCell("roc", "cardio", "PCA"); // 0.9504
 */
export function publishedCell(metric: PublishedMetric, dataset: string, detector: string): number | undefined {
  return pyodPublishedTable()[metric].find((row) => row.dataset === dataset)?.values[detector];
}

const LEADING = ["Data", "#Samples", "# Dimensions", "Outlier Perc"];

function parseTable(text: string, file: string): { detectors: string[]; rows: PublishedRow[] } {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  const header = lines[0]!.split(",");
  if (LEADING.some((name, k) => header[k] !== name)) throw new Error(`${file}: the header must start with ${LEADING.join(",")}, got ${lines[0]}`);
  const detectors = header.slice(LEADING.length);
  const rows = lines.slice(1).map((line, k) => {
    const fields = line.split(",");
    if (fields.length !== header.length) throw new Error(`${file}, line ${k + 2}: ${fields.length} fields, the header has ${header.length}`);
    const number = (text: string, column: string): number => {
      const value = Number(text);
      if (text.trim() === "" || !Number.isFinite(value)) throw new Error(`${file}, line ${k + 2}, column ${column}: ${JSON.stringify(text)} is not a number`);
      return value;
    };
    const values: Record<string, number> = {};
    detectors.forEach((name, j) => (values[name] = number(fields[LEADING.length + j]!, name)));
    return {
      dataset: fields[0]!,
      samples: number(fields[1]!, "#Samples"),
      dimensions: number(fields[2]!, "# Dimensions"),
      outlierPercent: number(fields[3]!, "Outlier Perc"),
      values,
    };
  });
  return { detectors, rows };
}
