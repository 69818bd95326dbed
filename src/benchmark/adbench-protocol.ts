/**
 * ADBench's unsupervised protocol (Han et al., NeurIPS 2022; Minqi824/ADBench adbench/run.py and
 * datasets/data_generator.py with la = 0) on anomaly-lab's detectors, and average ranks over datasets.
 */
import type { AnyDetector } from "../core/detector";
import type { Matrix } from "../core/matrix";
import { ADBENCH_DATASETS, adbenchId, loadAdbench } from "../data/adbench";
import type { FetchOptions } from "../data/fetch";
import type { Float64Matrix } from "../data/matrix";
import { averagePrecision } from "../evaluation/pr-curve";
import { rocAuc } from "../evaluation/ranking";
import { MinMaxScaler } from "../preprocessing/scalers";
import { trainTestSplit } from "../preprocessing/split";
import { RandomState } from "../random/random-state";
import { BudgetedRunner } from "./budgeted-runner";
import { BENCHMARK_LINEUP, lineupEntry } from "./lineup";
import { averageRanks, type DetectorRank } from "./ranks";

/** ADBench's seeds (run.py: `np.arange(3) + 1`). */
export const ADBENCH_SEEDS: readonly number[] = [1, 2, 3];

/** One ADBench train/test split: min-max scaled on the training part, labels of both parts. */
export interface AdbenchSplit {
  train: Matrix;
  test: Matrix;
  yTrain: Uint8Array;
  yTest: Uint8Array;
  /** Rows of the data each part holds (row numbers of the loaded file, repeated where ADBench duplicates). */
  trainRows: number[];
  testRows: number[];
}

/**
 * ADBench's `DataGenerator.generator(la=0)` for one seed, draw for draw: `np.random.seed(seed)`; a dataset under
 * 1,000 rows is resampled to 1,000 with replacement (`np.random.choice`, after reseeding), one over 10,000 is
 * subsampled to 10,000 without; then `train_test_split(test_size=0.3, stratify=y)` on numpy's global generator,
 * and a MinMaxScaler fitted on the training part. (With la = 0 every training label is then hidden: the
 * detectors never see labels.)
 *
 * @example
 * const { train, test, yTest } = adbenchSplit(data.X, data.y, 1);
 */
export function adbenchSplit(X: Float64Matrix, y: Uint8Array, seed: number): AdbenchSplit {
  let random = new RandomState(seed);
  let rows = Array.from({ length: X.nRows }, (_, i) => i);
  if (rows.length < 1000) {
    random = new RandomState(seed);
    rows = random.choice(rows.length, 1000, { replace: true });
  }
  if (rows.length > 10000) {
    random = new RandomState(seed);
    rows = random.choice(rows.length, 10000, { replace: false });
  }
  const labels = Uint8Array.from(rows, (row) => y[row]!);
  const { train, test } = trainTestSplit(rows.length, { testSize: 0.3, seed: random, stratify: labels });
  const trainRows = train.map((k) => rows[k]!);
  const testRows = test.map((k) => rows[k]!);
  const scaler = new MinMaxScaler().fit(X.selectRows(trainRows));
  return {
    train: scaler.transform(X.selectRows(trainRows)),
    test: scaler.transform(X.selectRows(testRows)),
    yTrain: Uint8Array.from(trainRows, (row) => y[row]!),
    yTest: Uint8Array.from(testRows, (row) => y[row]!),
    trainRows,
    testRows,
  };
}

/** Options of {@link runAdbenchProtocol}. */
export interface AdbenchProtocolOptions extends FetchOptions {
  /** ADBench datasets, by any name {@link adbenchId} accepts (default all 43 of the registry). */
  datasets?: readonly string[];
  /** Lineup names (default: every detector of {@link BENCHMARK_LINEUP}). */
  detectors?: readonly string[];
  /** Seeds (default ADBench's 1, 2, 3). */
  seeds?: readonly number[];
  /**
   * The most seconds one run (a detector's fit + score on one dataset and seed) may take: each run then happens in
   * a worker thread, stopped at the budget, and reported "timed out" (NaN metrics), and the detector is not run
   * on that dataset's later seeds. Omitted: every run goes to its end on the calling thread.
   */
  timeBudgetSeconds?: number;
  /** Called after each fit, e.g. to print progress. */
  onRun?: (run: AdbenchRun) => void;
}

/** One detector on one dataset and seed. */
export interface AdbenchRun {
  dataset: string;
  detector: string;
  seed: number;
  roc: number;
  averagePrecision: number;
  fitSeconds: number;
  scoreSeconds: number;
  /** Set when the detector failed, ran past the time budget, or was not run (the metrics are then NaN). */
  error?: string;
  /** Set when the run ran past `timeBudgetSeconds` (or was skipped after an earlier seed did). */
  timedOut?: true;
}

/** A detector on a dataset, averaged over the seeds that ran. */
export interface AdbenchCell {
  dataset: string;
  detector: string;
  roc: number;
  averagePrecision: number;
  fitSeconds: number;
  scoreSeconds: number;
  /** Errors of failed seeds, if any. */
  errors: string[];
  /** Seeds that ran past the time budget or were skipped after one did (see `timeBudgetSeconds`). */
  timedOut: number;
}

/** Everything {@link runAdbenchProtocol} measured, with the average ranks by ROC-AUC. */
export interface AdbenchProtocolResult {
  seeds: number[];
  datasets: { id: string; rows: number; features: number; outlierPercent: number }[];
  detectors: string[];
  runs: AdbenchRun[];
  cells: AdbenchCell[];
  /** Average rank by mean ROC-AUC (1 = best), best first, with the datasets each detector wins. */
  ranks: DetectorRank[];
}

/**
 * ADBench's unsupervised benchmark on anomaly-lab's detectors: for every dataset and seed, {@link adbenchSplit};
 * every detector built as ADBench builds it (PyOD's defaults, numpy's global generator seeded with the seed,
 * so a fresh `RandomState(seed)` each), fitted on the training part (labels unused) and scoring the test part;
 * ROC-AUC and average precision (sklearn's `average_precision_score`), fit and score seconds; means over the
 * seeds, and the average rank of each detector over the datasets.
 *
 * @example
 * const result = await runAdbenchProtocol({ datasets: ["cardio", "glass"], detectors: ["KNN", "IForest"], seeds: [1] });
 * result.ranks[0]; // { detector: "...", averageRank: 1.5, wins: [...] }
 */
export async function runAdbenchProtocol(options: AdbenchProtocolOptions = {}): Promise<AdbenchProtocolResult> {
  const ids = (options.datasets ?? ADBENCH_DATASETS).map(adbenchId);
  const entries = (options.detectors ?? BENCHMARK_LINEUP.map((entry) => entry.name)).map(lineupEntry);
  const seeds = [...(options.seeds ?? ADBENCH_SEEDS)];
  seeds.forEach((seed) => {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`runAdbenchProtocol: seeds must be non-negative integers, got ${seed}`);
  });
  const runner = options.timeBudgetSeconds === undefined ? undefined : new BudgetedRunner(options.timeBudgetSeconds);
  const result: AdbenchProtocolResult = { seeds, datasets: [], detectors: entries.map((e) => e.name), runs: [], cells: [], ranks: [] };
  try {
    for (const id of ids) {
      const data = await loadAdbench(id, options);
      result.datasets.push({ id, rows: data.nRows, features: data.nFeatures, outlierPercent: 100 * data.outlierFraction });
      const timedOutOn = new Map<string, number>();
      for (const seed of seeds) {
        const split = adbenchSplit(data.X, data.y, seed);
        for (const entry of entries) {
          const earlier = timedOutOn.get(entry.name);
          const run = earlier !== undefined
            ? { ...FAILED, error: `not run: timed out on seed ${earlier}`, timedOut: true as const }
            : runner !== undefined
              ? await budgetedRun(runner, entry.name, seed, split)
              : await measuredRun(entry.make({ protocol: "adbench", contamination: 0.1, random: new RandomState(seed), seed }), split);
          if (run.timedOut && earlier === undefined) timedOutOn.set(entry.name, seed);
          const complete: AdbenchRun = { dataset: id, detector: entry.name, seed, ...run };
          result.runs.push(complete);
          options.onRun?.(complete);
        }
      }
      for (const entry of entries) result.cells.push(cellOf(id, entry.name, result.runs));
    }
  } finally {
    await runner?.close();
  }
  result.ranks = ranksOf(result.cells);
  return result;
}

/** Average ranks by the cells' mean ROC-AUC. */
function ranksOf(cells: readonly AdbenchCell[]): DetectorRank[] {
  const rocs: Record<string, Record<string, number>> = {};
  for (const cell of cells) (rocs[cell.dataset] ??= {})[cell.detector] = cell.roc;
  return averageRanks(rocs);
}

/**
 * Several results of {@link runAdbenchProtocol} as one, for a sweep run in parts (seeds, detectors or datasets in
 * separate processes): every run is kept (a later result's run of the same dataset, detector and seed replaces an
 * earlier one), and the cells (means over the seeds) and average ranks are recomputed from the runs, as one run of
 * all of them gives them. Datasets in ADBench's order, detectors in the lineup's; results read back from JSON
 * (metrics of failed runs saved as null) are accepted.
 *
 * @example
 * const all = mergeAdbenchResults([readSavedBenchmark("adbench-sweep", "results/a")!, readSavedBenchmark("adbench-sweep", "results/b")!]);
 * all.ranks; // over every detector of both
 */
export function mergeAdbenchResults(results: readonly AdbenchProtocolResult[]): AdbenchProtocolResult {
  const runs = new Map<string, AdbenchRun>();
  const datasets = new Map<string, AdbenchProtocolResult["datasets"][number]>();
  for (const result of results) {
    for (const dataset of result.datasets) datasets.set(dataset.id, dataset);
    for (const run of result.runs) {
      const metric = (value: number | null) => (value === null ? NaN : value);
      const restored = { ...run, roc: metric(run.roc), averagePrecision: metric(run.averagePrecision), fitSeconds: metric(run.fitSeconds), scoreSeconds: metric(run.scoreSeconds) };
      runs.set(`${run.dataset}\u0000${run.detector}\u0000${run.seed}`, restored);
    }
  }
  const order = (list: readonly string[]) => (name: string) => (list.includes(name) ? list.indexOf(name) : list.length);
  const byOrder = <T>(key: (item: T) => string, list: readonly string[]) => (a: T, b: T) => order(list)(key(a)) - order(list)(key(b));
  const lineup = BENCHMARK_LINEUP.map((entry) => entry.name);
  const allRuns = [...runs.values()];
  const detectors = [...new Set(allRuns.map((run) => run.detector))].sort(byOrder((name: string) => name, lineup));
  const sortedDatasets = [...datasets.values()].sort(byOrder((d: { id: string }) => d.id, ADBENCH_DATASETS));
  const cells = sortedDatasets.flatMap((dataset) =>
    detectors.filter((detector) => allRuns.some((run) => run.dataset === dataset.id && run.detector === detector))
      .map((detector) => cellOf(dataset.id, detector, allRuns)));
  const seeds = [...new Set(allRuns.map((run) => run.seed))].sort((a, b) => a - b);
  return { seeds, datasets: sortedDatasets, detectors, runs: allRuns, cells, ranks: ranksOf(cells) };
}

type RunOutcome = Omit<AdbenchRun, "dataset" | "detector" | "seed">;

const FAILED = { roc: NaN, averagePrecision: NaN, fitSeconds: NaN, scoreSeconds: NaN };

async function budgetedRun(runner: BudgetedRunner, detector: string, seed: number, split: AdbenchSplit): Promise<RunOutcome> {
  const result = await runner.run(detector, seed, split.train, split.test);
  if ("timedOut" in result) return { ...FAILED, error: `timed out: over the budget of ${runner.budgetSeconds} s per run`, timedOut: true };
  if ("error" in result) return { ...FAILED, error: result.error };
  return {
    roc: rocAuc(split.yTest, result.scores),
    averagePrecision: averagePrecision(split.yTest, result.scores),
    fitSeconds: result.fitSeconds,
    scoreSeconds: result.scoreSeconds,
  };
}

async function measuredRun(detector: AnyDetector, split: AdbenchSplit): Promise<RunOutcome> {
  try {
    const started = performance.now();
    await detector.fit(split.train);
    const fitted = performance.now();
    const scores = detector.score(split.test);
    const scored = performance.now();
    return {
      roc: rocAuc(split.yTest, scores),
      averagePrecision: averagePrecision(split.yTest, scores),
      fitSeconds: (fitted - started) / 1000,
      scoreSeconds: (scored - fitted) / 1000,
    };
  } catch (error) {
    return { ...FAILED, error: error instanceof Error ? error.message : String(error) };
  }
}

function cellOf(dataset: string, detector: string, runs: readonly AdbenchRun[]): AdbenchCell {
  const mine = runs.filter((run) => run.dataset === dataset && run.detector === detector);
  const ok = mine.filter((run) => run.error === undefined);
  const mean = (pick: (run: AdbenchRun) => number) => (ok.length === 0 ? NaN : ok.reduce((sum, run) => sum + pick(run), 0) / ok.length);
  return {
    dataset,
    detector,
    roc: mean((run) => run.roc),
    averagePrecision: mean((run) => run.averagePrecision),
    fitSeconds: mean((run) => run.fitSeconds),
    scoreSeconds: mean((run) => run.scoreSeconds),
    errors: mine.flatMap((run) => (run.error === undefined ? [] : [`seed ${run.seed}: ${run.error}`])),
    timedOut: mine.filter((run) => run.timedOut).length,
  };
}
