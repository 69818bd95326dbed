// HostAdam (src/nn/host-adam.ts): Adam's update (PyTorch's and tfjs's: bias-corrected moments, epsilon added to
// the corrected root), computed in float64 and stored as float32, against the formula written out here, bit for
// bit over several steps and tensors of odd and even sizes; on wasm without reading any tensor back to
// JavaScript (the update runs in src/nn/adam.c on the backend's own copies).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import { HostAdam } from "../src/nn/host-adam";
import { matmulThreads } from "../src/nn/matmul-threads";
import { useBackend, type BackendName } from "../src/nn/tf";
import { RandomState } from "../src/random/random-state";

process.env.ANOMALY_LAB_WASM_THREADS ??= "2"; // the products' threads, as by default on 2 cores or more

/** Adam's float64 update of `w` from `g` at step `t` (1-based), as in Kingma & Ba / torch.optim.Adam, stored as float32. */
function adamReference(w: Float32Array, g: Float32Array, m: Float64Array, v: Float64Array, t: number, lr: number, b1: number, b2: number, eps: number): Float32Array {
  const next = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) {
    m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
    v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
    const mHat = m[i]! / (1 - b1 ** t);
    const vHat = v[i]! / (1 - b2 ** t);
    next[i] = w[i]! - (lr * mHat) / (Math.sqrt(vHat) + eps);
  }
  return next;
}

function float32s(random: RandomState, n: number, scale: number): Float32Array {
  return Float32Array.from(random.standardNormal(n), (value) => value * scale);
}

/** Random starting weights of `sizes` as variables, with the reference's copies and zero moments. */
function weights(tf: typeof TF, random: RandomState, sizes: number[][]) {
  const start = sizes.map((shape) => float32s(random, shape.reduce((a, b) => a * b, 1), 1));
  const variables = sizes.map((shape, k) => tf.variable(tf.tensor(start[k]!, shape, "float32")));
  const expected = start.map((w) => Float32Array.from(w));
  const m = start.map((w) => new Float64Array(w.length));
  const v = start.map((w) => new Float64Array(w.length));
  return { start, variables, expected, m, v };
}

for (const backend of ["wasm", "cpu"] as BackendName[]) {
  describe(`HostAdam on ${backend}`, () => {
    it("updates the weights to the float32 bits of Adam's float64 formula, 5 steps, sizes 1, 2, 7 and 300 (Keras and GAN settings)", async () => {
      const { tf } = await useBackend(backend);
      for (const [lr, b1, b2, eps] of [[0.001, 0.9, 0.999, 1e-7], [0.0002, 0.5, 0.999, 1e-8]] as const) {
        const random = new RandomState(5);
        const sizes = [[1], [2], [7], [20, 15]];
        const { start, variables, expected, m, v } = weights(tf, random, sizes);
        const adam = new HostAdam(variables, lr, b1, b2, eps);
        for (let t = 1; t <= 5; t++) {
          const gradients = start.map((w) => float32s(random, w.length, 10 ** (t - 3)));
          const tensors = gradients.map((g, k) => tf.tensor(g, sizes[k], "float32"));
          adam.apply(tf, tensors);
          tensors.forEach((tensor) => tensor.dispose());
          gradients.forEach((g, k) => (expected[k] = adamReference(expected[k]!, g, m[k]!, v[k]!, t, lr, b1, b2, eps)));
          variables.forEach((variable, k) => {
            const got = variable.dataSync();
            for (let i = 0; i < got.length; i++) {
              assert.ok(Object.is(got[i], expected[k]![i]), `lr ${lr}, step ${t}, weight ${k}[${i}]: ${got[i]} vs ${expected[k]![i]} (formula)`);
            }
          });
        }
        variables.forEach((variable) => variable.dispose());
      }
    });
  });
}

describe("HostAdam on wasm", () => {
  it("reads no gradient or weight back to JavaScript (no backend readSync) in a step", async () => {
    const { tf } = await useBackend("wasm");
    const backend = tf.backend() as unknown as { readSync: (dataId: object) => unknown };
    const variables = [tf.variable(tf.ones([64, 32])), tf.variable(tf.zeros([32]))];
    const gradients = [tf.fill([64, 32], 0.5), tf.fill([32], -0.25)] as TF.Tensor[];
    const adam = new HostAdam(variables, 0.001);
    const readSync = backend.readSync;
    let reads = 0;
    backend.readSync = (dataId) => ((reads += 1), readSync.call(backend, dataId));
    try {
      adam.apply(tf, gradients);
      adam.apply(tf, gradients);
    } finally {
      backend.readSync = readSync;
    }
    assert.equal(reads, 0, "tensors read back to JavaScript in two Adam steps");
    [...variables, ...gradients].forEach((tensor) => tensor.dispose());
  });
});

describe("HostAdam on the products' threads (wasm, tfjs's heap shared: tensors of 2^14 values or more)", () => {
  it("gives the formula's bits over 4 steps with every row of 4,096 values updated by the worker (sizes odd and even, a small tensor beside)", async () => {
    const { tf, info } = await useBackend("wasm");
    assert.equal(info.sharedHeap, true, `the threads work in tfjs's heap here: ${info.summary}`);
    const threads = matmulThreads()!;
    const [lr, b1, b2, eps] = [0.001, 0.9, 0.999, 1e-7];
    const random = new RandomState(8);
    const sizes = [[784, 128], [16385], [7]]; // the last stays on this thread (under 2^14 values)
    const { start, variables, expected, m, v } = weights(tf, random, sizes);
    const adam = new HostAdam(variables, lr, b1, b2, eps);
    threads.workersOnly = true; // the main thread claims no row: the worker's instance updates them all
    try {
      for (let t = 1; t <= 4; t++) {
        const gradients = start.map((w) => float32s(random, w.length, 10 ** (t - 2)));
        const tensors = gradients.map((g, k) => tf.tensor(g, sizes[k], "float32"));
        const before = threads.rowsComputed()[1]!;
        adam.apply(tf, tensors);
        assert.equal(threads.rowsComputed()[1]! - before, Math.ceil((784 * 128) / 4096) + Math.ceil(16385 / 4096), `step ${t}: rows the worker updated`);
        tensors.forEach((tensor) => tensor.dispose());
        gradients.forEach((g, k) => (expected[k] = adamReference(expected[k]!, g, m[k]!, v[k]!, t, lr, b1, b2, eps)));
        variables.forEach((variable, k) => {
          const got = variable.dataSync();
          for (let i = 0; i < got.length; i++) assert.ok(Object.is(got[i], expected[k]![i]), `step ${t}, weight ${k}[${i}]: ${got[i]} vs ${expected[k]![i]} (formula)`);
        });
      }
    } finally {
      threads.workersOnly = false;
    }
    variables.forEach((variable) => variable.dispose());
  });
});
