// `npm run bench`: each detector and its scikit-learn (or scipy/numpy) equivalent on the same data, in one
// command, each run in a fresh process. Prints a table: fit + training-score wall time of ours and of the
// reference, their ratio (ours / reference: <= 1 means as fast or faster), peak RSS of each process, and
// both ROC-AUCs.
//
//   npm run bench                                  default: real data + synthetic 10k and 100k
//   npm run bench -- --sizes 10000,100000,300000 --detectors knn,lof,iforest
//   npm run bench -- --detectors rf                the random-forest classifier only
//   npm run bench -- --quick                       small and fast (a smoke run)
//   npm run bench -- --scaling                     ours only, synthetic 5k, 10k, 100k and 1M rows: how fit time grows
//   npm run bench -- --ours-only                   skip the references
//   npm run bench -- --repeat 5                    fresh-process runs per side (default 3; fewer past 10 s of runs)
//
// Each side runs in fresh processes, ours and the reference alternating, up to --repeat times each (while that
// side's runs total under 10 s); the table shows the median run of each side. Both sides' times vary 10-40%
// between runs on this 2-core machine, so a single run can flip a ratio near 1.
//
// Classifiers (rf) run on labelled data instead: the credit card and make_classification data with 10k / 100k
// training rows (--sizes), fitted on 80% of the rows (stratified split, the same in both languages) and
// scored by ROC-AUC on the other 20%.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { classification, creditCard, ecg, ensureDir, synthetic, type BenchDataset } from "./datasets";
import { BENCH_CLASSIFIERS, BENCH_DETECTORS } from "./registry";
import { referencePython } from "./reference-python";

interface RunResult {
  label: string;
  seconds: number;
  /** Ours: a second fit in the same process (no start-up costs), when the first was cheap. */
  warmSeconds?: number;
  peakMB: number;
  auc: number;
}

const ROOT = path.resolve(__dirname, "..", "..");

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function runChild(command: string, args: string[], timeoutSeconds: number): RunResult | string {
  const child = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", timeout: timeoutSeconds * 1000, maxBuffer: 1 << 24 });
  if (child.error !== undefined && (child.error as NodeJS.ErrnoException).code === "ETIMEDOUT") return `timeout > ${timeoutSeconds} s`;
  if (child.status !== 0) {
    const lines = (child.stderr || child.stdout).trim().split("\n");
    return `failed: ${lines.find((line) => /^\w*Error\b/.test(line)) ?? lines.slice(-3).join(" | ")}`;
  }
  const line = child.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as RunResult;
}

/** Seconds of runs beyond which a side is not repeated (the 100k-row fits). */
const REPEAT_BUDGET_SECONDS = 10;

/** The run with the median time (the lower middle of an even count), its warm time the median warm time. */
function medianRun(runs: RunResult[]): RunResult {
  const middle = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
  const seconds = middle(runs.map((run) => run.seconds));
  const chosen = runs.find((run) => run.seconds === seconds) as RunResult;
  const warm = runs.flatMap((run) => (run.warmSeconds === undefined ? [] : [run.warmSeconds]));
  return { ...chosen, warmSeconds: warm.length > 0 ? middle(warm) : undefined };
}

/** Runs `ours` and `ref` alternately up to `repeat` times each (a side stops once its runs pass the budget). */
function runPair(ours: () => RunResult | string, ref: (() => RunResult | string) | string, repeat: number): [RunResult | string, RunResult | string, number] {
  const oursRuns: RunResult[] = [];
  const refRuns: RunResult[] = [];
  let oursFailed: string | undefined;
  let refFailed: string | undefined = typeof ref === "string" ? ref : undefined;
  const total = (runs: RunResult[]): number => runs.reduce((sum, run) => sum + run.seconds, 0);
  for (let i = 0; i < repeat; i++) {
    const oursMore = oursFailed === undefined && total(oursRuns) < REPEAT_BUDGET_SECONDS;
    const refMore = refFailed === undefined && typeof ref !== "string" && total(refRuns) < REPEAT_BUDGET_SECONDS;
    if (!oursMore && !refMore) break;
    if (oursMore) {
      const result = ours();
      if (typeof result === "string") oursFailed = result;
      else oursRuns.push(result);
    }
    if (refMore && typeof ref !== "string") {
      const result = ref();
      if (typeof result === "string") refFailed = result;
      else refRuns.push(result);
    }
  }
  return [
    oursFailed ?? medianRun(oursRuns),
    refFailed ?? medianRun(refRuns),
    Math.max(oursRuns.length, refRuns.length),
  ];
}

function cell(value: string, width: number, right = true): string {
  return right ? value.padStart(width) : value.padEnd(width);
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const scaling = process.argv.includes("--scaling");
  const oursOnly = scaling || process.argv.includes("--ours-only");
  const sizes = (argument("sizes") ?? (quick ? "2000" : scaling ? "5000,10000,100000,1000000" : "10000,100000")).split(",").map(Number);
  const names = (argument("detectors") ?? [...Object.keys(BENCH_DETECTORS), ...(scaling ? [] : Object.keys(BENCH_CLASSIFIERS))].join(",")).split(",");
  const timeout = Number(argument("timeout") ?? (quick ? 120 : 900));
  const repeat = Number(argument("repeat") ?? (quick ? 1 : 3));
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat must be a positive integer, got ${argument("repeat")}`);
  const dataDir = ensureDir(argument("data") ?? mkdtempSync(path.join(tmpdir(), "anomaly-lab-bench-")));
  for (const name of names) {
    if (BENCH_DETECTORS[name] === undefined && BENCH_CLASSIFIERS[name] === undefined) {
      throw new Error(`unknown detector '${name}'; known: ${[...Object.keys(BENCH_DETECTORS), ...Object.keys(BENCH_CLASSIFIERS)].join(", ")}`);
    }
  }
  const detectorNames = names.filter((name) => BENCH_DETECTORS[name] !== undefined);
  const classifierNames = names.filter((name) => BENCH_CLASSIFIERS[name] !== undefined);

  const datasets: BenchDataset[] = [];
  const labelled: BenchDataset[] = [];
  if (detectorNames.length > 0) {
    if (!quick && !scaling) datasets.push(await creditCard(dataDir), await ecg(dataDir));
    for (const rows of sizes) datasets.push(synthetic(dataDir, rows));
  }
  if (classifierNames.length > 0) {
    if (!quick) labelled.push(await creditCard(dataDir));
    for (const rows of sizes) labelled.push(classification(dataDir, rows));
  }
  const python = referencePython();

  console.log(`anomaly-lab detector benchmark — node ${process.version}, reference: ${python}; ${new Date().toISOString()}`);
  console.log(`times: fit including the training scores, seconds, the first fit in a fresh process, median of up to ${repeat} processes per side; ratio = ours / reference;`);
  console.log("warm: our second fit in the same process (start-up paid); memory: peak RSS of the process");
  if (classifierNames.length > 0) console.log("classifiers: fit on 80% of the rows (stratified split, seed 42), ROC-AUC on the other 20%");
  console.log();
  const header = [cell("detector", 9, false), cell("dataset", 16, false), cell("rows x cols", 13), cell("ours s", 9), cell("warm s", 8), cell("ref s", 9),
    cell("ratio", 7), cell("ours MB", 8), cell("ref MB", 8), cell("AUC ours", 9), cell("AUC ref", 8), "  reference"].join(" ");
  console.log(header);
  console.log("-".repeat(header.length));
  const runs = [
    ...datasets.flatMap((dataset) =>
      detectorNames
        .filter((name) => dataset.rows <= (scaling ? (BENCH_DETECTORS[name].scalingMaxRows ?? BENCH_DETECTORS[name].maxRows) : BENCH_DETECTORS[name].maxRows))
        .map((name) => ({ dataset, name }))),
    ...labelled.flatMap((dataset) => classifierNames.map((name) => ({ dataset, name }))),
  ];
  for (const { dataset, name } of runs) {
    const shape = [name, dataset.xFile, dataset.yFile, String(dataset.rows), String(dataset.cols)];
    const [ours, ref] = runPair(
      () => runChild(process.execPath, ["--import", "tsx", path.join(__dirname, "run-ours.ts"), ...shape], timeout),
      oursOnly ? "not run (--ours-only)" : () => runChild(python, [path.join(__dirname, "sklearn_ref.py"), ...shape], timeout),
      repeat,
    );
    const fmt = (r: RunResult | string, pick: (r: RunResult) => string): string => (typeof r === "string" ? "-" : pick(r));
    const ratio = typeof ours === "string" || typeof ref === "string" ? "-" : (ours.seconds / ref.seconds).toFixed(2);
    console.log([cell(name, 9, false), cell(dataset.name, 16, false), cell(`${dataset.rows} x ${dataset.cols}`, 13),
      cell(fmt(ours, (r) => r.seconds.toFixed(3)), 9), cell(fmt(ours, (r) => r.warmSeconds?.toFixed(3) ?? "-"), 8),
      cell(fmt(ref, (r) => r.seconds.toFixed(3)), 9), cell(ratio, 7),
      cell(fmt(ours, (r) => r.peakMB.toFixed(0)), 8), cell(fmt(ref, (r) => r.peakMB.toFixed(0)), 8),
      cell(fmt(ours, (r) => r.auc.toFixed(4)), 9), cell(fmt(ref, (r) => r.auc.toFixed(4)), 8),
      `  ${typeof ref === "string" ? ref : ref.label}${typeof ours === "string" ? `; ours ${ours}` : ""}`].join(" "));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
