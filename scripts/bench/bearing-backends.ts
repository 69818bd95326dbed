// Training time of the bearing case study's networks per tfjs backend, in one command, each backend in a fresh
// process (tfjs keeps one backend per process): the tutorial's LSTM autoencoder (one timestep), the windowed
// one (T = 5) and Flovik's dense autoencoder, on the tutorial's 445 training rows.
//
//   node --import tsx scripts/bench/bearing-backends.ts [--epochs 20] [--backends wasm,cpu]
//
// Prints seconds per epoch and the ratio to the first backend listed (wasm by default). A backend that cannot
// start here (node without libtensorflow) is reported as such.
import { execFileSync } from "node:child_process";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const epochs = Number(option("epochs", "20"));
const backends = option("backends", "wasm,cpu,node").split(",");

const WORKER = `
const { loadBearingTest2 } = require("./src/data");
const { LstmAutoencoderDetector, AutoencoderDetector, timeSeries, timeSlice, useBackend } = require("./src/nn");
(async () => {
  const { info } = await useBackend(process.env.BENCH_BACKEND);
  const all = timeSeries((await loadBearingTest2()).df, { timeColumn: "timestamp" });
  const train = timeSlice(all, new Date("2004-02-12T10:52:39Z"), new Date("2004-02-15T12:52:39Z"));
  const epochs = Number(process.env.BENCH_EPOCHS);
  const common = { preprocessing: "minmax", epochs, validationSplit: 0.05, seed: 7, progress: false, backend: process.env.BENCH_BACKEND };
  const models = {
    "LSTM AE, T = 1, batch 10": new LstmAutoencoderDetector({ ...common, batchSize: 10 }),
    "LSTM AE, T = 5, batch 32": new LstmAutoencoderDetector({ ...common, timesteps: 5, batchSize: 32 }),
    "dense AE 4-10-2-10-4, batch 10": new AutoencoderDetector({ ...common, batchSize: 10, loss: "mse", scoreError: "mae",
      layers: [{ units: 10, activation: "elu" }, { units: 2, activation: "elu" }, { units: 10, activation: "elu" }] }),
  };
  const out = {};
  for (const [name, model] of Object.entries(models)) { await model.fit(train.X); out[name] = model.history.seconds / epochs; model.dispose(); }
  console.log(JSON.stringify({ backend: info.summary, perEpoch: out }));
})().catch((e) => { console.log(JSON.stringify({ error: e.message })); });
`;

const results: { backend: string; summary?: string; perEpoch?: Record<string, number>; error?: string }[] = [];
for (const backend of backends) {
  const env = { ...process.env, BENCH_BACKEND: backend, BENCH_EPOCHS: String(epochs) };
  const line = execFileSync(process.execPath, ["--import", "tsx", "-e", WORKER], { env, encoding: "utf8", cwd: `${__dirname}/../..` }).trim().split("\n").pop()!;
  const parsed = JSON.parse(line) as { backend?: string; perEpoch?: Record<string, number>; error?: string };
  results.push({ backend, summary: parsed.backend, perEpoch: parsed.perEpoch, error: parsed.error });
  console.log(parsed.error ? `${backend}: could not start: ${parsed.error}` : `${backend}: ${parsed.backend}`);
}
const reference = results.find((r) => r.perEpoch !== undefined);
if (reference === undefined) process.exit(1);
console.log(`\nseconds per epoch (${epochs} epochs each; ratio to ${reference.backend}):`);
for (const model of Object.keys(reference.perEpoch!)) {
  const cells = results
    .filter((r) => r.perEpoch)
    .map((r) => `${r.backend} ${r.perEpoch![model]!.toFixed(3)} s (${(r.perEpoch![model]! / reference.perEpoch![model]!).toFixed(2)})`);
  console.log(`  ${model}: ${cells.join(", ")}`);
}
