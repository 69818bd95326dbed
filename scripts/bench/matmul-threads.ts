// Our matrix products on 1 and on N threads (src/nn/matmul-threads.ts): counted work and CPU time per thread,
// which a loaded machine does not distort the way it does wall time.
//
//   node --import tsx scripts/bench/matmul-threads.ts [--threads 2] [--shape 64,784,128] [--transpose none|a|b] [--reps 2000]
//
// Prints, for each thread of the process that used CPU during the products: its CPU seconds (/proc/self/task, Linux),
// and the rows of the products each of our threads computed (their share of the counted FLOPs). Wall time is
// printed too, as indicative only.
import fs from "node:fs";
import { matmulThreads, startMatmulThreads } from "../../src/nn/matmul-threads";
import { useBackend } from "../../src/nn/tf";

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

/** CPU seconds (user + system) of each thread of this process, by thread id, with its name. */
function threadTimes(): Map<string, { name: string; seconds: number }> {
  const ticks = 100; // USER_HZ on Linux
  const times = new Map<string, { name: string; seconds: number }>();
  for (const tid of fs.readdirSync("/proc/self/task")) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      times.set(tid, { name, seconds: (Number(fields[11]) + Number(fields[12])) / ticks }); // utime, stime
    } catch {
      // the thread ended
    }
  }
  return times;
}

async function main(): Promise<void> {
  const threads = Number(option("threads", "2"));
  const [M, K, N] = option("shape", "64,784,128").split(",").map(Number) as [number, number, number];
  const transpose = option("transpose", "none");
  const reps = Number(option("reps", "2000"));
  const reason = await startMatmulThreads(threads);
  if (reason !== undefined) throw new Error(reason);
  const { tf, info } = await useBackend("wasm");
  console.log(info.summary);
  const [tA, tB] = [transpose === "a", transpose === "b"];
  const a = tf.randomNormal(tA ? [K, M] : [M, K], 0, 1, "float32", 1) as import("@tensorflow/tfjs").Tensor2D;
  const b = tf.randomNormal(tB ? [N, K] : [K, N], 0, 1, "float32", 2) as import("@tensorflow/tfjs").Tensor2D;
  for (let i = 0; i < 50; i++) tf.matMul(a, b, tA, tB).dispose(); // warm-up
  const rowsBefore = matmulThreads()?.rowsComputed() ?? [0];
  const before = threadTimes();
  const start = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) tf.matMul(a, b, tA, tB).dispose();
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const after = threadTimes();
  const rows = (matmulThreads()?.rowsComputed() ?? [reps * M]).map((r, i) => r - (rowsBefore[i] ?? 0));
  const flops = 2 * M * K * N * reps;
  console.log(`${reps} products ${M} x ${K} x ${N} (transpose ${transpose}), ${(flops / 1e9).toFixed(2)} GFLOP counted, on ${threads} thread(s)`);
  rows.forEach((r, i) => console.log(`  ${i === 0 ? "main thread" : `worker ${i}`}: ${r} rows = ${(100 * r / (reps * M)).toFixed(1)}% of the counted work`));
  let cpu = 0;
  for (const [tid, { name, seconds }] of after) {
    const used = seconds - (before.get(tid)?.seconds ?? 0);
    cpu += used;
    if (used >= 0.01) console.log(`  thread ${tid} (${name}${tid === String(process.pid) ? ", main" : ""}): ${used.toFixed(2)} CPU s`);
  }
  console.log(`  all threads: ${cpu.toFixed(2)} CPU s (${(flops / 1e9 / cpu).toFixed(1)} GFLOP per CPU second); wall ${wall.toFixed(2)} s ` +
    `(${(flops / 1e9 / wall).toFixed(1)} GFLOP/s; wall time is indicative only on a loaded machine)`);
}

void main();
