import { encodeLabels, type ClassLabel, type EncodedLabels, type LabelInput } from "../core/labels";
import { toMatrix, type Matrix, type MatrixInput } from "../core/matrix";
import { checkInteger } from "../core/validation";
import { kNearest } from "../neighbors";
import { generatorFor, seedOption, type Seed, type SeedOptions } from "../core/seed";

/**
 * Oversampling of rare classes, imbalanced-learn's `RandomOverSampler` and `SMOTE`, draw for draw:
 * with the same seed they return the same rows as imbalanced-learn 0.10 with `random_state=seed`
 * (both drive numpy's legacy `RandomState`, which {@link RandomState} reproduces).
 */

/**
 * How many rows each class should have after resampling (imbalanced-learn's `sampling_strategy`):
 * - `"auto"` / `"not majority"` (default): every class but the majority grows to the majority's count;
 * - `"minority"`: only the smallest class; `"not minority"`: all but it; `"all"`: every class;
 * - a number in (0, 1] (two classes only): the minority grows to `ratio * majority` rows;
 * - `{ label: rows }`: the wanted total per listed class (at least its current count).
 */
export type SamplingStrategy =
  | "auto"
  | "minority"
  | "not minority"
  | "not majority"
  | "all"
  | number
  | Readonly<Record<string, number>>;

/** Options shared by {@link RandomOverSampler} and {@link SMOTE}. */
export interface OverSamplerOptions extends SeedOptions {
  samplingStrategy?: SamplingStrategy;
  /**
   * Seed of numpy's legacy RandomState (imbalanced-learn's `random_state`): a number restarts every resampling
   * from it, a RandomState is advanced by each (see {@link Seed}). Omitted: OS entropy.
   */
  seed?: Seed;
}

/** Result of `fitResample`: the original rows first, then the new rows, class by class in sorted label order. */
export interface Resampled {
  X: Matrix;
  y: ClassLabel[];
}

/** Rows added per class, in sorted label order (imbalanced-learn's `sampling_strategy_`). */
export type SamplingPlan = ReadonlyArray<{ readonly label: ClassLabel; readonly add: number }>;

abstract class OverSampler {
  readonly samplingStrategy: SamplingStrategy;
  readonly seed: Seed | undefined;
  private plan: SamplingPlan | undefined;

  constructor(options: OverSamplerOptions) {
    this.samplingStrategy = options.samplingStrategy ?? "auto";
    this.seed = seedOption(options, this.constructor.name);
  }

  /** The rows added per class by the last `fitResample` (imbalanced-learn's `sampling_strategy_`). */
  get samplingPlan(): SamplingPlan {
    if (this.plan === undefined) throw new Error(`${this.constructor.name} has not resampled yet: call fitResample(X, y) first`);
    return this.plan;
  }

  /**
   * The original rows followed by the new ones.
   * @param X rows = observations (arrays, a `Matrix`, a nodejs-polars DataFrame...)
   * @param y one class label per row (numbers or strings)
   */
  fitResample(X: MatrixInput, y: LabelInput): Resampled {
    const matrix = toMatrix(X, { name: "X" });
    const labels = encodeLabels(y, "y");
    if (labels.codes.length !== matrix.rows) {
      throw new RangeError(`${this.constructor.name}: X has ${matrix.rows} rows but y has ${labels.codes.length} labels`);
    }
    if (labels.classes.length < 2) {
      throw new RangeError(`${this.constructor.name}: y needs at least 2 classes, got only ${String(labels.classes[0])}`);
    }
    this.plan = samplingPlan(this.samplingStrategy, labels);
    const added = this.generate(matrix, labels, this.plan);
    const rows = matrix.rows + added.reduce((sum, part) => sum + part.rows, 0);
    const data = new Float64Array(rows * matrix.cols);
    data.set(matrix.data);
    const yOut: ClassLabel[] = Array.from(labels.codes, (c) => labels.classes[c]);
    let offset = matrix.data.length;
    added.forEach((part, k) => {
      data.set(part.data, offset);
      offset += part.data.length;
      for (let i = 0; i < part.rows; i++) yOut.push(this.plan![k].label);
    });
    return { X: { rows, cols: matrix.cols, data }, y: yOut };
  }

  /** New rows for each entry of the plan, in plan order. */
  protected abstract generate(X: Matrix, labels: EncodedLabels, plan: SamplingPlan): Matrix[];
}

/**
 * Random oversampling: each minority class gets copies of its own rows drawn uniformly with
 * replacement, until it reaches the wanted size. imbalanced-learn's `RandomOverSampler`
 * (without `shrinkage`): the same rows, in the same order, for the same seed.
 *
 * Resample the training part only, after the train/test split: copies of a test row in the
 * training data would leak it.
 *
 * @example
 * const ros = new RandomOverSampler({ seed: 0 });
 * const { X: XBalanced, y: yBalanced } = ros.fitResample(XTrain, yTrain);
 * ros.sampleIndices; // which original row each output row is (imbalanced-learn's sample_indices_)
 */
export class RandomOverSampler extends OverSampler {
  private indices: Int32Array | undefined;

  constructor(options: OverSamplerOptions = {}) {
    super(options);
  }

  /** Original row of each output row of the last `fitResample` (imbalanced-learn's `sample_indices_`). */
  get sampleIndices(): Int32Array {
    if (this.indices === undefined) throw new Error("RandomOverSampler has not resampled yet: call fitResample(X, y) first");
    return this.indices;
  }

  protected generate(X: Matrix, labels: EncodedLabels, plan: SamplingPlan): Matrix[] {
    const random = generatorFor(this.seed);
    const indices: number[] = Array.from({ length: X.rows }, (_, i) => i);
    const parts = plan.map(({ label, add }) => {
      const members = rowsOfClass(labels, label);
      const drawn = random.choice(members, add, { replace: true });
      indices.push(...drawn);
      return pickRows(X, drawn);
    });
    this.indices = Int32Array.from(indices);
    return parts;
  }
}

/** Options of {@link SMOTE}. */
export interface SMOTEOptions extends OverSamplerOptions {
  /** Neighbours (of the same class) a new row may be drawn towards (default 5). */
  kNeighbors?: number;
}

/**
 * SMOTE (Chawla et al. 2002): each new row lies at a random point on the segment from a random
 * minority row to one of its `kNeighbors` nearest minority neighbours,
 * `x_new = x + u * (x_neighbour - x)` with u uniform in [0, 1). imbalanced-learn's `SMOTE`, draw for
 * draw: the same rows for the same seed (neighbours by Euclidean distance; among exactly equal
 * distances the lower row number comes first, where scikit-learn's order is unspecified).
 *
 * As imbalanced-learn does with an integer `random_state`, each class's draws restart from the seed.
 * Scale the features first: distances mix them.
 *
 * @example
 * const { X: XBalanced, y: yBalanced } = new SMOTE({ seed: 0 }).fitResample(XTrain, yTrain);
 */
export class SMOTE extends OverSampler {
  readonly kNeighbors: number;

  constructor(options: SMOTEOptions = {}) {
    super(options);
    this.kNeighbors = checkInteger(options.kNeighbors ?? 5, "kNeighbors");
  }

  protected generate(X: Matrix, labels: EncodedLabels, plan: SamplingPlan): Matrix[] {
    const k = this.kNeighbors;
    return plan.map(({ label, add }) => {
      if (add === 0) return { rows: 0, cols: X.cols, data: new Float64Array(0) };
      const members = rowsOfClass(labels, label);
      if (members.length < k + 1) {
        throw new RangeError(`SMOTE: class ${String(label)} has ${members.length} rows; kNeighbors = ${k} needs at least ${k + 1}`);
      }
      const own = pickRows(X, members);
      // The class searched against itself; the first neighbour (the row itself) is dropped, as imbalanced-learn does.
      const neighbours = kNearest(own, own, k + 1, { threads: 1 });
      const random = generatorFor(this.seed);
      const picks = random.randint(0, own.rows * k, add);
      const steps = random.uniform(0, 1, add);
      const d = X.cols;
      const data = new Float64Array(add * d);
      for (let s = 0; s < add; s++) {
        const row = Math.floor(picks[s] / k);
        const neighbour = neighbours.indices[row * (k + 1) + 1 + (picks[s] % k)];
        for (let j = 0; j < d; j++) {
          const x = own.data[row * d + j];
          data[s * d + j] = x + steps[s] * (own.data[neighbour * d + j] - x);
        }
      }
      return { rows: add, cols: d, data };
    });
  }
}

/**
 * imbalanced-learn's `check_sampling_strategy` for over-sampling: rows to add per class, sorted by label.
 * @example samplingPlan("auto", encodeLabels([0, 0, 0, 1])); // [{ label: 1, add: 2 }]
 */
export function samplingPlan(strategy: SamplingStrategy, labels: EncodedLabels): SamplingPlan {
  const { classes, counts } = labels;
  const majorityCount = Math.max(...counts);
  const majority = counts.indexOf(majorityCount); // first in label order, as Python's max over a sorted dict
  const minority = counts.indexOf(Math.min(...counts));
  const upToMajority = (keep: (c: number) => boolean) =>
    classes.flatMap((label, c) => (keep(c) ? [{ label, add: majorityCount - counts[c] }] : []));
  if (typeof strategy === "string") {
    switch (strategy) {
      case "auto":
      case "not majority":
        return upToMajority((c) => c !== majority);
      case "minority":
        return upToMajority((c) => c === minority);
      case "not minority":
        return upToMajority((c) => c !== minority);
      case "all":
        return upToMajority(() => true);
      default:
        throw new RangeError(`samplingStrategy "${String(strategy)}" is not one of "auto", "minority", "not minority", "not majority", "all"`);
    }
  }
  if (typeof strategy === "number") {
    if (!(strategy > 0 && strategy <= 1)) throw new RangeError(`samplingStrategy as a ratio must be in (0, 1], got ${strategy}`);
    if (classes.length !== 2) throw new RangeError(`samplingStrategy as a ratio needs 2 classes, y has ${classes.length}; give { label: rows } instead`);
    const plan = upToMajority((c) => c !== majority).map(({ label }) => {
      const c = classes.indexOf(label);
      return { label, add: Math.trunc(majorityCount * strategy - counts[c]) };
    });
    if (plan.some(({ add }) => add <= 0)) {
      throw new RangeError(`samplingStrategy ${strategy} would remove minority rows (the minority already has ${Math.min(...counts)} of ${majorityCount}); increase it`);
    }
    return plan;
  }
  if (typeof strategy !== "object" || strategy === null) throw new TypeError("samplingStrategy must be a string, a ratio or { label: rows }");
  const plan = Object.entries(strategy).map(([key, wanted]) => {
    const c = classes.findIndex((label) => String(label) === key);
    if (c < 0) throw new RangeError(`samplingStrategy names class ${key}, which is not in y (classes: ${classes.join(", ")})`);
    if (!Number.isSafeInteger(wanted) || wanted < counts[c]) {
      throw new RangeError(`samplingStrategy asks for ${wanted} rows of class ${key}, which already has ${counts[c]}: oversampling cannot remove rows`);
    }
    return { c, label: classes[c], add: wanted - counts[c] };
  });
  return plan.sort((a, b) => a.c - b.c).map(({ label, add }) => ({ label, add }));
}

function rowsOfClass(labels: EncodedLabels, label: ClassLabel): number[] {
  const c = labels.classes.indexOf(label);
  const rows: number[] = [];
  labels.codes.forEach((code, i) => {
    if (code === c) rows.push(i);
  });
  return rows;
}

function pickRows(X: Matrix, rows: readonly number[]): Matrix {
  const data = new Float64Array(rows.length * X.cols);
  rows.forEach((row, k) => data.set(X.data.subarray(row * X.cols, (row + 1) * X.cols), k * X.cols));
  return { rows: rows.length, cols: X.cols, data };
}
