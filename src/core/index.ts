export {
  copyMatrix,
  createMatrix,
  isMatrix,
  matrixRow,
  matrixToArrays,
  selectRows,
  toMatrix,
  type DataFrameLike,
  type Matrix,
  type MatrixInput,
  type MatrixLike,
  type RowMajorLike,
  type SeriesLike,
  type ToMatrixOptions,
} from "./matrix";
export { AsyncBaseDetector, BaseDetector, DetectorCore, type AnyDetector, type AsyncDetector, type Detector, type FittedDetector, type FitOptions, type FitShape, type DetectorOptions, type PredictOptions, type PredictProbaOptions } from "./detector";
export { erf, erfc } from "./erf";
export { percentile } from "./percentile";
export { numpyMean, numpySum } from "./summation";
export { encodeLabels, toSklearnOutlierLabels, type ClassLabel, type EncodedLabels, type LabelInput } from "./labels";
export {
  aboveThreshold,
  checkThresholdRule,
  DEFAULT_THRESHOLD,
  describeThresholdRule,
  fixedThreshold,
  resolveThreshold,
  thresholdOf,
  type ThresholdOptions,
  type ThresholdRule,
} from "./threshold";
export { checkSeed, generatorFor, integerSeed, seedOption, type Seed, type SeedOptions } from "./seed";
export { checkContamination, checkCountOrFraction, checkFiniteNumber, checkInteger } from "./validation";
export { InterruptedError, interruptCheckpoint, interruptCount, requestInterrupt } from "./interrupt";
