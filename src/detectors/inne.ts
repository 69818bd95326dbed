import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import { generatorFor, seedOption, type Seed, type SeedOptions } from "../core/seed";
import type { Matrix } from "../core/matrix";
import { checkCountOrFraction, checkInteger, resolveCountOrFraction } from "../core/validation";
import { RandomState } from "../random/random-state";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, type StateReader } from "../persistence/state-codec";

/** Hyper-parameters of {@link INNEDetector}; defaults are PyOD's. */
export interface INNEOptions extends DetectorOptions, SeedOptions {
  /** Number of ensemble members (default 200). */
  nEstimators?: number;
  /**
   * Rows drawn as hypersphere centres per member: "auto" (default) = min(8, n); a fraction in (0, 1] of the rows;
   * or an integer count >= 2 (more than n: n, as PyOD does after a warning).
   */
  maxSamples?: number | "auto";
  /**
   * Seed of the draws (PyOD's `random_state=seed`): a number restarts every `fit` from it, a RandomState is
   * advanced by each `fit` (see {@link Seed}). Omitted: seeded from OS entropy.
   */
  seed?: Seed;
}

/** numpy's float64 machine epsilon: PyOD adds it to both radii of the isolation ratio. */
const EPSILON = 2 ** -52;
/** numpy's `np.iinfo(np.int32).max`: PyOD draws each member's seed below it. */
const MAX_INT32 = 2 ** 31 - 1;

interface INNEModel {
  readonly samples: number;
  /** nEstimators x samples x d centres. */
  readonly centres: Float64Array;
  /** Squared norm of each centre. */
  readonly centreNorms: Float64Array;
  /** Squared radius of each centre's hypersphere (squared distance to its nearest other centre). */
  readonly radii: Float64Array;
  /** 1 - radius(nearest centre) / radius(centre), epsilon-guarded. */
  readonly ratios: Float64Array;
}

/**
 * Isolation using Nearest-Neighbour Ensembles (Bandaragoda et al. 2018), PyOD's `INNE`.
 *
 * Each of `nEstimators` members draws `maxSamples` training rows as centres; each centre's hypersphere reaches
 * its nearest other centre, and carries the isolation ratio `1 - radius(that neighbour) / radius(centre)`. A row
 * scores the ratio of the smallest hypersphere covering it (large in sparse regions next to dense ones), or 1
 * when none does; the score is the mean over members, in [0, 1].
 *
 * The draws are PyOD's through our numpy-compatible {@link RandomState} (member seeds by `randint(2^31 - 1)`,
 * centres by `choice(n, maxSamples, replace=False)`), so `seed: s` uses the centres of `INNE(random_state=s)`.
 * Squared distances are scikit-learn's `euclidean_distances` expansion `(-2 x.c + |x|^2) + |c|^2` (clipped at 0),
 * in that association order. Each centre's nearest centre lies exactly on its hypersphere, so whether a training
 * row that is a centre counts as covered by its neighbour's sphere rests on the last bit of two such sums;
 * scikit-learn's BLAS dot products round differently from ours, so a few training scores can differ from PyOD's
 * there (new rows rarely sit on a sphere's surface).
 *
 * Assumes nothing about scales beyond Euclidean distance making sense (standardise features with different units).
 * Defaults: `nEstimators = 200`, `maxSamples = "auto"` (min(8, n)), `contamination = 0.1`.
 * Complexity: O(nEstimators · maxSamples² · d) to build, O(m · nEstimators · maxSamples · d) to score.
 *
 * @example
 * const inne = new INNEDetector({ seed: 42, contamination: 0.05 }).fit(X);
 * inne.trainingScores; // mean isolation ratio, 1 = covered by no hypersphere
 * inne.predict(XNew);
 */
export class INNEDetector extends BaseDetector<INNEModel> {
  readonly nEstimators: number;
  readonly maxSamples: number | "auto";
  readonly seed: Seed | undefined;

  constructor(options: INNEOptions = {}) {
    super(options);
    this.nEstimators = checkInteger(options.nEstimators ?? 200, "nEstimators");
    const maxSamples = options.maxSamples ?? "auto";
    this.maxSamples = maxSamples === "auto" ? maxSamples : checkCountOrFraction(maxSamples, "maxSamples", '"auto"');
    this.seed = seedOption(options, this.constructor.name);
  }

  protected override ownParams(): DetectorParams {
    const { nEstimators, maxSamples, seed } = this;
    return { nEstimators, maxSamples, seed };
  }

  /** Per member: the centres drawn, their squared norms, radii and isolation ratios. */
  protected override saveState(): Record<string, unknown> {
    const { samples, centres, centreNorms, radii, ratios } = this.model;
    return {
      samples,
      centres: encodeArray(centres),
      centreNorms: encodeArray(centreNorms),
      radii: encodeArray(radii),
      ratios: encodeArray(ratios),
    };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const samples = state.count("samples", 2, fit.rows);
    const spheres = this.nEstimators * samples;
    this.model = {
      samples,
      centres: state.float64("centres", { length: spheres * fit.cols }),
      centreNorms: state.float64("centreNorms", { length: spheres, min: 0 }),
      radii: state.float64("radii", { length: spheres, min: 0 }),
      ratios: state.float64("ratios", { length: spheres }),
    };
  }

  /** Centres drawn per member in the last fit (PyOD's `max_samples_`). */
  get maxSamplesUsed(): number {
    return this.model.samples;
  }

  protected fitScores(X: Matrix): Float64Array {
    const { rows: n, cols: d } = X;
    const samples = this.resolveMaxSamples(n);
    if (samples < 2) {
      throw new RangeError(`INNEDetector needs at least 2 centres per member (a hypersphere reaches the nearest other one); maxSamples gives ${samples} of ${n} rows`);
    }
    const random = generatorFor(this.seed);
    const seeds = random.randint(0, MAX_INT32, this.nEstimators);
    const centres = new Float64Array(this.nEstimators * samples * d);
    const centreNorms = new Float64Array(this.nEstimators * samples);
    const radii = new Float64Array(this.nEstimators * samples);
    const ratios = new Float64Array(this.nEstimators * samples);
    const nearest = new Int32Array(samples);
    seeds.forEach((seed, member) => {
      const rows = new RandomState(seed).choice(n, samples, { replace: false });
      const base = member * samples;
      rows.forEach((row, a) => {
        centres.set(X.data.subarray(row * d, row * d + d), (base + a) * d);
        centreNorms[base + a] = squaredNorm(X.data, row * d, d);
      });
      for (let a = 0; a < samples; a++) {
        let best = Infinity;
        let bestIndex = 0;
        for (let b = 0; b < samples; b++) {
          if (b === a) continue;
          const distance = expandedDistance(centres, (base + a) * d, centreNorms[base + a], centres, (base + b) * d, centreNorms[base + b], d);
          if (distance < best) {
            best = distance;
            bestIndex = b;
          }
        }
        radii[base + a] = best;
        nearest[a] = bestIndex;
      }
      for (let a = 0; a < samples; a++) {
        ratios[base + a] = 1 - (radii[base + nearest[a]] + EPSILON) / (radii[base + a] + EPSILON);
      }
    });
    this.model = { samples, centres, centreNorms, radii, ratios };
    return this.isolationScores(X);
  }

  protected decisionScores(X: Matrix): Float64Array {
    return this.isolationScores(X);
  }

  private resolveMaxSamples(n: number): number {
    if (this.maxSamples === "auto") return Math.min(8, n);
    return Math.min(resolveCountOrFraction(this.maxSamples, n, "maxSamples", "rows"), n);
  }

  /** Mean over members of the covering hypersphere's ratio (1 when uncovered), members added in order. */
  private isolationScores(X: Matrix): Float64Array {
    const { samples, centres, centreNorms, radii, ratios } = this.model;
    const d = X.cols;
    const totals = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      const norm = squaredNorm(X.data, i * d, d);
      let total = 0;
      for (let member = 0; member < this.nEstimators; member++) {
        const base = member * samples;
        let smallest = Infinity;
        let score = 1;
        for (let a = 0; a < samples; a++) {
          const radius = radii[base + a];
          if (radius >= smallest) continue; // nanargmin keeps the first of equal radii
          if (expandedDistance(X.data, i * d, norm, centres, (base + a) * d, centreNorms[base + a], d) <= radius) {
            smallest = radius;
            score = ratios[base + a];
          }
        }
        total += score;
      }
      totals[i] = total / this.nEstimators;
    }
    return totals;
  }
}

/** scikit-learn's `euclidean_distances(..., squared=True)` entry: max((-2 x.c + |x|^2) + |c|^2, 0). */
function expandedDistance(x: Float64Array, xStart: number, xNorm: number, c: Float64Array, cStart: number, cNorm: number, d: number): number {
  let dot = 0;
  for (let j = 0; j < d; j++) dot += x[xStart + j] * c[cStart + j];
  const value = -2 * dot + xNorm + cNorm;
  return value > 0 ? value : 0;
}

function squaredNorm(data: Float64Array, start: number, d: number): number {
  let sum = 0;
  for (let j = 0; j < d; j++) sum += data[start + j] * data[start + j];
  return sum;
}
