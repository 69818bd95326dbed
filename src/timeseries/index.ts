// Public API of the time-series module (re-exported by src/index.ts).
export {
  NAB_PROBATION_PERCENT,
  NAB_PROFILE_NAMES,
  NAB_PROFILES,
  nabBestThreshold,
  nabProbationLength,
  nabScoreAtThreshold,
  nabScoresByThreshold,
  nabSweepRows,
  scaledSigmoid,
  scoreNab,
} from "./nab-scorer";
export type { NabCostMatrix, NabProfileName, NabProfileResult, NabScoringInput, NabSweepRows, NabThresholdScore, ScoreNabOptions } from "./nab-scorer";
export { stl } from "./stl";
export type { StlOptions, StlResult } from "./stl";
export { generalizedEsd, seasonalHybridEsd } from "./esd";
export type { EsdDirection, EsdStep, EsdZeroScale, GeneralizedEsdOptions, GeneralizedEsdResult, SeasonalHybridEsdOptions, SeasonalHybridEsdResult } from "./esd";
export { assertFiniteValues, checkTimestamps, epochMs, hourOfWeek } from "./series";
export type { SeriesRegularity } from "./series";
export { decompose, estimatePeriod, movingAverage, movingMedian } from "./decompose";
export type { Decomposition, DecomposeOptions, PeriodEstimate } from "./decompose";
export { CausalDetector, gaussianSurprise, RingBuffer, SuppressedDetector, zScore01 } from "./detector";
export type { TimeSeriesDetector } from "./detector";
export { ContextualGaussianDetector, RollingZScoreDetector, WindowedGaussianDetector } from "./baselines";
export { SeasonalHybridEsdDetector } from "./shesd-detector";
export type { SeasonalHybridEsdDetectorOptions } from "./shesd-detector";
export { anomalyLabNabEntries, NAB_PUBLISHED_LEADERS, nabScoreTable, runNabBenchmark } from "./nab-benchmark";
export type { NabBenchmarkRow, NabEntry, NabTableRow } from "./nab-benchmark";
