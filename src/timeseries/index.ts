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
export type { SeriesState, SeriesStream } from "./saved-stream";
export { ContextualGaussianDetector, RollingZScoreDetector, WindowedGaussianDetector } from "./baselines";
export { SeasonalHybridEsdDetector } from "./shesd-detector";
export type { SeasonalHybridEsdDetectorOptions } from "./shesd-detector";
export { anomalyLabNabEntries, NAB_PUBLISHED_LEADERS, nabScoreTable, runNabBenchmark } from "./nab-benchmark";
export type { NabBenchmarkRow, NabEntry, NabTableRow } from "./nab-benchmark";
export { checkSnapshot, streamScores, summariseSeries } from "./stream";
export type { DetectorStream, SeriesSummary, StreamingDetector, StreamSnapshot } from "./stream";
export { restoreStream } from "./stream-registry";
export { CadOseStream, ContextOseDetector } from "./cad-ose";
export type { CadOseOptions, CadOseSnapshot, ContextOseDetectorOptions } from "./cad-ose";
export { artimeProbation, ArtimeDetector, ArtimeStream } from "./artime/artime";
export type { ArtimeOptions, ArtimeSnapshot } from "./artime/artime";
export { AnomalyLikelihood, LikelihoodDetector, LikelihoodStream } from "./anomaly-likelihood";
export type { AnomalyLikelihoodOptions, AnomalyLikelihoodState, LikelihoodDetectorOptions } from "./anomaly-likelihood";
export { RandomCutForestDetector, RandomCutForestStream } from "./rcf";
export type { RandomCutForestOptions, RandomCutForestSnapshot } from "./rcf";
export { nabResultsRoundTrip, nabValuesAsNabReadThem, pandasLegacyFloat } from "./nab-input";
export { anomalyLabNabDetector, nabLeaderEntries } from "./nab-leaders";
export { AgreementDetector, AgreementStream } from "./agreement";
export type { AgreementOptions } from "./agreement";
export { nabResultsCsv, nabResultsPath, nabTimestamp } from "./nab-results";
export { Python27IntDict, python27TupleHash } from "./python27";
