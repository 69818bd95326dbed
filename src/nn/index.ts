export { useBackend, activeBackend, BACKEND_ENV, type BackendInfo, type BackendName } from "./tf";
export type { EarlyStoppingOptions, EpochLog, TrainingHistory, TrainingOptions } from "./training";
export type { InputScaling } from "./input-scaling";
export { NeuralDetector, type NeuralDetectorOptions, type ThresholdRule } from "./neural-detector";
export {
  AutoencoderDetector,
  CREDIT_CARD_TUTORIAL_LAYERS,
  type Activation,
  type AutoencoderOptions,
  type DenseLayerSpec,
  type ReconstructionError,
} from "./autoencoder";
export { ConvAutoencoderDetector, type ConvArchitecture, type ConvAutoencoderOptions } from "./conv-autoencoder";
export { registerWasmConvFilterGradient } from "./wasm-conv-filter-gradient";
