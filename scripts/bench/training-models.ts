// The models of the training benchmark: every network the notebooks train, at their batch sizes and data shapes.
// Shared (as JSON on the command line) by the tfjs runner and the PyTorch runner, so both build the same net.
// The data is synthetic and seeded: standard normal ("normal") or uniform in [0, 1) ("unit", the notebooks'
// min-max-scaled inputs and images). `validationSplit` > 0: the last rows are held out and their loss computed
// after every epoch (inside the timed epoch, on both sides), as the notebooks do.
export type TrainingBenchModel = DenseBenchModel | LstmBenchModel | Conv2dBenchModel | Conv1dBenchModel;

interface BenchModelBase {
  name: string;
  /** Samples x features of the training data (LSTM: rows of the series, windows = rows - timesteps + 1). */
  rows: number;
  cols: number;
  data: "normal" | "unit";
  loss: "mse" | "mae";
  batchSize: number;
  validationSplit: number;
  note: string;
}

/** AutoencoderDetector. */
export interface DenseBenchModel extends BenchModelBase {
  kind: "dense";
  /** Hidden layers [units, activation, activity L1]; the output layer has `cols` units. */
  hidden: [number, string, number][];
  outputActivation: string;
}

/** LstmAutoencoderDetector (Keras LSTM semantics: sigmoid gates, `activation` on the candidate and the cell). */
export interface LstmBenchModel extends BenchModelBase {
  kind: "lstm";
  timesteps: number;
  encoder: [number, string][];
  decoder: [number, string][];
}

/** ConvAutoencoderDetector, strided, no batch norm (the image notebook's). */
export interface Conv2dBenchModel extends BenchModelBase {
  kind: "conv2d";
  imageShape: [number, number, number];
  filters: number[];
  latentDim: number;
}

/** Conv1dAutoencoderDetector (the ECG notebook's sequence model). */
export interface Conv1dBenchModel extends BenchModelBase {
  kind: "conv1d";
  filters: number[];
  kernelSize: number;
  codeSize: number;
  outputActivation: string;
}

const plain = { data: "normal" as const, validationSplit: 0 };
const creditCard = { kind: "dense" as const, ...plain, rows: 3936, cols: 29, hidden: [[14, "tanh", 1e-4], [7, "relu", 0], [7, "tanh", 0]] as [number, string, number][], outputActivation: "linear", loss: "mse" as const };
const ecg = { kind: "dense" as const, ...plain, rows: 2336, cols: 140, hidden: [[32, "relu", 0], [16, "relu", 0], [8, "relu", 0], [16, "relu", 0], [32, "relu", 0]] as [number, string, number][], outputActivation: "sigmoid", loss: "mae" as const };
const images = { kind: "dense" as const, ...plain, rows: 6000, cols: 784, hidden: [[128, "relu", 0], [32, "relu", 0], [128, "relu", 0]] as [number, string, number][], outputActivation: "sigmoid", loss: "mse" as const };
// notebooks/05: the NASA bearing training period, 2004-02-12 10:52:39 to 2004-02-15 12:52:39 = 445 rows of 4 bearings.
const bearing = { kind: "lstm" as const, data: "unit" as const, rows: 445, cols: 4, loss: "mae" as const, validationSplit: 0.05,
  encoder: [[16, "relu"], [4, "relu"]] as [number, string][], decoder: [[4, "relu"], [16, "relu"]] as [number, string][] };

export const TRAINING_BENCH_MODELS: TrainingBenchModel[] = [
  { name: "credit-card AE, batch 32", ...creditCard, batchSize: 32, note: "the tutorial's batch" },
  { name: "credit-card AE, batch 256", ...creditCard, batchSize: 256, note: "the notebook's batch" },
  { name: "ECG AE, batch 512", ...ecg, batchSize: 512, note: "TensorFlow tutorial" },
  { name: "ECG AE, batch 64", ...ecg, batchSize: 64, note: "the better setting" },
  { name: "images 784-128-32, batch 64", ...images, batchSize: 64, note: "dense image AE" },
  { name: "LSTM AE T=1, batch 10", ...bearing, timesteps: 1, batchSize: 10, note: "notebooks/05, the tutorial's" },
  { name: "LSTM AE T=5, batch 32", ...bearing, timesteps: 5, batchSize: 32, note: "notebooks/05, windows of 5" },
  { name: "conv2d AE 32-64, batch 32", kind: "conv2d", data: "unit", rows: 2020, cols: 784, imageShape: [28, 28, 1], filters: [32, 64],
    latentDim: 16, loss: "mse", batchSize: 32, validationSplit: 0, note: "notebooks/09, 2,000 + 20 images" },
  { name: "conv1d AE 8-4, batch 64", kind: "conv1d", data: "unit", rows: 2336, cols: 140, filters: [8, 4], kernelSize: 7, codeSize: 16,
    outputActivation: "sigmoid", loss: "mae", batchSize: 64, validationSplit: 0.1, note: "notebooks/06, normal beats" },
  { name: "images 784-128-32, batch 32", ...images, data: "unit", rows: 2020, batchSize: 32, note: "notebooks/09's dense AE, 2,020 images" },
];

/** The least gradient steps a run times: an epoch of a few steps lasts milliseconds, and five of them time noise. */
export const MIN_TIMED_STEPS = 100;

/** Gradient steps in one epoch of `model` (its training windows or rows after the validation split, in batches). */
export function stepsPerEpoch(model: TrainingBenchModel): number {
  const samples = model.kind === "lstm" ? model.rows - model.timesteps + 1 : model.rows;
  return Math.ceil((samples - Math.floor(samples * model.validationSplit)) / model.batchSize);
}

/**
 * Epochs a run times for `model`: `epochs`, or more where they would be fewer than {@link MIN_TIMED_STEPS} steps
 * (the ECG AE at batch 512: 5 steps an epoch, 20 epochs, which is also what its notebook trains).
 */
export function timedEpochs(model: TrainingBenchModel, epochs: number): number {
  checkEpochs(epochs);
  return Math.max(epochs, Math.ceil(MIN_TIMED_STEPS / stepsPerEpoch(model)));
}

/** Throws unless `epochs` (the --epochs option, as `given` on the command line) is a whole number of at least 1. */
export function checkEpochs(epochs: number, given: string = String(epochs)): void {
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`bench:train: --epochs must be a whole number of at least 1, got ${given}`);
}
