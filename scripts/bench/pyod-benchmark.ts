// `npm run bench:pyod`: PyOD's published benchmark table (docs/tables/roc.csv, prc.csv, time.csv) reproduced with
// anomaly-lab's detectors on PyOD's protocol, beside the published cells, and PyOD itself run here on the same
// protocol where Python has it (time ratios side by side).
//
//   npm run bench:pyod                                 12 ODDS datasets x 10 detector columns x 10 iterations
//   npm run bench:pyod -- --quick                      vertebral, pima, cardio; 2 iterations (a smoke run)
//   npm run bench:pyod -- --datasets cardio,mnist --detectors PCA,MCD --iterations 3
//   npm run bench:pyod -- --ours-only                  skip PyOD here
//   npm run bench:pyod -- --python /path/to/python     the Python with PyOD (else see pyod-python.ts)
//   npm run bench:pyod -- --setup-pyod                 make .venv-pyod from scripts/bench/requirements-pyod.txt first
//
// Writes results/pyod-benchmark.json and .csv. Timings are only meaningful on an idle machine.
import os from "node:os";
import path from "node:path";
import {
  comparePublished, PYOD_ODDS_DATASETS, PYOD_TABLE_ITERATIONS, PYOD_TABLE_SOURCE, pyodColumnEntry, pyodPublishedTable,
  resultsFolder, runPyodProtocol, saveBenchmark, type PublishedComparison, type PyodCell,
} from "anomaly-lab";
import { findPyodPython, runPyodHere, type PyodHereCell } from "./pyod-python";
import { argument, cell, listArgument, writeCsv } from "./results-files";

/** Deterministic detectors must land within this of the published cell, randomised ones within RANDOMISED (issue #24). */
const DETERMINISTIC = 0.005;
const RANDOMISED = 0.02;

interface HereMeans {
  roc: number;
  prc: number;
  time: number;
  error: string | null;
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return values.length === 0 ? NaN : sum / values.length;
}

function meansOf(cell: PyodHereCell | undefined): HereMeans | undefined {
  if (cell === undefined) return undefined;
  return { roc: mean(cell.runs.map((r) => r.roc)), prc: mean(cell.runs.map((r) => r.prn)), time: mean(cell.runs.map((r) => r.seconds)), error: cell.error };
}

const f4 = (value: number | undefined): string => (value === undefined || !Number.isFinite(value) ? "-" : value.toFixed(4));
const signed = (value: number): string => (Number.isFinite(value) ? `${value >= 0 ? "+" : ""}${value.toFixed(4)}` : "-");

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const datasets = listArgument("datasets") ?? (quick ? ["vertebral", "pima", "cardio"] : Object.keys(PYOD_ODDS_DATASETS));
  const iterations = Number(argument("iterations") ?? (quick ? 2 : PYOD_TABLE_ITERATIONS));
  const table = pyodPublishedTable();
  const detectors = listArgument("detectors") ?? table.detectors;
  const timeout = Number(argument("timeout") ?? (quick ? 600 : 6 * 3600));

  console.log(`PyOD's benchmark protocol on anomaly-lab — node ${process.version}, ${os.cpus().length} CPUs, ${new Date().toISOString()}`);
  console.log(`published: ${PYOD_TABLE_SOURCE}`);
  console.log(`protocol: ${iterations} iteration(s) of a 60/40 split (RandomState(i)), standardised on the training part, ` +
    `contamination = outlier fraction; ROC-AUC and precision@n on the test part; seconds = fit + score${iterations !== PYOD_TABLE_ITERATIONS ? `; NOTE: the published cells average ${PYOD_TABLE_ITERATIONS} iterations` : ""}`);
  const missing = detectors.filter((d) => pyodColumnEntry(d) === undefined);
  if (missing.length > 0) console.log(`no anomaly-lab detector yet for: ${missing.join(", ")} (PyOD here still runs them)`);

  const started = performance.now();
  const ours = await runPyodProtocol({
    datasets, detectors, iterations, progress: false,
    onCell: (c: PyodCell) => process.stderr.write(`  ours ${c.dataset} ${c.detector}: ${c.status === "ok" ? `ROC ${f4(c.roc)}, ${f4(c.seconds)} s` : c.status}${c.error ? ` (${c.error})` : ""}\n`),
  });
  const oursSeconds = (performance.now() - started) / 1000;

  let here: { versions: Record<string, string>; cells: PyodHereCell[] } | undefined;
  let hereNote: string;
  if (process.argv.includes("--ours-only")) {
    hereNote = "not run (--ours-only)";
  } else {
    const found = findPyodPython(argument("python"));
    if ("missing" in found) {
      hereNote = `not run: ${found.missing}`;
    } else {
      process.stderr.write(`  PyOD here: ${found.python} ...\n`);
      const run = runPyodHere(found.python, {
        files: Object.fromEntries(ours.datasets.map((d) => [d.name, d.path])), detectors: ours.detectors, iterations, timeoutSeconds: timeout,
      });
      if ("failed" in run) {
        hereNote = `failed: ${run.failed}`;
      } else {
        here = run;
        hereNote = `${found.python}: ${Object.entries(run.versions).map(([k, v]) => `${k} ${v}`).join(", ")}`;
      }
    }
  }
  console.log(`PyOD here: ${hereNote}`);
  console.log();

  const comparisons = comparePublished(ours);
  const byKey = new Map(comparisons.map((c) => [`${c.metric}/${c.dataset}/${c.detector}`, c]));
  const hereOf = (dataset: string, detector: string) => meansOf(here?.cells.find((c) => c.dataset === dataset && c.detector === detector));
  const header = [
    cell("dataset", 10, false), cell("detector", 8, false),
    cell("ROC ours", 9), cell("published", 9), cell("diff", 8), cell("PyOD here", 9),
    cell("P@n ours", 9), cell("published", 9), cell("diff", 8), cell("PyOD here", 9),
    cell("s ours", 8), cell("published", 9), cell("PyOD here", 9), cell("ratio", 6),
  ].join(" ");
  console.log(header);
  console.log("-".repeat(header.length));
  for (const c of ours.cells) {
    const roc = byKey.get(`roc/${c.dataset}/${c.detector}`);
    const prc = byKey.get(`prc/${c.dataset}/${c.detector}`);
    const time = byKey.get(`time/${c.dataset}/${c.detector}`);
    const h = hereOf(c.dataset, c.detector);
    const ratio = h !== undefined && Number.isFinite(c.seconds) && h.time > 0 ? (c.seconds / h.time).toFixed(2) : "-";
    const notes = [c.status !== "ok" ? `${c.status}${c.error ? `: ${c.error}` : ""}` : "", h?.error ? `PyOD here: ${h.error}` : ""].filter((n) => n !== "");
    const note = notes.length > 0 ? `  ${notes.join("; ")}` : "";
    console.log([
      cell(c.dataset, 10, false), cell(c.detector, 8, false),
      cell(f4(c.roc), 9), cell(f4(roc?.published), 9), cell(roc ? signed(roc.difference) : "-", 8), cell(f4(h?.roc), 9),
      cell(f4(c.precisionAtN), 9), cell(f4(prc?.published), 9), cell(prc ? signed(prc.difference) : "-", 8), cell(f4(h?.prc), 9),
      cell(f4(c.seconds), 8), cell(f4(time?.published), 9), cell(f4(h?.time), 9), cell(ratio, 6),
    ].join(" ") + note);
  }
  console.log();
  if (iterations !== PYOD_TABLE_ITERATIONS) {
    console.log(`The published cells average ${PYOD_TABLE_ITERATIONS} iterations, this run ${iterations}: compare with PyOD here, not with them.`);
  } else {
    summarise(comparisons, "roc", "ROC-AUC");
    summarise(comparisons, "prc", "precision@n");
  }
  if (here !== undefined) summariseHere(ours.cells, hereOf);
  console.log(`ratio = our seconds / PyOD's here (fit + score of the test rows, mean over iterations); our whole run took ${oursSeconds.toFixed(1)} s`);

  // A quick run goes to results/quick/, so that it never stands in for a full run (notebook 10 shows results/).
  const dir = argument("results") ?? (quick ? path.join(resultsFolder(), "quick") : resultsFolder());
  const json = saveBenchmark("pyod-benchmark", { published: PYOD_TABLE_SOURCE, pyodHereNote: hereNote, iterations, ours, comparisons, pyodHere: here ?? null }, dir);
  const csv = writeCsv(dir, "pyod-benchmark", ours.cells.flatMap((c) => (["roc", "prc", "time"] as const).map((metric) => {
    const comparison = byKey.get(`${metric}/${c.dataset}/${c.detector}`);
    const h = hereOf(c.dataset, c.detector);
    return {
      dataset: c.dataset, detector: c.detector, metric, status: c.status,
      ours: metric === "roc" ? c.roc : metric === "prc" ? c.precisionAtN : c.seconds,
      published: comparison?.published, difference: comparison?.difference, pyod_here: h?.[metric],
    };
  })));
  console.log(`wrote ${path.relative(process.cwd(), json)} and ${path.relative(process.cwd(), csv)}`);
}

/** Which computed cells land within the issue's tolerances of the published ones, and the ones that do not. */
function summarise(comparisons: readonly PublishedComparison[], metric: "roc" | "prc", label: string): void {
  const cells = comparisons.filter((c) => c.metric === metric && c.status === "ok");
  const deterministic = cells.filter((c) => !c.randomised);
  const randomised = cells.filter((c) => c.randomised);
  const within = (list: readonly PublishedComparison[], tolerance: number) => list.filter((c) => Math.abs(c.difference) <= tolerance);
  const same = deterministic.filter((c) => c.sameTo4Decimals);
  console.log(`${label}: ${cells.length} cells computed; deterministic ${within(deterministic, DETERMINISTIC).length}/${deterministic.length} within ${DETERMINISTIC} ` +
    `(${same.length} equal to 4 decimals); randomised ${within(randomised, RANDOMISED).length}/${randomised.length} within ${RANDOMISED}`);
  const outside = [
    ...deterministic.filter((c) => Math.abs(c.difference) > DETERMINISTIC),
    ...randomised.filter((c) => Math.abs(c.difference) > RANDOMISED),
  ];
  for (const c of outside) console.log(`  outside: ${c.dataset} ${c.detector} ours ${f4(c.ours)} published ${f4(c.published)} (${signed(c.difference)})`);
}

/** Our cells beside PyOD's own run on the same iterations: deterministic detectors should agree to 4 decimals. */
function summariseHere(cells: readonly PyodCell[], hereOf: (dataset: string, detector: string) => HereMeans | undefined): void {
  const pairs = cells.flatMap((c) => {
    const h = hereOf(c.dataset, c.detector);
    return c.status === "ok" && h !== undefined && h.error === null ? [{ c, h, randomised: pyodColumnEntry(c.detector)!.randomised }] : [];
  });
  const deterministic = pairs.filter((p) => !p.randomised);
  const equal = deterministic.filter((p) => Math.abs(p.c.roc - p.h.roc) < 1e-9 && Math.abs(p.c.precisionAtN - p.h.prc) < 1e-9);
  console.log(`PyOD here, same iterations: deterministic cells with equal ROC-AUC and precision@n: ${equal.length}/${deterministic.length}`);
  for (const p of deterministic.filter((x) => !equal.includes(x))) {
    console.log(`  differs: ${p.c.dataset} ${p.c.detector} ROC ours ${f4(p.c.roc)} PyOD ${f4(p.h.roc)}, P@n ours ${f4(p.c.precisionAtN)} PyOD ${f4(p.h.prc)}`);
  }
  for (const p of pairs.filter((x) => x.randomised)) {
    console.log(`  randomised: ${p.c.dataset} ${p.c.detector} ROC ours ${f4(p.c.roc)} PyOD ${f4(p.h.roc)} (${signed(p.c.roc - p.h.roc)})`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
