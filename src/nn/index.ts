export { useBackend, activeBackend, BACKEND_ENV, type BackendInfo, type BackendName } from "./tf";
export { stopMatmulThreads } from "./matmul-threads";
export type { EarlyStoppingOptions, EpochLog, TrainingHistory, TrainingOptions } from "./training";
export type { InputScaling } from "./input-scaling";
export { NeuralDetector, type NeuralDetectorOptions } from "./neural-detector";
export type { Activation } from "./activations";
export type { ReconstructionError } from "./reconstruction";
export { AutoencoderDetector, CREDIT_CARD_TUTORIAL_LAYERS, type AutoencoderOptions, type DenseLayerSpec } from "./autoencoder";
export {
  LstmAutoencoderDetector,
  BEARING_TUTORIAL_ENCODER,
  BEARING_TUTORIAL_DECODER,
  type LstmAutoencoderOptions,
  type LstmLayerSpec,
} from "./lstm-autoencoder";
export { isTimeSeries, sequenceRows, type RowScoreOptions, type SequenceDetector, type SequenceInput } from "./sequence-detector";
export { checkRowMapping, ROW_MAPPINGS, windowsToRows, type RowMapping, type RowScores } from "./window-mapping";
export { WindowStream, type SequenceStream, type SequenceStreamSnapshot, type WindowScorer } from "./window-stream";
export { lstmLayer, LSTM_LAYER_CLASS_NAME, type LstmLayerArgs } from "./lstm-layer";
export { lstmStepLayer, LSTM_STEP_CLASS_NAME, type LstmStepArgs } from "./lstm-step";
export {
  checkTimeOrder,
  slidingWindows,
  timeSeries,
  timeSlice,
  windowCount,
  windowEndRow,
  windowEndTimes,
  windowScoresToRows,
  type TimeSeries,
  type Windows,
} from "./windows";
export type { AdversarialHistory } from "./adversarial-training";
export { VAEDetector, type VAEOptions, type VAELossTerms } from "./vae";
export { DeepSVDDDetector, type DeepSVDDOptions } from "./deep-svdd";
export type { GAALOptions } from "./gaal";
export { SOGAALDetector, type SOGAALOptions } from "./so-gaal";
export { MOGAALDetector, type MOGAALOptions } from "./mo-gaal";
export { GANEnsembleDetector, type GANEnsembleOptions } from "./gan-ensemble";
export { Conv1dAutoencoderDetector, type Conv1dAutoencoderOptions } from "./conv1d-autoencoder";
export { ConvAutoencoderDetector, type ConvArchitecture, type ConvAutoencoderOptions } from "./conv-autoencoder";
