export { KNNDetector, type KNNMethod, type KNNOptions } from "./knn";
export { KMeansDetector, type KMeansDetectorOptions } from "./kmeans-detector";
export {
  MCDDetector,
  mcdFromRawSupport,
  minCovDet,
  type MCDOptions,
  type MinCovDetOptions,
  type MinCovDetResult,
} from "./mcd";
export { EllipticEnvelope, EllipticEnvelopeDetector } from "./elliptic-envelope";
export { PCADetector, type PCAMethod, type PCAOptions } from "./pca";
export { OCSVMDetector, type OCSVMOptions } from "./ocsvm";
export { LOFDetector, type LOFOptions } from "./lof";
export { averagePathLength, IForestDetector, type IForestOptions } from "./iforest";
export { HBOSDetector, type HBOSOptions } from "./hbos";
export { ECODDetector, type ECODOptions } from "./ecod";
export { IQRDetector, MADDetector, ZScoreDetector, type IQRDetectorOptions, type RuleDetectorOptions } from "./univariate";
export { MahalanobisDetector, type MahalanobisOptions } from "./mahalanobis";
export { ABODDetector, type ABODOptions } from "./abod";
export { CBLOFDetector, type CBLOFOptions } from "./cblof";
export { FeatureBaggingDetector, type FeatureBaggingCombination, type FeatureBaggingOptions } from "./feature-bagging";
export { COPODDetector, type COPODOptions } from "./copod";
export { LODADetector, type LODAOptions } from "./loda";
export { COFDetector, type COFOptions } from "./cof";
export { SODDetector, type SODOptions } from "./sod";
export { INNEDetector, type INNEOptions } from "./inne";
export { KDEDetector, type KDEBandwidth, type KDEOptions } from "./kde";
export { GMMDetector, type GMMOptions } from "./gmm";
