export {
  GlobalMinMaxScaler,
  MinMaxScaler,
  RobustScaler,
  StandardScaler,
  type MinMaxScalerOptions,
  type RobustScalerOptions,
} from "./scalers";
export {
  trainTestSplit,
  trainTestSplitIndices,
  type RowSelectable,
  type SplitIndices,
  type SplitPart,
  type Splittable,
  type TrainTestSplit,
  type TrainTestSplitOptions,
} from "./split";
export {
  RandomOverSampler,
  SMOTE,
  samplingPlan,
  type OverSamplerOptions,
  type Resampled,
  type SamplingPlan,
  type SamplingStrategy,
  type SMOTEOptions,
} from "./oversampling";
