// The fused training kernels (src/nn/fused-dense.ts, fused-loss.ts), the host-cut batches (host-rows.ts) and the
// SIMD kernel for transposed products (wasm-batch-matmul.ts, matmul.c) against what tfjs computes with its own
// layers, ops and kernels: the same loss, gradients and products bit for bit (Object.is) on wasm (and cpu for
// the fused kernels), for every activation they take; a seeded autoencoder fit equal to one through tfjs's
// layers; the batches equal to tf.gather + slice; fewer kernel launches per step; no tensor left behind.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import type { Activation } from "../src/nn/activations";
import { AutoencoderDetector, type AutoencoderOptions, CREDIT_CARD_TUTORIAL_LAYERS } from "../src/nn/autoencoder";
import { denseForward } from "../src/nn/fused-dense";
import { activityL1, reconstructionLoss } from "../src/nn/fused-loss";
import { HostRows } from "../src/nn/host-rows";
import { matmulThreads, productUnits } from "../src/nn/matmul-threads";
import { reconstructionError, type ReconstructionError } from "../src/nn/reconstruction";
import { useBackend, type BackendName } from "../src/nn/tf";
import { withTfjsBatchMatMul } from "../src/nn/wasm-batch-matmul";
import { withTfjsSum } from "../src/nn/wasm-column-sum";
import { withTfjsTile } from "../src/nn/wasm-tile";
import { RandomState } from "../src/random/random-state";
import { kernelsPerStep } from "./helpers/kernels-per-step";

const ACTIVATIONS: Activation[] = ["linear", "relu", "elu", "tanh", "sigmoid"];

function rows(seed: number, n: number, d: number): number[][] {
  const random = new RandomState(seed);
  return Array.from({ length: n }, () => Array.from(random.standardNormal(d)));
}

function assertSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: ${actual[i]} (fused) vs ${expected[i]} (tfjs)`);
  }
}

/** x -> dense(act) with activity L1 -> dense(outAct) -> loss(kind) + penalty, through tfjs's layers or the fused kernels. */
function lossAndGrads(tf: typeof TF, fused: boolean, act: Activation, outAct: Activation, kind: ReconstructionError, x: TF.Tensor2D) {
  const seed = 11;
  const hidden = tf.layers.dense({ units: 4, activation: act, inputDim: 5, kernelInitializer: tf.initializers.glorotUniform({ seed }) });
  const output = tf.layers.dense({ units: 5, activation: outAct, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }), biasInitializer: "ones" });
  const model = tf.sequential({ layers: [hidden, output] });
  const variables = model.trainableWeights.map((w) => w.read() as TF.Variable);
  const n = x.shape[0];
  const { value, grads } = tf.variableGrads(() => {
    const h = fused ? denseForward(tf, hidden, x, act, false)! : (hidden.apply(x) as TF.Tensor);
    const penalty = fused ? activityL1(tf, h, 1e-2, n)! : tf.mul(1e-2, tf.div(tf.sum(tf.abs(h)), n));
    const out = fused ? denseForward(tf, output, h, outAct, true)! : (output.apply(h) as TF.Tensor);
    const loss = fused ? reconstructionLoss(tf, x, out, kind)! : (reconstructionError(tf, x, out, kind).mean() as TF.Scalar);
    return tf.addN([loss, penalty]) as TF.Scalar;
  }, variables);
  const result = { loss: value.dataSync()[0]!, grads: variables.map((v) => Array.from(grads[v.name]!.dataSync())) };
  value.dispose();
  Object.values(grads).forEach((g) => g.dispose());
  model.dispose();
  return result;
}

for (const backend of ["wasm", "cpu"] as BackendName[]) {
  describe(`fused training kernels on ${backend}`, () => {
    it("give tfjs's loss and gradients bit for bit: dense layers (linear, relu, elu, tanh, sigmoid), MSE/MAE loss, activity L1", async () => {
      const { tf } = await useBackend(backend);
      const x = tf.tensor2d(rows(3, 7, 5));
      const before = tf.memory().numTensors;
      for (const act of ACTIVATIONS) {
        for (const [outAct, kind] of [["linear", "mse"], ["sigmoid", "mae"], [act, "mse"]] as [Activation, ReconstructionError][]) {
          const reference = lossAndGrads(tf, false, act, outAct, kind, x);
          const fused = lossAndGrads(tf, true, act, outAct, kind, x);
          const what = `${act} -> ${outAct}, ${kind}`;
          assertSameBits([fused.loss], [reference.loss], `${what}: loss`);
          fused.grads.forEach((g, k) => assertSameBits(g, reference.grads[k]!, `${what}: gradient of weight ${k}`));
        }
      }
      assert.equal(tf.memory().numTensors, before, "tensors left behind");
      x.dispose();
    });

    it("give tfjs's reconstruction loss and its gradient bit for bit on windows [n, T, features] (the LSTM and conv inputs)", async () => {
      const { tf } = await useBackend(backend);
      const x = tf.tensor3d(rows(5, 6, 6).flat(), [6, 3, 2]);
      const xHat = tf.variable(tf.tensor3d(rows(6, 6, 6).flat(), [6, 3, 2]));
      for (const kind of ["mse", "mae"] as ReconstructionError[]) {
        const run = (fused: boolean) => {
          const { value, grads } = tf.variableGrads(() =>
            fused ? reconstructionLoss(tf, x, xHat, kind)! : (reconstructionError(tf, x, xHat, kind).mean() as TF.Scalar), [xHat]);
          const out = { loss: value.dataSync()[0]!, grad: Array.from(grads[xHat.name]!.dataSync()) };
          value.dispose();
          grads[xHat.name]!.dispose();
          return out;
        };
        const [reference, fused] = [run(false), run(true)];
        assertSameBits([fused.loss], [reference.loss], `${kind} loss`);
        assertSameBits(fused.grad, reference.grad, `${kind} gradient`);
      }
      x.dispose();
      xHat.dispose();
    });
  });
}

/** The autoencoder through tfjs's layers and ops only (the batch loss before the fused kernels). */
class LayersOnlyAutoencoder extends AutoencoderDetector {
  protected override batchLoss(tf: typeof TF, model: TF.LayersModel, batch: TF.Tensor, training: boolean): TF.Scalar {
    let h: TF.Tensor = batch;
    const penalties: TF.Scalar[] = [];
    model.layers.forEach((layer, i) => {
      h = layer.apply(h, { training }) as TF.Tensor;
      const l1 = this.layers[i]?.activityL1 ?? 0;
      if (l1 > 0) penalties.push(tf.mul(l1, tf.div(tf.sum(tf.abs(h)), batch.shape[0])));
    });
    const reconstruction = reconstructionError(tf, batch, h, this.loss).mean() as TF.Scalar;
    return penalties.length === 0 ? reconstruction : tf.addN([reconstruction, ...penalties]);
  }

  protected override trainingStep(): undefined {
    return undefined; // always the tape over tfjs's layers
  }
}

describe("fused training of the dense autoencoder (wasm)", () => {
  it("trains the credit-card tutorial's network (the tape over the fused kernels) and the ECG tutorial's (no tape: tapeless-step.ts) to the same losses and scores, bit for bit, as tfjs's layers", async () => {
    const { tf } = await useBackend("wasm");
    const networks: [string, number[][], AutoencoderOptions][] = [
      ["credit card", rows(9, 100, 29), { layers: CREDIT_CARD_TUTORIAL_LAYERS, validationSplit: 0.1 }],
      // No validation split: outside the tape tfjs's Dense fuses the bias and relu into its product (the bias first in
      // each sum), where the fused kernels keep the training path's order, so validation losses may differ in the last bit.
      ["ECG", rows(10, 100, 140).map((row) => row.map((v) => 1 / (1 + Math.exp(-v)))), {
        layers: [32, 16, 8, 16, 32].map((units) => ({ units, activation: "relu" as Activation })), outputActivation: "sigmoid", loss: "mae",
        validationSplit: 0,
      }],
    ];
    for (const [name, X, network] of networks) {
      const options: AutoencoderOptions = { ...network, epochs: 3, batchSize: 32, seed: 4, progress: false };
      const before = tf.memory().numTensors;
      const fused = await new AutoencoderDetector(options).fit(X);
      const reference = await new LayersOnlyAutoencoder(options).fit(X);
      assertSameBits(fused.history.loss, reference.history.loss, `${name}: training loss`);
      assertSameBits(fused.history.valLoss, reference.history.valLoss, `${name}: validation loss`);
      assertSameBits(fused.score(X), reference.score(X), `${name}: scores`);
      fused.dispose();
      reference.dispose();
      assert.equal(tf.memory().numTensors, before, `${name}: tensors left behind`);
    }
  });

  it("launches at most 40 kernels per training step of the credit-card tutorial's network at batch 32 (tfjs's layers: 131)", async () => {
    const { tf } = await useBackend("wasm");
    const count = (detector: AutoencoderDetector) => kernelsPerStep(tf,
      (progress) => new (detector.constructor as typeof AutoencoderDetector)({
        layers: CREDIT_CARD_TUTORIAL_LAYERS, epochs: 2, batchSize: 32, seed: 1, progress,
      }),
      (fresh) => fresh.fit(rows(2, 96, 29)), // 96 rows: 3 steps per epoch
      3);
    const fused = await count(new AutoencoderDetector());
    const layers = await count(new LayersOnlyAutoencoder());
    assert.ok(fused <= 40, `fused: ${fused} kernels per step`);
    assert.ok(layers >= 120, `tfjs layers: ${layers} kernels per step (the comparison is stale if this changed)`);
  });
});

describe("HostRows", () => {
  it("cuts the batches tf.gather(data, order).slice(start, size) would, bit for bit, for matrices and windows", async () => {
    const { tf } = await useBackend("wasm");
    for (const shape of [[10, 3], [9, 4, 2]]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = tf.tensor(Float32Array.from(rows(1, 1, size)[0]!), shape);
      const order = new RandomState(2).permutation(shape[0]!);
      const host = new HostRows(data);
      for (const [start, count] of [[0, 4], [4, 4], [8, shape[0]! - 8]]) {
        const expected = tf.tidy(() => tf.gather(data, tf.tensor1d(order, "int32")).slice(start!, count!));
        const actual = host.batch(tf, order, start!, count!);
        assert.deepEqual(actual.shape, expected.shape);
        assertSameBits(actual.dataSync(), expected.dataSync(), `shape ${shape} batch at ${start}`);
        const plain = host.batch(tf, undefined, start!, count!);
        const slice = data.slice(start!, count!);
        assertSameBits(plain.dataSync(), slice.dataSync(), `shape ${shape} unshuffled batch at ${start}`);
        [expected, actual, plain, slice].forEach((t) => t.dispose());
      }
      data.dispose();
    }
  });

  it("gives every batch memory of its own on wasm (cut in tfjs's heap) and on cpu (a new array each): earlier batches keep their rows", async () => {
    for (const backend of ["wasm", "cpu"] as const) {
      const { tf } = await useBackend(backend);
      const data = tf.tensor(Float32Array.from({ length: 24 }, (_, i) => i), [8, 3]);
      const host = new HostRows(data);
      const order = [7, 6, 5, 4, 3, 2, 1, 0];
      const batches = [0, 4].map((start) => host.batch(tf, order, start, 4));
      assert.deepEqual(Array.from(batches[0]!.dataSync()), [21, 22, 23, 18, 19, 20, 15, 16, 17, 12, 13, 14], backend);
      assert.deepEqual(Array.from(batches[1]!.dataSync()), [9, 10, 11, 6, 7, 8, 3, 4, 5, 0, 1, 2], backend);
      [data, ...batches].forEach((t) => t.dispose());
    }
  });
});

/** Rows of products computed by src/nn/matmul.c's threads so far (undefined when they did not start). */
const productRows = () => matmulThreads()?.rowsComputed().reduce((a, b) => a + b, 0);

describe("BatchMatMul and _FusedMatMul on wasm (src/nn/matmul.c)", () => {
  it("gives the bits of tfjs-backend-wasm's own kernels for x·y, xᵀ·y, x·yᵀ, xᵀ·yᵀ (shared sizes below, at and above its 48 blocks) and _FusedMatMul, with a bias too", async () => {
    const { tf } = await useBackend("wasm");
    const ours = tf.getKernel("BatchMatMul", "wasm");
    assert.notEqual(withTfjsBatchMatMul(tf, () => tf.getKernel("BatchMatMul", "wasm")), ours, "the SIMD kernel is registered over tfjs's");
    const oursFused = tf.getKernel("_FusedMatMul", "wasm");
    assert.notEqual(withTfjsBatchMatMul(tf, () => tf.getKernel("_FusedMatMul", "wasm")), oursFused, "and over tfjs's _FusedMatMul");
    const random = new RandomState(7);
    const before = tf.memory().numTensors;
    for (const [M, K, N] of [[1, 1, 1], [5, 7, 3], [29, 32, 14], [17, 97, 49], [96, 48, 48], [33, 145, 7], [128, 64, 131], [140, 512, 32], [512, 8, 16], [784, 64, 128], [64, 128, 784]]) {
      for (const [tA, tB] of [[true, false], [false, true], [true, true], [false, false]] as [boolean, boolean][]) {
        for (const rank3 of [false, true]) {
          const shapeA = tA ? [K!, M!] : [M!, K!];
          const shapeB = tB ? [N!, K!] : [K!, N!];
          const a = tf.tensor(Float32Array.from(random.standardNormal(M! * K!)), rank3 ? [1, ...shapeA] : shapeA);
          const b = tf.tensor(Float32Array.from(random.standardNormal(K! * N!)), rank3 ? [1, ...shapeB] : shapeB);
          const fast = tf.matMul(a as TF.Tensor2D, b as TF.Tensor2D, tA, tB);
          const tfjs = withTfjsBatchMatMul(tf, () => tf.matMul(a as TF.Tensor2D, b as TF.Tensor2D, tA, tB));
          assert.deepEqual(fast.shape, tfjs.shape);
          assertSameBits(fast.dataSync(), tfjs.dataSync(), `${M}x${K}x${N} transposeA=${tA} transposeB=${tB}${rank3 ? " [1, ...]" : ""}`);
          [a, b, fast, tfjs].forEach((t) => t.dispose());
        }
      }
    }
    // _FusedMatMul without bias and activation (a tanh or sigmoid dense layer's product), 2-D and [1, ...].
    for (const [M, K, N] of [[64, 128, 784], [7, 5, 3], [512, 16, 140]]) {
      const a = tf.tensor(Float32Array.from(random.standardNormal(M! * K!)), [1, M!, K!]) as TF.Tensor3D;
      const b = tf.tensor(Float32Array.from(random.standardNormal(K! * N!)), [1, K!, N!]) as TF.Tensor3D;
      const fast = tf.fused.matMul({ a, b });
      const tfjs = withTfjsBatchMatMul(tf, () => tf.fused.matMul({ a, b }));
      assertSameBits(fast.dataSync(), tfjs.dataSync(), `_FusedMatMul ${M}x${K}x${N}`);
      [a, b, fast, tfjs].forEach((t) => t.dispose());
    }
    // _FusedMatMul with a bias and no activation (a linear dense layer: x·W + b, each sum started from the bias as
    // XNNPACK starts it), bias of N floats (tfjs's wasm kernel takes rank 1 only), with NaN, ±Infinity, -0 and denormals among the operands.
    for (const [M, K, N] of [[32, 3136, 16], [32, 16, 3136], [7, 5, 3], [64, 128, 784], [5, 9, 13], [1, 1, 1]]) {
      for (const biasShape of [[N!]]) {
        const special = (size: number) => {
          const v = Float32Array.from(random.standardNormal(size));
          for (let i = 3; i < size; i += 11) v[i] = [NaN, Infinity, -0, 1e-40, -Infinity, 0, -1e-39][(i / 11) % 7 | 0]!;
          return v;
        };
        const a = tf.tensor2d(special(M! * K!), [M!, K!]);
        const b = tf.tensor2d(Float32Array.from(random.standardNormal(K! * N!)), [K!, N!]);
        const bias = tf.tensor(special(N!).map((v, i) => (i % 5 === 1 ? -0 : v)), biasShape);
        const rowsBefore = productRows();
        const fast = tf.fused.matMul({ a, b, bias });
        if (rowsBefore !== undefined) assert.equal(productRows()! - rowsBefore, productUnits(M!, K!, N!), "ours computed the product (its rows, or panels, counted)");
        const tfjs = withTfjsBatchMatMul(tf, () => tf.fused.matMul({ a, b, bias }));
        assertSameBits(fast.dataSync(), tfjs.dataSync(), `_FusedMatMul ${M}x${K}x${N} + bias [${biasShape}]`);
        [a, b, bias, fast, tfjs].forEach((t) => t.dispose());
      }
    }
    const [p, q] = [tf.ones([3, 4]), tf.ones([5, 2])];
    assert.throws(() => tf.matMul(p as TF.Tensor2D, q as TF.Tensor2D, true, true), /inner shapes \(3\) and \(2\)/);
    p.dispose();
    q.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});


describe("Sum over the leading axes on wasm (src/nn/matmul.c's column_sums_groups)", () => {
  it("is registered over tfjs-backend-wasm's Sum and gives its bits: [n, u] over axis 0, [1, n, u] over [0, 1], keepDims, other axes", async () => {
    const { tf } = await useBackend("wasm");
    const ours = tf.getKernel("Sum", "wasm");
    assert.notEqual(withTfjsSum(tf, () => tf.getKernel("Sum", "wasm")), ours, "the column sum is registered over tfjs's Sum");
    const random = new RandomState(9);
    const before = tf.memory().numTensors;
    const cases: [number[], number | number[], boolean][] = [
      [[1, 1], 0, false], [[7, 3], 0, false], [[64, 784], 0, false], [[512, 140], [0], true], [[33, 13], -2, false],
      [[1, 64, 32], [0, 1], false], [[3, 5, 7], [1, 0], true], [[4, 6], 1, false], [[2, 3, 5], [1], false],
    ];
    for (const [shape, axis, keepDims] of cases) {
      const x = tf.tensor(Float32Array.from(random.standardNormal(shape.reduce((a, b) => a * b, 1))), shape);
      const fast = tf.sum(x, axis, keepDims);
      const tfjs = withTfjsSum(tf, () => tf.sum(x, axis, keepDims));
      assert.deepEqual(fast.shape, tfjs.shape, `shape of the sum of [${shape}] over ${axis}`);
      assertSameBits(fast.dataSync(), tfjs.dataSync(), `sum of [${shape}] over ${JSON.stringify(axis)}${keepDims ? ", keepDims" : ""}`);
      [x, fast, tfjs].forEach((t) => t.dispose());
    }
    assert.equal(tf.memory().numTensors, before);
  });

  it("splits sums of 2^18 floats or more over the products' threads by groups of 16 columns with the same bits, every group summed by the worker", async () => {
    const { tf } = await useBackend("wasm");
    const threads = matmulThreads()!;
    const random = new RandomState(10);
    threads.workersOnly = true; // the main thread claims no group: the worker's instance sums them all
    try {
      // The conv2d AE's bias gradients at batch 32 (notebook 09), and widths that leave a narrower last group.
      for (const [shape, axis] of [[[32, 28, 28, 32], [0, 1, 2]], [[32, 14, 14, 64], [0, 1, 2]], [[8199, 33], 0], [[130, 130, 17], [0, 1]]] as [number[], number | number[]][]) {
        const x = tf.tensor(Float32Array.from(random.standardNormal(shape.reduce((a, b) => a * b, 1))), shape);
        const groups = Math.ceil(shape[shape.length - 1]! / 16);
        const before = threads.rowsComputed()[1]!;
        const fast = tf.sum(x, axis);
        assert.equal(threads.rowsComputed()[1]! - before, groups, `[${shape}]: groups the worker summed`);
        const tfjs = withTfjsSum(tf, () => tf.sum(x, axis));
        assertSameBits(fast.dataSync(), tfjs.dataSync(), `sum of [${shape}] over ${JSON.stringify(axis)}`);
        tf.dispose([x, fast, tfjs]);
      }
    } finally {
      threads.workersOnly = false;
    }
  });
});

describe("Tile on wasm (src/nn/wasm-tile.ts)", () => {
  it("is registered over tfjs-backend-wasm's Tile and gives its values for float32, int32 and bool, ranks 1 to 4, repeats on any axis", async () => {
    const { tf } = await useBackend("wasm");
    const ours = tf.getKernel("Tile", "wasm");
    assert.notEqual(withTfjsTile(tf, () => tf.getKernel("Tile", "wasm")), ours, "the block-copy Tile is registered over tfjs's");
    const random = new RandomState(4);
    const before = tf.memory().numTensors;
    const cases: [number[], number[]][] = [
      [[5], [3]], [[64, 1, 280], [1, 2, 1]], [[2, 3], [2, 1]], [[2, 3], [1, 3]], [[3, 1, 4], [2, 5, 2]], [[2, 2, 3, 2], [3, 1, 2, 2]], [[4, 0, 2], [2, 2, 1]],
    ];
    for (const [shape, reps] of cases) {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = Float32Array.from(random.standardNormal(size));
      for (const x of [tf.tensor(values, shape), tf.tensor(Int32Array.from(values, (v) => Math.round(10 * v)), shape, "int32"), tf.tidy(() => tf.tensor(values, shape).greater(0))]) {
        const fast = tf.tile(x, reps);
        const tfjs = withTfjsTile(tf, () => tf.tile(x, reps));
        assert.deepEqual(fast.shape, tfjs.shape);
        assert.equal(fast.dtype, tfjs.dtype);
        assertSameBits(fast.dataSync(), tfjs.dataSync(), `tile of ${x.dtype} [${shape}] by [${reps}]`);
        [x, fast, tfjs].forEach((t) => t.dispose());
      }
    }
    assert.equal(tf.memory().numTensors, before);
  });
});
