import type { DetectorOptions } from "../core/detector";
import { TailProbabilityDetector } from "./ecod";

/** Options of {@link COPODDetector}: only `contamination` (COPOD has no hyper-parameters). */
export type COPODOptions = DetectorOptions;

/**
 * COPOD, Copula-Based Outlier Detection (Li et al. 2020), PyOD's `COPOD` (pyod/models/copod.py, `n_jobs=1`).
 *
 * Per feature, a row's left and right tail probabilities come from the empirical CDF of the column (ties
 * share the highest rank) and its mirror; their negative logs U_l, U_r measure extremeness (the empirical
 * copula's tails). The skewness-corrected tail (U_l for negative skewness, U_r for positive, both when it is
 * 0) and the mean (U_l + U_r) / 2 give each feature's contribution, their maximum; a row's score is the sum
 * over features. Deterministic, no parameters, no distances.
 *
 * It shares {@link ECODDetector}'s machinery (`ecodScores` with the tails' mean; ECOD takes max(U_l, U_r), as
 * PyOD's ECOD has since 0.9.9). COPOD's test holds this detector to PyOD 3.6.7's COPOD.
 *
 * Like PyOD, `score(X)` recomputes the ECDFs and skewness on the training rows followed by X and returns X's
 * scores: a batch's scores depend on the batch (score rows one at a time for batch-independent scores).
 *
 * Assumes outliers are extreme in some features' tails; invariant to monotone rescaling of each feature.
 * Complexity: O(n log n · d) to fit, O((n + m) log(n + m) · d) to score m rows; O(n d) memory.
 *
 * @example
 * const copod = new COPODDetector({ contamination: 0.05 }).fit(X);
 * copod.trainingScores; // sum over features of tail -log probabilities
 * copod.predict(XNew);
 */
export class COPODDetector extends TailProbabilityDetector {
  protected readonly tails = "mean";

  constructor(options: COPODOptions = {}) {
    super(options);
  }
}
