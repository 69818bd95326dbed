// One tfjs run of the training benchmark (fresh process): trains a model for 1 + N epochs on the given backend
// and prints JSON { secondsPerEpoch (median of the timed epochs), scoreRowsPerSecond, backend }.
import { AutoencoderDetector } from "../../src/nn/autoencoder";
import { useBackend, type BackendName } from "../../src/nn/tf";
import { RandomState } from "../../src/random";
import type { TrainingBenchModel } from "./training-models";

async function main(): Promise<void> {
  const model = JSON.parse(process.argv[2]) as TrainingBenchModel;
  const backend = process.argv[3] as BackendName;
  const epochs = Number(process.argv[4]);
  const { info } = await useBackend(backend);
  const random = new RandomState(0);
  const X = Array.from({ length: model.rows }, () => Array.from(random.standardNormal(model.cols)));
  const ends: number[] = [];
  const detector = new AutoencoderDetector({
    layers: model.hidden.map(([units, activation, activityL1]) => ({ units, activation: activation as "relu", activityL1 })),
    outputActivation: model.outputActivation as "linear",
    loss: model.loss,
    epochs: epochs + 1, // the first epoch warms up (JIT, kernel set-up) and is not timed
    batchSize: model.batchSize,
    seed: 0,
    backend,
    progress: (log) => ends.push(log.seconds),
  });
  await detector.fit(X);
  const perEpoch = ends.slice(1).map((end, i) => end - ends[i]).sort((a, b) => a - b);
  const started = performance.now();
  detector.score(X);
  const scoreSeconds = (performance.now() - started) / 1000;
  detector.dispose();
  console.log(JSON.stringify({ secondsPerEpoch: perEpoch[Math.floor(perEpoch.length / 2)], scoreRowsPerSecond: model.rows / scoreSeconds, backend: info.summary }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
