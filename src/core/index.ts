export {
  createMatrix,
  isMatrix,
  matrixRow,
  matrixToArrays,
  toMatrix,
  type DataFrameLike,
  type Matrix,
  type MatrixInput,
  type MatrixLike,
  type RowMajorLike,
  type SeriesLike,
  type ToMatrixOptions,
} from "./matrix";
export { BaseDetector, type Detector, type DetectorOptions, type PredictOptions } from "./detector";
export { percentile } from "./percentile";
export { numpyMean, numpySum } from "./summation";
export { checkContamination, checkFiniteNumber, checkInteger } from "./validation";
