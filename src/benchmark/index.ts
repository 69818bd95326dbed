// Public API of the benchmarks: PyOD's published table reproduced, ADBench's unsupervised sweep, average ranks.
export { ADBENCH_UNSUPERVISED, BENCHMARK_LINEUP, lineupEntry, pyodColumnEntry, type BenchmarkContext, type LineupEntry } from "./lineup";
export {
  PYOD_ODDS_DATASETS,
  PYOD_TABLE_ITERATIONS,
  PYOD_TABLE_SOURCE,
  publishedCell,
  pyodPublishedTable,
  type PublishedMetric,
  type PublishedRow,
  type PublishedTable,
} from "./published";
export {
  comparePublished,
  pythonRound,
  runPyodProtocol,
  type PublishedComparison,
  type PyodCell,
  type PyodDataset,
  type PyodProtocolOptions,
  type PyodProtocolResult,
  type PyodRun,
} from "./pyod-protocol";
export {
  ADBENCH_SEEDS,
  adbenchSplit,
  mergeAdbenchResults,
  runAdbenchProtocol,
  type AdbenchCell,
  type AdbenchProtocolOptions,
  type AdbenchProtocolResult,
  type AdbenchRun,
  type AdbenchSplit,
} from "./adbench-protocol";
export { averageRanks, rankData, type DetectorRank } from "./ranks";
export { readSavedBenchmark, resultsFolder, saveBenchmark, type SavedBenchmarks, type SavedHeader } from "./saved";
