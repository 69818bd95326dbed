// Our matrix products on several threads (src/nn/matmul-threads.ts): the bits of tfjs-backend-wasm's own kernels
// (which the one-thread path reproduces, test/nn-fused.test.ts) whoever computes which rows; small products stay on
// the calling thread; ANOMALY_LAB_WASM_THREADS switches them on and the summary line says so; a worker that cannot
// start leaves the products on one thread with the reason in the summary; the workers never keep a process alive.
import os from "node:os";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { before, describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import { blockRows, matmulThreads, productMinRows, productUnits, SPLIT_MIN_FLOPS, startMatmulThreads, stopMatmulThreads } from "../src/nn/matmul-threads";
import { useBackend } from "../src/nn/tf";
import { withTfjsBatchMatMul } from "../src/nn/wasm-batch-matmul";
import { RandomState } from "../src/random/random-state";

const ROOT = path.resolve(__dirname, "..");

/** The notebooks' products (images 784-128-32 at batch 64, forward and both gradients; the conv nets' and LSTM's
 * sizes are below) and odd shapes: rows not a multiple of 4, columns not a multiple of 8, shared sizes across
 * tfjs's blocks of 48. [M, K, N]. */
const SHAPES = [[64, 784, 128], [784, 64, 128], [64, 128, 784], [64, 128, 32], [128, 64, 32], [203, 97, 61], [9, 300, 513],
  [517, 129, 3], [33, 1000, 17], [8, 8192, 8], [5, 7, 3], [256, 29, 14]] as const;

function product(tf: typeof TF, random: RandomState, [M, K, N]: readonly number[], transposeA: boolean, transposeB: boolean) {
  const a = tf.tensor2d(Float32Array.from(random.standardNormal(M! * K!)), transposeA ? [K!, M!] : [M!, K!]);
  const b = tf.tensor2d(Float32Array.from(random.standardNormal(K! * N!)), transposeB ? [N!, K!] : [K!, N!]);
  const run = () => {
    const out = tf.matMul(a, b, transposeA, transposeB);
    const values = Float32Array.from(out.dataSync());
    out.dispose();
    return values;
  };
  return { run, tfjs: () => withTfjsBatchMatMul(tf, run), dispose: () => [a, b].forEach((t) => t.dispose()) };
}

function assertSameBits(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}[${i}]: ${actual[i]} (2 threads) vs ${expected[i]} (tfjs)`);
  }
}

/** Runs `code` in a fresh node process with `env`; returns its last line of output. */
function fresh(code: string, env: NodeJS.ProcessEnv, nodeFlags: string[] = ["--import", "tsx"]): string {
  const out = execFileSync(process.execPath, [...nodeFlags, "-e", code], {
    env: { ...process.env, ANOMALY_LAB_TF_BACKEND: "", ANOMALY_LAB_WASM_THREADS: "", ANOMALY_LAB_TFJS_WASM_THREADS: "", ...env },
    encoding: "utf8",
    cwd: ROOT,
    timeout: 120_000, // a worker that kept the process alive would reach this
  });
  return out.trim().split("\n").at(-1) ?? "";
}

describe("matrix products on 2 threads (src/nn/matmul-threads.ts)", () => {
  let tf: typeof TF;
  before(async () => {
    assert.equal(await startMatmulThreads(2), undefined, "the worker starts");
    ({ tf } = await useBackend("wasm"));
  });

  it("give tfjs-backend-wasm's bits (Object.is) at the notebooks' shapes and odd ones, transposed or not, rows split or all on the worker", () => {
    const threads = matmulThreads()!;
    assert.equal(threads.threads, 2);
    const random = new RandomState(3);
    for (const shape of SHAPES) {
      for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const p = product(tf, random, shape, tA, tB);
        const expected = p.tfjs();
        const what = `${shape.join("x")} transposeA=${tA} transposeB=${tB}`;
        assertSameBits(p.run(), expected, what);
        // Every row on the worker (the main thread claims none): the worker's instance, its row ranges.
        const [, workerRowsBefore] = threads.rowsComputed();
        threads.workersOnly = true;
        try {
          assertSameBits(p.run(), expected, `${what}, rows on the worker`);
        } finally {
          threads.workersOnly = false;
        }
        const split = 2 * shape[0] * shape[1] * shape[2] >= SPLIT_MIN_FLOPS && shape[0] >= 8;
        const units = productUnits(shape[0], shape[1], shape[2]); // rows, or panels of 8 columns for few rows
        assert.equal(threads.rowsComputed()[1]! - workerRowsBefore!, split ? units : 0, `${what}: rows (or panels) the worker computed`);
        p.dispose();
      }
    }
  });

  it("keep a product under 2^20 counted FLOPs (64 x 128 x 32: 0.5 MFLOP) on the calling thread, split a 64 x 784 x 128 one by columns (16 panels of 8) and a 128 x 784 x 128 one by rows", () => {
    const threads = matmulThreads()!;
    const random = new RandomState(5);
    threads.workersOnly = true; // a split product would then be computed by the worker alone
    try {
      for (const [shape, onMain, onWorker] of [[[64, 128, 32], 64, 0], [[64, 784, 128], 0, 16], [[128, 784, 128], 0, 128]] as const) {
        const p = product(tf, random, shape, false, false);
        const before = threads.rowsComputed();
        p.run();
        const after = threads.rowsComputed();
        assert.deepEqual([after[0]! - before[0]!, after[1]! - before[1]!], [onMain, onWorker], shape.join("x"));
        p.dispose();
      }
    } finally {
      threads.workersOnly = false;
    }
  });
});

describe("claiming rows of a job that follows another (src/nn/matmul-threads.ts)", () => {
  it("a worker that read the last job's claim word just before the next job's words were written claims nothing of the next job: 40 products, every output right", async () => {
    assert.equal(await startMatmulThreads(2), undefined, "the worker starts");
    const { tf } = await useBackend("wasm");
    const threads = matmulThreads()!;
    const random = new RandomState(8);
    // A small product then a larger one, again and again; the worker waits 1 ms between reading the claim word and the
    // job's words, the main thread 3 ms before opening each job: the moments a stale claim could slip in, widened.
    // New operands every time, so that rows left from an earlier product cannot pass for this one's.
    const products = Array.from({ length: 40 }, (_, i) => product(tf, random, [i % 2 === 0 ? 16 : 96, 512, 128], false, false));
    const expected = products.map((p) => p.tfjs());
    threads.setRaceDelays(1000, 3000);
    try {
      products.forEach((p, i) => assertSameBits(p.run(), expected[i]!, `product ${i} (${i % 2 === 0 ? "16" : "96"} rows)`));
    } finally {
      threads.setRaceDelays(0, 0);
      products.forEach((p) => p.dispose());
    }
  });
});

describe("the size of each claim (blockRows)", () => {
  it("claims a job of few rows with a minimum of 1 a row at a time (2 groups of a 32-column sum: 1 each), products in multiples of 4 rows", () => {
    // Column sums of 32 and 64 columns (groups of 16, minimum 1) on 2 threads: the first claim leaves the worker a share.
    assert.equal(blockRows(2, 1, 2), 1);
    assert.equal(blockRows(4, 1, 2), 1);
    assert.equal(blockRows(9, 1, 2), 3);
    // The ECG AE's 512 x 140 x 32 product (minimum 32 rows): 128 rows first, then 96 (384 / 4), never fewer than 32.
    assert.equal(productMinRows(140, 32), 32);
    assert.equal(blockRows(512, 32, 2), 128);
    assert.equal(blockRows(384, 32, 2), 96);
    assert.equal(blockRows(40, 32, 2), 32);
    assert.equal(blockRows(20, 32, 2), 20, "never more than is left");
    // A minimum of 4 (the layouts' 4 x 4 transposes): multiples of 4.
    assert.equal(blockRows(196, 4, 2), 52);
  });
});

describe("stopMatmulThreads", () => {
  it("ends the workers; later products run on the main thread with tfjs's bits", async () => {
    const { tf } = await useBackend("wasm");
    const threads = matmulThreads()!;
    await stopMatmulThreads();
    assert.equal(threads.threads, 1);
    const p = product(tf, new RandomState(9), [64, 784, 128], true, false);
    const rowsBefore = threads.rowsComputed();
    assertSameBits(p.run(), p.tfjs(), "64x784x128 transposeA=true after stop");
    assert.deepEqual(threads.rowsComputed(), [rowsBefore[0]! + 64, rowsBefore[1]!], "every row on the main thread");
    p.dispose();
  });
});

describe("ANOMALY_LAB_WASM_THREADS (our products) and ANOMALY_LAB_TFJS_WASM_THREADS (tfjs's pool)", () => {
  const summary = `const { useBackend } = require("./src/nn/tf");
    useBackend("wasm").then(({ tf, info }) => {
      const a = tf.ones([64, 784]), b = tf.ones([784, 128]);
      tf.matMul(a, b).dataSync(); // a split product, then the script ends: the worker must not keep it alive
      console.log(JSON.stringify({ summary: info.summary, threads: info.threads, productThreads: info.productThreads }));
    });`;

  it("=2 puts the products on 2 threads and tfjs's pool on 1, says so in the summary line, and the process exits", () => {
    const info = JSON.parse(fresh(summary, { ANOMALY_LAB_WASM_THREADS: "2" }));
    assert.equal(info.productThreads, 2, info.summary);
    assert.equal(info.threads, 1, info.summary);
    assert.match(info.summary, /on wasm \(SIMD, products on 2 threads, tfjs on 1\)/);
  });

  it("unset: our products on 2 threads where the machine has 2 cores or more (1 on one core), tfjs's pool on 1, said in the summary line", () => {
    const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
    const info = JSON.parse(fresh(summary, {}));
    assert.deepEqual([info.productThreads, info.threads], [Math.min(2, cores), 1], info.summary);
    assert.match(info.summary, cores >= 2 ? /on wasm \(SIMD, products on 2 threads, tfjs on 1\)/ : /on wasm \(SIMD, 1 thread\)/);
  });

  it("a worker that cannot start (Node's permission model refuses worker threads) leaves the products on 1 thread, the reason in the summary", () => {
    // tsx's CommonJS hook: its ESM hook runs in a worker thread, which the permission model refuses too.
    const flags = ["--experimental-permission", "--allow-fs-read=*", "--no-warnings", "--require", "tsx/cjs"];
    const info = JSON.parse(fresh(summary, { ANOMALY_LAB_WASM_THREADS: "2" }, flags));
    assert.equal(info.productThreads, 1, info.summary);
    assert.match(info.summary, /on wasm \(SIMD, 1 thread: the products' worker threads could not start: Access to this API has been restricted\)/);
  });
});
