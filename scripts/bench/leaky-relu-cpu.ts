// `node --import tsx scripts/bench/leaky-relu-cpu.ts [--calls 50] [--epochs 2]`: CPU time on wasm of LeakyReLU
// (alpha 0.2) per call, forward and gradient, for the conv2d AE's four LeakyReLU shapes at batch 32: ours
// (src/nn/activation.c, one kernel each) against tfjs's (tfjs-backend-wasm's LeakyRelu; tfjs-core's Greater,
// Multiply and Select), best of 3 rounds; then CPU per epoch of the conv2d AE (bench model 7) with ours and with
// tfjs's, alternating in one process (--epochs 0 skips it). Measure on an idle machine.
import type * as TF from "@tensorflow/tfjs";
import { useBackend } from "../../src/nn/tf";
import { withTfjsLeakyRelu } from "../../src/nn/wasm-leaky-relu";
import { RandomState } from "../../src/random/random-state";
import { TRAINING_BENCH_MODELS } from "./training-models";
import { benchData, benchDetector } from "./training-ours";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** Outputs of the encoder's two stride-2 convolutions and the decoder's two transposed ones (notebook 09). */
const SHAPES: [number, number, number, number][] = [[32, 14, 14, 32], [32, 7, 7, 64], [32, 14, 14, 64], [32, 28, 28, 32]];
const ALPHA = 0.2;

/** CPU milliseconds per call of `run`, best of 3 rounds of `calls` calls (after one warm-up call). */
async function cpuPerCall(calls: number, run: () => void): Promise<number> {
  run();
  const rounds: number[] = [];
  for (let round = 0; round < 3; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < calls; i++) run();
    const used = process.cpuUsage(start);
    rounds.push((used.user + used.system) / 1000 / calls);
  }
  return Number(Math.min(...rounds).toFixed(3));
}

(async () => {
  const { tf, info } = await useBackend("wasm");
  console.log(info.summary);
  const calls = Number(arg("calls", "50"));
  const random = new RandomState(1);
  for (const shape of SHAPES) {
    const size = shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor4d(Float32Array.from(random.standardNormal(size)), shape);
    const dy = tf.tensor4d(Float32Array.from(random.standardNormal(size)), shape);
    const forward = () => tf.leakyRelu(x, ALPHA).dispose();
    const gradient = () => (tf.grad((input: TF.Tensor) => tf.leakyRelu(input, ALPHA))(x, dy) as TF.Tensor).dispose();
    const ours = { forward: await cpuPerCall(calls, forward), gradient: await cpuPerCall(calls, gradient) };
    const tfjs = await withTfjsLeakyRelu(tf, async () => ({ forward: await cpuPerCall(calls, forward), gradient: await cpuPerCall(calls, gradient) }));
    // The gradient's calls include the forward LeakyRelu that tf.grad records (ours or tfjs's, as the rest).
    console.log(JSON.stringify({ shape, cpuMsPerCall: { ours, tfjs } }));
    tf.dispose([x, dy]);
  }
  const epochs = Number(arg("epochs", "2"));
  const model = TRAINING_BENCH_MODELS[7]!;
  const X = epochs > 0 ? benchData(model) : [];
  for (let round = 0; round < epochs; round++) {
    for (const name of ["ours", "tfjs"] as const) {
      const detector = benchDetector(model, { epochs: 1, seed: 0, backend: "wasm", progress: false });
      const fit = async () => {
        const [start, wall] = [process.cpuUsage(), Date.now()];
        await detector.fit(X);
        const used = process.cpuUsage(start);
        return { cpuS: Number(((used.user + used.system) / 1e6).toFixed(2)), wallS: (Date.now() - wall) / 1000 };
      };
      const result = name === "ours" ? await fit() : await withTfjsLeakyRelu(tf, fit);
      console.log(JSON.stringify({ epoch: name, model: model.name, ...result }));
      detector.dispose();
    }
  }
})();
