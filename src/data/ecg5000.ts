import * as fs from "node:fs";
import * as path from "node:path";
import { extractZip } from "./archive";
import { sha256OfFile } from "./checksum";
import { describeSource, formatCount } from "./describe";
import { DataParseError, DatasetUnavailableError } from "./errors";
import { describeLocalFile, fetchDatasetFile, FetchedFile, FetchOptions } from "./fetch";
import { dataHome, DATA_MIRROR_ENV } from "./paths";
import { datasetInfo, registryFile } from "./registry";
import { Float64Matrix } from "./matrix";
import { checkSeed, type Seed } from "../core/seed";
import { parseNumericTable } from "./text-table";
import { trainTestSplitIndices } from "../preprocessing/split";

const DATASET = "ecg5000";
const SAMPLES_PER_BEAT = 140;

/** ECG5000 in the TensorFlow tutorial's binary form. */
export interface Ecg5000 {
  /** Beats x samples: 4,998 x 140 for the registry file. */
  X: Float64Matrix;
  /** One per beat: 1 = normal, 0 = abnormal (TensorFlow's convention). */
  labels: number[];
  nNormal: number;
  nAbnormal: number;
  /** The file it was read from and how it was verified. */
  source: FetchedFile;
  /** Human-readable summary for notebooks to print. */
  description: string;
}

/**
 * Loads TensorFlow's ecg.csv (ECG5000, 4,998 beats x 140 samples, label 1 = normal), fetching and
 * verifying it on first use (see {@link fetchDatasetFile} for sources and caching).
 *
 * @example
 * const ecg = await loadEcg5000();
 * ecg.X.shape; // [4998, 140]
 * console.log(ecg.description);
 */
export async function loadEcg5000(options: FetchOptions = {}): Promise<Ecg5000> {
  const source = await fetchDatasetFile(DATASET, "ecg.csv", options);
  const table = parseNumericTable(await fs.promises.readFile(source.path, "utf8"), {
    file: source.path,
    delimiter: ",",
    columns: SAMPLES_PER_BEAT + 1,
  });
  const width = SAMPLES_PER_BEAT + 1;
  const X = new Float64Array(table.nRows * SAMPLES_PER_BEAT);
  const labels = new Array<number>(table.nRows);
  for (let i = 0; i < table.nRows; i++) {
    X.set(table.values.subarray(i * width, i * width + SAMPLES_PER_BEAT), i * SAMPLES_PER_BEAT);
    const label = table.values[i * width + SAMPLES_PER_BEAT]!;
    if (label !== 0 && label !== 1) {
      throw new DataParseError({ file: source.path, line: i + 1, column: width }, `label must be 0 or 1, got ${label}`);
    }
    labels[i] = label;
  }
  const nNormal = labels.reduce((sum, l) => sum + l, 0);
  const nAbnormal = table.nRows - nNormal;
  const description =
    `ECG5000 (UCR archive, TensorFlow's ecg.csv): ${formatCount(table.nRows)} heartbeats x ${SAMPLES_PER_BEAT} samples; ` +
    `${formatCount(nNormal)} normal (label 1), ${formatCount(nAbnormal)} abnormal (label 0). ` +
    describeSource(source, "ecg5000/ecg.csv");
  return { X: new Float64Matrix(table.nRows, SAMPLES_PER_BEAT, X), labels, nNormal, nAbnormal, source, description };
}

/** The UCR split files of ECG5000 with the original 5 classes. */
export interface Ecg5000Ucr {
  split: "TRAIN" | "TEST";
  /** Beats x 140 samples. */
  X: Float64Matrix;
  /** UCR class per beat: 1 = normal, 2..5 = kinds of abnormal beat. */
  classes: number[];
  /** Beats per class, e.g. {1: 292, 2: 177, 3: 10, 4: 19, 5: 2} for TRAIN. */
  classCounts: Record<number, number>;
  source: FetchedFile;
  description: string;
}

/** Options of {@link loadEcg5000Ucr}. */
export interface Ecg5000UcrOptions extends FetchOptions {
  /**
   * A local copy of the UCR archive ECG5000.zip: the split's .txt is extracted from it (safely, see
   * {@link extractZip}) into `<cache>/ecg5000/ucr-archive/`. Not together with `path`.
   */
  archive?: string;
}

/**
 * Loads a UCR split of ECG5000 (whitespace-separated, class first). "TRAIN" (500 beats) is a
 * verified registry file. "TEST" (4,500 beats) comes from the UCR archive ECG5000.zip (registry
 * file `ecg5000/ECG5000.zip`, no checksum known): the first call fetches the zip (mirror, then
 * timeseriesclassification.com), extracts ECG5000_TEST.txt safely into
 * `<cache>/ecg5000/ucr-archive/` and later calls read it from there. `{ archive }` extracts the
 * split from a local zip instead; `{ path }` reads an extracted .txt directly.
 *
 * @example
 * const train = await loadEcg5000Ucr("TRAIN");
 * train.classCounts; // { 1: 292, 2: 177, 3: 10, 4: 19, 5: 2 }
 * const test = await loadEcg5000Ucr("TEST", { archive: "Downloads/ECG5000.zip" }); // 4,500 beats
 */
export async function loadEcg5000Ucr(split: "TRAIN" | "TEST", options: Ecg5000UcrOptions = {}): Promise<Ecg5000Ucr> {
  if (split !== "TRAIN" && split !== "TEST") throw new Error(`loadEcg5000Ucr: split must be "TRAIN" or "TEST", got ${JSON.stringify(split)}`);
  if (options.path !== undefined && options.archive !== undefined) {
    throw new Error('loadEcg5000Ucr: pass either "path" (an extracted .txt) or "archive" (the UCR zip), not both');
  }
  let source: FetchedFile;
  if (options.archive !== undefined) {
    source = await extractUcrSplit(split, await describeLocalFile(DATASET, options.archive), options);
  } else if (split === "TRAIN") {
    source = await fetchDatasetFile(DATASET, "ECG5000_TRAIN.txt", options);
  } else if (options.path !== undefined) {
    source = await describeLocalFile(DATASET, options.path);
  } else {
    source = await ucrTestFromCacheOrArchive(options);
  }
  const width = SAMPLES_PER_BEAT + 1;
  const table = parseNumericTable(await fs.promises.readFile(source.path, "utf8"), {
    file: source.path,
    delimiter: "whitespace",
    columns: width,
  });
  const X = new Float64Array(table.nRows * SAMPLES_PER_BEAT);
  const classes = new Array<number>(table.nRows);
  const classCounts: Record<number, number> = {};
  for (let i = 0; i < table.nRows; i++) {
    const cls = table.values[i * width]!;
    if (!Number.isInteger(cls) || cls < 1 || cls > 5) {
      throw new DataParseError({ file: source.path, line: i + 1, column: 1 }, `class must be an integer 1..5, got ${cls}`);
    }
    classes[i] = cls;
    classCounts[cls] = (classCounts[cls] ?? 0) + 1;
    X.set(table.values.subarray(i * width + 1, (i + 1) * width), i * SAMPLES_PER_BEAT);
  }
  const counts = Object.entries(classCounts).map(([c, n]) => `class ${c}: ${n}`).join(", ");
  const description =
    `ECG5000 UCR ${split} split: ${formatCount(table.nRows)} heartbeats x ${SAMPLES_PER_BEAT} samples (${counts}; class 1 = normal). ` +
    describeSource(source, `ecg5000/ECG5000_${split}.txt`);
  return { split, X: new Float64Matrix(table.nRows, SAMPLES_PER_BEAT, X), classes, classCounts, source, description };
}

const UCR_ARCHIVE = "ECG5000.zip";
/** Cache subfolder for files extracted from the UCR zip, apart from the verified registry files. */
const UCR_EXTRACT_FOLDER = "ucr-archive";

function ucrExtractFolder(options: FetchOptions): string {
  return path.join(dataHome(options.dataHome), datasetInfo(DATASET).folder, UCR_EXTRACT_FOLDER);
}

/** ECG5000_TEST.txt from the cache, else extracted from the registry's UCR zip (fetched if needed). */
async function ucrTestFromCacheOrArchive(options: FetchOptions): Promise<FetchedFile> {
  const fileName = "ECG5000_TEST.txt";
  const cached = path.join(ucrExtractFolder(options), fileName);
  if (fs.existsSync(cached)) {
    return {
      datasetId: DATASET,
      fileId: null,
      path: cached,
      source: "cache",
      origin: cached,
      sha256: await sha256OfFile(cached),
      verification: "unverified: no checksum known (extracted earlier from the UCR archive)",
    };
  }
  let zip: FetchedFile;
  try {
    zip = await fetchDatasetFile(DATASET, UCR_ARCHIVE, options);
  } catch (error) {
    if (!(error instanceof DatasetUnavailableError)) throw error;
    const zipEntry = registryFile(DATASET, UCR_ARCHIVE);
    throw new DatasetUnavailableError(
      `${datasetInfo(DATASET).folder}/${fileName}`,
      [`cache ${cached}: not present`, ...error.attempts],
      `${fileName} is not in the registry on its own: it is extracted from the UCR archive ${zipEntry.mirrorPath} ` +
        `(${zipEntry.urls.join(" or ")}; no checksum known). Download that zip and pass { archive: ".../${UCR_ARCHIVE}" }, ` +
        `or put it at <mirror>/${zipEntry.mirrorPath} (with ${DATA_MIRROR_ENV} set) or <cache>/${zipEntry.mirrorPath}, ` +
        `or pass the extracted text file as { path: ".../${fileName}" }. See docs/datasets.md.`,
    );
  }
  return extractUcrSplit("TEST", zip, options);
}

/** Extracts ECG5000_<split>.txt from a UCR zip into the cache and describes it. */
async function extractUcrSplit(split: "TRAIN" | "TEST", zip: FetchedFile, options: FetchOptions): Promise<FetchedFile> {
  const fileName = `ECG5000_${split}.txt`;
  const [extracted] = await extractZip(zip.path, ucrExtractFolder(options), { only: [fileName] });
  const sha256 = await sha256OfFile(extracted!);
  // The zip has no known checksum, but an extracted TRAIN can still be checked against the registry.
  const match = Object.values(datasetInfo(DATASET).files).find((f) => f.sha256 === sha256);
  const archive = zip.source === "local-path" ? path.basename(zip.path) : registryFile(DATASET, UCR_ARCHIVE).mirrorPath;
  return {
    datasetId: DATASET,
    fileId: match?.fileId ?? null,
    path: extracted!,
    source: zip.source,
    origin: `${zip.origin}, entry ${fileName}`,
    sha256,
    verification:
      match !== undefined
        ? `verified: extracted file equals registry file ${match.mirrorPath}`
        : `unverified: no checksum known (extracted from ${archive})`,
  };
}

/** Rows of ECG5000 picked by a split, with their labels and original row numbers. */
export interface LabelledBeats {
  X: Float64Matrix;
  labels: number[];
  /** Row numbers in the full data, in split order. */
  indices: number[];
}

/** The TensorFlow autoencoder tutorial's split of ECG5000. */
export interface EcgTutorialSplit {
  train: LabelledBeats;
  test: LabelledBeats;
  /** Normal beats (label 1) of `train`: what the autoencoder is trained on. */
  normalTrain: Float64Matrix;
  anomalousTrain: Float64Matrix;
  normalTest: Float64Matrix;
  anomalousTest: Float64Matrix;
}

/**
 * Splits ECG5000 exactly like the TensorFlow tutorial's
 * `train_test_split(data, labels, test_size=0.2, random_state=21)`, through
 * {@link trainTestSplitIndices}: numpy's legacy `RandomState(seed).permutation(n)`, the first
 * ceil(testSize * n) rows as test and the rest as train. The same rows, in the same order, as
 * scikit-learn (checked against it in the tests). No scaling is applied; the tutorial's min-max
 * scaling with the training min/max is a separate step.
 *
 * @example
 * const split = ecgTutorialSplit(await loadEcg5000());
 * split.train.X.shape; // [3998, 140]
 * split.normalTrain.nRows; // normal beats to train an autoencoder on
 */
export function ecgTutorialSplit(
  ecg: Pick<Ecg5000, "X" | "labels">,
  options: { testSize?: number; seed?: Seed } = {},
): EcgTutorialSplit {
  const testSize = options.testSize ?? 0.2;
  if (!(testSize > 0 && testSize < 1)) throw new RangeError(`ecgTutorialSplit: testSize must be in (0, 1), got ${testSize}`);
  const seed = checkSeed(options.seed ?? 21, "ecgTutorialSplit: seed");
  const n = ecg.X.nRows;
  if (ecg.labels.length !== n) throw new RangeError(`ecgTutorialSplit: ${n} rows but ${ecg.labels.length} labels`);
  const rows = trainTestSplitIndices(n, { testSize, seed });
  const pick = (indices: number[]): LabelledBeats => ({
    X: ecg.X.selectRows(indices),
    labels: indices.map((i) => ecg.labels[i]!),
    indices,
  });
  const train = pick(rows.train);
  const test = pick(rows.test);
  const rowsWithLabel = (part: LabelledBeats, label: number) =>
    part.X.selectRows(part.labels.flatMap((l, k) => (l === label ? [k] : [])));
  return {
    train,
    test,
    normalTrain: rowsWithLabel(train, 1),
    anomalousTrain: rowsWithLabel(train, 0),
    normalTest: rowsWithLabel(test, 1),
    anomalousTest: rowsWithLabel(test, 0),
  };
}
