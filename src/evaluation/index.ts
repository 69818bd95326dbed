export { toBinaryLabels, toScores, type VectorInput } from "./inputs";
export {
  accuracy,
  classificationReport,
  confusionMatrix,
  f1,
  precision,
  recall,
  type ClassificationReport,
  type ClassMetrics,
  type ConfusionMatrix,
} from "./classification";
export {
  precisionAtN,
  rocAuc,
  rocCurve,
  type PrecisionAtNOptions,
  type RocCurve,
  type RocCurveOptions,
} from "./ranking";
export { recallAtAlarmRate } from "./alarm-rate";
export { averagePrecision, precisionRecallCurve, type PrecisionRecallCurve } from "./pr-curve";
export {
  costOptimalThreshold,
  meanPlusStdThreshold,
  thresholdSweep,
  type CostOptimalThreshold,
  type CostOptions,
  type ThresholdPoint,
  type ThresholdRuleOptions,
} from "./threshold";
export { alarmSummary, type AlarmSummary } from "./alarms";
export { evaluateOverSeeds, SeedStudy, type PairedComparison, type SeedRun, type SeedStudyDetector, type SeedSummary } from "./seed-study";
