// Merges the parts of an ADBench sweep run apart (seeds, detectors or datasets in separate `npm run bench:adbench`
// processes, each with its own --results folder) into one result, as one run of all of them gives it: cells (means
// over the seeds) and average ranks recomputed from the runs (mergeAdbenchResults). Writes adbench-sweep.json and
// .csv to --results (default results/, which notebook 10 reads) and prints the ranks as a Markdown table.
//
//   node --import tsx scripts/bench/adbench-merge.ts results/part-a results/part-b/adbench-sweep.json [--results dir]
import fs from "node:fs";
import path from "node:path";
import { mergeAdbenchResults, resultsFolder, saveBenchmark, type AdbenchProtocolResult } from "anomaly-lab";
import { argument, writeCsv } from "./results-files";

function readPart(given: string): AdbenchProtocolResult {
  const file = fs.existsSync(given) && fs.statSync(given).isDirectory() ? path.join(given, "adbench-sweep.json") : given;
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file (give a folder holding adbench-sweep.json, or the file)`);
  const part = JSON.parse(fs.readFileSync(file, "utf8")) as AdbenchProtocolResult;
  if (!Array.isArray(part.runs) || !Array.isArray(part.datasets)) throw new Error(`${file}: not an ADBench sweep result (no runs or datasets)`);
  return part;
}

function main(): void {
  const outputIndex = process.argv.indexOf("--results");
  const inputs = process.argv.slice(2).filter((_, k) => k + 2 !== outputIndex && k + 2 !== outputIndex + 1);
  if (inputs.length === 0) throw new Error("give the sweep parts to merge (folders holding adbench-sweep.json, or the files)");
  const merged = mergeAdbenchResults(inputs.map(readPart));
  const dir = argument("results") ?? resultsFolder();
  const json = saveBenchmark("adbench-sweep", merged, dir);
  const csv = writeCsv(dir, "adbench-sweep", merged.cells.map((c) => ({
    dataset: c.dataset, detector: c.detector, roc: c.roc, average_precision: c.averagePrecision,
    fit_seconds: c.fitSeconds, score_seconds: c.scoreSeconds, timed_out_seeds: c.timedOut, errors: c.errors.join("; "),
  })));
  console.log(`${inputs.length} parts: ${merged.datasets.length} datasets, seeds ${merged.seeds.join(", ")}, ${merged.detectors.length} detectors`);
  console.log(`| detector | average rank | ranked on | wins | seeds without a number |\n|---|---|---|---|---|`);
  for (const rank of merged.ranks) {
    const missing = merged.cells.filter((c) => c.detector === rank.detector && c.errors.length > 0).map((c) => `${c.dataset}: ${c.errors.join("; ")}`);
    console.log(`| ${rank.detector} | ${rank.averageRank.toFixed(2)} | ${rank.datasets} | ${rank.wins.length} | ${missing.join("; ")} |`);
  }
  console.log(`wrote ${path.relative(process.cwd(), json)} and ${path.relative(process.cwd(), csv)}`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
