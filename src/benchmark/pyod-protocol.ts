/**
 * PyOD's benchmark protocol (notebooks/benchmark.py of the published table) on anomaly-lab's detectors, and the
 * comparison of its cells with PyOD's published ones.
 */
import type { AnyDetector } from "../core/detector";
import type { Matrix } from "../core/matrix";
import { loadAdbench } from "../data/adbench";
import type { FetchOptions } from "../data/fetch";
import { precisionAtN, rocAuc } from "../evaluation/ranking";
import { StandardScaler } from "../preprocessing/scalers";
import { trainTestSplit } from "../preprocessing/split";
import { RandomState } from "../random/random-state";
import { pyodColumnEntry } from "./lineup";
import { PYOD_ODDS_DATASETS, PYOD_TABLE_ITERATIONS, pyodPublishedTable, type PublishedRow } from "./published";

/** Options of {@link runPyodProtocol}. */
export interface PyodProtocolOptions extends FetchOptions {
  /** PyOD dataset names (default: the 13 whose ADBench copy is ODDS's file, {@link PYOD_ODDS_DATASETS}). */
  datasets?: readonly string[];
  /**
   * Columns of PyOD's table (default all ten), run in the table's order; columns without a detector here give
   * "no detector" cells.
   */
  detectors?: readonly string[];
  /** Random splits i = 0..iterations-1 (default 10, as the published cells). */
  iterations?: number;
  /** Called after each cell (dataset x detector) is done, e.g. to print progress. */
  onCell?: (cell: PyodCell) => void;
}

/** One iteration of one cell, rounded as PyOD rounds it (4 decimals). */
export interface PyodRun {
  roc: number;
  precisionAtN: number;
  /** fit + score of the test rows, seconds. */
  seconds: number;
}

/** One cell of the table: a detector on a dataset, averaged over the iterations as PyOD does. */
export interface PyodCell {
  dataset: string;
  /** PyOD's column name ("HBOS", "FB", ...). */
  detector: string;
  /** "no detector": anomaly-lab has none for this column yet; "failed": `error` says why. */
  status: "ok" | "no detector" | "failed";
  error?: string;
  runs: PyodRun[];
  /** Means over the iterations (NaN unless ok). */
  roc: number;
  precisionAtN: number;
  seconds: number;
}

/** A dataset of the run, as PyOD's table describes it. */
export interface PyodDataset {
  name: string;
  /** The ADBench file it was read from: its id and local path. */
  id: string;
  path: string;
  samples: number;
  dimensions: number;
  /** round(100 * outlier fraction, 4). */
  outlierPercent: number;
}

/** Everything {@link runPyodProtocol} measured. */
export interface PyodProtocolResult {
  iterations: number;
  datasets: PyodDataset[];
  detectors: string[];
  cells: PyodCell[];
}

/**
 * PyOD's published benchmark protocol, step for step, on anomaly-lab's detectors: for each dataset and each
 * i < iterations, `RandomState(i)` splits 60/40 as scikit-learn's `train_test_split(test_size=0.4)`, a
 * StandardScaler fitted on the training part scales both, and each detector (contamination = the data's outlier
 * fraction; the randomised ones sharing the split's generator, in PyOD's column order) is fitted on the training
 * part and scores the test part; ROC-AUC, precision @ rank n and seconds are rounded to 4 decimals per
 * iteration, then averaged. The data are ADBench's copies of ODDS's files (checked against the table's shapes).
 *
 * @example
 * const result = await runPyodProtocol({ datasets: ["cardio"], detectors: ["KNN"], iterations: 2 });
 * comparePublished(result)[0]; // { dataset: "cardio", detector: "KNN", metric: "roc", ours: ..., published: 0.7236, ... }
 */
export async function runPyodProtocol(options: PyodProtocolOptions = {}): Promise<PyodProtocolResult> {
  const table = pyodPublishedTable();
  const datasets = options.datasets ?? Object.keys(PYOD_ODDS_DATASETS);
  // In PyOD's column order whatever the order asked: the randomised ones draw from one generator in that order.
  const requested = (options.detectors ?? table.detectors).map((name) => checkColumn(name, table.detectors));
  const detectors = table.detectors.filter((column) => requested.includes(column));
  const iterations = options.iterations ?? PYOD_TABLE_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new RangeError(`runPyodProtocol: iterations must be a positive integer, got ${iterations}`);
  const result: PyodProtocolResult = { iterations, datasets: [], detectors, cells: [] };
  for (const name of datasets) {
    const id = PYOD_ODDS_DATASETS[name];
    if (id === undefined) {
      throw new RangeError(
        `runPyodProtocol: "${name}" is not one of the datasets whose ADBench copy is ODDS's file (${Object.keys(PYOD_ODDS_DATASETS).join(", ")})`,
      );
    }
    const data = await loadAdbench(id, options);
    const dataset: PyodDataset = {
      name, id, path: data.source.path, samples: data.nRows, dimensions: data.nFeatures, outlierPercent: pythonRound(data.outlierFraction * 100, 4),
    };
    checkAgainstTable(dataset, table.roc.find((row) => row.dataset === name));
    result.datasets.push(dataset);
    const cells = detectors.map((detector): PyodCell => ({ dataset: name, detector, status: pyodColumnEntry(detector) ? "ok" : "no detector", runs: [], roc: NaN, precisionAtN: NaN, seconds: NaN }));
    for (let i = 0; i < iterations; i++) {
      const random = new RandomState(i);
      const { train: [XTrain], test: [XTest, yTest] } = trainTestSplit([data.X, data.y], { testSize: 0.4, seed: random });
      const scaler = new StandardScaler().fit(XTrain);
      const train = scaler.transform(XTrain);
      const test = scaler.transform(XTest);
      for (const cell of cells) {
        if (cell.status !== "ok") continue;
        const entry = pyodColumnEntry(cell.detector)!;
        try {
          const detector = entry.make({ protocol: "pyod", contamination: data.outlierFraction, random, seed: i });
          cell.runs.push(await timedRun(detector, train, test, yTest));
        } catch (error) {
          cell.status = "failed";
          cell.error = `iteration ${i}: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
    }
    for (const cell of cells) {
      if (cell.status === "ok") {
        cell.roc = sequentialMean(cell.runs.map((run) => run.roc));
        cell.precisionAtN = sequentialMean(cell.runs.map((run) => run.precisionAtN));
        cell.seconds = sequentialMean(cell.runs.map((run) => run.seconds));
      }
      result.cells.push(cell);
      options.onCell?.(cell);
    }
  }
  return result;
}

async function timedRun(detector: AnyDetector, train: Matrix, test: Matrix, yTest: Uint8Array): Promise<PyodRun> {
  const started = performance.now();
  await detector.fit(train);
  const scores = detector.score(test);
  const seconds = (performance.now() - started) / 1000;
  return { roc: pythonRound(rocAuc(yTest, scores), 4), precisionAtN: pythonRound(precisionAtN(yTest, scores), 4), seconds: pythonRound(seconds, 4) };
}

/** A cell of ours beside PyOD's published one. */
export interface PublishedComparison {
  dataset: string;
  detector: string;
  metric: "roc" | "prc" | "time";
  /** Our mean (NaN where we have no number). */
  ours: number;
  /** PyOD's published cell. */
  published: number;
  /** ours - published. */
  difference: number;
  /**
   * Whether the published value is ours rounded to 4 decimals: |ours - published| <= 0.00005. (A mean ending in 5
   * at the fifth decimal went either way in the table: vertebral's HBOS 0.32625 is published as 0.3263, optdigits'
   * HBOS 0.87325 as 0.8732.)
   */
  sameTo4Decimals: boolean;
  /** Whether the detector draws random numbers (compare within 0.02, not 0.005). */
  randomised: boolean;
  status: PyodCell["status"];
}

/**
 * Every cell of a run beside PyOD's published value: ROC-AUC ("roc"), precision @ n ("prc") and seconds ("time").
 *
 * @example comparePublished(result).filter((c) => c.metric === "roc" && !c.sameTo4Decimals);
 */
export function comparePublished(result: PyodProtocolResult): PublishedComparison[] {
  const table = pyodPublishedTable();
  const comparisons: PublishedComparison[] = [];
  for (const metric of ["roc", "prc", "time"] as const) {
    for (const cell of result.cells) {
      const published = table[metric].find((row) => row.dataset === cell.dataset)?.values[cell.detector];
      if (published === undefined) continue;
      const ours = metric === "roc" ? cell.roc : metric === "prc" ? cell.precisionAtN : cell.seconds;
      comparisons.push({
        dataset: cell.dataset,
        detector: cell.detector,
        metric,
        ours,
        published,
        difference: ours - published,
        sameTo4Decimals: Number.isFinite(ours) && Math.abs(ours - published) <= HALF_LAST_DIGIT,
        randomised: pyodColumnEntry(cell.detector)?.randomised ?? false,
        status: cell.status,
      });
    }
  }
  return comparisons;
}

/** Half of the table's last digit (4 decimals), with room for the binary rounding of the two values. */
const HALF_LAST_DIGIT = 0.00005 + 1e-12;

/**
 * Python's `round(x, digits)`: the nearest value with `digits` decimals, exact ties to the even last digit.
 * (`toFixed` rounds the exact binary value too, but sends exact ties away from zero.)
 *
 * @example pythonRound(0.03125, 4); // 0.0312 (Python's round; toFixed gives 0.0313)
 */
export function pythonRound(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const rounded = Number(x.toFixed(digits));
  // toFixed(100) is the exact decimal value of every double of magnitude >= 2^-47 (at most 100 binary places).
  const exact = Math.abs(x).toFixed(100);
  const fraction = exact.slice(exact.indexOf(".") + 1);
  const tie = fraction[digits] === "5" && /^0*$/.test(fraction.slice(digits + 1)) && Math.abs(x) >= 2 ** -47;
  if (!tie) return rounded;
  const truncated = Number((Math.sign(x) < 0 ? "-" : "") + exact.slice(0, exact.indexOf(".") + 1 + digits));
  const lastDigit = Number((exact.slice(0, exact.indexOf(".")) + fraction.slice(0, digits)).slice(-1));
  return lastDigit % 2 === 0 ? truncated : rounded;
}

/** numpy's mean over axis 0 of an iterations x detectors matrix: the rows added one after another. */
function sequentialMean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

function checkColumn(name: string, columns: readonly string[]): string {
  const found = columns.find((column) => column.toLowerCase() === name.trim().toLowerCase());
  if (found === undefined) throw new RangeError(`runPyodProtocol: no column "${name}" in PyOD's table; its columns: ${columns.join(", ")}`);
  return found;
}

function checkAgainstTable(dataset: PyodDataset, row: PublishedRow | undefined): void {
  if (row === undefined) return;
  const same = row.samples === dataset.samples && row.dimensions === dataset.dimensions && row.outlierPercent === dataset.outlierPercent;
  if (!same) {
    throw new Error(
      `runPyodProtocol: ADBench's ${dataset.id} (${dataset.samples} x ${dataset.dimensions}, ${dataset.outlierPercent}% outliers) is not ` +
        `the ODDS file of PyOD's table (${row.samples} x ${row.dimensions}, ${row.outlierPercent}%)`,
    );
  }
}
