import * as fs from "node:fs";
import { DataParseError } from "./errors";
import { fetchDatasetFile, FetchOptions } from "./fetch";
import { parseNabCsv } from "./nab";
import { datasetInfo } from "./registry";
import { expectFieldCount, forEachRecord, parseNumberField } from "./text-table";
import { parseNaiveTimestamp } from "./timestamps";

const DATASET = "nab";

/** The seven NAB categories, in the order NAB lists them. */
export const NAB_CATEGORIES = [
  "artificialNoAnomaly",
  "artificialWithAnomaly",
  "realAdExchange",
  "realAWSCloudwatch",
  "realKnownCause",
  "realTraffic",
  "realTweets",
] as const;

/**
 * One NAB corpus file as plain arrays (what scorers and streaming detectors want). Rows keep the
 * file's order: eight files repeat or reorder timestamps around clock changes, which NAB scores
 * by row order too.
 */
export interface NabCorpusSeries {
  /** NAB's key, e.g. "realKnownCause/nyc_taxi.csv" (the key of the label files). */
  key: string;
  category: string;
  /** File name without ".csv", e.g. "nyc_taxi". */
  name: string;
  /** Epoch milliseconds of each row (naive timestamps read as UTC). */
  timestamps: Float64Array;
  values: Float64Array;
  /** Anomaly windows as [start, end] epoch milliseconds, inclusive; each bound is a row's timestamp. */
  windows: [number, number][];
  /** Number of labelled instants in labels/combined_labels.json (NAB's normalisation counts windows instead). */
  labelCount: number;
}

/** The published NAB results files our scorer is checked against. */
export const NAB_PUBLISHED_RESULTS = ["null", "windowedGaussian", "twitterADVec"] as const;
/** The published raw output of the two leading streaming detectors, the references of our reimplementations. */
export const NAB_PUBLISHED_LEADER_RESULTS = ["ARTime", "contextOSE"] as const;
export type NabPublishedDetector = (typeof NAB_PUBLISHED_RESULTS)[number] | (typeof NAB_PUBLISHED_LEADER_RESULTS)[number];

/**
 * The 58 NAB corpus keys ("category/name.csv"), sorted, from the dataset registry.
 *
 * @example nabCorpusKeys().length; // 58
 */
export function nabCorpusKeys(): string[] {
  return Object.keys(datasetInfo(DATASET).files)
    .filter((f) => f.startsWith("data/") && f.endsWith(".csv"))
    .map((f) => f.slice("data/".length))
    .sort();
}

/**
 * Loads one corpus file by key ("realTweets/Twitter_volume_AAPL.csv", or without ".csv") with its
 * windows, checking that every window bound is a timestamp of the file (NAB's own rule).
 *
 * @example (await loadNabCorpusSeries("realKnownCause/nyc_taxi")).windows.length; // 5
 */
export async function loadNabCorpusSeries(key: string, options: FetchOptions = {}): Promise<NabCorpusSeries> {
  return (await loadNabCorpus({ ...options, keys: [key] }))[0]!;
}

/**
 * Loads the whole NAB corpus (58 series, 365,558 rows) or the `keys` given, with windows and
 * label counts, verified against the registry's sha256.
 *
 * @example
 * const corpus = await loadNabCorpus();
 * corpus.length; // 58
 * corpus.reduce((s, c) => s + c.windows.length, 0); // 116
 */
export async function loadNabCorpus(options: FetchOptions & { keys?: string[] } = {}): Promise<NabCorpusSeries[]> {
  const known = nabCorpusKeys();
  const keys = (options.keys ?? known).map((k) => (k.endsWith(".csv") ? k : `${k}.csv`));
  for (const k of keys) {
    if (!known.includes(k)) throw new Error(`loadNabCorpus: unknown NAB file "${k}"; keys look like "realKnownCause/nyc_taxi.csv" (see nabCorpusKeys())`);
  }
  const fetchOptions: FetchOptions = { ...options };
  delete (fetchOptions as { keys?: string[] }).keys;
  const windowsFile = await fetchDatasetFile(DATASET, "labels/combined_windows.json", fetchOptions);
  const labelsFile = await fetchDatasetFile(DATASET, "labels/combined_labels.json", fetchOptions);
  const allWindows = readJsonObject(windowsFile.path);
  const allLabels = readJsonObject(labelsFile.path);
  const out: NabCorpusSeries[] = [];
  for (const key of keys) {
    const data = await fetchDatasetFile(DATASET, `data/${key}`, fetchOptions);
    const parsed = parseNabCsv(await fs.promises.readFile(data.path, "utf8"), data.path);
    const timestamps = Float64Array.from(parsed.timestamps, (d) => d.getTime());
    const present = new Set(timestamps);
    const rawWindows = allWindows[key];
    if (!Array.isArray(rawWindows)) throw new Error(`${windowsFile.path} has no list for "${key}"`);
    const windows = rawWindows.map((pair, k): [number, number] => {
      if (!Array.isArray(pair) || pair.length !== 2 || pair.some((b) => typeof b !== "string")) {
        throw new Error(`${windowsFile.path}: window ${k} of "${key}" must be a pair of timestamp strings`);
      }
      const [start, end] = (pair as string[]).map((b) => parseNaiveTimestamp(b).getTime()) as [number, number];
      if (end < start) throw new Error(`${windowsFile.path}: window ${k} of "${key}" ends before it starts`);
      for (const bound of [start, end]) {
        if (!present.has(bound)) throw new Error(`${windowsFile.path}: window ${k} of "${key}" has a bound (${new Date(bound).toISOString()}) that is not a timestamp of ${data.path}`);
      }
      return [start, end];
    });
    const labels = allLabels[key];
    if (!Array.isArray(labels)) throw new Error(`${labelsFile.path} has no list for "${key}"`);
    const [category, file] = key.split("/") as [string, string];
    out.push({ key, category, name: file.replace(/\.csv$/, ""), timestamps, values: Float64Array.from(parsed.values), windows, labelCount: labels.length });
  }
  return out;
}

/**
 * Reads a published detector's raw NAB output for one corpus file: its `anomaly_score` column,
 * the timestamps, and NAB's per-row scores S(t) per profile (`rowScores.standard`, ...).
 *
 * @example (await loadNabPublishedScores("twitterADVec", "realKnownCause/nyc_taxi.csv")).scores.length; // 10320
 */
export async function loadNabPublishedScores(
  detector: NabPublishedDetector,
  key: string,
  options: FetchOptions = {},
): Promise<{ timestamps: Float64Array; scores: Float64Array; rowScores: Record<string, Float64Array> }> {
  const available: readonly string[] = [...NAB_PUBLISHED_RESULTS, ...NAB_PUBLISHED_LEADER_RESULTS];
  if (!available.includes(detector)) {
    throw new Error(`loadNabPublishedScores: no published results for "${detector}" (available: ${available.join(", ")})`);
  }
  const [category, file] = key.split("/") as [string, string | undefined];
  if (file === undefined) throw new Error(`loadNabPublishedScores: key "${key}" must look like "realKnownCause/nyc_taxi.csv"`);
  const fetched = await fetchDatasetFile(DATASET, `results/${detector}/${category}/${detector}_${file}`, options);
  const text = await fs.promises.readFile(fetched.path, "utf8");
  const timestamps: number[] = [];
  const scores: number[] = [];
  let columns = -1;
  let scoreColumn = -1;
  // NAB appends each profile's per-row score as "S(t)_<profile>".
  const rowScoreColumns: [string, number, number[]][] = [];
  forEachRecord(text, { file: fetched.path, delimiter: "," }, (record) => {
    if (columns < 0) {
      columns = record.fields.length;
      scoreColumn = record.fields.indexOf("anomaly_score");
      if (record.fields[0] !== "timestamp" || scoreColumn < 0) {
        throw new DataParseError({ file: fetched.path, line: 1 }, `header must start with "timestamp" and contain "anomaly_score", got "${record.fields.join(",")}"`);
      }
      record.fields.forEach((name, c) => {
        if (name.startsWith("S(t)_")) rowScoreColumns.push([name.slice("S(t)_".length), c, []]);
      });
      return;
    }
    expectFieldCount(record, columns, fetched.path);
    timestamps.push(parseNaiveTimestamp(record.fields[0]!, { file: fetched.path, line: record.line, column: 1, columnName: "timestamp" }).getTime());
    scores.push(parseNumberField(record.fields[scoreColumn]!, { file: fetched.path, line: record.line, column: scoreColumn + 1, columnName: "anomaly_score" }));
    for (const [name, c, column] of rowScoreColumns) {
      column.push(parseNumberField(record.fields[c]!, { file: fetched.path, line: record.line, column: c + 1, columnName: `S(t)_${name}` }));
    }
  });
  const rowScores: Record<string, Float64Array> = {};
  for (const [name, , column] of rowScoreColumns) rowScores[name] = Float64Array.from(column);
  return { timestamps: Float64Array.from(timestamps), scores: Float64Array.from(scores), rowScores };
}

/** The published scoreboard, results/final_results.json: detector -> profile -> normalised score. */
export async function loadNabScoreboard(options: FetchOptions = {}): Promise<Record<string, Record<string, number>>> {
  const f = await fetchDatasetFile(DATASET, "results/final_results.json", options);
  return readJsonObject(f.path) as Record<string, Record<string, number>>;
}

/** config/thresholds.json: detector -> profile -> { threshold, score } (score = raw, before normalisation). */
export async function loadNabThresholds(options: FetchOptions = {}): Promise<Record<string, Record<string, { threshold: number; score: number }>>> {
  const f = await fetchDatasetFile(DATASET, "config/thresholds.json", options);
  return readJsonObject(f.path) as Record<string, Record<string, { threshold: number; score: number }>>;
}

function readJsonObject(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: expected a JSON object`);
  return parsed as Record<string, unknown>;
}
