// Public API of the dataset loaders (re-exported by src/index.ts).
export { ChecksumMismatchError, DataParseError, DatasetUnavailableError } from "./errors";
export type { TextLocation } from "./errors";
export { DATA_HOME_ENV, DATA_MIRROR_ENV, dataHome, resolveMirror, userCacheDir } from "./paths";
export type { Mirror } from "./paths";
export { datasetInfo, listDatasets, registryFile } from "./registry";
export type { DatasetInfo, RegistryFile } from "./registry";
export { sha256OfFile } from "./checksum";
export { describeLocalFile, fetchDatasetFile } from "./fetch";
export type { DataSourceKind, FetchedFile, FetchOptions } from "./fetch";
export { Float64Matrix } from "./matrix";
export { parseNaiveTimestamp } from "./timestamps";
export { ecgTutorialSplit, loadEcg5000, loadEcg5000Ucr } from "./ecg5000";
export type { Ecg5000, Ecg5000Ucr, Ecg5000UcrOptions, EcgTutorialSplit, LabelledBeats } from "./ecg5000";
export { ArchiveError, DEFAULT_MAX_EXTRACT_BYTES, extractZip, readZipEntries } from "./archive";
export type { ExtractZipOptions, ReadZipOptions } from "./archive";
export { NpyFormatError, parseNpy, readNpz } from "./npy";
export type { NpyArray } from "./npy";
export { ADBENCH_DATASETS, adbenchId, loadAdbench } from "./adbench";
export type { AdbenchDataset, AdbenchOptions } from "./adbench";
export { aggregateBearingFiles, bearingFileMeans, loadBearingTest2 } from "./bearing";
export type { BearingAggregationOptions, BearingTest2 } from "./bearing";
export { CREDIT_CARD_COLUMNS, loadCreditCard, parseCreditCardCsv } from "./creditcard";
export type { CreditCard, CreditCardOptions, CreditCardVariant } from "./creditcard";
export { loadNab, NAB_REAL_KNOWN_CAUSE, parseNabCsv } from "./nab";
export type { NabRealKnownCauseSeries, NabSeries } from "./nab";
export {
  loadNabCorpus,
  loadNabCorpusSeries,
  loadNabPublishedScores,
  loadNabScoreboard,
  loadNabThresholds,
  NAB_CATEGORIES,
  NAB_PUBLISHED_LEADER_RESULTS,
  NAB_PUBLISHED_RESULTS,
  nabCorpusKeys,
} from "./nab-corpus";
export type { NabCorpusSeries, NabPublishedDetector } from "./nab-corpus";
export { generateData, makeClassification, type GeneratedData, type GenerateDataOptions, type LabelledData, type MakeClassificationOptions } from "./synthetic";
export { IdxFormatError, parseIdx } from "./idx";
export type { IdxArray } from "./idx";
export { FASHION_MNIST_CLASSES, FASHION_MNIST_SIDE, fashionMnistRows, loadFashionMnist } from "./fashion-mnist";
export type { FashionMnist, FashionMnistOptions } from "./fashion-mnist";
