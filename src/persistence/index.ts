// Saving and loading detectors, and their options (re-exported by src/index.ts).
export { loadDetector } from "./load-detector";
export { DETECTOR_FILE_FORMAT, DETECTOR_FILE_VERSION } from "./detector-file";
export type { DetectorParams } from "./params";
export { encodeArray, encodeMatrix, encodeNumber, StateReader, type ArrayRule, type EncodedArray, type NumberRule } from "./state-codec";
