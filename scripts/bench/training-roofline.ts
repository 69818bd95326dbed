// A roofline for training on the active tfjs backend: `node --import tsx scripts/bench/training-roofline.ts
// [--models 0,2] [--epochs 3] [--gemm 1024]`. In one process it measures
//   - what a plain SIMD matrix product reaches here: tf.matMul of two square float32 matrices (on wasm:
//     XNNPACK's GEMM, on the backend's threads), and the same product with the left operand transposed (on wasm
//     tfjs's scalar fallback, which the backward pass of a tfjs dense layer uses), in GFLOP/s;
//   - for each bench:train network (scripts/bench/training-models.ts): the floating-point work of one epoch in
//     its matrix products and convolutions (counted from the kernels' shapes, training-profile.ts), the seconds
//     per epoch (median of the timed epochs after a warm-up, not profiled), and so the GFLOP/s the epoch reaches
//     and its share of the GEMM figure.
// A share near 100% means the network is bound by the arithmetic the hardware can do; far below, by launches,
// memory traffic or slow kernels: the gap is ours. Timings on a loaded machine are indicative only (the load
// average before and after is printed, with a warning above 0.5).
import os from "node:os";
import { useBackend } from "../../src/nn/tf";
import { loadLine } from "./training";
import { TRAINING_BENCH_MODELS, type TrainingBenchModel } from "./training-models";
import { benchData, benchDetector } from "./training-ours";
import { profileEpoch } from "./training-profile";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** GFLOP/s of an n x n by n x n float32 product (left operand transposed or not), median of repeated runs. */
export async function gemmGflops(n: number, transposeA = false, repeats = 9): Promise<number> {
  const { tf } = await useBackend();
  const a = tf.randomUniform([n, n], -1, 1, "float32", 1);
  const b = tf.randomUniform([n, n], -1, 1, "float32", 2);
  const once = () => {
    const started = performance.now();
    const c = tf.matMul(a, b, transposeA, false);
    c.dataSync();
    const seconds = (performance.now() - started) / 1000;
    c.dispose();
    return seconds;
  };
  once(); // warm-up: operator creation, JIT
  const seconds = median(Array.from({ length: repeats }, once));
  a.dispose();
  b.dispose();
  return (2 * n ** 3) / seconds / 1e9;
}

/** Median seconds per epoch of `model` over `epochs` timed epochs after one warm-up (not profiled). */
async function secondsPerEpoch(model: TrainingBenchModel, epochs: number): Promise<number> {
  const ends: number[] = [];
  const detector = benchDetector(model, { epochs: epochs + 1, seed: 0, progress: (log) => ends.push(log.seconds) });
  await detector.fit(benchData(model));
  detector.dispose();
  return median(ends.slice(1).map((end, i) => end - ends[i]!));
}

async function main(): Promise<void> {
  const picked = option("models")?.split(",").map(Number);
  const epochs = Number(option("epochs") ?? 3);
  const n = Number(option("gemm") ?? 1024);
  const { info } = await useBackend();
  console.log(`anomaly-lab training roofline — ${info.summary.split(";")[0]}; node ${process.version}; ${new Date().toISOString()}`);
  console.log(loadLine("before"));
  const gemm = await gemmGflops(n);
  const transposed = await gemmGflops(Math.min(n, 512), true, 3);
  console.log(`plain GEMM, tf.matMul ${n} x ${n}: ${gemm.toFixed(1)} GFLOP/s; with the left operand transposed ` +
    `(${Math.min(n, 512)} x ${Math.min(n, 512)}, the backward pass's dW = xᵀ·dz in tfjs): ${transposed.toFixed(2)} GFLOP/s\n`);
  const header = ["model".padEnd(30), "MFLOP/epoch".padStart(12), "s/epoch".padStart(9), "GFLOP/s".padStart(8), "of GEMM".padStart(8), "kernels/step".padStart(13)].join(" ");
  console.log(header);
  console.log("-".repeat(header.length));
  for (const model of TRAINING_BENCH_MODELS.filter((_, i) => picked === undefined || picked.includes(i))) {
    const profile = await profileEpoch(model);
    const seconds = await secondsPerEpoch(model, epochs);
    const gflops = profile.flops / seconds / 1e9;
    console.log([model.name.padEnd(30), (profile.flops / 1e6).toFixed(1).padStart(12), seconds.toFixed(3).padStart(9), gflops.toFixed(2).padStart(8),
      `${((100 * gflops) / gemm).toFixed(1)}%`.padStart(8), (profile.kernels / profile.steps).toFixed(1).padStart(13)].join(" "));
  }
  console.log("\nMFLOP/epoch: matrix products and convolutions as the kernels run them (2 per multiply-add; the zeros a strided");
  console.log("transposed convolution multiplies on wasm included), the validation pass included where the notebook validates.");
  console.log(`cores: ${os.cpus().length}`);
  console.log(loadLine("after"));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
