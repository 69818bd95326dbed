// `npm run bench:conv [-- --rows 1000 --epochs 3 --backends wasm,cpu]`: seconds per epoch per 1,000 images of the
// article's conv autoencoder (ConvAutoencoderDetector, strided) on tfjs backends against PyTorch (Debian's
// PyTorch CPU from PyPI, scripts/bench/conv_torch_train.py) in the same command. Ratios > 1 = slower than PyTorch.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { ConvAutoencoderDetector } from "../../src/nn/conv-autoencoder";
import type { BackendName } from "../../src/nn/tf";
import { referencePython } from "./reference-python";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const rows = Number(arg("rows", "1000"));
const epochs = Number(arg("epochs", "3"));
const batch = 32;
const backends = arg("backends", "wasm").split(",") as BackendName[];
const python = process.env.ANOMALY_LAB_TORCH_PYTHON ?? referencePython();

(async () => {
  // PyTorch with 1 thread and with 2 (the wasm backend computes on ANOMALY_LAB_WASM_THREADS / ANOMALY_LAB_TFJS_WASM_THREADS, default 1).
  const torchRun = (threads: number) =>
    JSON.parse(execFileSync(python, [path.join(__dirname, "conv_torch_train.py"), String(rows), String(epochs), String(batch)], { encoding: "utf8", env: { ...process.env, TORCH_THREADS: String(threads) } })) as { secondsPerEpoch: number; threads: number; torch: string };
  const per1000: Record<number, number> = {};
  for (const threads of [1, 2]) {
    const torch = torchRun(threads);
    per1000[threads] = (torch.secondsPerEpoch * 1000) / rows;
    console.log(`PyTorch ${torch.torch} (${torch.threads} thread${torch.threads > 1 ? "s" : ""}): ${per1000[threads]!.toFixed(3)} s per epoch per 1,000 images`);
  }
  const torchPer1000 = per1000[1]!;
  let seed = 1;
  const X = Array.from({ length: rows }, () => Array.from({ length: 784 }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647)));
  for (const backend of backends) {
    const cae = new ConvAutoencoderDetector({ epochs, batchSize: batch, seed: 0, backend, progress: false });
    await cae.fit(X);
    const perEpoch = cae.history.seconds / epochs;
    const ours = (perEpoch * 1000) / rows;
    console.log(`${cae.backend.summary.split(";")[0]} (${cae.architecture}): ${ours.toFixed(3)} s per epoch per 1,000 images = ${(ours / torchPer1000).toFixed(1)}x PyTorch 1 thread, ${(ours / per1000[2]!).toFixed(1)}x PyTorch 2 threads (goal: within 5x)`);
    cae.dispose();
  }
})();
