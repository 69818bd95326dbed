// `node --import tsx scripts/bench/conv-filter-gradient-cpu.ts [--calls 20] [--epochs 2]`: CPU time of the conv2d
// AE's filter gradients (Conv2DBackpropFilter) per call, as XNNPACK's convolution form, as the im2colᵀ product
// with im2colᵀ written from JavaScript (the reverted form), and as the product laid out by matmul.c; then CPU per
// epoch of the conv2d AE (bench model 7) with the convolution form and with the product, alternating in one
// process. CPU per thread from /proc/self/task (Linux). ANOMALY_LAB_WASM_THREADS=2 puts the products on 2 threads.
import { readdirSync, readFileSync } from "node:fs";
import type * as TF from "@tensorflow/tfjs";
import { ModuleMemory } from "../../src/nn/matmul-memory";
import { useBackend } from "../../src/nn/tf";
import { matmulModule, type WasmBackend } from "../../src/nn/matmul-module";
import { withConvolutionFilterGradient } from "../../src/nn/wasm-conv-filter-gradient";
import { registerWasmConvGradients } from "../../src/nn/wasm-conv-gradients";
import { RandomState } from "../../src/random/random-state";
import { TRAINING_BENCH_MODELS } from "./training-models";
import { benchData, benchDetector } from "./training-ours";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** CPU seconds of each thread of this process (utime + stime, clock ticks of 10 ms). */
function threadCpu(): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    const fields = readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]!.split(" ");
    cpu.set(tid, (Number(fields[11]) + Number(fields[12])) / 100);
  }
  return cpu;
}

/** Threads' CPU deltas above 1% of the total, largest first. */
function threadDeltas(before: Map<string, number>, after: Map<string, number>): number[] {
  const deltas = [...after].map(([tid, s]) => s - (before.get(tid) ?? 0)).sort((a, b) => b - a);
  const total = deltas.reduce((a, b) => a + b, 0);
  return deltas.filter((d) => d > 0.01 * total).map((d) => Number(d.toFixed(2)));
}

type Shape4 = [number, number, number, number];
const CASES: { x: Shape4; filter: Shape4; strides: [number, number] }[] = [
  { x: [32, 28, 28, 1], filter: [3, 3, 1, 32], strides: [2, 2] },
  { x: [32, 14, 14, 32], filter: [3, 3, 32, 64], strides: [2, 2] },
  { x: [32, 14, 14, 64], filter: [3, 3, 64, 64], strides: [2, 2] },
  { x: [32, 28, 28, 32], filter: [3, 3, 32, 64], strides: [2, 2] },
];

/** The reverted form: im2colᵀ written from JavaScript, then matmul.c's product on the calling thread. */
function jsIm2colProduct(backend: WasmBackend, xInfo: TF.TensorInfo, dyInfo: TF.TensorInfo, [kh, kw, channels, N]: number[], [sh, sw]: number[]): TF.TensorInfo {
  const simd = matmulModule()!;
  const [n, h, w] = xInfo.shape as number[] as [number, number, number];
  const [, oh, ow] = dyInfo.shape as number[] as [number, number, number];
  const pad = (size: number, outSize: number, k: number, s: number) => Math.floor(Math.max((outSize - 1) * s + k - size, 0) / 2);
  const [top, left] = [pad(h, oh, kh!, sh!), pad(w, ow, kw!, sw!)];
  const [M, K] = [kh! * kw! * channels!, oh * ow * n];
  const stride = Math.ceil(N! / 4) * 4;
  const memory = new ModuleMemory(simd);
  const [aAt, bRawAt, bAt] = memory.take(K * M, K * N!, K * stride);
  const out = memory.output(backend, [kh!, kw!, channels!, N!]);
  const heap = new Float32Array(simd.memory.buffer);
  const x = backend.typedArrayFromHeap(xInfo);
  const dy = backend.typedArrayFromHeap(dyInfo);
  let k = 0;
  let bTo = bRawAt! / 4;
  for (let y = 0; y < oh; y++) {
    for (let xo = 0; xo < ow; xo++) {
      for (let b = 0; b < n; b++, k++) {
        let row = aAt! / 4 + k;
        for (let i = 0; i < kh!; i++) {
          const yy = sh! * y + i - top;
          for (let j = 0; j < kw!; j++) {
            const xx = sw! * xo + j - left;
            if (yy < 0 || yy >= h || xx < 0 || xx >= w) {
              for (let c = 0; c < channels!; c++, row += K) heap[row] = 0;
              continue;
            }
            for (let c = 0, from = ((b * h + yy) * w + xx) * channels!; c < channels!; c++, row += K) heap[row] = x[from + c]!;
          }
        }
        const from = ((b * oh + y) * ow + xo) * N!;
        for (let o = 0; o < N!; o++) heap[bTo + o] = dy[from + o]!;
        bTo += N!;
      }
    }
  }
  simd.pack_panels(K, N!, stride, 0, bRawAt!, bAt!);
  simd.blocked_matmul(M, K, N!, stride, 0, K, aAt!, bAt!, out.at);
  return memory.finish(backend, out);
}

(async () => {
  const { tf, info } = await useBackend("wasm");
  registerWasmConvGradients(tf);
  console.log(info.summary);
  const calls = Number(arg("calls", "20"));
  const random = new RandomState(1);
  const backend = tf.backend() as unknown as WasmBackend;
  for (const c of CASES) {
    const x = tf.tensor4d(Float32Array.from(random.uniform(0, 1, c.x.reduce((a, b) => a * b, 1))), c.x);
    const outShape = tf.tidy(() => tf.conv2d(x, tf.zeros(c.filter) as TF.Tensor4D, c.strides, "same").shape);
    const dy = tf.tensor4d(Float32Array.from(random.standardNormal(outShape.reduce((a, b) => a * b, 1))), outShape);
    const attrs = { strides: c.strides, pad: "same", dataFormat: "NHWC", filterShape: c.filter } as unknown as TF.NamedAttrMap;
    const product = () => (tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, attrs) as TF.Tensor).dispose();
    const variants: Record<string, () => void> = {
      convolution: () => withConvolutionFilterGradient(tf, product),
      jsIm2col: () => (backend as unknown as { disposeData(id: object): void }).disposeData(jsIm2colProduct(backend, x as unknown as TF.TensorInfo, dy as unknown as TF.TensorInfo, c.filter, c.strides).dataId),
      product,
    };
    const cpu: Record<string, number[]> = {};
    const threads: Record<string, number[]> = {};
    for (const run of Object.values(variants)) run(); // warm up
    for (let round = 0; round < 3; round++) {
      for (const [name, run] of Object.entries(variants)) {
        const [t0, c0] = [threadCpu(), process.cpuUsage()];
        for (let i = 0; i < calls; i++) run();
        const used = process.cpuUsage(c0);
        (cpu[name] ??= []).push((used.user + used.system) / 1000 / calls);
        threads[name] = threadDeltas(t0, threadCpu());
      }
    }
    const best = Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, Number(Math.min(...ms).toFixed(2))]));
    console.log(JSON.stringify({ x: c.x, filter: c.filter, cpuMsPerCall: best, lastRoundThreadCpuS: threads }));
    x.dispose();
    dy.dispose();
  }
  const epochs = Number(arg("epochs", "2"));
  if (epochs === 0) return;
  const model = TRAINING_BENCH_MODELS[7]!;
  const X = benchData(model);
  const product = tf.getKernel("Conv2DBackpropFilter", "wasm")!;
  const convolution = withConvolutionFilterGradient(tf, () => tf.getKernel("Conv2DBackpropFilter", "wasm"))!;
  const use = (config: TF.KernelConfig) => {
    tf.unregisterKernel("Conv2DBackpropFilter", "wasm");
    tf.registerKernel(config);
  };
  const perEpoch: Record<string, number[]> = { convolution: [], product: [] };
  for (let round = 0; round < epochs; round++) {
    for (const [name, config] of [["convolution", convolution], ["product", product]] as const) {
      use(config);
      const detector = benchDetector(model, { epochs: 1, seed: 0, backend: "wasm", progress: false });
      const [t0, c0, w0] = [threadCpu(), process.cpuUsage(), Date.now()];
      await detector.fit(X);
      const used = process.cpuUsage(c0);
      perEpoch[name]!.push((used.user + used.system) / 1e6);
      console.log(JSON.stringify({ epoch: name, cpuS: Number(((used.user + used.system) / 1e6).toFixed(2)), wallS: (Date.now() - w0) / 1000,
        threadCpuS: threadDeltas(t0, threadCpu()) }));
      detector.dispose();
    }
  }
  use(product);
})();
