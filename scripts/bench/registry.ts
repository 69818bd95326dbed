// The detectors the benchmark runs, with the settings their references in sklearn_ref.py use (PyOD defaults).
import type { Detector } from "../../src/core";
import { KMeansDetector, KNNDetector } from "../../src/detectors";

export interface BenchDetector {
  label: string;
  create: () => Detector;
  /** Larger data sets are skipped (e.g. O(n^2) methods). */
  maxRows: number;
}

export const BENCH_DETECTORS: Record<string, BenchDetector> = {
  knn: { label: "KNNDetector (k 5, largest)", create: () => new KNNDetector({ nNeighbors: 5 }), maxRows: Infinity },
  kmeans: { label: "KMeansDetector (k 4)", create: () => new KMeansDetector({ k: 4, seed: 0 }), maxRows: Infinity },
};
