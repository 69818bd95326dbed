/**
 * The detectors the benchmarks run, one line each: how PyOD's benchmark.py and ADBench build each one, on
 * anomaly-lab's detector contract. Adding a detector to both benchmarks is one entry in {@link BENCHMARK_LINEUP}.
 */
import type { AnyDetector } from "../core/detector";
import { ABODDetector } from "../detectors/abod";
import { CBLOFDetector } from "../detectors/cblof";
import { COFDetector } from "../detectors/cof";
import { COPODDetector } from "../detectors/copod";
import { ECODDetector } from "../detectors/ecod";
import { FeatureBaggingDetector } from "../detectors/feature-bagging";
import { GMMDetector } from "../detectors/gmm";
import { HBOSDetector } from "../detectors/hbos";
import { IForestDetector } from "../detectors/iforest";
import { INNEDetector } from "../detectors/inne";
import { KDEDetector } from "../detectors/kde";
import { KNNDetector } from "../detectors/knn";
import { LODADetector } from "../detectors/loda";
import { LOFDetector } from "../detectors/lof";
import { MCDDetector } from "../detectors/mcd";
import { OCSVMDetector } from "../detectors/ocsvm";
import { PCADetector } from "../detectors/pca";
import { SODDetector } from "../detectors/sod";
import { DeepSVDDDetector } from "../nn/deep-svdd";
import type { RandomState } from "../random/random-state";

/** What a benchmark hands a detector's constructor. */
export interface BenchmarkContext {
  /** Which protocol builds it: PyOD's table passes `contamination`, CBLOF's 10 clusters, a shared generator. */
  readonly protocol: "pyod" | "adbench";
  /** PyOD: the data's outlier fraction; ADBench: PyOD's default 0.1 (it passes none). */
  readonly contamination: number;
  /**
   * The protocol's generator. PyOD: the split's `RandomState(i)`, shared by every randomised detector of the
   * iteration in column order (as benchmark.py passes `random_state=random_state`). ADBench: a fresh
   * `RandomState(seed)` per detector (numpy's global generator after `np.random.seed(seed)`).
   */
  readonly random: RandomState;
  /** An integer seed, for detectors seeded by number (the neural ones; ADBench seeds torch with it). */
  readonly seed: number;
}

/** One detector of the benchmarks. */
export interface LineupEntry {
  /** Name in the result tables: PyOD's class name ("IForest", "FeatureBagging"). */
  readonly name: string;
  /** Its column in PyOD's published table, where it has one ("FB" for FeatureBagging). */
  readonly pyodColumn?: string;
  /** What makes a row anomalous for it, in a few words (notebook tables). */
  readonly idea: string;
  /** Whether its scores depend on random draws (compared within 0.02 of PyOD's cells, not 0.005). */
  readonly randomised: boolean;
  /** Trains a network (seconds to minutes a fit): left out of the default ADBench sweep in quick mode. */
  readonly neural?: boolean;
  /** A new, unfitted detector as the protocol builds it. */
  readonly make: (context: BenchmarkContext) => AnyDetector;
}

/** PyOD's `DeepSVDD` epochs; as the early-stopping patience, training never stops early and keeps the best epoch. */
const PYOD_DEEP_SVDD_EPOCHS = 100;

/**
 * Every detector the benchmarks can run: PyOD's table's ten columns (ABOD, CBLOF, FB, HBOS, IForest, KNN, LOF, MCD,
 * OCSVM, PCA, built as its benchmark.py builds them), ADBench's unsupervised lineup ({@link ADBENCH_UNSUPERVISED}:
 * all but DAGMM, each with PyOD's defaults as adbench/baseline/PyOD.py builds it: `Model().fit(X_train)` after
 * seeding numpy's generator), and PyOD's INNE, KDE and GMM. PyOD's benchmark.py passes only `contamination` and
 * `random_state`, plus `n_clusters=10` to CBLOF; ADBench passes nothing.
 */
export const BENCHMARK_LINEUP: readonly LineupEntry[] = [
  {
    name: "ABOD", pyodColumn: "ABOD", idea: "sees its 5 neighbours under little angle variance", randomised: false,
    make: (c) => new ABODDetector({ contamination: c.contamination }),
  },
  {
    name: "CBLOF", pyodColumn: "CBLOF", idea: "far from the large k-means clusters", randomised: true,
    make: (c) => new CBLOFDetector({ contamination: c.contamination, nClusters: c.protocol === "pyod" ? 10 : 8, seed: c.random }),
  },
  {
    name: "FeatureBagging", pyodColumn: "FB", idea: "LOF outlier on random feature subsets", randomised: true,
    make: (c) => new FeatureBaggingDetector({ contamination: c.contamination, seed: c.random }),
  },
  { name: "HBOS", pyodColumn: "HBOS", idea: "rare bins of per-feature histograms", randomised: false, make: (c) => new HBOSDetector({ contamination: c.contamination }) },
  { name: "IForest", pyodColumn: "IForest", idea: "isolated by few random splits", randomised: true, make: (c) => new IForestDetector({ contamination: c.contamination, seed: c.random }) },
  { name: "KNN", pyodColumn: "KNN", idea: "far from its 5th nearest neighbour", randomised: false, make: (c) => new KNNDetector({ contamination: c.contamination }) },
  { name: "LOF", pyodColumn: "LOF", idea: "sparser than its 20 neighbours", randomised: false, make: (c) => new LOFDetector({ contamination: c.contamination }) },
  { name: "MCD", pyodColumn: "MCD", idea: "robust Mahalanobis distance", randomised: true, make: (c) => new MCDDetector({ contamination: c.contamination, seed: c.random, correction: "median" }) },
  { name: "OCSVM", pyodColumn: "OCSVM", idea: "outside an RBF one-class boundary", randomised: false, make: (c) => new OCSVMDetector({ contamination: c.contamination }) },
  // PyOD passes random_state to PCA too; its full SVD draws nothing.
  { name: "PCA", pyodColumn: "PCA", idea: "far along low-variance principal axes", randomised: false, make: (c) => new PCADetector({ contamination: c.contamination, signs: "row-votes" }) },
  { name: "ECOD", idea: "in the tails of per-feature empirical CDFs", randomised: false, make: (c) => new ECODDetector({ contamination: c.contamination }) },
  {
    name: "COPOD", idea: "in the tails of the empirical copula", randomised: false,
    make: (c) => new COPODDetector({ contamination: c.contamination }),
  },
  {
    name: "LODA", idea: "rare bins of histograms on random projections", randomised: true,
    make: (c) => new LODADetector({ contamination: c.contamination, seed: c.random }),
  },
  {
    name: "COF", idea: "its neighbours chain away from it", randomised: false,
    make: (c) => new COFDetector({ contamination: c.contamination }),
  },
  {
    name: "SOD", idea: "off the subspace its shared neighbours span", randomised: false,
    make: (c) => new SODDetector({ contamination: c.contamination }),
  },
  {
    name: "INNE", idea: "outside small random nearest-neighbour spheres", randomised: true,
    make: (c) => new INNEDetector({ contamination: c.contamination, seed: c.random }),
  },
  {
    name: "KDE", idea: "low Gaussian kernel density", randomised: false,
    make: (c) => new KDEDetector({ contamination: c.contamination }),
  },
  {
    name: "GMM", idea: "unlikely under a Gaussian mixture", randomised: true,
    make: (c) => new GMMDetector({ contamination: c.contamination, seed: c.random }),
  },
  // ADBench builds PyOD's `DeepSVDD()` (PyOD 3.6.7: n_features from X): 100 epochs of batches of 32, Adam with
  // learning rate 1e-4 and weight_decay 0.5e-6 (our weightDecay's default), layers [64, 32] without bias and with
  // relu on the output too, inputs standardised, the centre from the untrained network (eps 0.1), and the weights
  // of the epoch with the lowest training loss kept at the end. anomaly-lab's own defaults differ in the learning
  // rate (1e-3), the output (linear), the scaling (min-max) and keeping the last epoch (see deep-svdd.ts), so they
  // are set here. Not reproduced: PyOD's extra 1e-6 * (sum of the weight matrices' Frobenius norms) in the loss, and
  // its best epoch is the lowest sum of batch means (ours: the mean over rows; they differ by the last, short batch).
  {
    name: "DeepSVDD", idea: "far from the centre a network maps normal rows to", randomised: true, neural: true,
    make: (c) => new DeepSVDDDetector({
      contamination: c.contamination, seed: c.seed, progress: false, epochs: PYOD_DEEP_SVDD_EPOCHS, batchSize: 32,
      learningRate: 1e-4, outputActivation: "relu", preprocessing: "standard",
      earlyStopping: { monitor: "loss", patience: PYOD_DEEP_SVDD_EPOCHS, restoreBestWeights: true },
    }),
  },
];

/** ADBench's unsupervised lineup (adbench/run.py, after dropping SOGAAL, MOGAAL, LSCP, MCD, FeatureBagging for cost). */
export const ADBENCH_UNSUPERVISED: readonly string[] = [
  "IForest", "OCSVM", "CBLOF", "COF", "COPOD", "ECOD", "HBOS", "KNN", "LODA", "LOF", "PCA", "SOD", "DeepSVDD", "DAGMM",
];

/**
 * The lineup entry of a name (case-insensitive; PyOD's column names such as "FB" too); unknown names throw and
 * list the known ones.
 *
 * @example lineupEntry("knn").name; // "KNN"
 */
export function lineupEntry(name: string): LineupEntry {
  const wanted = name.trim().toLowerCase();
  const entry = BENCHMARK_LINEUP.find((e) => e.name.toLowerCase() === wanted || e.pyodColumn?.toLowerCase() === wanted);
  if (entry === undefined) {
    throw new RangeError(`No detector "${name}" in the benchmark lineup; known: ${BENCHMARK_LINEUP.map((e) => e.name).join(", ")}`);
  }
  return entry;
}

/** The entry behind a column of PyOD's table (undefined for a column the lineup has no entry for). */
export function pyodColumnEntry(column: string): LineupEntry | undefined {
  return BENCHMARK_LINEUP.find((e) => e.pyodColumn === column);
}
