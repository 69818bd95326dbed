/**
 * Benchmark results on disk: `npm run bench:pyod` and `npm run bench:adbench` save their runs as JSON in the
 * project's results/ folder (gitignored: timings belong to the machine and the moment), and notebook 10 shows a
 * saved full run where one exists.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packageRoot } from "../data/paths";
import type { AdbenchProtocolResult } from "./adbench-protocol";
import type { PyodProtocolResult } from "./pyod-protocol";

/** The two saved runs and what each holds besides the run itself. */
export interface SavedBenchmarks {
  "pyod-benchmark": { ours: PyodProtocolResult; pyodHere: unknown; pyodHereNote: string; iterations: number; [extra: string]: unknown };
  "adbench-sweep": AdbenchProtocolResult;
}

/** When, where and on what a saved run was made. */
export interface SavedHeader {
  generated: string;
  node: string;
  cpus: number;
}

/** results/ in the project. */
export function resultsFolder(): string {
  return path.join(packageRoot(), "results");
}

/**
 * Writes `<folder>/<name>.json` atomically, with when and where it ran; NaN and Infinity become null (JSON has
 * neither). Returns the path.
 *
 * @example saveBenchmark("adbench-sweep", result); // "/.../results/adbench-sweep.json"
 */
export function saveBenchmark<K extends keyof SavedBenchmarks>(name: K, value: SavedBenchmarks[K], folder = resultsFolder()): string {
  const file = path.join(folder, `${name}.json`);
  fs.mkdirSync(folder, { recursive: true });
  const header: SavedHeader = { generated: new Date().toISOString(), node: process.version, cpus: os.cpus().length };
  const text = JSON.stringify({ ...header, ...value }, (_key, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 1) + "\n";
  const temporary = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
  return file;
}

/**
 * A saved run, or undefined when there is none (numbers that were NaN read back as null).
 *
 * @example const saved = readSavedBenchmark("adbench-sweep"); saved?.ranks;
 */
export function readSavedBenchmark<K extends keyof SavedBenchmarks>(name: K, folder = resultsFolder()): (SavedBenchmarks[K] & SavedHeader) | undefined {
  const file = path.join(folder, `${name}.json`);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as SavedBenchmarks[K] & SavedHeader;
  } catch (error) {
    throw new Error(`${file}: not a readable saved benchmark (${(error as Error).message}); delete it or rerun the benchmark`);
  }
}
