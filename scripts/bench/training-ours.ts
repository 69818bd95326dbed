// One tfjs run of the training benchmark (fresh process): trains a model for 1 + N epochs on the given backend
// and prints JSON { secondsPerEpoch, cpuSecondsPerEpoch (medians of the timed epochs; CPU = every thread of the
// process), scoreRowsPerSecond, backend, threads }.
import type { Activation } from "../../src/nn/activations";
import { AutoencoderDetector } from "../../src/nn/autoencoder";
import { Conv1dAutoencoderDetector } from "../../src/nn/conv1d-autoencoder";
import { ConvAutoencoderDetector } from "../../src/nn/conv-autoencoder";
import { LstmAutoencoderDetector } from "../../src/nn/lstm-autoencoder";
import type { NeuralDetector, NeuralDetectorOptions } from "../../src/nn/neural-detector";
import { useBackend, type BackendName } from "../../src/nn/tf";
import { RandomState } from "../../src/random";
import type { TrainingBenchModel } from "./training-models";

/** The detector the notebooks train for `model`, with the benchmark's training settings. */
export function benchDetector(model: TrainingBenchModel, common: NeuralDetectorOptions): NeuralDetector {
  const settings = { ...common, loss: model.loss, batchSize: model.batchSize, validationSplit: model.validationSplit };
  switch (model.kind) {
    case "dense":
      return new AutoencoderDetector({
        ...settings,
        layers: model.hidden.map(([units, activation, activityL1]) => ({ units, activation: activation as Activation, activityL1 })),
        outputActivation: model.outputActivation as Activation,
      });
    case "lstm": {
      const layer = ([units, activation]: [number, string]) => ({ units, activation: activation as Activation });
      return new LstmAutoencoderDetector({ ...settings, timesteps: model.timesteps, encoder: model.encoder.map(layer), decoder: model.decoder.map(layer) });
    }
    case "conv2d":
      return new ConvAutoencoderDetector({ ...settings, imageShape: model.imageShape, filters: model.filters, latentDim: model.latentDim, architecture: "strided" });
    case "conv1d":
      return new Conv1dAutoencoderDetector({
        ...settings,
        filters: model.filters,
        kernelSize: model.kernelSize,
        codeSize: model.codeSize,
        outputActivation: model.outputActivation as Activation,
      });
  }
}

/** The benchmark's seeded synthetic rows for `model`. */
export function benchData(model: TrainingBenchModel): number[][] {
  const random = new RandomState(0);
  return Array.from({ length: model.rows }, () => Array.from(model.data === "unit" ? random.uniform(0, 1, model.cols) : random.standardNormal(model.cols)));
}

async function main(): Promise<void> {
  const model = JSON.parse(process.argv[2]!) as TrainingBenchModel;
  const backend = process.argv[3] as BackendName;
  const epochs = Number(process.argv[4]);
  const { info } = await useBackend(backend);
  const X = benchData(model);
  const ends: number[] = [];
  const cpuEnds: number[] = [];
  const cpuSeconds = () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1e6;
  };
  // The first epoch warms up (JIT, kernel set-up) and is not timed.
  const progress = (log: { seconds: number }) => {
    ends.push(log.seconds);
    cpuEnds.push(cpuSeconds());
  };
  const detector = benchDetector(model, { epochs: epochs + 1, seed: 0, backend, progress });
  await detector.fit(X);
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const perEpoch = ends.slice(1).map((end, i) => end - ends[i]!);
  const cpuPerEpoch = cpuEnds.slice(1).map((end, i) => end - cpuEnds[i]!);
  const started = performance.now();
  detector.score(X);
  const scoreSeconds = (performance.now() - started) / 1000;
  detector.dispose();
  console.log(JSON.stringify({
    secondsPerEpoch: median(perEpoch),
    cpuSecondsPerEpoch: median(cpuPerEpoch),
    scoreRowsPerSecond: model.rows / scoreSeconds,
    backend: info.summary,
    threads: info.threads,
    productThreads: info.productThreads,
  }));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
