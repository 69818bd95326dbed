// Our kernels' threads in tfjs's own heap (src/nn/tfjs-heap.ts, src/nn/matmul-memory.ts): with tfjs's threaded
// build its heap is a shared memory, and src/nn/matmul.c's threads read tensors and write results there instead of
// copying them in and out of a memory of their own. What must hold: that is what runs by default on 2 threads; the
// scratch taken from tfjs's allocator never overlaps within a call and grows as calls need; and the kernels write
// nothing of tfjs's but their outputs, with tfjs's kernels' bits.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { before, describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import { ModuleMemory } from "../src/nn/matmul-memory";
import { matmulModule, type WasmBackend } from "../src/nn/matmul-module";
import { matmulThreads } from "../src/nn/matmul-threads";
import { useBackend } from "../src/nn/tf";
import { HeapScratch, tfjsMemory, type TfjsWasmModule } from "../src/nn/tfjs-heap";
import { withTfjsBatchMatMul } from "../src/nn/wasm-batch-matmul";
import { withTfjsSum } from "../src/nn/wasm-column-sum";
import { withConvolutionFilterGradient } from "../src/nn/wasm-conv-filter-gradient";
import { registerWasmConvGradients, withSpreadBackpropInput } from "../src/nn/wasm-conv-gradients";
import { withEveryConvolutionAsProduct, withTfjsConv2d } from "../src/nn/wasm-conv2d";
import { RandomState } from "../src/random/random-state";

const ROOT = path.resolve(__dirname, "..");

/** A bump allocator that records every block, for HeapScratch's bookkeeping. */
function recordingAllocator() {
  let next = 1000; // not 16-aligned on purpose: regions must still be
  const live = new Map<number, number>();
  const freed: number[] = [];
  return {
    live,
    freed,
    _malloc(bytes: number): number {
      const at = next;
      next += bytes + 8;
      live.set(at, bytes);
      return at;
    },
    _free(at: number): void {
      assert.ok(live.delete(at), `free(${at}) of a block not allocated or freed twice`);
      freed.push(at);
    },
  };
}

function insideLiveBlock(live: Map<number, number>, at: number, bytes: number): boolean {
  return [...live].some(([block, size]) => at >= block && at + bytes <= block + size);
}

describe("HeapScratch (scratch from tfjs's allocator)", () => {
  it("gives each call 16-byte aligned regions inside live blocks that never overlap; a call that outgrew the arena gets extra blocks, the next one arena as large and the extra blocks freed", () => {
    const allocator = recordingAllocator();
    const scratch = new HeapScratch(allocator);
    const calls = [[100, 4000, 16], [64, 64, 64, 64], [50_000, 3, 70_000], [10, 20], [120_000]];
    for (const [c, sizes] of calls.entries()) {
      scratch.begin();
      const regions = sizes.map((bytes) => ({ at: scratch.take(bytes), bytes }));
      for (const { at, bytes } of regions) {
        assert.equal(at % 16, 0, `call ${c}: region at ${at} is not 16-byte aligned`);
        assert.ok(insideLiveBlock(allocator.live, at, bytes), `call ${c}: region [${at}, ${at + bytes}) lies outside every live block`);
      }
      const sorted = [...regions].sort((a, b) => a.at - b.at);
      for (let i = 1; i < sorted.length; i++) {
        assert.ok(sorted[i - 1]!.at + sorted[i - 1]!.bytes <= sorted[i]!.at, `call ${c}: regions overlap`);
      }
    }
    // Call 2 needed 120,016 bytes, more than the arena (none yet after calls 0-1 fitted in extra blocks, then one
    // arena): call 3 starts from one arena of the most the previous call used, extra blocks freed.
    scratch.begin();
    assert.equal(allocator.live.size, 1, "one arena left once a call that fitted in it has begun");
    const [[, arenaBytes]] = [...allocator.live];
    assert.ok(arenaBytes! >= 120_000, `the arena holds the largest call's 120,000 bytes: ${arenaBytes}`);
  });

  it("throws a RangeError naming tfjs's heap when its malloc returns 0 (out of memory), not a region at address 0", () => {
    const scratch = new HeapScratch({ _malloc: () => 0, _free: () => {} });
    scratch.begin();
    assert.throws(() => scratch.take(64), /tfjs's wasm heap could not give 80 bytes of scratch/);
  });
});

describe("the products' threads over tfjs's heap (tfjs's threaded build)", () => {
  let tf: typeof TF;
  before(async () => {
    process.env.ANOMALY_LAB_WASM_THREADS = "2"; // as by default on a machine of 2 cores or more
    ({ tf } = await useBackend("wasm"));
    registerWasmConvGradients(tf); // as the convolutional detectors do
  });

  it("is how the wasm backend starts with 2 product threads: info.sharedHeap true, the threads' memory tfjs's own", async () => {
    const { info } = await useBackend("wasm");
    assert.equal(info.productThreads, 2, info.summary);
    assert.equal(info.sharedHeap, true, info.summary);
    const wasm = (tf.findBackend("wasm") as unknown as { wasm: TfjsWasmModule }).wasm;
    assert.equal(matmulThreads()?.kernel.memory, tfjsMemory(wasm), "the threads' module imports tfjs's memory");
    assert.match(info.summary, /on wasm \(SIMD, products on 2 threads, tfjs on 1\)$/);
  });

  it("keeps none of Emscripten's 8 pre-started pthread workers while tfjs's own pool is on 1 thread (they would only hold memory)", () => {
    const pool = (tf.findBackend("wasm") as unknown as { wasm: { PThread: { unusedWorkers: unknown[]; runningWorkers: unknown[] } } }).wasm.PThread;
    assert.deepEqual([pool.unusedWorkers.length, pool.runningWorkers.length], [0, 0]);
  });

  it("refuses, with an error that says so, a wasm backend whose heap is not the one the threads work in (one registered anew), rather than reading another memory's floats", () => {
    const simd = matmulModule()!;
    const real = tf.findBackend("wasm") as unknown as WasmBackend;
    const other = { ...real, wasm: { wasmMemory: { buffer: new SharedArrayBuffer(65536), grow: () => 0 } }, getMemoryOffset: real.getMemoryOffset.bind(real),
      makeOutput: real.makeOutput.bind(real), typedArrayFromHeap: real.typedArrayFromHeap.bind(real) } as WasmBackend;
    const x = tf.ones([4, 4]);
    assert.throws(() => new ModuleMemory(simd).input(other, x), /work in the heap of the wasm backend that was running when they started/);
    assert.doesNotThrow(() => new ModuleMemory(simd).input(real, x));
    x.dispose();
  });

  it("writes nothing of tfjs's but its outputs: 400 sentinel tensors keep their values through products, convolutions, their gradients and column sums at growing sizes, each result tfjs's kernels' bits", () => {
    const random = new RandomState(11);
    const sentinels: { tensor: TF.Tensor; values: Float32Array }[] = [];
    const sentinel = () => {
      const values = Float32Array.from(random.standardNormal(random.randint(1, 3000)));
      sentinels.push({ tensor: tf.tensor1d(values), values });
    };
    const sameBits = (ours: TF.Tensor, theirs: TF.Tensor, what: string) => {
      const [a, b] = [ours.dataSync(), theirs.dataSync()];
      assert.equal(a.length, b.length, `${what}: length`);
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}[${i}]: ${a[i]} (ours) vs ${b[i]} (tfjs)`);
    };
    const tensorsBefore = tf.memory().numTensors;
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 25; i++) sentinel();
      const scale = 1 + round; // sizes grow: the scratch arena outgrown, then grown
      // Every convolution as our product, the small ones too (else they stay on tfjs's XNNPACK).
      withEveryConvolutionAsProduct(() => tf.tidy(() => {
        const [M, K, N] = [16 * scale + 3, 40 * scale + 1, 24 * scale + 5];
        const a = tf.tensor2d(Float32Array.from(random.standardNormal(M * K)), [M, K]);
        const b = tf.tensor2d(Float32Array.from(random.standardNormal(K * N)), [K, N]);
        const at = tf.tensor2d(Float32Array.from(random.standardNormal(K * M)), [K, M]);
        sameBits(tf.matMul(a, b), withTfjsBatchMatMul(tf, () => tf.matMul(a, b)), `round ${round}: ${M}x${K}x${N}`);
        sameBits(tf.matMul(at, b, true), withTfjsBatchMatMul(tf, () => tf.matMul(at, b, true)), `round ${round}: transposed A`);
        sameBits(tf.sum(a, 0), withTfjsSum(tf, () => tf.sum(a, 0)), `round ${round}: column sums`);
        const side = 8 + 2 * scale;
        const x = tf.tensor4d(Float32Array.from(random.standardNormal(4 * side * side * 8)), [4, side, side, 8]);
        const filter = tf.tensor4d(Float32Array.from(random.standardNormal(3 * 3 * 8 * 32)), [3, 3, 8, 32]);
        const bias = tf.tensor1d(Float32Array.from(random.standardNormal(32)));
        const conv = () => tf.fused.conv2d({ x, filter, strides: 2, pad: "same", bias });
        sameBits(conv(), withTfjsConv2d(tf, conv), `round ${round}: fused conv2d ${side}x${side}`);
        const dy = tf.tensor4d(Float32Array.from(random.standardNormal(4 * (side / 2) * (side / 2) * 32)), [4, side / 2, side / 2, 32]);
        const backInput = () => tf.conv2dTranspose(dy, filter, [4, side, side, 8], 2, "same");
        sameBits(backInput(), withSpreadBackpropInput(() => withTfjsConv2d(tf, backInput)), `round ${round}: input gradient`);
        const backFilter = () => tf.grad((f: TF.Tensor) => tf.conv2d(x, f as TF.Tensor4D, 2, "same").mul(tf.randomNormal([4, side / 2, side / 2, 32], 0, 1, "float32", 5)).sum())(filter);
        sameBits(backFilter(), withConvolutionFilterGradient(tf, backFilter), `round ${round}: filter gradient`);
      }));
    }
    for (const [i, { tensor, values }] of sentinels.entries()) {
      const now = tensor.dataSync();
      for (let j = 0; j < values.length; j++) {
        if (!Object.is(now[j], values[j])) assert.fail(`sentinel ${i} (${values.length} floats)[${j}]: ${now[j]}, was ${values[j]}`);
      }
      tensor.dispose();
    }
    assert.equal(tf.memory().numTensors, tensorsBefore, "tensors back to the count before");
  });
});

describe("where tfjs's threaded build cannot start", () => {
  it("the products still run on 2 threads, copying tensors into a memory of their own, and the summary says why", () => {
    // tfjs's threaded build needs its worker script; hidden by a resolve hook, only that build fails to start.
    const code = `const Module = require("node:module");
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (String(request).includes("tfjs-backend-wasm-threaded-simd.js")) throw new Error("hidden by the test");
        return resolve.call(this, request, ...rest);
      };
      const { useBackend } = require("./src/nn/tf");
      useBackend("wasm").then(({ tf, info }) => {
        const a = tf.ones([64, 784]), b = tf.ones([784, 128]);
        const sum = tf.matMul(a, b).sum().dataSync()[0];
        console.log(JSON.stringify({ summary: info.summary, productThreads: info.productThreads, sharedHeap: info.sharedHeap, sum }));
      });`;
    const out = execFileSync(process.execPath, ["--import", "tsx", "-e", code], {
      env: { ...process.env, ANOMALY_LAB_TF_BACKEND: "", ANOMALY_LAB_WASM_THREADS: "2", ANOMALY_LAB_TFJS_WASM_THREADS: "" },
      encoding: "utf8", cwd: ROOT, timeout: 120_000,
    });
    const info = JSON.parse(out.trim().split("\n").at(-1)!);
    assert.equal(info.productThreads, 2, info.summary);
    assert.equal(info.sharedHeap, false, info.summary);
    assert.equal(info.sum, 64 * 128 * 784, "the product of ones");
    assert.match(info.summary, /products on 2 threads, tfjs on 1; tensors copied: the threaded build's scripts are missing/);
  });
});
