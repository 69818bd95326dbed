// Benchmark data sets, written once to a folder as raw float64 (row-major) + uint8 labels so that our
// detectors and scikit-learn read the very same numbers.
import { mkdirSync, existsSync, writeFileSync, renameSync } from "node:fs";
import path from "node:path";
import { loadCreditCard, loadEcg5000, makeClassification } from "../../src/data";
import { RandomState } from "../../src/random";

export interface BenchDataset {
  name: string;
  rows: number;
  cols: number;
  /** Files: <name>.X.f64 and <name>.y.u8 in the data folder. */
  xFile: string;
  yFile: string;
  note: string;
}

function writeAtomic(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

function save(dir: string, name: string, X: Float64Array, y: Uint8Array, cols: number, note: string): BenchDataset {
  const xFile = path.join(dir, `${name}.X.f64`);
  const yFile = path.join(dir, `${name}.y.u8`);
  writeAtomic(xFile, new Uint8Array(X.buffer, X.byteOffset, X.byteLength));
  writeAtomic(yFile, y);
  return { name, rows: y.length, cols, xFile, yFile, note };
}

/** Gaussian inliers (standard normal, 30-D) and 1% outliers drawn uniformly from [-6, 6]^d; seeded. */
export function synthetic(dir: string, rows: number, cols = 30, seed = 42): BenchDataset {
  const name = `synthetic-${rows / 1000}k`;
  const existing = path.join(dir, `${name}.y.u8`);
  if (existsSync(existing)) {
    return { name, rows, cols, xFile: path.join(dir, `${name}.X.f64`), yFile: existing, note: "cached" };
  }
  const rng = new RandomState(seed);
  const X = new Float64Array(rows * cols);
  const y = new Uint8Array(rows);
  const outliers = Math.round(rows * 0.01);
  for (let i = 0; i < rows; i++) {
    const isOutlier = i < outliers;
    y[i] = isOutlier ? 1 : 0;
    for (let j = 0; j < cols; j++) {
      X[i * cols + j] = isOutlier ? rng.uniform(-6, 6) : rng.standardNormal();
    }
  }
  return save(dir, name, X, y, cols, `gaussian ${cols}-D + 1% uniform outliers, seed ${seed}`);
}

/**
 * A supervised problem for the classifiers: scikit-learn's make_classification (our exact port), 30 columns
 * of which 8 informative and 4 redundant, 5% positives, 1% label noise; `trainRows` rows after the 80/20 split.
 */
export function classification(dir: string, trainRows: number): BenchDataset {
  const rows = Math.round(trainRows / 0.8);
  const name = `classify-${trainRows / 1000}k`;
  const { X, y } = makeClassification({ nSamples: rows, nFeatures: 30, nInformative: 8, nRedundant: 4, weights: [0.95], flipY: 0.01, seed: 0 });
  return save(dir, name, X.data, Uint8Array.from(y), 30, `make_classification ${rows} x 30, 5% positive, seed 0`);
}

/** The credit-card subset: V1..V28 and Amount (Time left out, as most tutorials do), Class = 1 is fraud. */
export async function creditCard(dir: string): Promise<BenchDataset> {
  const cards = await loadCreditCard();
  const features = cards.df.columns.filter((c) => c !== "Class" && c !== "Time");
  const rows = cards.nRows;
  const X = new Float64Array(rows * features.length);
  features.forEach((column, j) => {
    const values = cards.df.getColumn(column).toArray() as number[];
    for (let i = 0; i < rows; i++) X[i * features.length + j] = values[i];
  });
  const y = Uint8Array.from(cards.df.getColumn("Class").toArray() as number[]);
  return save(dir, "creditcard", X, y, features.length, `${cards.variant}, ${features.length} features (no Time)`);
}

/** ECG5000 beats (140 samples); the anomaly class is label 0 (abnormal beats, 42%). */
export async function ecg(dir: string): Promise<BenchDataset> {
  const data = await loadEcg5000();
  const y = Uint8Array.from(data.labels, (label) => (label === 0 ? 1 : 0));
  return save(dir, "ecg5000", Float64Array.from(data.X.data), y, data.X.nCols, "4,998 x 140, anomaly = abnormal beat");
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
