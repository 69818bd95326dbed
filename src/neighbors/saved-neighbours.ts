/**
 * A k-nearest-neighbour search result in a saved detector (KNN, LOF): the distances and row indices, checked at
 * load against the rows they belong to, so that a damaged file cannot make scoring read outside the training rows.
 */
import { encodeArray, type StateReader } from "../persistence/state-codec";
import type { KNearestResult } from "./k-nearest";

export function encodeNeighbours(neighbours: KNearestResult): Record<string, unknown> {
  return { k: neighbours.k, distances: encodeArray(neighbours.distances), indices: encodeArray(neighbours.indices) };
}

/** The neighbours of `rows` query rows among `trainRows` training rows, `k` each, read from `state`. */
export function readNeighbours(state: StateReader, rows: number, k: number, trainRows: number): KNearestResult {
  state.count("k", k, k);
  return {
    rows,
    k,
    distances: state.float64("distances", { length: rows * k, min: 0 }),
    indices: state.int32("indices", { length: rows * k, min: 0, max: trainRows - 1 }),
  };
}
