// `npm run bench:train`: training speed of every network the notebooks train (TensorFlow.js, each backend that
// loads here) against the same network in PyTorch on the CPU (2 threads), same architecture, data size, batch,
// validation split and loss, in one command; each run in a fresh process. Prints seconds per epoch (median of
// the timed epochs, after one warm-up epoch; at least 100 steps timed: training-models.ts `timedEpochs`), the
// ratio ours / PyTorch (<= 1: as fast or faster), scoring throughput, the threads each side computed with, and
// the load average before and after: figures taken while other jobs run are not figures, and a warning says so
// when the 1-minute load is above 0.5.
//
//   npm run bench:train                               every model, every backend that loads, 5 timed epochs
//   npm run bench:train -- --backends wasm --epochs 3 --models 0,2
//   npm run bench:train -- --torch-threads 1          PyTorch on one thread
//   npm run bench:train -- --wasm-threads 2           wasm with our products on 2 threads only (default: 1 and auto)
//   npm run bench:train -- --wasm-threads 1,2,2x2     rows: 1 thread; our products on 2; and 2 with tfjs's pool on 2
//                                                     (PxX: our products on P threads, tfjs's XNNPACK pool on X)
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { checkEpochs, MIN_TIMED_STEPS, TRAINING_BENCH_MODELS, timedEpochs } from "./training-models";
import { referencePython } from "./reference-python";
import { TFJS_WASM_THREADS_ENV, WASM_THREADS_ENV, wasmThreadsWanted } from "../../src/nn/wasm-threads";

interface RunResult {
  secondsPerEpoch: number;
  /** CPU seconds of the whole process (every thread) per timed epoch, median (ours only). */
  cpuSecondsPerEpoch?: number;
  scoreRowsPerSecond: number;
  backend: string;
  threads: number | "native";
  /** wasm: threads of our matrix products (tfjs's pool: `threads`). */
  productThreads?: number;
}

/** Above this 1-minute load average the machine is busy and the timings are not figures. */
const QUIET_LOAD = 0.5;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): RunResult | string {
  const child = spawnSync(command, args, { encoding: "utf8", timeout: 20 * 60_000, env: { ...process.env, ANOMALY_LAB_TF_BACKEND: "", ...env } });
  const last = child.stdout.trim().split("\n").at(-1) ?? "";
  if (child.status !== 0 || !last.startsWith("{")) {
    return `failed: ${(child.stderr || child.error?.message || "").trim().split("\n").at(-1) ?? "unknown error"}`;
  }
  return JSON.parse(last) as RunResult;
}

function cell(text: string, width: number, right = true): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/**
 * "load average 0.12 0.30 0.41 (1, 5, 15 min)", and a warning line when the 1-minute figure is above what the
 * benchmark itself explains: `ownLoad` is the CPUs its own runs kept busy (after the runs: PyTorch's two threads,
 * or ours, so up to 2 on an otherwise idle machine; before them: 0).
 */
export function loadLine(when: string, load: readonly number[] = os.loadavg(), ownLoad = 0): string {
  const line = `load average ${when}: ${load.map((v) => v.toFixed(2)).join(" ")} (1, 5, 15 min; ${os.cpus().length} cores)`;
  const quiet = QUIET_LOAD + ownLoad;
  const own = ownLoad > 0 ? `, of which up to ${ownLoad} this benchmark's own runs` : "";
  return load[0]! > quiet
    ? `${line}\nWARNING: the machine is loaded (1-minute load ${load[0]!.toFixed(2)} > ${quiet}${own}): these timings are indicative only, not figures`
    : line;
}

function main(): void {
  const epochs = Number(option("epochs") ?? (process.argv.includes("--quick") ? 2 : 5));
  checkEpochs(epochs, option("epochs"));
  const backends = (option("backends") ?? "node,wasm,cpu").split(",");
  const picked = option("models")?.split(",").map(Number);
  const torchThreads = option("torch-threads") ?? "2";
  // wasm on one thread and with our products on auto (every core), one row each, unless --wasm-threads names them
  // ("P" or "PxX": our products on P threads, tfjs's pool on X, default 1).
  const wasmThreads = (option("wasm-threads") ?? (wasmThreadsWanted({ [WASM_THREADS_ENV]: "auto" }) > 1 ? "1,auto" : "1")).split(",");
  const variants = backends.flatMap((backend) => (backend === "wasm" ? wasmThreads.map((threads) => ({ backend, threads })) : [{ backend, threads: "" }]));
  const models = TRAINING_BENCH_MODELS.filter((_, i) => picked === undefined || picked.includes(i));
  const python = process.env.ANOMALY_LAB_TORCH_PYTHON ?? referencePython();
  console.log(`anomaly-lab training benchmark — node ${process.version}; ${epochs} timed epochs after one warm-up (more where they would be`
    + ` fewer than ${MIN_TIMED_STEPS} steps: column ep); ${new Date().toISOString()}`);
  console.log(loadLine("before"));
  console.log("s/epoch = median seconds per epoch; ratio = ours / PyTorch (<= 1: as fast or faster); thr = threads (ours/torch;");
  console.log("  ours PxX: our matrix products on P threads, tfjs's XNNPACK pool on X);");
  console.log("cpu/ep = our process's CPU seconds per epoch, all threads (cpu/ep > s/epoch: threads at work, or spinning);");
  console.log("score/s = rows scored per second; load = 1-minute load average when the row started (the benchmark's own runs keep 1-2 CPUs busy)\n");
  const header = [cell("model", 30, false), cell("rows x cols", 12), cell("ep", 3), cell("backend", 8, false), cell("thr", 5), cell("ours s/epoch", 13),
    cell("cpu/ep", 7), cell("torch s/epoch", 14), cell("ratio", 7), cell("ours score/s", 13), cell("torch score/s", 14), cell("load", 5)].join(" ");
  console.log(header);
  console.log("-".repeat(header.length));
  const runtimes = new Set<string>();
  for (const model of models) {
    const spec = JSON.stringify(model);
    const load = os.loadavg()[0]!;
    const timed = timedEpochs(model, epochs);
    const torch = run(python, [path.join(__dirname, "torch_train.py"), spec, String(timed)], { TORCH_THREADS: torchThreads });
    if (typeof torch !== "string") runtimes.add(torch.backend);
    for (const { backend, threads: wanted } of variants) {
      const [products, tfjsPool] = wanted.split("x");
      const threadEnv = { [WASM_THREADS_ENV]: products ?? "", [TFJS_WASM_THREADS_ENV]: tfjsPool ?? "1" };
      const ours = run(process.execPath, ["--import", "tsx", path.join(__dirname, "training-ours.ts"), spec, backend, String(timed)], threadEnv);
      if (typeof ours === "string" && backend === "node" && /tfjs-node/.test(ours)) continue; // not installed here: say so once below
      if (typeof ours !== "string") runtimes.add(ours.backend.split(";")[0]!);
      const ratio = typeof ours === "string" || typeof torch === "string" ? "-" : (ours.secondsPerEpoch / torch.secondsPerEpoch).toFixed(2);
      const fmt = (r: RunResult | string, pick: (r: RunResult) => string): string => (typeof r === "string" ? "-" : pick(r));
      const oursThreads = (r: RunResult) => (r.threads === "native" ? "n" : r.productThreads === undefined || r.productThreads === r.threads
        ? String(r.threads) : `${r.productThreads}x${r.threads}`);
      const threads = `${fmt(ours, oursThreads)}/${fmt(torch, (r) => String(r.threads))}`;
      console.log([cell(model.name, 30, false), cell(`${model.rows} x ${model.cols}`, 12), cell(String(timed), 3), cell(backend, 8, false), cell(threads, 5),
        cell(fmt(ours, (r) => r.secondsPerEpoch.toFixed(3)), 13), cell(fmt(ours, (r) => r.cpuSecondsPerEpoch?.toFixed(3) ?? "-"), 7),
        cell(fmt(torch, (r) => r.secondsPerEpoch.toFixed(3)), 14), cell(ratio, 7),
        cell(fmt(ours, (r) => Math.round(r.scoreRowsPerSecond).toLocaleString("en-US")), 13),
        cell(fmt(torch, (r) => Math.round(r.scoreRowsPerSecond).toLocaleString("en-US")), 14), cell(load.toFixed(2), 5),
        typeof ours === "string" ? ` ours ${ours}` : "", typeof torch === "string" ? ` torch ${torch}` : ""].join(" "));
    }
  }
  console.log(`\nruntimes: ${[...runtimes].join(" | ")}`);
  if (backends.includes("node") && ![...runtimes].some((r) => r.includes(" on node"))) {
    console.log("node backend: @tensorflow/tfjs-node is not installed here (optional dependency; its install needs libtensorflow)");
  }
  console.log(loadLine("after", os.loadavg(), 2));
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
