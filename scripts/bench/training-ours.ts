// One tfjs run of the training benchmark (fresh process): trains a model for 1 + N epochs on the given backend
// and prints JSON { secondsPerEpoch (median of the timed epochs), scoreRowsPerSecond, backend, threads }.
import { AutoencoderDetector, type Activation } from "../../src/nn/autoencoder";
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
  // The first epoch warms up (JIT, kernel set-up) and is not timed.
  const detector = benchDetector(model, { epochs: epochs + 1, seed: 0, backend, progress: (log) => ends.push(log.seconds) });
  await detector.fit(X);
  const perEpoch = ends.slice(1).map((end, i) => end - ends[i]!).sort((a, b) => a - b);
  const started = performance.now();
  detector.score(X);
  const scoreSeconds = (performance.now() - started) / 1000;
  detector.dispose();
  console.log(JSON.stringify({
    secondsPerEpoch: perEpoch[Math.floor(perEpoch.length / 2)],
    scoreRowsPerSecond: model.rows / scoreSeconds,
    backend: info.summary,
    threads: info.threads,
  }));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
