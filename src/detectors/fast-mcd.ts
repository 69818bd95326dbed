import { createMatrix, type Matrix } from "../core/matrix";
import { numpyMean, numpySum } from "../core/summation";
import type { RandomState } from "../random/random-state";
import {
  logDeterminant,
  mahalanobisSquared,
  maskedCovariance,
  maskedMean,
  pseudoInverseSymmetric,
} from "./covariance";
import { numpyArgsort } from "./numpy-argsort";

/**
 * FastMCD (Rousseeuw & Van Driessen, 1999) step for step as scikit-learn 1.2's `fast_mcd`:
 * the same subset sizes, trial counts, C-steps, stopping rules and the same sequence of
 * `RandomState.permutation` draws, so a seed reproduces sklearn's `random_state=seed`.
 */

/** Raw (uncorrected) MCD estimate: sklearn's `raw_location_`, `raw_covariance_`, `raw_support_`. */
export interface RawMcd {
  /** Mean of the support rows. */
  readonly location: Float64Array;
  /** Covariance of the support rows, row-major p x p (divided by the support size). */
  readonly covariance: Float64Array;
  /** 1 for the h rows whose covariance has the smallest determinant found. */
  readonly support: Uint8Array;
  /** Squared Mahalanobis distances of all rows from the C-step that produced the estimate. */
  readonly distances: Float64Array;
}

/**
 * One C-step run's result (sklearn's `_c_step` tuple). The distances are computed on demand:
 * most candidates are discarded, and only the final one's distances are used.
 */
interface Candidate {
  readonly location: Float64Array;
  readonly covariance: Float64Array;
  readonly support: Uint8Array;
  readonly distances: () => Float64Array;
  readonly logDet: number;
}

interface Estimate {
  readonly location: Float64Array;
  readonly covariance: Float64Array;
}

/**
 * sklearn's support size h for `supportFraction`: ceil((n + p + 1) / 2) by default (the
 * maximal breakdown point), else floor(supportFraction * n).
 */
export function mcdSupportSize(n: number, p: number, supportFraction?: number): number {
  return supportFraction === undefined ? Math.ceil(0.5 * (n + p + 1)) : Math.floor(supportFraction * n);
}

/**
 * The raw FastMCD estimate of `X` (n x p) with support size `nSupport`.
 * p = 1 uses the exact "shortest half" solution; p > 1 runs C-steps from random subsets,
 * on subsets of ~300 rows and a merged set of <= 1,500 rows when n > 500.
 */
export function fastMcd(X: Matrix, nSupport: number, random: RandomState): RawMcd {
  const { rows: n, cols: p } = X;
  if (p === 1) return univariateMcd(X, nSupport);
  if (n <= 500) {
    const best = selectCandidates(X, nSupport, { trials: 30 }, 10, 2, random);
    return toRaw(selectCandidates(X, nSupport, { estimates: best }, 1, 30, random)[0]);
  }
  // 1. Best candidates on disjoint random subsets of ~300 rows (2 C-steps each).
  const nSubsets = Math.floor(n / 300);
  const subsetSize = Math.floor(n / nSubsets);
  const shuffled = random.permutation(n);
  const hSubset = Math.ceil(subsetSize * (nSupport / n));
  const trialsPerSubset = Math.max(10, Math.floor(500 / nSubsets));
  const pooled: Estimate[] = [];
  for (let s = 0; s < nSubsets; s++) {
    const subset = takeRows(X, shuffled.slice(s * subsetSize, (s + 1) * subsetSize));
    pooled.push(...selectCandidates(subset, hSubset, { trials: trialsPerSubset }, 10, 2, random));
  }
  // 2. Refine all of them on a merged random set of up to 1,500 rows.
  const nMerged = Math.min(1500, n);
  const hMerged = Math.ceil(nMerged * (nSupport / n));
  const selection = random.permutation(n).slice(0, nMerged);
  const merged = selectCandidates(takeRows(X, selection), hMerged, { estimates: pooled }, n > 1500 ? 10 : 1, 30, random);
  if (n < 1500) {
    // The merged set is all rows, in permuted order: map its result back to row order.
    const support = new Uint8Array(n);
    const distances = new Float64Array(n);
    const mergedDistances = merged[0].distances();
    selection.forEach((row, k) => {
      support[row] = merged[0].support[k];
      distances[row] = mergedDistances[k];
    });
    return { location: merged[0].location, covariance: merged[0].covariance, support, distances };
  }
  // 3. The best of the 10 on the full data.
  return toRaw(selectCandidates(X, nSupport, { estimates: merged }, 1, 30, random)[0]);
}

/**
 * sklearn's `select_candidates`: C-steps from `trials` random subsets or from given estimates;
 * the `select` results with the lowest log-determinant, best first.
 */
function selectCandidates(
  X: Matrix,
  nSupport: number,
  start: { trials: number } | { estimates: readonly Estimate[] },
  select: number,
  iterations: number,
  random: RandomState,
): Candidate[] {
  const candidates =
    "trials" in start
      ? Array.from({ length: start.trials }, () => cStep(X, nSupport, iterations, random))
      : start.estimates.map((estimate) => cStep(X, nSupport, iterations, random, estimate));
  const order = numpyArgsort(candidates.map((candidate) => candidate.logDet));
  return Array.from(order.subarray(0, select), (k) => candidates[k]);
}

/**
 * sklearn's `_c_step`: from a random h-subset (or the h rows closest under an initial estimate),
 * repeatedly re-select the h rows with the smallest Mahalanobis distances while the covariance
 * determinant decreases, for at most `iterations` steps. Reproduces sklearn's quirks: the returned
 * distances use the precision of the previous step's covariance.
 */
function cStep(X: Matrix, nSupport: number, iterations: number, random: RandomState, initial?: Estimate): Candidate {
  const p = X.cols;
  let remaining = iterations;
  let distances: Float64Array | undefined;
  let precision: Float64Array | undefined;
  let support: Uint8Array;
  if (initial === undefined) {
    support = maskOf(random.permutation(X.rows).slice(0, nSupport), X.rows);
  } else {
    precision = pseudoInverseSymmetric(initial.covariance, p);
    distances = mahalanobisSquared(X, initial.location, precision);
    support = smallest(distances, nSupport);
  }
  let location = maskedMean(X, support);
  let covariance = maskedCovariance(X, location, support);
  let logDet = logDeterminant(covariance, p);
  if (!Number.isFinite(logDet)) precision = pseudoInverseSymmetric(covariance, p);

  let previous: Omit<Candidate, "distances"> | undefined;
  let previousLogDet = Infinity;
  while (logDet < previousLogDet && remaining > 0 && Number.isFinite(logDet)) {
    previous = { location, covariance, support, logDet };
    previousLogDet = logDet;
    precision = pseudoInverseSymmetric(covariance, p);
    distances = mahalanobisSquared(X, location, precision);
    support = smallest(distances, nSupport);
    location = maskedMean(X, support);
    covariance = maskedCovariance(X, location, support);
    logDet = logDeterminant(covariance, p);
    remaining--;
  }
  const previousDistances = distances as Float64Array;
  const finalPrecision = precision as Float64Array;
  const finalLocation = location;
  const current: Candidate = {
    location,
    covariance,
    support,
    distances: () => mahalanobisSquared(X, finalLocation, finalPrecision),
    logDet,
  };
  // sklearn's cascade of checks, where a later match overrides an earlier one: the current
  // estimate, unless the determinant increased (possible on near-singular subsets) with
  // iterations left, in which case the previous one with its distances.
  if (!allClose(logDet, previousLogDet) && logDet > previousLogDet && remaining > 0 && previous !== undefined) {
    return { ...previous, distances: () => previousDistances };
  }
  return current;
}

function toRaw(candidate: Candidate): RawMcd {
  const { location, covariance, support } = candidate;
  return { location, covariance, support, distances: candidate.distances() };
}

/** The exact p = 1 MCD: the shortest interval holding h sorted values (sklearn's 1-D branch). */
function univariateMcd(X: Matrix, nSupport: number): RawMcd {
  const n = X.rows;
  const values = X.data;
  let location: number;
  let support: Uint8Array;
  if (nSupport < n) {
    const sorted = Float64Array.from(values).sort();
    let shortest = Infinity;
    for (let k = 0; k < n - nSupport; k++) shortest = Math.min(shortest, sorted[nSupport + k] - sorted[k]);
    const midpointSums: number[] = [];
    for (let k = 0; k < n - nSupport; k++) {
      if (sorted[nSupport + k] - sorted[k] === shortest) midpointSums.push(sorted[nSupport + k] + sorted[k]);
    }
    location = 0.5 * numpyMean(midpointSums);
    // The two ends of the shortest half are equally far from its midpoint: numpy's tie order decides.
    const byDeviation = numpyArgsort(values.map((value) => Math.abs(value - location)));
    support = maskOf(byDeviation.subarray(0, nSupport), n);
  } else {
    location = numpyMean(values);
    support = new Uint8Array(n).fill(1);
  }
  const kept = values.filter((_, i) => support[i] === 1);
  const variance = numpyVariance(kept);
  // scipy's pinvh of [[variance]]: 1 / variance unless the variance is zero.
  const precision = variance > variance * Number.EPSILON ? 1 / variance : 0;
  const distances = Float64Array.from(values, (value) => {
    const centred = value - location;
    return centred * precision * centred;
  });
  return { location: Float64Array.of(location), covariance: Float64Array.of(variance), support, distances };
}

/** np.var of a contiguous array: pairwise sums, ddof 0. */
function numpyVariance(values: Float64Array): number {
  const mean = numpyMean(values);
  const squares = values.map((value) => (value - mean) * (value - mean));
  return numpySum(squares) / values.length;
}

/** Mask of the `count` rows with the smallest values: numpy's `argsort(d)[:count]`, ties included. */
function smallest(values: Float64Array, count: number): Uint8Array {
  return maskOf(numpyArgsort(values).subarray(0, count), values.length);
}

function maskOf(rows: ArrayLike<number>, n: number): Uint8Array {
  const mask = new Uint8Array(n);
  for (let k = 0; k < rows.length; k++) mask[rows[k]] = 1;
  return mask;
}

function takeRows(X: Matrix, rows: readonly number[]): Matrix {
  const p = X.cols;
  const data = new Float64Array(rows.length * p);
  rows.forEach((row, k) => data.set(X.data.subarray(row * p, (row + 1) * p), k * p));
  return createMatrix(rows.length, p, data);
}

/** np.allclose(a, b) for scalars: |a - b| <= 1e-8 + 1e-5 |b|, infinities equal only to themselves. */
function allClose(a: number, b: number): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= 1e-8 + 1e-5 * Math.abs(b);
}
