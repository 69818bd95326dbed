export { kNearest, type KNearestOptions, type KNearestResult } from "./neighbors";
export { KNNDetector, type KNNMethod, type KNNOptions } from "./knn";
export { kmeans, vq, type KMeansOptions, type KMeansResult, type VQResult } from "./kmeans";
export { KMeansDetector, type KMeansDetectorOptions } from "./kmeans-detector";
