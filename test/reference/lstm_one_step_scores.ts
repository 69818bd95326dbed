// Writes test/fixtures/nn_lstm_one_step.json: the scores of a one-timestep LstmAutoencoderDetector (T = 1) on a
// fixed toy series, from the library as it was before the sequence contract (commit 4c9bbcf), so that the tests
// can check that T = 1 keeps its scores bit for bit. Run from the project root on that commit:
//   git checkout 4c9bbcf -- src && node --import tsx test/reference/lstm_one_step_scores.ts && git checkout HEAD -- src
import { writeFileSync } from "node:fs";
import path from "node:path";
import { LstmAutoencoderDetector } from "../../src/nn/lstm-autoencoder";

const rows = (n: number, phase: number) =>
  Array.from({ length: n }, (_, i) => [Math.sin(i / 3 + phase), Math.cos(i / 5 + phase), 0.5 * Math.sin(i / 7 + phase)]);

async function main(): Promise<void> {
  const options = {
    timesteps: 1, encoder: [{ units: 6, activation: "tanh" as const }, { units: 2, activation: "tanh" as const }],
    decoder: [{ units: 6, activation: "tanh" as const }], epochs: 3, batchSize: 8, preprocessing: "minmax" as const,
    threshold: { quantile: 0.9 }, seed: 3, backend: "wasm" as const, progress: false,
  };
  const train = rows(40, 0);
  const test = rows(25, 1);
  const detector = await new LstmAutoencoderDetector(options).fit(train);
  const fixture = {
    generatedBy: "test/reference/lstm_one_step_scores.ts on commit 4c9bbcf (before the sequence contract), tfjs wasm",
    options, train, test,
    trainingScores: Array.from(detector.trainingScores),
    threshold: detector.threshold,
    testScores: Array.from(detector.score(test)),
  };
  writeFileSync(path.join(__dirname, "..", "fixtures", "nn_lstm_one_step.json"), `${JSON.stringify(fixture)}\n`);
  detector.dispose();
}
void main();
