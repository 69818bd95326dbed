// `npm run bench:adbench`: ADBench's unsupervised protocol (Minqi824/ADBench: 70/30 stratified split per seed,
// min-max scaling, PyOD's default settings, ROC-AUC and average precision on the test part) with every detector
// of anomaly-lab's benchmark lineup on ADBench's Classical datasets; average ranks by ROC-AUC and each
// detector's wins.
//
//   npm run bench:adbench                                   43 datasets x every detector x seeds 1, 2, 3
//   npm run bench:adbench -- --quick                        6 small datasets, seed 1, no neural detectors
//   npm run bench:adbench -- --datasets cardio,glass --detectors KNN,IForest --seeds 1
//   npm run bench:adbench -- --time-budget 60                at most 60 s per run (default 300; 0: no budget)
//
// ADBench subsamples datasets over 10,000 rows to 10,000 (its data_generator.py, "for considering the computational
// cost"), so no run sees more than 7,000 training rows; each run (one detector's fit + score on one dataset and
// seed) also has a time budget: past it the run is stopped and reported "timed out", and the detector is not run
// on that dataset's later seeds. The sweep thus ends within (datasets x detectors x seeds x budget).
//
// Writes results/adbench-sweep.json and .csv (one row per dataset x detector, means over the seeds).
import os from "node:os";
import path from "node:path";
import { ADBENCH_DATASETS, ADBENCH_UNSUPERVISED, BENCHMARK_LINEUP, resultsFolder, runAdbenchProtocol, saveBenchmark, type AdbenchRun } from "anomaly-lab";
import { argument, cell, listArgument, writeCsv } from "./results-files";

/** Quick mode: six small datasets (the first five are resampled to 1,000 rows, as ADBench does). */
const QUICK_DATASETS = ["Hepatitis", "wine", "WPBC", "WBC", "vertebral", "cardio"];

const f4 = (value: number): string => (Number.isFinite(value) ? value.toFixed(4) : "-");

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const datasets = listArgument("datasets") ?? (quick ? QUICK_DATASETS : [...ADBENCH_DATASETS]);
  const detectors = listArgument("detectors") ?? BENCHMARK_LINEUP.filter((entry) => !(quick && entry.neural)).map((entry) => entry.name);
  const seeds = (listArgument("seeds") ?? (quick ? ["1"] : ["1", "2", "3"])).map(Number);
  const budget = Number(argument("time-budget") ?? 300);
  if (!(budget >= 0)) throw new RangeError(`--time-budget: expected seconds >= 0, got ${argument("time-budget")}`);

  console.log(`ADBench's unsupervised protocol on anomaly-lab — node ${process.version}, ${os.cpus().length} CPUs, ${new Date().toISOString()}`);
  console.log(`${datasets.length} datasets, seeds ${seeds.join(", ")}; detectors: ${detectors.join(", ")}`);
  console.log(budget > 0 ? `time budget: ${budget} s per run (fit + score on one dataset and seed); past it "timed out"` : "no time budget");
  const have = new Set(BENCHMARK_LINEUP.map((entry) => entry.name));
  console.log(`ADBench's unsupervised lineup without a detector here yet: ${ADBENCH_UNSUPERVISED.filter((name) => !have.has(name)).join(", ") || "none"}`);
  console.log();

  const result = await runAdbenchProtocol({
    datasets, detectors, seeds, progress: false, timeBudgetSeconds: budget > 0 ? budget : undefined,
    onRun: (run: AdbenchRun) =>
      process.stderr.write(`  ${run.dataset} seed ${run.seed} ${run.detector}: ${run.error ? `failed: ${run.error}` : `ROC ${f4(run.roc)}, AP ${f4(run.averagePrecision)}, fit ${run.fitSeconds.toFixed(2)} s`}\n`),
  });

  const header = [cell("dataset", 20, false), cell("rows", 7), cell("cols", 5), cell("out%", 6), ...result.detectors.map((d) => cell(d, 8))].join(" ");
  console.log("ROC-AUC (mean over seeds; * = best on the dataset)");
  console.log(header);
  console.log("-".repeat(header.length));
  for (const dataset of result.datasets) {
    const cells = result.cells.filter((c) => c.dataset === dataset.id);
    const best = Math.max(...cells.map((c) => (Number.isFinite(c.roc) ? c.roc : -Infinity)));
    console.log([
      cell(dataset.id, 20, false), cell(String(dataset.rows), 7), cell(String(dataset.features), 5), cell(dataset.outlierPercent.toFixed(1), 6),
      ...result.detectors.map((d) => {
        const c = cells.find((x) => x.detector === d)!;
        return cell(c.timedOut > 0 && !Number.isFinite(c.roc) ? "timeout " : `${f4(c.roc)}${c.roc === best ? "*" : " "}`, 8);
      }),
    ].join(" "));
  }
  console.log();
  console.log("average rank by ROC-AUC (1 = best) over the datasets where it has a number, datasets won, mean average precision,");
  console.log("mean fit + score seconds (measured on this machine as it was: not a figure to quote on a shared one)");
  for (const rank of result.ranks) {
    const cells = result.cells.filter((c) => c.detector === rank.detector);
    const meanOf = (pick: (c: (typeof cells)[number]) => number) => {
      const values = cells.map(pick).filter(Number.isFinite);
      return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
    };
    const standing = `rank ${rank.averageRank.toFixed(2).padStart(5)} on ${String(rank.datasets).padStart(2)}  wins ${String(rank.wins.length).padStart(2)}`;
    console.log(`  ${cell(rank.detector, 14, false)} ${standing}  ` +
      `AP ${f4(meanOf((c) => c.averagePrecision))}  ${meanOf((c) => c.fitSeconds + c.scoreSeconds).toFixed(3)} s` +
      (rank.wins.length > 0 ? `  (${rank.wins.join(", ")})` : ""));
  }
  const failures = result.cells.filter((c) => c.errors.length > 0);
  for (const c of failures) console.log(`  ${c.timedOut > 0 ? "timed out" : "failed"}: ${c.dataset} ${c.detector}: ${c.errors.join("; ")}`);

  // A quick run goes to results/quick/, so that it never stands in for a full run (notebook 10 shows results/).
  const dir = argument("results") ?? (quick ? path.join(resultsFolder(), "quick") : resultsFolder());
  const json = saveBenchmark("adbench-sweep", { ...result }, dir);
  const csv = writeCsv(dir, "adbench-sweep", result.cells.map((c) => ({
    dataset: c.dataset, detector: c.detector, roc: c.roc, average_precision: c.averagePrecision,
    fit_seconds: c.fitSeconds, score_seconds: c.scoreSeconds, timed_out_seeds: c.timedOut, errors: c.errors.join("; "),
  })));
  console.log(`wrote ${path.relative(process.cwd(), json)} and ${path.relative(process.cwd(), csv)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
