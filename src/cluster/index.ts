export { kmeans, vq, type KMeansOptions, type KMeansResult, type VQResult } from "./kmeans";
export { nearestCenters, sklearnKMeans, type SklearnKMeansOptions, type SklearnKMeansResult } from "./sklearn-kmeans";
