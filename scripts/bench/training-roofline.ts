// A roofline for training on the active tfjs backend: `node --import tsx scripts/bench/training-roofline.ts
// [--models 0,2] [--epochs 3] [--gemm 1024]`. In one process it measures
//   - what a plain SIMD matrix product reaches here: tf.matMul of two square float32 matrices with tfjs's own
//     kernel (on wasm: XNNPACK's GEMM, on the backend's threads), with ours (src/nn/matmul.c, registered over it on
//     wasm), and tfjs's own with the left operand transposed (on wasm its scalar fallback), in GFLOP/s;
//   - for each bench:train network (scripts/bench/training-models.ts), dense, LSTM and convolutional alike: the
//     floating-point work of one epoch in its matrix products and convolutions (counted from the kernels' shapes,
//     training-profile.ts), the seconds per epoch (median of the timed epochs after a warm-up, not profiled), and
//     so the GFLOP/s the epoch reaches and its share of the GEMM figure.
// Every rate is given twice: by wall-clock time and by the process's CPU time (process.cpuUsage: every thread).
// On a shared machine the CPU figures are the ones to compare (a descheduled process loses wall time, not CPU
// time; the GEMM and the networks, measured in the same process, are slowed alike by what remains: caches and
// frequency shared with the other jobs). A share near 100% means the network is bound by the arithmetic the
// hardware can do; far below, by launches, memory traffic or slow kernels: the gap is ours. The load average
// before and after is printed, with a warning above 0.5.
import os from "node:os";
import { useBackend } from "../../src/nn/tf";
import { withTfjsBatchMatMul } from "../../src/nn/wasm-batch-matmul";
import { loadLine } from "./training";
import { TRAINING_BENCH_MODELS, type TrainingBenchModel } from "./training-models";
import { benchData, benchDetector } from "./training-ours";
import { profileEpoch } from "./training-profile";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Seconds of CPU time of this process so far (every thread). */
function cpuSeconds(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
}

/** A rate by wall-clock and by CPU time. */
interface Rate {
  wall: number;
  cpu: number;
}

/**
 * GFLOP/s of an n x n by n x n float32 product (left operand transposed or not), median of repeated runs, by wall
 * and CPU time; `tfjs`: with tfjs's own kernel (XNNPACK on wasm) rather than ours.
 */
export async function gemmGflops(n: number, transposeA = false, repeats = 9, tfjs = true): Promise<Rate> {
  const { tf } = await useBackend();
  const a = tf.randomUniform([n, n], -1, 1, "float32", 1);
  const b = tf.randomUniform([n, n], -1, 1, "float32", 2);
  const once = () => {
    const [started, startedCpu] = [performance.now(), cpuSeconds()];
    const c = tfjs ? withTfjsBatchMatMul(tf, () => tf.matMul(a, b, transposeA, false)) : tf.matMul(a, b, transposeA, false);
    c.dataSync();
    const seconds = { wall: (performance.now() - started) / 1000, cpu: cpuSeconds() - startedCpu };
    c.dispose();
    return seconds;
  };
  once(); // warm-up: operator creation, JIT
  const runs = Array.from({ length: repeats }, once);
  a.dispose();
  b.dispose();
  const flop = 2 * n ** 3;
  return { wall: flop / median(runs.map((r) => r.wall)) / 1e9, cpu: flop / median(runs.map((r) => r.cpu)) / 1e9 };
}

/** Median seconds per epoch (wall and CPU) of `model` over `epochs` timed epochs after one warm-up (not profiled). */
async function secondsPerEpoch(model: TrainingBenchModel, epochs: number): Promise<Rate> {
  const ends: Rate[] = [];
  const detector = benchDetector(model, { epochs: epochs + 1, seed: 0, progress: (log) => ends.push({ wall: log.seconds, cpu: cpuSeconds() }) });
  await detector.fit(benchData(model));
  detector.dispose();
  const per = (pick: (r: Rate) => number) => median(ends.slice(1).map((end, i) => pick(end) - pick(ends[i]!)));
  return { wall: per((r) => r.wall), cpu: per((r) => r.cpu) };
}

async function main(): Promise<void> {
  const picked = option("models")?.split(",").map(Number);
  const epochs = Number(option("epochs") ?? 3);
  const n = Number(option("gemm") ?? 1024);
  const { info } = await useBackend();
  console.log(`anomaly-lab training roofline — ${info.summary.split(";")[0]}; node ${process.version}; ${new Date().toISOString()}`);
  console.log(loadLine("before"));
  const gemm = await gemmGflops(n);
  const oursGemm = await gemmGflops(n, false, 9, false);
  const m = Math.min(n, 512);
  const transposed = await gemmGflops(m, true, 3);
  const rate = (r: Rate, digits = 1) => `${r.cpu.toFixed(digits)} (wall ${r.wall.toFixed(digits)})`;
  console.log(`plain GEMM ${n} x ${n}, GFLOP/s of CPU time (wall): tfjs's own kernel (XNNPACK on wasm) ${rate(gemm)}; ours ` +
    `(src/nn/matmul.c) ${rate(oursGemm)}; tfjs's own with the left operand transposed (${m} x ${m}) ${rate(transposed, 2)}\n`);
  const header = ["model".padEnd(30), "MFLOP/epoch".padStart(12), "cpu s/ep".padStart(9), "s/epoch".padStart(8), "GFLOP/s cpu".padStart(12),
    "of GEMM".padStart(8), "GFLOP/s wall".padStart(13), "of GEMM".padStart(8), "kernels/step".padStart(13)].join(" ");
  console.log(header);
  console.log("-".repeat(header.length));
  for (const model of TRAINING_BENCH_MODELS.filter((_, i) => picked === undefined || picked.includes(i))) {
    const profile = await profileEpoch(model);
    const seconds = await secondsPerEpoch(model, epochs);
    const gflops = { wall: profile.flops / seconds.wall / 1e9, cpu: profile.flops / seconds.cpu / 1e9 };
    const share = (pick: (r: Rate) => number) => `${((100 * pick(gflops)) / pick(gemm)).toFixed(1)}%`.padStart(8);
    console.log([model.name.padEnd(30), (profile.flops / 1e6).toFixed(1).padStart(12), seconds.cpu.toFixed(3).padStart(9), seconds.wall.toFixed(3).padStart(8),
      gflops.cpu.toFixed(2).padStart(12), share((r) => r.cpu), gflops.wall.toFixed(2).padStart(13), share((r) => r.wall),
      (profile.kernels / profile.steps).toFixed(1).padStart(13)].join(" "));
  }
  console.log("\nof GEMM: against tfjs's own GEMM (XNNPACK on wasm), by the same clock.");
  console.log("\nMFLOP/epoch: the network's matrix products and convolutions (2 per multiply-add; a strided transposed");
  console.log("convolution's input gradient counted without the zeros of a spread-out dy), the validation pass included where the");
  console.log("notebook validates.");
  console.log(`cores: ${os.cpus().length}`);
  console.log(loadLine("after"));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
