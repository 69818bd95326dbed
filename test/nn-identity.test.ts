// The wasm Identity (src/nn/wasm-identity.ts): a clone shares its tensor's data (reference-counted) instead of
// copying it, as tfjs's cpu backend does; values and lifetimes stay those of a copy.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import { useBackend } from "../src/nn/tf";

interface HeapBackend {
  typedArrayFromHeap(info: TF.TensorInfo): Float32Array;
}

describe("Identity on wasm", () => {
  it("gives tf.clone the input's data in place (the same heap bytes, no copy)", async () => {
    const { tf } = await useBackend("wasm");
    const backend = tf.backend() as unknown as HeapBackend;
    const x = tf.tensor2d([[1, -0, NaN], [Infinity, 2.5, -3]]);
    const y = tf.clone(x);
    assert.equal(backend.typedArrayFromHeap(y).byteOffset, backend.typedArrayFromHeap(x).byteOffset, "the clone's data lies where x's does");
    tf.dispose([x, y]);
  });

  it("keeps a clone's values after the input is disposed, and after a variable it cloned is assigned", async () => {
    const { tf } = await useBackend("wasm");
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    x.dispose();
    assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3]);
    const [initial, next] = [tf.tensor1d([4, 5]), tf.tensor1d([6, 7])];
    const v = tf.variable(initial);
    const saved = tf.clone(v);
    v.assign(next);
    assert.deepEqual(Array.from(saved.dataSync()), [4, 5], "the clone keeps the variable's old values");
    assert.deepEqual(Array.from(v.dataSync()), [6, 7]);
    tf.dispose([y, v, saved, initial, next]);
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  });

  it("clones strings by value (tfjs's kernel)", async () => {
    const { tf } = await useBackend("wasm");
    const s = tf.tensor1d(["a", "b"], "string");
    const c = tf.clone(s);
    s.dispose();
    assert.deepEqual(c.dataSync(), ["a", "b"]);
    c.dispose();
  });
});
