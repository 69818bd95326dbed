// The bias add on wasm (src/nn/wasm-bias-add.ts, src/nn/activation.c's bias_add): x + b along x's last axis against
// tfjs-backend-wasm's own Add, bit for bit, on values with NaN payloads in both operands, ±0, ±Infinity, denormals
// and FLT_MAX (sums that overflow), on this thread and split over the products' threads; other Adds left to tfjs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import { matmulThreads } from "../src/nn/matmul-threads";
import { useBackend } from "../src/nn/tf";
import { withTfjsAdd } from "../src/nn/wasm-bias-add";
import { RandomState } from "../src/random/random-state";
import { assertSameFloats, withSpecialValues } from "./helpers/special-floats";

process.env.ANOMALY_LAB_WASM_THREADS ??= "2"; // the products' threads, as by default on 2 cores or more

/** Float32 bit patterns mixed into both operands: NaN payloads (quiet, negative, signalling), ±0, ±Infinity, ... */
const SPECIAL_BITS = [0x7fc00000, 0xffc00000, 0x7fc00001, 0x7fa00000, 0xff800001, 0x00000000, 0x80000000, 0x7f800000, 0xff800000,
  0x00000001, 0x80000001, 0x807fffff, 0x7f7fffff, 0xff7fffff];

const tricky = (random: RandomState, size: number) => withSpecialValues(random, size, SPECIAL_BITS, 5);

/** Our Add and tfjs's on x + bias, compared bit for bit; returns the rows the worker computed. */
function compare(tf: typeof TF, random: RandomState, shape: number[], biasShape: number[]): number {
  const threads = matmulThreads();
  const x = tf.tensor(tricky(random, shape.reduce((p, s) => p * s, 1)), shape);
  const bias = tf.tensor(tricky(random, biasShape.reduce((p, s) => p * s, 1)), biasShape);
  const before = threads?.rowsComputed()[1] ?? 0;
  const ours = tf.add(x, bias);
  const worker = (threads?.rowsComputed()[1] ?? 0) - before;
  const tfjs = withTfjsAdd(tf, () => tf.add(x, bias));
  assert.deepEqual(ours.shape, tfjs.shape, `[${shape}] + [${biasShape}]: shape`);
  assertSameFloats(ours.dataSync() as Float32Array, tfjs.dataSync() as Float32Array, `[${shape}] + [${biasShape}]`);
  tf.dispose([x, bias, ours, tfjs]);
  return worker;
}

describe("Bias add on wasm (src/nn/activation.c's bias_add)", () => {
  it("is registered over tfjs-backend-wasm's Add and gives its bits for x + b along the last axis (NaN payloads in both, ±0, ±Infinity, overflow; odd widths)", async () => {
    const { tf } = await useBackend("wasm");
    assert.notEqual(withTfjsAdd(tf, () => tf.getKernel("Add", "wasm")), tf.getKernel("Add", "wasm"), "ours is registered over tfjs's");
    const random = new RandomState(31);
    const before = tf.memory().numTensors;
    for (const [shape, biasShape] of [[[2, 3, 3, 32], [1, 1, 1, 32]], [[5, 7], [7]], [[3, 4, 5, 3], [3]], [[4, 1], [1, 1]], [[2, 6, 6, 1], [1, 1, 1, 1]],
      [[3, 9, 5], [1, 5]], [[0, 4], [4]]]) {
      compare(tf, random, shape!, biasShape!);
    }
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  });

  it("splits tensors of 2^18 floats or more over the products' threads with the same bits, every row computed by the worker", async () => {
    const { tf, info } = await useBackend("wasm");
    assert.equal(info.sharedHeap, true, `the threads work in tfjs's heap here: ${info.summary}`);
    const threads = matmulThreads()!;
    const random = new RandomState(32);
    threads.workersOnly = true; // the main thread claims no row: the worker's instance computes them all
    try {
      // The conv2d AE's two bias adds at batch 32 (notebook 09), and an odd width.
      for (const [shape, rows] of [[[32, 28, 28, 32], 32 * 28 * 28], [[32, 14, 14, 64], 32 * 14 * 14], [[33, 101, 79], 33 * 101]] as [number[], number][]) {
        const biasShape = shape.map((s, i) => (i === shape.length - 1 ? s : 1));
        assert.equal(compare(tf, random, shape, biasShape), rows, `[${shape}]: rows the worker computed`);
      }
    } finally {
      threads.workersOnly = false;
    }
  });

  it("leaves other Adds to tfjs's kernel: the same shapes, the bias first, other broadcasts, int32", async () => {
    const { tf } = await useBackend("wasm");
    const threads = matmulThreads()!;
    tf.tidy(() => {
      const before = threads.rowsComputed().reduce((a, b) => a + b, 0);
      const cases: [TF.Tensor, TF.Tensor][] = [
        [tf.ones([300, 300]), tf.ones([300, 300])], [tf.ones([300]), tf.ones([300, 300])], [tf.ones([300, 1]), tf.ones([300, 300])],
        [tf.ones([300, 300], "int32"), tf.ones([300], "int32")],
      ];
      for (const [a, b] of cases) {
        const ours = tf.add(a, b);
        const tfjs = withTfjsAdd(tf, () => tf.add(a, b));
        assert.deepEqual(ours.shape, tfjs.shape);
        assert.deepEqual(Array.from(ours.dataSync()), Array.from(tfjs.dataSync()), `[${a.shape}] + [${b.shape}]`);
      }
      assert.equal(threads.rowsComputed().reduce((a, b) => a + b, 0), before, "no row of ours ran");
    });
  });
});
