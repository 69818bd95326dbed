// `npm run nab [-- --only <substring>] [--files <n>] [--out <folder>]`: every anomaly-lab time-series
// detector over the whole NAB corpus (58 series), scored by our NAB scorer, beside the published
// scoreboard, with points per second. --out writes each detector's NAB result files
// (<folder>/<detector>/<category>/<detector>_<file>.csv: timestamp,value,anomaly_score,label).
import * as fs from "node:fs";
import * as path from "node:path";
import { loadNabCorpus, loadNabScoreboard } from "../../src/data/nab-corpus";
import { anomalyLabNabEntries, nabScoreTable, runNabBenchmark } from "../../src/timeseries/nab-benchmark";
import { nabValuesAsNabReadThem } from "../../src/timeseries/nab-input";
import { nabLeaderEntries } from "../../src/timeseries/nab-leaders";
import { nabResultsCsv, nabResultsPath } from "../../src/timeseries/nab-results";

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`--${name} needs a value`);
  return value;
}

/** A folder-safe detector name for result files, e.g. "CAD OSE (contextOSE)" -> "CAD_OSE_contextOSE". */
function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

async function main(): Promise<void> {
  const only = argument("only");
  const fileLimit = argument("files");
  const out = argument("out");
  let corpus = await loadNabCorpus();
  if (fileLimit !== undefined) {
    const n = Number(fileLimit);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--files must be a positive integer, got ${fileLimit}`);
    corpus = corpus.slice(0, n);
  }
  // The reproductions read the numbers NAB's pandas read (see src/timeseries/nab-input.ts).
  const nabValues = new Map<string, Float64Array>();
  for (const series of corpus) nabValues.set(series.key, await nabValuesAsNabReadThem(series.key));
  const all = [...nabLeaderEntries(nabValues), ...anomalyLabNabEntries()];
  const entries = all.filter((e) => only === undefined || e.name.toLowerCase().includes(only.toLowerCase()));
  if (entries.length === 0) throw new Error(`--only ${only}: no detector matches (${all.map((e) => e.name).join("; ")})`);
  const rows = corpus.length;
  console.error(`NAB corpus: ${corpus.length} files, ${corpus.reduce((s, c) => s + c.values.length, 0)} rows, ${corpus.reduce((s, c) => s + c.windows.length, 0)} windows`);
  const results = runNabBenchmark(corpus, entries, {
    onFile: (entry, _file, done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${entry}: ${done}/${total}`);
      if (done === total) process.stderr.write(`${process.stderr.isTTY ? "\r" : ""}${entry}: ${total}/${total} files done\n`);
    },
    onScores:
      out === undefined
        ? undefined
        : (entry, series, scores) => {
            const file = path.join(out, nabResultsPath(slug(entry), series.key));
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, nabResultsCsv(series, scores));
          },
  });
  const table = nabScoreTable(results, rows === 58 ? await loadNabScoreboard() : {});
  const header = ["detector", "source", "standard", "low FP", "low FN", "detect time (s)", "points/s"];
  const lines = table.map((r) => [
    r.detector,
    r.source,
    r.standard.toFixed(1),
    r.reward_low_FP_rate.toFixed(1),
    r.reward_low_FN_rate.toFixed(1),
    r.seconds === null ? "" : r.seconds.toFixed(1),
    r.pointsPerSecond === null ? "" : String(r.pointsPerSecond),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
  const fmt = (cells: string[]): string => "| " + cells.map((c, k) => c.padEnd(widths[k]!)).join(" | ") + " |";
  console.log(fmt(header));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const l of lines) console.log(fmt(l));
  if (rows !== 58) console.log(`(${rows} of 58 files: published scores are for the whole corpus and are not shown)`);
  if (out !== undefined) console.log(`NAB result files written under ${out}/ (one folder per detector: ${entries.map((e) => slug(e.name)).join(", ")})`);
  console.log(`(points/s: wall time of detection on this machine, one core; load average ${(await import("node:os")).loadavg()[0]!.toFixed(1)} when it ended)`);
}

main().catch((error: unknown) => {
  console.error(`npm run nab: ${(error as Error).message}`);
  process.exit(1);
});
