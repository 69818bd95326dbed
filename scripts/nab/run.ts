// `npm run nab [-- --only <substring>] [--files <n>]`: every anomaly-lab time-series detector over the
// whole NAB corpus (58 series), scored by our NAB scorer, beside the published scoreboard.
import { loadNabCorpus, loadNabScoreboard } from "../../src/data/nab-corpus";
import { anomalyLabNabEntries, nabScoreTable, runNabBenchmark } from "../../src/timeseries/nab-benchmark";

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

async function main(): Promise<void> {
  const only = argument("only");
  const fileLimit = argument("files");
  let corpus = await loadNabCorpus();
  if (fileLimit !== undefined) corpus = corpus.slice(0, Number(fileLimit));
  const entries = anomalyLabNabEntries().filter((e) => only === undefined || e.name.toLowerCase().includes(only.toLowerCase()));
  if (entries.length === 0) throw new Error(`--only ${only}: no detector matches (${anomalyLabNabEntries().map((e) => e.name).join("; ")})`);
  const rows = corpus.length;
  console.error(`NAB corpus: ${corpus.length} files, ${corpus.reduce((s, c) => s + c.values.length, 0)} rows, ${corpus.reduce((s, c) => s + c.windows.length, 0)} windows`);
  const results = runNabBenchmark(corpus, entries, {
    onFile: (entry, _file, done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${entry}: ${done}/${total}`);
      if (done === total) process.stderr.write(`${process.stderr.isTTY ? "\r" : ""}${entry}: ${total}/${total} files done\n`);
    },
  });
  const table = nabScoreTable(results, rows === 58 ? await loadNabScoreboard() : {});
  const header = ["detector", "source", "standard", "low FP", "low FN", "detect time (s)"];
  const lines = table.map((r) => [r.detector, r.source, r.standard.toFixed(1), r.reward_low_FP_rate.toFixed(1), r.reward_low_FN_rate.toFixed(1), r.seconds === null ? "" : r.seconds.toFixed(1)]);
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
  const fmt = (cells: string[]): string => "| " + cells.map((c, k) => c.padEnd(widths[k]!)).join(" | ") + " |";
  console.log(fmt(header));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const l of lines) console.log(fmt(l));
  if (rows !== 58) console.log(`(${rows} of 58 files: published scores are for the whole corpus and are not shown)`);
}

main().catch((error: unknown) => {
  console.error(`npm run nab: ${(error as Error).message}`);
  process.exit(1);
});
