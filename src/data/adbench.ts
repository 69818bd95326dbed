/**
 * ADBench's "Classical" tabular datasets (Han et al., NeurIPS 2022): NumPy .npz files holding X
 * (rows x features) and y (1 = anomaly), fetched and verified through the registry
 * (data/datasets.json, dataset "adbench-classical") like every other loader.
 */
import * as path from "node:path";
import pl from "nodejs-polars";
import { describeSource, formatCount } from "./describe";
import { fetchDatasetFile, FetchedFile, FetchOptions } from "./fetch";
import { Float64Matrix } from "./matrix";
import { NpyArray, NpyFormatError, readNpz } from "./npy";

const DATASET = "adbench-classical";

/**
 * The 43 ADBench Classical files anomaly-lab's registry lists, as ADBench names them ("6_cardio");
 * ADBench's other four (3_backdoor, 9_census, 13_fraud, 36_speech) are not in the project mirror.
 */
export const ADBENCH_DATASETS: readonly string[] = [
  "1_ALOI", "2_annthyroid", "4_breastw", "5_campaign", "6_cardio", "7_Cardiotocography", "8_celeba", "10_cover",
  "11_donors", "12_fault", "14_glass", "15_Hepatitis", "16_http", "17_InternetAds", "18_Ionosphere", "19_landsat",
  "20_letter", "21_Lymphography", "22_magic.gamma", "23_mammography", "24_mnist", "25_musk", "26_optdigits",
  "27_PageBlocks", "28_pendigits", "29_Pima", "30_satellite", "31_satimage-2", "32_shuttle", "33_skin", "34_smtp",
  "35_SpamBase", "37_Stamps", "38_thyroid", "39_vertebral", "40_vowels", "41_Waveform", "42_WBC", "43_WDBC",
  "44_Wilt", "45_wine", "46_WPBC", "47_yeast",
];

/** Options of {@link loadAdbench}. */
export interface AdbenchOptions extends FetchOptions {
  /** Also return the data as a DataFrame `df`: columns x0..x{p-1} (Float64) and y (Int32). Default false. */
  dataframe?: boolean;
}

/** One ADBench dataset. */
export interface AdbenchDataset {
  /** ADBench's file name without ".npz", e.g. "6_cardio". */
  id: string;
  /** The name without ADBench's number, e.g. "cardio". */
  name: string;
  /** Rows x features as doubles (ADBench stores some as bytes or small integers: see `dtype`). */
  X: Float64Matrix;
  /** One label per row: 1 = anomaly, 0 = normal. */
  y: Uint8Array;
  nRows: number;
  nFeatures: number;
  nOutliers: number;
  /** nOutliers / nRows. */
  outlierFraction: number;
  /** numpy dtype of X in the file, e.g. "<f8", "|u1", "<i2". */
  dtype: string;
  /** With `{ dataframe: true }`: x0..x{p-1} and y. */
  df?: pl.DataFrame;
  source: FetchedFile;
  /** Provenance and counts, for notebooks to print. */
  description: string;
}

/**
 * ADBench's id for a name given as "cardio", "6_cardio", "CARDIO" or "6_cardio.npz" (case-insensitive);
 * unknown names throw and list the known ones.
 *
 * @example adbenchId("Cardio"); // "6_cardio"
 */
export function adbenchId(name: string): string {
  if (typeof name !== "string") throw new TypeError(`adbench: the dataset name must be a string, got ${String(name)}`);
  const wanted = name.trim().toLowerCase().replace(/\.npz$/, "");
  const found = ADBENCH_DATASETS.find((id) => id.toLowerCase() === wanted || stripNumber(id).toLowerCase() === wanted);
  if (found === undefined) {
    throw new RangeError(`Unknown ADBench dataset ${JSON.stringify(name)}; known: ${ADBENCH_DATASETS.map(stripNumber).join(", ")}`);
  }
  return found;
}

/**
 * Loads one ADBench Classical dataset (the .npz from the cache, the mirror or ADBench's GitHub at
 * the registry's commit, sha256-checked), with X as a row-major matrix of doubles and y as 0/1.
 * A file with no X or y, a non-2-D X, a y of another length or labels other than 0/1 throws
 * naming the file and the problem.
 *
 * @example
 * const cardio = await loadAdbench("cardio");
 * cardio.X.shape; // [1831, 21]
 * cardio.nOutliers; // 176
 */
export async function loadAdbench(name: string, options: AdbenchOptions = {}): Promise<AdbenchDataset> {
  const id = adbenchId(name);
  const source = await fetchDatasetFile(DATASET, `${id}.npz`, options);
  const arrays = await readNpz(source.path);
  const file = path.basename(source.path);
  const X = arrays.get("X");
  const labels = arrays.get("y");
  if (X === undefined || labels === undefined) {
    throw new NpyFormatError(source.path, `an ADBench file holds arrays X and y; this one has [${[...arrays.keys()].join(", ")}]`);
  }
  if (X.shape.length !== 2) throw new NpyFormatError(`${source.path}: X.npy`, `X must be 2-D (rows x features), its shape is (${X.shape.join(", ")})`);
  const [nRows, nFeatures] = X.shape as [number, number];
  const y = binaryLabels(labels, nRows, `${source.path}: y.npy`);
  const nOutliers = y.reduce((sum, label) => sum + label, 0);
  const outlierFraction = nOutliers / nRows;
  const matrix = new Float64Matrix(nRows, nFeatures, X.data);
  const description =
    `ADBench ${id}: ${formatCount(nRows)} rows x ${nFeatures} features, ${formatCount(nOutliers)} anomalies ` +
    `(${(100 * outlierFraction).toFixed(2)}%). ${describeSource(source, `adbench_classical/${file}`)}`;
  const dataset: AdbenchDataset = {
    id, name: stripNumber(id), X: matrix, y, nRows, nFeatures, nOutliers, outlierFraction, dtype: X.dtype, source, description,
  };
  if (options.dataframe === true) dataset.df = adbenchFrame(matrix, y);
  return dataset;
}

function binaryLabels(labels: NpyArray, nRows: number, file: string): Uint8Array {
  if (labels.shape.length !== 1 || labels.shape[0] !== nRows) {
    throw new NpyFormatError(file, `y must hold one label per row of X (${nRows}), its shape is (${labels.shape.join(", ")})`);
  }
  const y = new Uint8Array(nRows);
  labels.data.forEach((label, i) => {
    if (label !== 0 && label !== 1) throw new NpyFormatError(file, `label ${label} of row ${i} is not 0 (normal) or 1 (anomaly)`);
    y[i] = label;
  });
  return y;
}

function adbenchFrame(X: Float64Matrix, y: Uint8Array): pl.DataFrame {
  const columns = Array.from({ length: X.nCols }, (_, j) => pl.Series(`x${j}`, X.column(j), pl.Float64));
  return pl.DataFrame([...columns, pl.Series("y", Int32Array.from(y), pl.Int32)]);
}

function stripNumber(id: string): string {
  return id.replace(/^\d+_/, "");
}
