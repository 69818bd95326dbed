// The detectors the benchmark runs, with the settings their references in sklearn_ref.py use (PyOD defaults).
// They come from the built package, as users' notebooks and programs get them (compiled JavaScript, no
// TypeScript loader in the timed code or in worker threads).
import {
  type Detector, ECODDetector, HBOSDetector, IForestDetector, KMeansDetector, KNNDetector, LOFDetector, MCDDetector, OCSVMDetector, PCADetector,
  RandomForestClassifier,
} from "anomaly-lab";

export interface BenchDetector {
  label: string;
  create: () => Detector;
  /** Larger data sets are skipped (e.g. O(n^2) methods). */
  maxRows: number;
  /** The scaling table (`--scaling`) skips sizes above this (default: maxRows). */
  scalingMaxRows?: number;
}

export const BENCH_DETECTORS: Record<string, BenchDetector> = {
  // Exact neighbour search is O(n^2) at 30 dimensions: 1M rows would take ~100x the 100k time.
  knn: { label: "KNNDetector (k 5, largest)", create: () => new KNNDetector({ nNeighbors: 5 }), maxRows: Infinity, scalingMaxRows: 100_000 },
  lof: { label: "LOFDetector (k 20)", create: () => new LOFDetector({ nNeighbors: 20 }), maxRows: Infinity, scalingMaxRows: 100_000 },
  iforest: { label: "IForestDetector (100 trees)", create: () => new IForestDetector({ seed: 0 }), maxRows: Infinity },
  hbos: { label: "HBOSDetector (10 bins)", create: () => new HBOSDetector(), maxRows: Infinity },
  ecod: { label: "ECODDetector", create: () => new ECODDetector(), maxRows: Infinity },
  pca: { label: "PCADetector (weighted)", create: () => new PCADetector(), maxRows: Infinity },
  mcd: { label: "MCDDetector (FastMCD)", create: () => new MCDDetector({ seed: 0 }), maxRows: 100_000 },
  // One-class SVM is O(n^2) in time and kernel evaluations for both implementations.
  ocsvm: { label: "OCSVMDetector (rbf, nu 0.5)", create: () => new OCSVMDetector(), maxRows: 10_000 },
  kmeans: { label: "KMeansDetector (k 4)", create: () => new KMeansDetector({ k: 4, seed: 0 }), maxRows: Infinity },
};

export interface BenchClassifier {
  label: string;
  create: () => RandomForestClassifier;
}

// Supervised baselines: fitted on the train part of a stratified split, ROC-AUC on the test part.
export const BENCH_CLASSIFIERS: Record<string, BenchClassifier> = {
  rf: { label: "RandomForestClassifier (100 trees)", create: () => new RandomForestClassifier({ seed: 0 }) },
};

/** The split every classifier run uses, in both languages: train_test_split(test_size=0.2, random_state=42, stratify=y). */
export const CLASSIFIER_SPLIT = { testSize: 0.2, seed: 42 } as const;
