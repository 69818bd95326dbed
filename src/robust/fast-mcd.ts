import { createMatrix, type Matrix } from "../core/matrix";
import { numpyMean, numpySum } from "../core/summation";
import type { RandomState } from "../random/random-state";
import {
  logDeterminant,
  mahalanobisSquared,
  maskedCovariance,
  maskedMean,
  pseudoInverseSymmetric,
} from "../linalg/covariance";
import { defineJob } from "../threads/jobs";
import { runJobs, toShared } from "../threads/pool";
import { numpyArgsort } from "../linalg/numpy-argsort";

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
 * One C-step run's result (sklearn's `_c_step` tuple), as plain data that can cross threads. The distances
 * are computed on demand (most candidates are discarded): from `location` and `precision`, or they are the
 * previous step's, kept in `previousDistances`.
 */
interface Candidate {
  readonly location: Float64Array;
  readonly covariance: Float64Array;
  readonly support: Uint8Array;
  readonly logDet: number;
  readonly precision?: Float64Array;
  readonly previousDistances?: Float64Array;
}

interface Estimate {
  readonly location: Float64Array;
  readonly covariance: Float64Array;
}

/**
 * sklearn's support size h for `supportFraction`: ceil((n + p + 1) / 2) by default (the
 * maximal breakdown point), at most n (p >= n: every row, as sklearn >= 1.8 caps it; older versions
 * sliced every row all the same), else floor(supportFraction * n).
 */
export function mcdSupportSize(n: number, p: number, supportFraction?: number): number {
  return supportFraction === undefined ? Math.min(Math.ceil(0.5 * (n + p + 1)), n) : Math.floor(supportFraction * n);
}

/** sklearn's split of n > 500 rows into subsets of ~300 rows, and the random starts each subset gets. */
function subsetLayout(n: number): { nSubsets: number; subsetSize: number; trialsPerSubset: number } {
  const nSubsets = Math.floor(n / 300);
  return { nSubsets, subsetSize: Math.floor(n / nSubsets), trialsPerSubset: Math.max(10, Math.floor(500 / nSubsets)) };
}

/**
 * The raw FastMCD estimate of `X` (n x p) with support size `nSupport`.
 * p = 1 uses the exact "shortest half" solution; p > 1 runs C-steps from random subsets,
 * on subsets of ~300 rows and a merged set of <= 1,500 rows when n > 500. The C-steps of each stage are
 * independent, so they are shared among up to `threads` threads; the random draws are made first, in
 * sklearn's order, and each C-step is computed by the same code wherever it runs, so the result does not
 * depend on the thread count.
 */
export function fastMcd(X: Matrix, nSupport: number, random: RandomState, threads = 1): RawMcd {
  const { rows: n, cols: p } = X;
  if (p === 1) return univariateMcd(X, nSupport);
  if (nSupport >= n) return everyRowMcd(X, random);
  if (n <= 500) {
    const starts = randomStarts(n, nSupport, 30, random);
    const best = select(runCSteps(X, [{ nSupport, iterations: 2, starts }], 1)[0], 10);
    return toRaw(X, select(runCSteps(X, [{ nSupport, iterations: 30, estimates: best }], 1)[0], 1)[0]);
  }
  // 1. Best candidates on disjoint random subsets of ~300 rows (2 C-steps each).
  const { nSubsets, subsetSize, trialsPerSubset } = subsetLayout(n);
  const shuffled = random.permutation(n);
  const hSubset = Math.ceil(subsetSize * (nSupport / n));
  const subsetJobs: CStepJob[] = Array.from({ length: nSubsets }, (_, s) => ({
    rows: Int32Array.from(shuffled.slice(s * subsetSize, (s + 1) * subsetSize)),
    nSupport: hSubset,
    iterations: 2,
    starts: randomStarts(subsetSize, hSubset, trialsPerSubset, random),
  }));
  const subsetOutcomes = runCSteps(X, subsetJobs, threads);
  const pooled: Estimate[] = subsetOutcomes.flatMap((outcome) => select(outcome, 10));
  // 2. Refine all of them on a merged random set of up to 1,500 rows.
  const nMerged = Math.min(1500, n);
  const hMerged = Math.ceil(nMerged * (nSupport / n));
  const selection = random.permutation(n).slice(0, nMerged);
  const mergedRows = Int32Array.from(selection);
  const merged = select(
    runSplit(X, { rows: mergedRows, nSupport: hMerged, iterations: 30, estimates: pooled }, n > 1500 ? 10 : 1, threads),
    n > 1500 ? 10 : 1,
  );
  if (n < 1500) {
    // The merged set is all rows, in permuted order: map its result back to row order.
    const support = new Uint8Array(n);
    const distances = new Float64Array(n);
    const mergedDistances = candidateDistances(takeRows(X, mergedRows), merged[0]);
    selection.forEach((row, k) => {
      support[row] = merged[0].support[k];
      distances[row] = mergedDistances[k];
    });
    return { location: merged[0].location, covariance: merged[0].covariance, support, distances };
  }
  // 3. The best of the 10 on the full data.
  return toRaw(X, select(runSplit(X, { nSupport, iterations: 30, estimates: merged }, 1, threads), 1)[0]);
}

/**
 * FastMCD when the support is every row (h >= n: p >= n under the default h, or supportFraction 1). Every C-step
 * can then only pick every row of its (sub)set, whatever the random starts: the raw estimate is the mean and
 * covariance of all rows (singular when p >= n: log-determinant -Infinity, distances under the pseudo-inverse, as
 * sklearn's pinvh gives them). The random draws are made as sklearn makes them (so that a shared generator moves
 * on alike) and the estimate is computed on the rows in the order the C-steps hold them (the merged set's
 * permutation when 500 < n < 1500), so the result is the C-steps' bit for bit, without their hundreds of p x p
 * pseudo-inverses (ADBench's InternetAds: 1,376 rows, 1,555 columns).
 */
function everyRowMcd(X: Matrix, random: RandomState): RawMcd {
  const n = X.rows;
  let order: Int32Array | undefined;
  if (n <= 500) {
    for (let trial = 0; trial < 30; trial++) random.permutation(n);
  } else {
    const { nSubsets, subsetSize, trialsPerSubset } = subsetLayout(n);
    random.permutation(n);
    for (let trial = 0; trial < nSubsets * trialsPerSubset; trial++) random.permutation(subsetSize);
    const selection = random.permutation(n);
    if (n < 1500) order = Int32Array.from(selection);
  }
  const rows = order === undefined ? X : takeRows(X, order);
  const support = new Uint8Array(n).fill(1);
  const location = maskedMean(rows, support);
  const covariance = maskedCovariance(rows, location, support);
  const distances = mahalanobisSquared(rows, location, pseudoInverseSymmetric(covariance, X.cols));
  if (order === undefined) return { location, covariance, support, distances };
  const rowDistances = new Float64Array(n);
  order.forEach((row, k) => {
    rowDistances[row] = distances[k];
  });
  return { location, covariance, support, distances: rowDistances };
}

/** C-steps from random h-subsets (`starts`) or from given estimates, on `rows` of X (all rows without). */
interface CStepJob {
  readonly rows?: Int32Array;
  readonly nSupport: number;
  readonly iterations: number;
  readonly starts?: readonly Uint8Array[];
  readonly estimates?: readonly Estimate[];
}

/**
 * A job's outcome: every candidate's log-determinant, in start order, and the full result of those that
 * can be among the job's best (`kept`; undefined for the others, whose data never leaves the thread).
 */
interface CStepOutcome {
  readonly logDets: Float64Array;
  readonly kept: readonly (Candidate | undefined)[];
}

/** C-step jobs on a shared matrix, each keeping its `keep` best (see {@link CStepOutcome}). */
interface McdTask {
  readonly X: SharedArrayBuffer;
  readonly rows: number;
  readonly cols: number;
  readonly jobs: readonly CStepJob[];
  readonly keep: number;
}

/** Runs job `job` of an {@link McdTask} on this thread. */
function runMcdJob(task: McdTask, job: number): CStepOutcome {
  return runJob(createMatrix(task.rows, task.cols, new Float64Array(task.X)), task.jobs[job], task.keep);
}

/** The worker pool's job for one share of C-steps (src/threads loads this module in a worker to find it). */
const cStepsJob = defineJob("robust.fast-mcd-c-steps", __filename, runMcdJob);

/** `nSupport`-row starting subsets: sklearn's `random.permutation(n)[:nSupport]`, one per trial. */
function randomStarts(n: number, nSupport: number, trials: number, random: RandomState): Uint8Array[] {
  return Array.from({ length: trials }, () => maskOf(random.permutation(n).slice(0, nSupport), n));
}

function runJob(X: Matrix, job: CStepJob, keep: number): CStepOutcome {
  const data = job.rows === undefined ? X : takeRows(X, job.rows);
  const candidates = job.starts !== undefined
    ? job.starts.map((start) => cStep(data, job.nSupport, job.iterations, start))
    : (job.estimates ?? []).map((estimate) => cStep(data, job.nSupport, job.iterations, undefined, estimate));
  const logDets = Float64Array.from(candidates, (candidate) => candidate.logDet);
  // Any candidate among the `keep` best overall is among the `keep` best of its own job: keep every one
  // whose log-determinant is at most this job's keep-th smallest (ties included).
  const sorted = Float64Array.from(logDets).sort();
  const limit = sorted.length <= keep ? Infinity : sorted[keep - 1];
  return { logDets, kept: candidates.map((candidate) => (candidate.logDet <= limit || Number.isNaN(candidate.logDet) ? candidate : undefined)) };
}

/** Runs the jobs on up to `threads` threads (this one included); outcomes in job order. */
function runCSteps(X: Matrix, jobs: readonly CStepJob[], threads: number, keep = 10): CStepOutcome[] {
  if (threads <= 1 || jobs.length <= 1) return jobs.map((job) => runJob(X, job, keep));
  const task: McdTask = { X: toShared(X.data), rows: X.rows, cols: X.cols, jobs, keep };
  return runJobs(threads, jobs.length, cStepsJob, task, "FastMCD", (job) => runJob(X, jobs[job], keep));
}

/**
 * One job from estimates, split into contiguous shares (a few per thread, so that uneven C-steps balance),
 * its outcome reassembled in order.
 */
function runSplit(X: Matrix, job: CStepJob, keep: number, threads: number): CStepOutcome {
  const estimates = job.estimates ?? [];
  const parts = threads <= 1 ? 1 : Math.max(1, Math.min(4 * threads, estimates.length));
  const shares = Array.from({ length: parts }, (_, part): CStepJob => ({
    ...job,
    estimates: estimates.slice(Math.round((part * estimates.length) / parts), Math.round(((part + 1) * estimates.length) / parts)),
  }));
  const outcomes = runCSteps(X, shares, threads, keep);
  const logDets = new Float64Array(estimates.length);
  let offset = 0;
  for (const outcome of outcomes) {
    logDets.set(outcome.logDets, offset);
    offset += outcome.logDets.length;
  }
  return { logDets, kept: outcomes.flatMap((outcome) => outcome.kept) };
}

/**
 * sklearn's `select_candidates` selection: the `count` candidates with the lowest log-determinant, best
 * first, in numpy's argsort order over all of them.
 */
function select(outcome: CStepOutcome, count: number): Candidate[] {
  const order = numpyArgsort(outcome.logDets);
  return Array.from(order.subarray(0, count), (k) => {
    const candidate = outcome.kept[k];
    if (candidate === undefined) throw new Error(`FastMCD: candidate ${k} was selected but not kept (internal error)`);
    return candidate;
  });
}

/**
 * sklearn's `_c_step`: from a random h-subset (or the h rows closest under an initial estimate),
 * repeatedly re-select the h rows with the smallest Mahalanobis distances while the covariance
 * determinant decreases, for at most `iterations` steps. Reproduces sklearn's quirks: the returned
 * distances use the precision of the previous step's covariance.
 */
function cStep(X: Matrix, nSupport: number, iterations: number, start: Uint8Array | undefined, initial?: Estimate): Candidate {
  const p = X.cols;
  let remaining = iterations;
  let distances: Float64Array | undefined;
  let precision: Float64Array | undefined;
  let support: Uint8Array;
  if (initial === undefined) {
    support = start as Uint8Array;
  } else {
    precision = pseudoInverseSymmetric(initial.covariance, p);
    distances = mahalanobisSquared(X, initial.location, precision);
    support = smallest(distances, nSupport);
  }
  let location = maskedMean(X, support);
  let covariance = maskedCovariance(X, location, support);
  let logDet = logDeterminant(covariance, p);
  if (!Number.isFinite(logDet)) precision = pseudoInverseSymmetric(covariance, p);

  let previous: Candidate | undefined;
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
  const current: Candidate = { location, covariance, support, logDet, precision: precision as Float64Array };
  // sklearn's cascade of checks, where a later match overrides an earlier one: the current
  // estimate, unless the determinant increased (possible on near-singular subsets) with
  // iterations left, in which case the previous one with its distances.
  if (!allClose(logDet, previousLogDet) && logDet > previousLogDet && remaining > 0 && previous !== undefined) {
    return { ...previous, previousDistances };
  }
  return current;
}

/** The candidate's distances on the rows it was fitted on (`X`). */
function candidateDistances(X: Matrix, candidate: Candidate): Float64Array {
  return candidate.previousDistances ?? mahalanobisSquared(X, candidate.location, candidate.precision as Float64Array);
}

function toRaw(X: Matrix, candidate: Candidate): RawMcd {
  const { location, covariance, support } = candidate;
  return { location, covariance, support, distances: candidateDistances(X, candidate) };
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

function takeRows(X: Matrix, rows: ArrayLike<number>): Matrix {
  const p = X.cols;
  const data = new Float64Array(rows.length * p);
  for (let k = 0; k < rows.length; k++) data.set(X.data.subarray(rows[k] * p, (rows[k] + 1) * p), k * p);
  return createMatrix(rows.length, p, data);
}

/** np.allclose(a, b) for scalars: |a - b| <= 1e-8 + 1e-5 |b|, infinities equal only to themselves. */
function allClose(a: number, b: number): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= 1e-8 + 1e-5 * Math.abs(b);
}
