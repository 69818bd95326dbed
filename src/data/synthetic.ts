import type { Matrix } from "../core/matrix";
import { checkInteger } from "../core/validation";
import { generatorFor, seedOption, type Seed, type SeedOptions } from "../core/seed";
import type { RandomState } from "../random/random-state";

/** Options of {@link makeClassification}; names and defaults are scikit-learn's `make_classification`. */
export interface MakeClassificationOptions extends SeedOptions {
  /** Rows (default 100). */
  nSamples?: number;
  /** Columns: informative + redundant + repeated + useless noise (default 20). */
  nFeatures?: number;
  /** Columns that carry the classes: Gaussian clusters on the vertices of a hypercube (default 2). */
  nInformative?: number;
  /** Random linear combinations of the informative columns (default 2). */
  nRedundant?: number;
  /** Copies of informative or redundant columns (default 0). */
  nRepeated?: number;
  /** Classes 0..nClasses-1 (default 2). */
  nClasses?: number;
  /** Gaussian clusters per class (default 2); nClasses * nClustersPerClass <= 2 ** nInformative. */
  nClustersPerClass?: number;
  /** Share of rows per class (default equal); nClasses - 1 values leave the rest to the last class. */
  weights?: readonly number[];
  /** Share of labels replaced by a random class: label noise (default 0.01). */
  flipY?: number;
  /** Half the side of the hypercube: larger = easier (default 1). */
  classSep?: number;
  /** Clusters on the hypercube's vertices (default true); false: on a random polytope. */
  hypercube?: boolean;
  /** Added to each column: a number, one per column, or null for random shifts in [-classSep, classSep) (default 0). */
  shift?: number | readonly number[] | null;
  /** Multiplies each column after the shift: a number, one per column, or null for random scales in [1, 101) (default 1). */
  scale?: number | readonly number[] | null;
  /** Shuffle the rows and the columns (default true). */
  shuffle?: boolean;
  /** Seed of numpy's legacy RandomState (sklearn's `random_state`): a number or a RandomState ({@link Seed}). */
  seed?: Seed;
}

/** Rows and their labels. */
export interface LabelledData {
  X: Matrix;
  /** Class of each row (for {@link generateData}: 1 = outlier). */
  y: number[];
}

/**
 * scikit-learn's `make_classification`: a seeded, hard-enough classification problem. Each class is
 * `nClustersPerClass` Gaussian clusters centred on vertices of a hypercube with side 2 * classSep in
 * the informative columns, each with a random covariance; then redundant, repeated and noise columns,
 * label noise, shift and scale, and a shuffle of rows and columns.
 *
 * Draw for draw scikit-learn's algorithm with numpy's legacy generator: the same seed gives the same
 * labels and the same X, up to the last bits of the matrix products (numpy hands `np.dot` to BLAS,
 * whose summation order may differ; the tests allow 1e-12 relative).
 *
 * @example
 * const { X, y } = makeClassification({ nSamples: 1000, nFeatures: 10, weights: [0.95], seed: 0 });
 * // same y as sklearn.datasets.make_classification(1000, 10, weights=[0.95], random_state=0)
 */
export function makeClassification(options: MakeClassificationOptions = {}): LabelledData {
  const n = checkInteger(options.nSamples ?? 100, "nSamples");
  const f = checkInteger(options.nFeatures ?? 20, "nFeatures");
  const nInformative = checkInteger(options.nInformative ?? 2, "nInformative");
  const nRedundant = checkInteger(options.nRedundant ?? 2, "nRedundant", 0);
  const nRepeated = checkInteger(options.nRepeated ?? 0, "nRepeated", 0);
  const nClasses = checkInteger(options.nClasses ?? 2, "nClasses");
  const perClass = checkInteger(options.nClustersPerClass ?? 2, "nClustersPerClass");
  const flipY = options.flipY ?? 0.01;
  const classSep = options.classSep ?? 1.0;
  if (!Number.isFinite(flipY) || flipY > 1) throw new RangeError(`flipY must be a share in [0, 1], got ${flipY}`);
  if (!Number.isFinite(classSep)) throw new RangeError(`classSep must be a finite number, got ${classSep}`);
  if (nInformative + nRedundant + nRepeated > f) {
    throw new RangeError(`nInformative + nRedundant + nRepeated (${nInformative + nRedundant + nRepeated}) exceeds nFeatures (${f})`);
  }
  if (nInformative < Math.log2(nClasses * perClass)) {
    throw new RangeError(`nClasses (${nClasses}) * nClustersPerClass (${perClass}) must be at most 2 ** nInformative = ${2 ** nInformative}`);
  }
  const rng = generatorFor(seedOption(options, "makeClassification"));
  const weights = classWeights(options.weights, nClasses);

  const nUseless = f - nInformative - nRedundant - nRepeated;
  const nClusters = nClasses * perClass;
  const clusterSizes = Array.from({ length: nClusters }, (_, k) => Math.trunc((n * weights[k % nClasses]) / perClass));
  const missing = n - clusterSizes.reduce((a, b) => a + b, 0);
  for (let i = 0; i < missing; i++) clusterSizes[i % nClusters] += 1;

  const X = new Float64Array(n * f);
  const y = new Array<number>(n).fill(0);
  const centroids = hypercubeVertices(nClusters, nInformative, rng).map((vertex) => vertex.map((bit) => bit * (2 * classSep) - classSep));
  if (options.hypercube === false) {
    const perCluster = rng.uniform(0, 1, nClusters);
    const perFeature = rng.uniform(0, 1, nInformative);
    centroids.forEach((centroid, k) => centroid.forEach((_, j) => { centroid[j] = centroid[j] * perCluster[k] * perFeature[j]; }));
  }
  const gaussian = rng.standardNormal(n * nInformative);
  for (let i = 0; i < n; i++) for (let j = 0; j < nInformative; j++) X[i * f + j] = gaussian[i * nInformative + j];

  let stop = 0;
  const row = new Float64Array(nInformative);
  centroids.forEach((centroid, k) => {
    const start = stop;
    stop += clusterSizes[k];
    const A = rng.uniform(0, 1, nInformative * nInformative).map((u) => 2 * u - 1);
    for (let i = start; i < stop; i++) {
      y[i] = k % nClasses;
      row.set(X.subarray(i * f, i * f + nInformative));
      for (let j = 0; j < nInformative; j++) {
        let sum = 0;
        for (let m = 0; m < nInformative; m++) sum += row[m] * A[m * nInformative + j];
        X[i * f + j] = sum + centroid[j];
      }
    }
  });
  if (nRedundant > 0) {
    const B = rng.uniform(0, 1, nInformative * nRedundant).map((u) => 2 * u - 1);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < nRedundant; j++) {
        let sum = 0;
        for (let m = 0; m < nInformative; m++) sum += X[i * f + m] * B[m * nRedundant + j];
        X[i * f + nInformative + j] = sum;
      }
    }
  }
  if (nRepeated > 0) {
    const base = nInformative + nRedundant;
    const sources = Array.from(rng.uniform(0, 1, nRepeated), (u) => Math.trunc((base - 1) * u + 0.5));
    for (let i = 0; i < n; i++) sources.forEach((source, j) => { X[i * f + base + j] = X[i * f + source]; });
  }
  if (nUseless > 0) {
    const noise = rng.standardNormal(n * nUseless);
    for (let i = 0; i < n; i++) for (let j = 0; j < nUseless; j++) X[i * f + f - nUseless + j] = noise[i * nUseless + j];
  }
  if (flipY >= 0) {
    const flipped = Array.from(rng.uniform(0, 1, n), (u) => u < flipY);
    const count = flipped.filter(Boolean).length;
    const newLabels = count > 0 ? rng.randint(0, nClasses, count) : [];
    let next = 0;
    flipped.forEach((flip, i) => { if (flip) y[i] = newLabels[next++]; });
  }
  const shift = columnValues(options.shift === undefined ? 0 : options.shift, f, "shift", () => rng.uniform(0, 1, f).map((u) => (2 * u - 1) * classSep));
  for (let p = 0; p < X.length; p++) X[p] += shift[p % f];
  const scale = columnValues(options.scale === undefined ? 1 : options.scale, f, "scale", () => rng.uniform(0, 1, f).map((u) => 1 + 100 * u));
  for (let p = 0; p < X.length; p++) X[p] *= scale[p % f];

  if (options.shuffle === false) return { X: { rows: n, cols: f, data: X }, y };
  // sklearn.utils.shuffle(X, y): one permutation of the rows; then the columns are permuted too.
  const rowOrder = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const columnOrder = rng.shuffle(Array.from({ length: f }, (_, j) => j));
  const out = new Float64Array(n * f);
  rowOrder.forEach((source, i) => { for (let j = 0; j < f; j++) out[i * f + j] = X[source * f + columnOrder[j]]; });
  return { X: { rows: n, cols: f, data: out }, y: rowOrder.map((source) => y[source]) };
}

function classWeights(weights: readonly number[] | undefined, nClasses: number): number[] {
  if (weights === undefined) return new Array<number>(nClasses).fill(1 / nClasses);
  if (weights.length !== nClasses && weights.length !== nClasses - 1) {
    throw new RangeError(`weights has ${weights.length} values; give ${nClasses} (one per class) or ${nClasses - 1} (the last class takes the rest)`);
  }
  weights.forEach((w, c) => { if (!Number.isFinite(w) || w < 0) throw new RangeError(`weights[${c}] must be a share >= 0, got ${w}`); });
  return weights.length === nClasses ? [...weights] : [...weights, 1 - weights.reduce((a, b) => a + b, 0)];
}

function columnValues(value: number | readonly number[] | null, f: number, name: string, draw: () => Float64Array): ArrayLike<number> {
  if (value === null) return draw();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`${name} must be finite, got ${value}`);
    return new Array<number>(f).fill(value);
  }
  if (value.length !== f || value.some((v) => !Number.isFinite(v))) throw new RangeError(`${name} must hold ${f} finite values (one per column)`);
  return value;
}

/**
 * sklearn's `_generate_hypercube`: `samples` distinct vertices of the unit hypercube in `dimensions`
 * dimensions, as 0/1 rows (bits of distinct integers drawn by `sample_without_replacement`).
 */
function hypercubeVertices(samples: number, dimensions: number, rng: RandomState): number[][] {
  if (dimensions > 30) {
    const head = rng.randint(0, 2, samples * (dimensions - 30));
    const tail = hypercubeVertices(samples, 30, rng);
    return tail.map((bits, i) => [...head.slice(i * (dimensions - 30), (i + 1) * (dimensions - 30)), ...bits]);
  }
  return sampleWithoutReplacement(2 ** dimensions, samples, rng).map((value) =>
    Array.from({ length: dimensions }, (_, j) => Math.floor(value / 2 ** (dimensions - 1 - j)) % 2));
}

/** sklearn.utils.random.sample_without_replacement, method "auto" (its three strategies, draw for draw). */
function sampleWithoutReplacement(population: number, samples: number, rng: RandomState): number[] {
  const ratio = population !== 0 ? samples / population : 1;
  if (ratio > 0.01 && ratio < 0.99) return rng.permutation(population).slice(0, samples);
  if (ratio < 0.2) {
    // "tracking selection": redraw until unseen.
    const selected = new Set<number>();
    const out: number[] = [];
    for (let i = 0; i < samples; i++) {
      let j = rng.randint(0, population);
      while (selected.has(j)) j = rng.randint(0, population);
      selected.add(j);
      out.push(j);
    }
    return out;
  }
  // "reservoir sampling".
  const out = Array.from({ length: samples }, (_, i) => i);
  for (let i = samples; i < population; i++) {
    const j = rng.randint(0, i + 1);
    if (j < samples) out[j] = i;
  }
  return out;
}

/** Options of {@link generateData}; names and defaults are PyOD's `generate_data`. */
export interface GenerateDataOptions extends SeedOptions {
  /** Training rows (default 1000). */
  nTrain?: number;
  /** Test rows (default 500). */
  nTest?: number;
  /** Columns (default 2). */
  nFeatures?: number;
  /** Share of outliers in each part, (0, 0.5] (default 0.1). */
  contamination?: number;
  /** Inliers are centred at a random integer in [0, offset); outliers are uniform in [-that, that) (default 10). */
  offset?: number;
  /** Seed of numpy's legacy RandomState (PyOD's `random_state`): a number or a RandomState ({@link Seed}). */
  seed?: Seed;
}

/** Train and test parts of {@link generateData}, PyOD's `X_train, X_test, y_train, y_test`. */
export interface GeneratedData {
  train: LabelledData;
  test: LabelledData;
}

/**
 * PyOD's `generate_data` (behaviour "new"): inliers from a tight Gaussian `coef * N(0, 1) + c` and
 * outliers uniform in [-c, c) per column, inliers first then outliers, in a train and a test part;
 * `c = randint(0, offset)` and `coef = U[0, 1) + 0.001` are drawn once. The same seed gives PyOD's
 * numbers exactly (numpy's legacy generator). Like PyOD, a drawn c of 0 makes every outlier 0.
 *
 * @example
 * const { train, test } = generateData({ nTrain: 200, nTest: 100, contamination: 0.1, seed: 42 });
 * new KNNDetector().fit(train.X).score(test.X);
 */
export function generateData(options: GenerateDataOptions = {}): GeneratedData {
  const nTrain = checkInteger(options.nTrain ?? 1000, "nTrain");
  const nTest = checkInteger(options.nTest ?? 500, "nTest", 0);
  const d = checkInteger(options.nFeatures ?? 2, "nFeatures");
  const contamination = options.contamination ?? 0.1;
  if (!(contamination > 0 && contamination <= 0.5)) throw new RangeError(`contamination must be in (0, 0.5], got ${contamination}`);
  const offset = checkInteger(options.offset ?? 10, "offset");
  const rng = generatorFor(seedOption(options, "generateData"));
  const centre = rng.randint(0, offset);
  const coef = rng.randomSample() + 0.001;
  const part = (rows: number): LabelledData => {
    const outliers = Math.trunc(rows * contamination);
    const inliers = rows - outliers;
    const data = new Float64Array(rows * d);
    const gaussian = rng.standardNormal(inliers * d);
    for (let p = 0; p < inliers * d; p++) data[p] = coef * gaussian[p] + centre;
    data.set(rng.uniform(-1 * centre, centre, outliers * d), inliers * d);
    const y = Array.from({ length: rows }, (_, i) => (i < inliers ? 0 : 1));
    return { X: { rows, cols: d, data }, y };
  };
  const train = part(nTrain);
  return { train, test: part(nTest) };
}
