import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import { generatorFor, seedOption, type Seed, type SeedOptions } from "../core/seed";
import { createMatrix, type Matrix } from "../core/matrix";
import { numpyMean } from "../core/summation";
import { checkCountOrFraction, checkInteger } from "../core/validation";
import type { NeighborAlgorithm, NeighborSearchOptions } from "../neighbors/k-nearest";
import { checkNeighborSearchOptions } from "../neighbors/k-nearest";
import { RandomState } from "../random/random-state";
import { LOFDetector } from "./lof";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, type StateReader } from "../persistence/state-codec";

/** How the base detectors' scores are combined (PyOD's `combination`). */
export type FeatureBaggingCombination = "average" | "max";

/** Hyper-parameters of {@link FeatureBaggingDetector}; defaults are PyOD's. */
export interface FeatureBaggingOptions extends DetectorOptions, SeedOptions, NeighborSearchOptions {
  /** Number of LOF base detectors (default 10). */
  nEstimators?: number;
  /**
   * Most features per base detector: a fraction in (0, 1] of the columns (default 1 = all, PyOD's 1.0) or an
   * integer count >= 2. Each base detector draws its count uniformly from [floor(d / 2), that maximum].
   */
  maxFeatures?: number;
  /** "average" (default) or "max" of the base detectors' scores. */
  combination?: FeatureBaggingCombination;
  /** Neighbourhood size of the LOF base detectors (default 20, PyOD's LOF default). */
  nNeighbors?: number;
  /**
   * Seed of the feature draws (PyOD's `random_state=seed`): a number restarts every `fit` from it, a RandomState is
   * advanced by each `fit` (see {@link Seed}). Omitted: seeded from OS entropy.
   */
  seed?: Seed;
}

/** numpy's `np.iinfo(np.int32).max`: PyOD draws each base detector's seed below it. */
const MAX_INT32 = 2 ** 31 - 1;

interface FeatureBaggingModel {
  readonly features: readonly Int32Array[];
  readonly estimators: readonly LOFDetector[];
}

/**
 * Feature Bagging (Lazarevic & Kumar 2005), PyOD's `FeatureBagging` with its defaults: 10 LOF detectors, each
 * fitted on a random subset of the columns, their scores averaged (or their maximum).
 *
 * The draws are PyOD's, through our numpy-compatible {@link RandomState}: `seed: s` draws 10 seeds with
 * `randint(2^31 - 1)`; base detector i seeds its own generator with seed i, draws its feature count with
 * `randint(floor(d / 2), maxFeatures + 1)`, then the features as scikit-learn's `sample_without_replacement`
 * does (the first ones of a permutation, or reservoir sampling when they are nearly all of the columns; all
 * columns in order when the count is d). So `seed: s` uses the same subsets as `FeatureBagging(random_state=s)`,
 * and the scores equal PyOD's to rounding. Note that with the default `maxFeatures` 1 a subset can be every
 * column (PyOD's range is [d/2, d], not the paper's [d/2, d - 1]).
 *
 * Needs at least 2 columns. Assumes features on comparable scales (standardise first).
 * Defaults: `nEstimators = 10`, `maxFeatures = 1`, `combination = "average"`, `nNeighbors = 20`, `contamination = 0.1`.
 * Complexity: `nEstimators` LOF fits (one neighbour search each) and one search per base detector per `score`.
 *
 * @example
 * const bagging = new FeatureBaggingDetector({ seed: 42, contamination: 0.05 }).fit(X);
 * bagging.featureSubsets; // the columns each LOF saw
 * bagging.predict(XNew);
 */
export class FeatureBaggingDetector extends BaseDetector<FeatureBaggingModel> {
  readonly nEstimators: number;
  readonly maxFeatures: number;
  readonly combination: FeatureBaggingCombination;
  readonly nNeighbors: number;
  readonly seed: Seed | undefined;
  readonly algorithm: NeighborAlgorithm;
  readonly threads: number | undefined;

  constructor(options: FeatureBaggingOptions = {}) {
    super(options);
    this.nEstimators = checkInteger(options.nEstimators ?? 10, "nEstimators");
    this.maxFeatures = checkCountOrFraction(options.maxFeatures ?? 1, "maxFeatures");
    this.combination = options.combination ?? "average";
    if (this.combination !== "average" && this.combination !== "max") {
      throw new RangeError(`combination must be "average" or "max", got ${String(this.combination)}`);
    }
    this.nNeighbors = checkInteger(options.nNeighbors ?? 20, "nNeighbors");
    ({ algorithm: this.algorithm, threads: this.threads } = checkNeighborSearchOptions(options));
    this.seed = seedOption(options, this.constructor.name);
  }

  protected override ownParams(): DetectorParams {
    const { nEstimators, maxFeatures, combination, nNeighbors, seed, algorithm, threads } = this;
    return { nEstimators, maxFeatures, combination, nNeighbors, seed, algorithm, threads };
  }

  /** Per base detector: its columns and the fitted LOF (saved as a LOFDetector file's content). */
  protected override saveState(): Record<string, unknown> {
    const { features, estimators } = this.model;
    const context = `${this.constructor.name}.save`;
    const saved = estimators.map((lof, i) => ({ features: encodeArray(features[i]), detector: lof.savedContent(context) }));
    return { estimators: saved };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const d = fit.cols;
    const features: Int32Array[] = [];
    const estimators: LOFDetector[] = [];
    for (const estimator of state.objects("estimators", this.nEstimators)) {
      const subset = estimator.int32("features", { min: 0, max: d - 1 });
      const fewest = Math.floor(d / 2);
      estimator.expect(subset.length >= fewest && subset.length <= d, "features.length", `in [${fewest}, ${d}]`, subset.length);
      features.push(subset);
      const shape = { rows: fit.rows, cols: subset.length };
      estimators.push(BaseDetector.fromNested(LOFDetector, estimator.object("detector"), shape));
    }
    this.model = { features, estimators };
  }

  /** The columns each base detector was fitted on, in drawn order (PyOD's `estimators_features_`; copies). */
  get featureSubsets(): Int32Array[] {
    return this.model.features.map((subset) => subset.slice());
  }

  protected fitScores(X: Matrix): Float64Array {
    const d = X.cols;
    if (d < 2) throw new RangeError(`FeatureBaggingDetector needs at least 2 columns, got ${d}`);
    if (X.rows < 2) throw new RangeError(`FeatureBaggingDetector needs at least 2 training rows (LOF neighbours), got ${X.rows}`);
    const minFeatures = Math.floor(0.5 * d);
    const maxFeatures = this.maxFeatures > 1 ? this.maxFeatures : Math.floor(this.maxFeatures * d);
    if (maxFeatures < minFeatures || maxFeatures > d) {
      throw new RangeError(`maxFeatures ${this.maxFeatures} gives ${maxFeatures} features; it must give between ${minFeatures} and ${d} (the ${d} columns)`);
    }
    const random = generatorFor(this.seed);
    const seeds = random.randint(0, MAX_INT32, this.nEstimators);
    const features: Int32Array[] = [];
    const estimators: LOFDetector[] = [];
    const scores: Float64Array[] = [];
    for (const seed of seeds) {
      const own = new RandomState(seed);
      const count = own.randint(minFeatures, maxFeatures + 1);
      const subset = sampleWithoutReplacement(d, count, own);
      const lof = new LOFDetector({ nNeighbors: this.nNeighbors, algorithm: this.algorithm, threads: this.threads });
      scores.push(lof.fit(selectColumns(X, subset)).trainingScores);
      features.push(subset);
      estimators.push(lof);
    }
    this.model = { features, estimators };
    return this.combine(scores, X.rows);
  }

  protected decisionScores(X: Matrix): Float64Array {
    const { features, estimators } = this.model;
    return this.combine(estimators.map((lof, i) => lof.score(selectColumns(X, features[i]))), X.rows);
  }

  /** `np.mean(scores, axis=1)` (numpy's pairwise order over the estimators) or `np.max(scores, axis=1)`. */
  private combine(scores: readonly Float64Array[], rows: number): Float64Array {
    const combined = new Float64Array(rows);
    const row = new Float64Array(scores.length);
    for (let i = 0; i < rows; i++) {
      for (let e = 0; e < scores.length; e++) row[e] = scores[e][i];
      combined[i] = this.combination === "average" ? numpyMean(row) : Math.max(...row);
    }
    return combined;
  }
}

/** scikit-learn's `sample_without_replacement(n, count, random_state)` with method "auto", for count >= n / 2. */
function sampleWithoutReplacement(n: number, count: number, random: RandomState): Int32Array {
  const ratio = count / n;
  if (ratio > 0.01 && ratio < 0.99) return Int32Array.from(random.permutation(n).slice(0, count));
  // Reservoir sampling (ratio >= 0.99; tracking selection, for ratios below 0.2, cannot happen here).
  const out = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count; i < n; i++) {
    const j = random.randint(0, i + 1);
    if (j < count) out[j] = i;
  }
  return out;
}

/** `X[:, columns]`, columns in the given order. */
function selectColumns(X: Matrix, columns: Int32Array): Matrix {
  const out = createMatrix(X.rows, columns.length);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < columns.length; j++) out.data[i * columns.length + j] = X.data[i * X.cols + columns[j]];
  }
  return out;
}
