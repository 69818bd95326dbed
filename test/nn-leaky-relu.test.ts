// LeakyReLU (src/nn/wasm-leaky-relu.ts, src/nn/leaky-relu-gradient.ts): our wasm forward kernel against
// tfjs-backend-wasm's LeakyRelu, and our one-kernel gradient (wasm and cpu) against tfjs-core's
// where(greater(x, 0), dy, mul(dy, alpha)) run as tfjs's own ops, bit for bit, on inputs with NaN (several
// payloads), ±0, ±Infinity, denormals, FLT_MIN and FLT_MAX, odd sizes (the SIMD loop's scalar tail) and alphas
// that overflow, round or are negative; then a seeded ConvAutoencoderDetector fit against tfjs's kernels.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import { ConvAutoencoderDetector } from "../src/nn/conv-autoencoder";
import { LEAKY_RELU_GRADIENT } from "../src/nn/leaky-relu-gradient";
import { matmulThreads } from "../src/nn/matmul-threads";
import { useBackend } from "../src/nn/tf";
import { withTfjsLeakyRelu } from "../src/nn/wasm-leaky-relu";
import { RandomState } from "../src/random/random-state";
import { kernelsPerStep } from "./helpers/kernels-per-step";
import { assertSameFloats, withSpecialValues } from "./helpers/special-floats";
import { trainingRecord } from "./helpers/training-record";

process.env.ANOMALY_LAB_WASM_THREADS ??= "2"; // the products' threads, as by default on 2 cores or more

/** Sizes below, at and above a SIMD vector (4 floats), and the conv AE's largest LeakyReLU at batch 2. */
const SIZES = [1, 3, 4, 5, 17, 2 * 28 * 28 * 32];
/** 0.2 (the conv AE's, not a float32: rounded), 0, -0, negative, above 1 (alpha · -FLT_MAX overflows), denormal. */
const ALPHAS = [0.2, 0, -0, -0.5, 3, 1e-40, 0.30000001192092896];

/** tfjs's LeakyRelu kernel, run for one synchronous call (ours put back after it). */
async function tfjsLeakyRelu(tf: typeof TF, x: TF.Tensor, alpha: number): Promise<TF.Tensor> {
  return withTfjsLeakyRelu(tf, async () => tf.leakyRelu(x, alpha));
}

/** Names of the kernels `f` launches. */
async function kernelNames(tf: typeof TF, f: () => TF.Tensor): Promise<string[]> {
  let result: TF.Tensor | undefined;
  const profile = await tf.profile(() => {
    result = f();
    return result;
  });
  result!.dispose();
  return profile.kernels.map((kernel) => kernel.name);
}

function images(seed: number, count: number, pixels: number): number[][] {
  const random = new RandomState(seed);
  return Array.from({ length: count }, () => Array.from(random.uniform(0, 1, pixels)));
}

describe("LeakyRelu forward on wasm (src/nn/activation.c)", () => {
  it("is registered over tfjs-backend-wasm's LeakyRelu and gives its output bit for bit (NaN payloads, ±0, ±Infinity, denormals; every alpha and size)", async () => {
    const { tf } = await useBackend("wasm");
    const ours = tf.getKernel("LeakyRelu", "wasm");
    assert.notEqual(await withTfjsLeakyRelu(tf, async () => tf.getKernel("LeakyRelu", "wasm")), ours, "ours is registered over tfjs's");
    const random = new RandomState(27);
    const before = tf.memory().numTensors;
    for (const size of SIZES) {
      for (const alpha of ALPHAS) {
        const x = tf.tensor1d(withSpecialValues(random, size));
        const fast = tf.leakyRelu(x, alpha);
        const tfjs = await tfjsLeakyRelu(tf, x, alpha);
        assertSameFloats(fast.dataSync() as Float32Array, tfjs.dataSync() as Float32Array, `size ${size}, alpha ${alpha}`, true);
        [x, fast, tfjs].forEach((t) => t.dispose());
      }
    }
    tf.tidy(() => {
      assert.deepEqual(tf.leakyRelu(tf.zeros([0, 3]), 0.2).shape, [0, 3], "an empty tensor");
      const integers = tf.tensor1d([-3, 0, 2], "int32");
      assert.deepEqual(Array.from(tf.leakyRelu(integers, 0.5).dataSync()), [-1.5, 0, 2], "int32: tfjs's kernel, float32 output");
    });
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  });
});

for (const backend of ["wasm", "cpu"] as const) {
  describe(`LeakyRelu gradient on ${backend} (one ${LEAKY_RELU_GRADIENT} kernel)`, () => {
    it("equals tfjs-core's where(greater(x, 0), dy, mul(dy, alpha)) bit for bit on x and dy with NaN, ±0, ±Infinity and denormals", async () => {
      const { tf } = await useBackend(backend);
      const random = new RandomState(11);
      const before = tf.memory().numTensors;
      for (const size of SIZES) {
        for (const alpha of ALPHAS) {
          const x = tf.tensor1d(withSpecialValues(random, size));
          const dy = tf.tensor1d(withSpecialValues(random, size));
          const ours = tf.grad((input: TF.Tensor) => tf.leakyRelu(input, alpha))(x, dy);
          const expected = tf.tidy(() => tf.where(tf.greater(x, 0), dy, tf.mul(dy, alpha)));
          assertSameFloats(ours.dataSync() as Float32Array, expected.dataSync() as Float32Array, `size ${size}, alpha ${alpha}`, backend === "wasm");
          [x, dy, ours, expected].forEach((t) => t.dispose());
        }
      }
      assert.equal(tf.memory().numTensors, before, "no tensor left behind");
    });

    it(`runs ${LEAKY_RELU_GRADIENT} and no Greater, Multiply or Select for a float32 LeakyRelu's gradient`, async () => {
      const { tf } = await useBackend(backend);
      const x = tf.tensor1d([-1, 0, 2, NaN, -0]);
      const dy = tf.tensor1d([1, 2, 3, 4, 5]);
      const names = await kernelNames(tf, () => tf.grad((input: TF.Tensor) => tf.leakyRelu(input, 0.2))(x, dy));
      assert.ok(names.includes(LEAKY_RELU_GRADIENT), `kernels: ${names.join(", ")}`);
      for (const name of ["Greater", "Multiply", "Select"]) assert.ok(!names.includes(name), `kernels: ${names.join(", ")}`);
      tf.dispose([x, dy]);
    });
  });
}

describe("LeakyRelu on the products' threads (tfjs's heap shared: tensors of 2^18 floats or more, rows of 4,096 floats)", () => {
  it("gives tfjs's bits forward and backward with every row computed by the worker (the last row shorter, odd sizes, every alpha)", async () => {
    const { tf, info } = await useBackend("wasm");
    assert.equal(info.sharedHeap, true, `the threads work in tfjs's heap here: ${info.summary}`);
    const threads = matmulThreads()!;
    const random = new RandomState(5);
    const before = tf.memory().numTensors;
    threads.workersOnly = true; // the main thread claims no row: the worker's instance computes them all
    try {
      for (const size of [1 << 18, 11 * 28 * 28 * 32 + 5, 32 * 28 * 28 * 32]) {
        for (const alpha of ALPHAS) {
          const x = tf.tensor1d(withSpecialValues(random, size));
          const dy = tf.tensor1d(withSpecialValues(random, size));
          const rowsBefore = threads.rowsComputed()[1]!;
          const forward = tf.leakyRelu(x, alpha);
          const backward = tf.grad((input: TF.Tensor) => tf.leakyRelu(input, alpha))(x, dy);
          // The forward, tf.grad's own forward pass, the gradient: three jobs of ceil(size / 4096) rows.
          assert.equal(threads.rowsComputed()[1]! - rowsBefore, 3 * Math.ceil(size / 4096), `size ${size}: rows the worker computed`);
          const tfjs = await tfjsLeakyRelu(tf, x, alpha);
          const expected = tf.tidy(() => tf.where(tf.greater(x, 0), dy, tf.mul(dy, alpha)));
          assertSameFloats(forward.dataSync() as Float32Array, tfjs.dataSync() as Float32Array, `forward, size ${size}, alpha ${alpha}`, true);
          assertSameFloats(backward.dataSync() as Float32Array, expected.dataSync() as Float32Array, `gradient, size ${size}, alpha ${alpha}`, true);
          tf.dispose([x, dy, forward, backward, tfjs, expected]);
        }
      }
    } finally {
      threads.workersOnly = false;
    }
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  });
});

describe("LeakyRelu gradient where our kernel does not apply", () => {
  it("runs tfjs-core's Greater, Multiply and Select with their values, for an int32 x and on a backend without our kernel", async () => {
    const { tf } = await useBackend("cpu");
    const dy = tf.tensor1d([1.5, -2, 3, 4]);
    const grad = (x: TF.Tensor) => tf.grad((input: TF.Tensor) => tf.leakyRelu(input, 0.2))(x, dy);
    // tfjs-core: dy where x > 0, else dy · float32(0.2), rounded to float32.
    const expected = [1.5, -2, 3, 4].map((g, i) => (i === 2 ? g : Math.fround(g * Math.fround(0.2))));
    const assertTfjsCore = async (x: TF.Tensor, what: string) => {
      const names = await kernelNames(tf, () => grad(x));
      const tfjsOps = ["Greater", "Multiply", "Select"].every((name) => names.includes(name)) && !names.includes(LEAKY_RELU_GRADIENT);
      assert.ok(tfjsOps, `${what}: kernels ${names.join(", ")}`);
      const dx = grad(x);
      assert.deepEqual(Array.from(dx.dataSync()), expected, what);
      tf.dispose([x, dx]);
    };
    await assertTfjsCore(tf.tensor1d([-1, 0, 2, -3], "int32"), "int32 x");
    const ours = tf.getKernel(LEAKY_RELU_GRADIENT, "cpu")!;
    tf.unregisterKernel(LEAKY_RELU_GRADIENT, "cpu");
    try {
      await assertTfjsCore(tf.tensor1d([-1, NaN, 2, -0]), "cpu without our kernel");
    } finally {
      tf.registerKernel(ours);
    }
    dy.dispose();
  });
});

describe("LeakyReLU in the 2-D convolutional autoencoder's training step", () => {
  it("launches no Greater and no Select kernel per step (tfjs-core's gradient: one of each per LeakyReLU layer)", async () => {
    const { tf } = await useBackend("wasm");
    const count = await kernelsPerStep(tf,
      (progress) => new ConvAutoencoderDetector({ imageShape: [8, 8, 1], filters: [4, 8], latentDim: 4, epochs: 2, batchSize: 8,
        seed: 1, backend: "wasm", progress }),
      (detector) => detector.fit(images(1, 24, 64)), // 24 rows: 3 steps per epoch
      3, (name) => name === "Greater" || name === "Select");
    assert.equal(count, 0, `Greater and Select kernels per step: ${count}`);
  });

  it("trains notebook 09's seeded ConvAutoencoderDetector (28 x 28, filters 32-64) to the same losses and scores (Object.is) as with tfjs's LeakyRelu and gradient", async () => {
    const { tf } = await useBackend("wasm");
    const X = images(6, 40, 28 * 28);
    const fit = async () => {
      const detector = new ConvAutoencoderDetector({ epochs: 3, batchSize: 8, validationSplit: 0.2, seed: 3, backend: "wasm", progress: false });
      return trainingRecord(detector, X);
    };
    const before = tf.memory().numTensors;
    const fast = await fit();
    const tfjs = await withTfjsLeakyRelu(tf, async () => {
      const x = tf.tensor1d([-1, 2]);
      const names = await kernelNames(tf, () => tf.grad((input: TF.Tensor) => tf.leakyRelu(input, 0.2))(x));
      x.dispose();
      assert.ok(names.includes("Select") && names.includes("LeakyRelu"), `the oracle runs tfjs-core's gradient: ${names.join(", ")}`);
      return fit();
    });
    assertSameFloats(Float32Array.from(fast.loss), Float32Array.from(tfjs.loss), "training and validation losses", false);
    for (let i = 0; i < fast.scores.length; i++) assert.ok(Object.is(fast.scores[i], tfjs.scores[i]), `score ${i}: ${fast.scores[i]} vs ${tfjs.scores[i]}`);
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  });
});
