// The models of the training benchmark: the dense autoencoders the notebooks train, at their batch sizes.
// Shared (as JSON on the command line) by the tfjs runner and the PyTorch runner, so both build the same net.
export interface TrainingBenchModel {
  name: string;
  /** Samples x features of the (synthetic, standard-normal, seeded) training data. */
  rows: number;
  cols: number;
  /** Hidden layers [units, activation, activity L1]; the output layer is linear with `cols` units. */
  hidden: [number, string, number][];
  outputActivation: string;
  loss: "mse" | "mae";
  batchSize: number;
  note: string;
}

const creditCard = { rows: 3936, cols: 29, hidden: [[14, "tanh", 1e-4], [7, "relu", 0], [7, "tanh", 0]] as [number, string, number][], outputActivation: "linear", loss: "mse" as const };
const ecg = { rows: 2336, cols: 140, hidden: [[32, "relu", 0], [16, "relu", 0], [8, "relu", 0], [16, "relu", 0], [32, "relu", 0]] as [number, string, number][], outputActivation: "sigmoid", loss: "mae" as const };
const images = { rows: 6000, cols: 784, hidden: [[128, "relu", 0], [32, "relu", 0], [128, "relu", 0]] as [number, string, number][], outputActivation: "sigmoid", loss: "mse" as const };

export const TRAINING_BENCH_MODELS: TrainingBenchModel[] = [
  { name: "credit-card AE, batch 32", ...creditCard, batchSize: 32, note: "the tutorial's batch" },
  { name: "credit-card AE, batch 256", ...creditCard, batchSize: 256, note: "the notebook's batch" },
  { name: "ECG AE, batch 512", ...ecg, batchSize: 512, note: "TensorFlow tutorial" },
  { name: "ECG AE, batch 64", ...ecg, batchSize: 64, note: "the better setting" },
  { name: "images 784-128-32, batch 64", ...images, batchSize: 64, note: "dense image AE" },
];
