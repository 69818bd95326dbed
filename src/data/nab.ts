import * as fs from "node:fs";
import pl from "nodejs-polars";
import { describeSource, formatCount } from "./describe";
import { DataParseError } from "./errors";
import { fetchDatasetFile, FetchedFile, FetchOptions } from "./fetch";
import { expectFieldCount, forEachRecord, parseNumberField } from "./text-table";
import { parseNaiveTimestamp } from "./timestamps";

const DATASET = "nab";

/** The realKnownCause series of NAB (anomalies with a documented cause). */
export const NAB_REAL_KNOWN_CAUSE = [
  "ambient_temperature_system_failure",
  "cpu_utilization_asg_misconfiguration",
  "ec2_request_latency_system_failure",
  "machine_temperature_system_failure",
  "nyc_taxi",
  "rogue_agent_key_hold",
  "rogue_agent_key_updown",
] as const;

/** Name of a realKnownCause series, e.g. "nyc_taxi". */
export type NabRealKnownCauseSeries = (typeof NAB_REAL_KNOWN_CAUSE)[number];

/** One NAB series with its label windows. */
export interface NabSeries {
  series: NabRealKnownCauseSeries;
  /** Columns timestamp (UTC-naive datetime) and value (Float64). */
  df: pl.DataFrame;
  /** NAB anomaly windows [start, end] (inclusive), from labels/combined_windows.json. */
  windows: [Date, Date][];
  /** Per row: 1 if its timestamp lies in a window, else 0. */
  labels: number[];
  /** The labelled anomaly instants from labels/combined_labels.json (one per window). */
  anomalies: Date[];
  source: { data: FetchedFile; windows: FetchedFile; anomalies: FetchedFile };
  description: string;
}

/**
 * Loads one NAB realKnownCause series with its anomaly windows and per-row window labels.
 * Accepts "nyc_taxi", "nyc_taxi.csv" or "realKnownCause/nyc_taxi.csv".
 *
 * @example
 * const taxi = await loadNab("nyc_taxi");
 * taxi.df.height; // 10320
 * taxi.windows.length; // 5
 */
export async function loadNab(series: string, options: FetchOptions = {}): Promise<NabSeries> {
  const name = series.replace(/^realKnownCause\//, "").replace(/\.csv$/, "");
  if (!(NAB_REAL_KNOWN_CAUSE as readonly string[]).includes(name)) {
    throw new Error(`loadNab: unknown series "${series}"; realKnownCause series are: ${NAB_REAL_KNOWN_CAUSE.join(", ")}`);
  }
  if (options.path !== undefined) throw new Error("loadNab: an explicit path is not supported (NAB needs a data file and the label files); use a mirror folder instead");
  const key = `realKnownCause/${name}.csv`;
  const data = await fetchDatasetFile(DATASET, `data/${key}`, options);
  const windowsFile = await fetchDatasetFile(DATASET, "labels/combined_windows.json", options);
  const anomaliesFile = await fetchDatasetFile(DATASET, "labels/combined_labels.json", options);

  const { timestamps, values } = parseNabCsv(await fs.promises.readFile(data.path, "utf8"), data.path);
  const windows = readLabelEntry(windowsFile.path, key).map((pair, k): [Date, Date] => {
    if (!Array.isArray(pair) || pair.length !== 2 || pair.some((b) => typeof b !== "string")) {
      throw new Error(`${windowsFile.path}: window ${k} of "${key}" must be a pair of timestamp strings`);
    }
    const [start, end] = (pair as string[]).map((b) => parseNaiveTimestamp(b)) as [Date, Date];
    if (end < start) throw new Error(`${windowsFile.path}: window ${k} of "${key}" ends before it starts`);
    return [start, end];
  });
  const anomalies = readLabelEntry(anomaliesFile.path, key).map((t, k) => {
    if (typeof t !== "string") throw new Error(`${anomaliesFile.path}: label ${k} of "${key}" must be a timestamp string`);
    return parseNaiveTimestamp(t);
  });
  const labels = timestamps.map((t) => (windows.some(([start, end]) => t >= start && t <= end) ? 1 : 0));
  const df = pl.DataFrame([pl.Series("timestamp", timestamps), pl.Series("value", Float64Array.from(values), pl.Float64)]);
  const inWindows = labels.reduce((s: number, l) => s + l, 0);
  const description =
    `NAB realKnownCause/${name}: ${formatCount(timestamps.length)} points, ${windows.length} anomaly window(s) ` +
    `covering ${formatCount(inWindows)} points (${((100 * inWindows) / timestamps.length).toFixed(1)}%). ` +
    describeSource(data, `nab/data/${key}`);
  return { series: name as NabRealKnownCauseSeries, df, windows, labels, anomalies, source: { data, windows: windowsFile, anomalies: anomaliesFile }, description };
}

/**
 * Parses a NAB series file: header "timestamp,value", then one timestamp and one number per line.
 *
 * @example parseNabCsv("timestamp,value\n2014-07-01 00:00:00,10844\n", "nyc_taxi.csv").values; // [10844]
 */
export function parseNabCsv(text: string, file: string): { timestamps: Date[]; values: number[] } {
  const timestamps: Date[] = [];
  const values: number[] = [];
  let sawHeader = false;
  forEachRecord(text, { file, delimiter: "," }, (record) => {
    expectFieldCount(record, 2, file);
    if (!sawHeader) {
      sawHeader = true;
      if (record.fields[0] !== "timestamp" || record.fields[1] !== "value") {
        throw new DataParseError({ file, line: 1 }, `header must be "timestamp,value", got "${record.fields.join(",")}"`);
      }
      return;
    }
    timestamps.push(parseNaiveTimestamp(record.fields[0]!, { file, line: record.line, column: 1, columnName: "timestamp" }));
    values.push(parseNumberField(record.fields[1]!, { file, line: record.line, column: 2, columnName: "value" }));
  });
  if (!sawHeader) throw new DataParseError({ file, line: 1 }, "file is empty (no header)");
  return { timestamps, values };
}

function readLabelEntry(file: string, key: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const entry = (parsed as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(entry)) throw new Error(`${file} has no list for "${key}"`);
  return entry;
}
