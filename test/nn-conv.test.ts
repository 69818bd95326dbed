// The wasm convolution gradients (registerWasmConvGradients) against tfjs's cpu kernels, and the
// ConvAutoencoderDetector contract: same-seed repeatability, save/load, no tensor leak, clear errors.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import { ConvAutoencoderDetector } from "../src/nn/conv-autoencoder";
import { useBackend } from "../src/nn/tf";
import { registerWasmConvGradients } from "../src/nn/wasm-conv-gradients";

type Case = { n: number; size: number; cin: number; cout: number; stride: number; pad: "same" | "valid" };
const CASES: Case[] = [
  { n: 3, size: 14, cin: 8, cout: 16, stride: 1, pad: "same" },
  { n: 3, size: 28, cin: 1, cout: 8, stride: 2, pad: "same" },
  { n: 2, size: 7, cin: 16, cout: 8, stride: 2, pad: "same" },
  { n: 2, size: 9, cin: 3, cout: 5, stride: 2, pad: "valid" },
];

/** Gradients of sum(conv²) and sum(convTranspose²) w.r.t. inputs and filters, on one backend. */
function gradients(tf: typeof TF, c: Case): Float32Array[] {
  const values = (length: number, f: number) => Float32Array.from({ length }, (_, i) => Math.sin(i * f));
  return tf.tidy(() => {
    const x = tf.tensor4d(values(c.n * c.size * c.size * c.cin, 0.37), [c.n, c.size, c.size, c.cin]);
    const w = tf.tensor4d(values(9 * c.cin * c.cout, 0.11), [3, 3, c.cin, c.cout]);
    const y = tf.tensor4d(values(c.n * c.size * c.size * c.cout, 0.21), [c.n, c.size, c.size, c.cout]);
    const conv = tf.grads((a: TF.Tensor, b: TF.Tensor) => tf.conv2d(a as TF.Tensor4D, b as TF.Tensor4D, c.stride, c.pad).square().sum())([x, w]);
    const out = c.pad === "same" ? c.size * c.stride : (c.size - 1) * c.stride + 3;
    const transposed = tf.grads((a: TF.Tensor, b: TF.Tensor) =>
      tf.conv2dTranspose(a as TF.Tensor4D, b as TF.Tensor4D, [c.n, out, out, c.cin], c.stride, c.pad).square().sum(),
    )([y, w]);
    return [...conv, ...transposed].map((g) => g.dataSync() as Float32Array);
  });
}

test("wasm convolution gradients equal tfjs's cpu kernels (strides 1 and 2, same and valid, transposed too)", async () => {
  const { tf } = await useBackend("cpu");
  const expected = CASES.map((c) => gradients(tf, c));
  await useBackend("wasm");
  registerWasmConvGradients(tf);
  const before = tf.memory().numTensors;
  CASES.forEach((c, k) => {
    gradients(tf, c).forEach((got, g) => {
      const want = expected[k]![g]!;
      assert.equal(got.length, want.length);
      const scale = Math.max(...want.map(Math.abs));
      const worst = Math.max(...got.map((v, i) => Math.abs(v - want[i]!)));
      assert.ok(worst <= 1e-4 * scale, `case ${JSON.stringify(c)}, gradient ${g}: max |diff| ${worst} vs scale ${scale}`);
    });
  });
  assert.equal(tf.memory().numTensors, before, "the kernels leak tensors");
});

const images = Array.from({ length: 48 }, (_, r) => Array.from({ length: 64 }, (_, i) => ((Math.sin(r * 0.7 + i * 0.3) + 1) / 2) * (r % 12 === 0 ? 0.2 : 1)));

test("ConvAutoencoderDetector: same seed, same scores; save/load round trip; no tensor leak (wasm)", async () => {
  const { tf } = await useBackend("wasm");
  const make = () => new ConvAutoencoderDetector({ imageShape: [8, 8, 1], filters: [4, 8], latentDim: 3, epochs: 2, batchSize: 16, seed: 3, progress: false, backend: "wasm" });
  const a = await make().fit(images);
  const before = tf.memory().numTensors;
  const b = await make().fit(images);
  assert.equal(a.architecture, "strided");
  assert.deepEqual(Array.from(a.trainingScores), Array.from(b.trainingScores));
  assert.ok(a.history.loss[1]! < a.history.loss[0]!, `loss did not fall: ${a.history.loss}`);
  const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cae-")), "model");
  await a.save(folder);
  const loaded = await ConvAutoencoderDetector.load(folder);
  assert.deepEqual(Array.from(loaded.score(images)), Array.from(a.score(images)));
  assert.equal(a.reconstruct(images.slice(0, 2))[0]!.length, 64);
  b.dispose();
  loaded.dispose();
  assert.equal(tf.memory().numTensors, before);
  a.dispose();
});

test("ConvAutoencoderDetector: the pooled form trains too; bad shapes are named", async () => {
  const pooled = await new ConvAutoencoderDetector({ imageShape: [8, 8, 1], filters: [4], latentDim: 2, architecture: "pooled", epochs: 1, batchSize: 16, seed: 1, progress: false, backend: "wasm" }).fit(images);
  assert.equal(pooled.architecture, "pooled");
  assert.equal(pooled.trainingScores.length, images.length);
  pooled.dispose();
  await assert.rejects(new ConvAutoencoderDetector({ epochs: 1, backend: "wasm" }).fit(images), /rows have 64 values, images of 28 x 28 x 1 need 784 \(set imageShape\)/);
  assert.throws(() => new ConvAutoencoderDetector({ imageShape: [10, 10, 1], filters: [4, 8] }), /10 x 10 cannot be halved 2 times: height and width must be divisible by 4/);
  assert.throws(() => new ConvAutoencoderDetector({ architecture: "deep" as never }), /architecture must be "strided" or "pooled"/);
});
