// The detectors the benchmark runs, with the settings their references in sklearn_ref.py use (PyOD defaults).
import type { Detector } from "../../src/core";
import { RandomForestClassifier } from "../../src/supervised";
import {
  ECODDetector, HBOSDetector, IForestDetector, KMeansDetector, KNNDetector, LOFDetector, MCDDetector, OCSVMDetector, PCADetector,
} from "../../src/detectors";

export interface BenchDetector {
  label: string;
  create: () => Detector;
  /** Larger data sets are skipped (e.g. O(n^2) methods). */
  maxRows: number;
}

export const BENCH_DETECTORS: Record<string, BenchDetector> = {
  knn: { label: "KNNDetector (k 5, largest)", create: () => new KNNDetector({ nNeighbors: 5 }), maxRows: Infinity },
  lof: { label: "LOFDetector (k 20)", create: () => new LOFDetector({ nNeighbors: 20 }), maxRows: Infinity },
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
