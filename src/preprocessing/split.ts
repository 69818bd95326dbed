import pl, { type DataFrame, type Series } from "nodejs-polars";
import { isMatrix, type Matrix } from "../core/matrix";
import { generatorFor, seedOption, type Seed, type SeedOptions } from "../core/seed";
import type { RandomState } from "../random/random-state";

/**
 * scikit-learn's `train_test_split`, index for index: the same seed gives the same rows in the
 * same order as `train_test_split(..., random_state=seed)` (numpy's legacy RandomState drives both).
 */

/** Options of {@link trainTestSplit}; the semantics are scikit-learn's. */
export interface TrainTestSplitOptions extends SeedOptions {
  /**
   * Test set size: a fraction in (0, 1) (rounded up: ceil(testSize * n)) or a row count >= 1.
   * Default 0.25 when `trainSize` is not given either; otherwise the complement of `trainSize`.
   * (JavaScript has one number type, so `1` means one row, never 100%.)
   */
  testSize?: number;
  /** Train set size: a fraction in (0, 1) (rounded down) or a row count. Default: all rows not in test. */
  trainSize?: number;
  /**
   * Seed of numpy's legacy RandomState (sklearn's `random_state`): a number, or a RandomState advanced by the
   * split (see {@link Seed}). Omitted: a random seed.
   */
  seed?: Seed;
  /** Shuffle before splitting (default true); false takes the first rows as train, the next as test. */
  shuffle?: boolean;
  /** Class label per row: keep the class proportions in both parts (StratifiedShuffleSplit). */
  stratify?: ArrayLike<number | string | boolean>;
}

/** Row numbers of the two parts, in sklearn's order. */
export interface SplitIndices {
  train: number[];
  test: number[];
}

/** Something with rows that can be picked by index, such as the dataset loaders' `Float64Matrix`. */
export interface RowSelectable<R = unknown> {
  readonly nRows: number;
  selectRows(indices: ArrayLike<number>): R;
}

/** What {@link trainTestSplit} can split: matrices, typed arrays and plain arrays (one entry per row). */
export type Splittable =
  | DataFrame
  | Series
  | Matrix
  | RowSelectable
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint8Array
  | readonly unknown[];

/** The part of one input that a split keeps: same kind of container, rows picked. */
export type SplitPart<T> = T extends DataFrame
  ? DataFrame
  : T extends Series
  ? Series
  : T extends RowSelectable<infer R>
  ? R
  : T extends Matrix
    ? Matrix
    : T extends Float64Array
      ? Float64Array
      : T extends Float32Array
        ? Float32Array
        : T extends Int32Array
          ? Int32Array
          : T extends Uint8Array
            ? Uint8Array
            : T extends readonly (infer E)[]
              ? E[]
              : never;

/** Result of splitting several inputs: `train[k]` / `test[k]` are the parts of input k. */
export interface TrainTestSplit<T extends readonly Splittable[]> {
  train: { [K in keyof T]: SplitPart<T[K]> };
  test: { [K in keyof T]: SplitPart<T[K]> };
  indices: SplitIndices;
}

/**
 * Splits rows into a random train and test part exactly like scikit-learn's `train_test_split`.
 *
 * Without `stratify` (ShuffleSplit): `permutation = RandomState(seed).permutation(n)`, test =
 * the first nTest entries, train = the next nTrain. With `stratify` (StratifiedShuffleSplit):
 * per-class counts from sklearn's `_approximate_mode` (ties broken with the same random draws),
 * each class permuted, then both parts permuted again, all draw for draw as sklearn.
 *
 * Give a row count to get the indices, or an array of inputs (matrices, labels, ...) of equal
 * length to get each input's train and test rows.
 *
 * @example
 * trainTestSplit(4998, { testSize: 0.2, seed: 21 }).test.slice(0, 3); // [106, 4492, 2234], as sklearn
 * const { train: [XTrain, yTrain], test: [XTest, yTest] } =
 *   trainTestSplit([X, y], { testSize: 0.3, seed: 42, stratify: y });
 */
export function trainTestSplit(n: number, options?: TrainTestSplitOptions): SplitIndices;
export function trainTestSplit<const T extends readonly Splittable[]>(
  arrays: T,
  options?: TrainTestSplitOptions,
): TrainTestSplit<T>;
export function trainTestSplit(
  nOrArrays: number | readonly Splittable[],
  options: TrainTestSplitOptions = {},
): SplitIndices | TrainTestSplit<readonly Splittable[]> {
  if (typeof nOrArrays === "number") return trainTestSplitIndices(nOrArrays, options);
  if (!Array.isArray(nOrArrays) || nOrArrays.length === 0) {
    throw new TypeError("trainTestSplit: expected a row count or a non-empty array of inputs to split");
  }
  const lengths = nOrArrays.map((input, k) => rowCount(input, k));
  if (lengths.some((length) => length !== lengths[0])) {
    throw new RangeError(`trainTestSplit: inputs have different numbers of rows: [${lengths.join(", ")}]`);
  }
  const indices = trainTestSplitIndices(lengths[0], options);
  return {
    train: nOrArrays.map((input) => pickRows(input, indices.train)),
    test: nOrArrays.map((input) => pickRows(input, indices.test)),
    indices,
  } as TrainTestSplit<readonly Splittable[]>;
}

/**
 * The train and test row numbers of {@link trainTestSplit} for `n` rows.
 * @example trainTestSplitIndices(10, { seed: 0 }); // { train: [...7 rows], test: [2, 8, 4] }
 */
export function trainTestSplitIndices(n: number, options: TrainTestSplitOptions = {}): SplitIndices {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`trainTestSplit: n must be a positive integer, got ${n}`);
  const { nTrain, nTest } = splitSizes(n, options.testSize, options.trainSize);
  const seed = seedOption(options, "trainTestSplit");
  if (options.shuffle === false) {
    if (options.stratify !== undefined) {
      throw new RangeError("trainTestSplit: stratify needs shuffle: true (as in scikit-learn)");
    }
    return { train: range(0, nTrain), test: range(nTrain, nTrain + nTest) };
  }
  const random = generatorFor(seed);
  if (options.stratify !== undefined) return stratifiedSplit(n, nTrain, nTest, options.stratify, random);
  const permutation = random.permutation(n);
  return { test: permutation.slice(0, nTest), train: permutation.slice(nTest, nTest + nTrain) };
}

/** sklearn's `_validate_shuffle_split`: fractions round the test part up and the train part down. */
function splitSizes(n: number, testSize: number | undefined, trainSize: number | undefined) {
  const test = testSize === undefined && trainSize === undefined ? 0.25 : testSize;
  checkSize(test, "testSize", n);
  checkSize(trainSize, "trainSize", n);
  if (isFraction(test) && isFraction(trainSize) && test + trainSize > 1) {
    throw new RangeError(`trainTestSplit: testSize + trainSize = ${test + trainSize} must be at most 1`);
  }
  let nTest = test === undefined ? undefined : isFraction(test) ? Math.ceil(test * n) : test;
  let nTrain = trainSize === undefined ? undefined : isFraction(trainSize) ? Math.floor(trainSize * n) : trainSize;
  if (nTrain === undefined) nTrain = n - (nTest as number);
  if (nTest === undefined) nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new RangeError(`trainTestSplit: train (${nTrain}) + test (${nTest}) rows exceed the ${n} rows available`);
  }
  if (nTrain === 0) {
    throw new RangeError(`trainTestSplit: with ${n} rows, testSize ${String(test)} and trainSize ${String(trainSize)} the train set would be empty`);
  }
  return { nTrain, nTest };
}

function isFraction(size: number | undefined): size is number {
  return size !== undefined && size > 0 && size < 1;
}

function checkSize(size: number | undefined, name: string, n: number): void {
  if (size === undefined) return;
  const valid = typeof size === "number" && (isFraction(size) || (Number.isSafeInteger(size) && size >= 1 && size < n));
  if (!valid) {
    throw new RangeError(`trainTestSplit: ${name} must be a fraction in (0, 1) or a row count in [1, ${n - 1}], got ${size}`);
  }
}

/** sklearn's StratifiedShuffleSplit, first split, with its exact sequence of random draws. */
function stratifiedSplit(
  n: number,
  nTrain: number,
  nTest: number,
  labels: ArrayLike<number | string | boolean>,
  random: RandomState,
): SplitIndices {
  if (labels === null || typeof labels !== "object" || typeof labels.length !== "number") {
    throw new TypeError("trainTestSplit: stratify must be an array of class labels");
  }
  if (labels.length !== n) throw new RangeError(`trainTestSplit: stratify has ${labels.length} labels for ${n} rows`);
  const { classOf, counts } = encodeClasses(labels);
  const nClasses = counts.length;
  const smallest = counts.indexOf(Math.min(...counts));
  if (counts[smallest] < 2) {
    throw new RangeError("trainTestSplit: the least populated class in stratify has only 1 member; every class needs at least 2");
  }
  if (nTrain < nClasses) throw new RangeError(`trainTestSplit: the train size (${nTrain}) is smaller than the number of classes (${nClasses})`);
  if (nTest < nClasses) throw new RangeError(`trainTestSplit: the test size (${nTest}) is smaller than the number of classes (${nClasses})`);

  // Rows of each class in row order (numpy's stable argsort of the class codes).
  const members: number[][] = counts.map(() => []);
  for (let i = 0; i < n; i++) members[classOf[i]].push(i);

  const trainPerClass = approximateMode(counts, nTrain, random);
  const testPerClass = approximateMode(counts.map((count, c) => count - trainPerClass[c]), nTest, random);
  const train: number[] = [];
  const test: number[] = [];
  for (let c = 0; c < nClasses; c++) {
    const shuffled = random.permutation(counts[c]).map((k) => members[c][k]);
    train.push(...shuffled.slice(0, trainPerClass[c]));
    test.push(...shuffled.slice(trainPerClass[c], trainPerClass[c] + testPerClass[c]));
  }
  return { train: random.permutation(train), test: random.permutation(test) };
}

/**
 * sklearn's `_approximate_mode`: floor of the proportional share of `draws`, then the leftover
 * draws go to the largest remainders; equal remainders are picked with `random.choice(..., replace=false)`.
 */
function approximateMode(counts: readonly number[], draws: number, random: RandomState): number[] {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const continuous = counts.map((count) => (count / total) * draws);
  const floored = continuous.map(Math.floor);
  let needToAdd = draws - floored.reduce((sum, value) => sum + value, 0);
  if (needToAdd > 0) {
    const remainders = continuous.map((value, c) => value - floored[c]);
    const distinct = [...new Set(remainders)].sort((a, b) => b - a);
    for (const value of distinct) {
      const candidates = remainders.flatMap((remainder, c) => (remainder === value ? [c] : []));
      const addNow = Math.min(candidates.length, needToAdd);
      for (const c of random.choice(candidates, addNow, { replace: false })) floored[c] += 1;
      needToAdd -= addNow;
      if (needToAdd === 0) break;
    }
  }
  return floored;
}

/** numpy's `np.unique(y, return_inverse=True)`: classes sorted, each row mapped to its class number. */
function encodeClasses(labels: ArrayLike<number | string | boolean>) {
  const values = Array.from(labels);
  values.forEach((value, i) => {
    const ok = typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
    if (!ok) throw new TypeError(`trainTestSplit: stratify[${i}] is ${String(value)}; labels must be finite numbers, strings or booleans`);
  });
  const kinds = new Set(values.map((value) => typeof value));
  if (kinds.size > 1) throw new TypeError(`trainTestSplit: stratify mixes label types (${[...kinds].join(", ")})`);
  const classes = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const code = new Map(classes.map((label, c) => [label, c]));
  const classOf = values.map((value) => code.get(value) as number);
  const counts = classes.map(() => 0);
  for (const c of classOf) counts[c]++;
  return { classOf, counts };
}

function rowCount(input: Splittable, k: number): number {
  if (pl.DataFrame.isDataFrame(input)) return input.height;
  if (pl.Series.isSeries(input)) return input.length;
  if (isRowSelectable(input)) return input.nRows;
  if (isMatrix(input)) return input.rows;
  if (ArrayBuffer.isView(input) || Array.isArray(input)) return (input as ArrayLike<unknown>).length;
  throw new TypeError(`trainTestSplit: input ${k} is not a matrix or an array`);
}

function pickRows(input: Splittable, rows: readonly number[]): unknown {
  // polars has no row gather on frames in 0.24: gather every column by the same indices instead.
  if (pl.DataFrame.isDataFrame(input)) return input.select(pl.all().gather([...rows]));
  if (pl.Series.isSeries(input)) return input.toFrame().select(pl.all().gather([...rows])).getColumn(input.name);
  if (isRowSelectable(input)) return input.selectRows(rows);
  if (isMatrix(input)) {
    const data = new Float64Array(rows.length * input.cols);
    rows.forEach((row, k) => data.set(input.data.subarray(row * input.cols, (row + 1) * input.cols), k * input.cols));
    return { rows: rows.length, cols: input.cols, data };
  }
  if (input instanceof Float64Array) return Float64Array.from(rows, (row) => input[row]);
  if (input instanceof Float32Array) return Float32Array.from(rows, (row) => input[row]);
  if (input instanceof Int32Array) return Int32Array.from(rows, (row) => input[row]);
  if (input instanceof Uint8Array) return Uint8Array.from(rows, (row) => input[row]);
  return rows.map((row) => (input as readonly unknown[])[row]);
}

function isRowSelectable(value: unknown): value is RowSelectable {
  const candidate = value as Partial<RowSelectable>;
  return typeof candidate === "object" && candidate !== null && typeof candidate.selectRows === "function" && typeof candidate.nRows === "number";
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, k) => start + k);
}
