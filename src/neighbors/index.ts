export { kNearest, type KNearestOptions, type KNearestResult, type NeighborAlgorithm, type NeighborSearchOptions } from "./k-nearest";
