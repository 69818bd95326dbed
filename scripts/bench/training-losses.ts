// `node --import tsx scripts/bench/training-losses.ts [--models 7,8] [--epochs 3]`: the training and validation
// losses (every digit) of `bench:train`'s models with seed 0 on wasm, a hash of the training scores and the tensor
// count before and after, as JSON: run it on two builds and compare, to show that a kernel change kept the bits.
import { createHash } from "node:crypto";
import { useBackend } from "../../src/nn/tf";
import { TRAINING_BENCH_MODELS } from "./training-models";
import { benchData, benchDetector } from "./training-ours";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

(async () => {
  const { tf } = await useBackend("wasm");
  const epochs = Number(arg("epochs", "3"));
  for (const index of arg("models", "7,8").split(",").map(Number)) {
    const model = TRAINING_BENCH_MODELS[index]!;
    const X = benchData(model);
    const tensorsBefore = tf.memory().numTensors;
    const detector = benchDetector(model, { epochs, seed: 0, backend: "wasm", progress: false });
    await detector.fit(X);
    const scores = Float64Array.from(detector.trainingScores);
    const hash = createHash("sha256").update(new Uint8Array(scores.buffer)).digest("hex").slice(0, 16);
    const { loss, valLoss } = detector.history;
    detector.dispose();
    const tensorsAfter = tf.memory().numTensors;
    console.log(JSON.stringify({ model: model.name, loss, valLoss, trainingScoresSha256: hash, tensorsBefore, tensorsAfter }));
  }
})();
