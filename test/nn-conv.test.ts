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
import { registerWasmConvGradients, withSpreadBackpropInput } from "../src/nn/wasm-conv-gradients";
import { convolutionMultiplyAdds, withTfjsConv2d } from "../src/nn/wasm-conv2d";

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

type StridedCase = { n: number; size: [number, number]; k: [number, number]; cin: number; cout: number; stride: [number, number]; pad: "same" | "valid" };
const STRIDED: StridedCase[] = [
  { n: 2, size: [7, 7], k: [3, 3], cin: 4, cout: 6, stride: [2, 2], pad: "same" },
  { n: 1, size: [14, 14], k: [3, 3], cin: 8, cout: 3, stride: [2, 2], pad: "same" },
  { n: 2, size: [5, 6], k: [3, 2], cin: 3, cout: 5, stride: [2, 3], pad: "valid" },
  { n: 1, size: [9, 8], k: [5, 5], cin: 2, cout: 4, stride: [3, 2], pad: "same" },
  { n: 2, size: [4, 4], k: [1, 1], cin: 3, cout: 2, stride: [2, 2], pad: "same" },
  { n: 1, size: [6, 5], k: [2, 4], cin: 5, cout: 3, stride: [3, 3], pad: "valid" },
];

/** conv2dTranspose(y, w) (tfjs's Conv2DBackpropInput) and the input gradient of conv2d on an odd-sized x. */
function stridedInputGradients(tf: typeof TF, c: StridedCase): Float32Array[] {
  const values = (length: number, f: number) => Float32Array.from({ length }, (_, i) => Math.sin(i * f) * (i % 7 === 3 ? 0 : 1));
  return tf.tidy(() => {
    const [h, w] = c.size;
    const filter = tf.tensor4d(values(c.k[0] * c.k[1] * c.cin * c.cout, 0.13), [c.k[0], c.k[1], c.cin, c.cout]);
    const y = tf.tensor4d(values(c.n * h * w * c.cout, 0.29), [c.n, h, w, c.cout]);
    const out = (size: number, k: number, s: number) => (c.pad === "same" ? size * s : (size - 1) * s + k);
    const shape: [number, number, number, number] = [c.n, out(h, c.k[0], c.stride[0]), out(w, c.k[1], c.stride[1]), c.cin];
    const transposed = tf.conv2dTranspose(y, filter, shape, c.stride, c.pad);
    const x = tf.tensor4d(values(c.n * (2 * h + 1) * (2 * w + 1) * c.cin, 0.41), [c.n, 2 * h + 1, 2 * w + 1, c.cin]);
    const [dx] = tf.grads((a: TF.Tensor) => tf.conv2d(a as TF.Tensor4D, filter, c.stride, c.pad).square().sum())([x]);
    return [transposed, dx!].map((t) => t.dataSync() as Float32Array);
  });
}

test("strided wasm input gradients (Conv2DBackpropInput) by phase equal the convolution of the zero-spread dy bit for bit", async () => {
  const { tf } = await useBackend("wasm");
  registerWasmConvGradients(tf);
  const before = tf.memory().numTensors;
  for (const c of STRIDED) {
    const spread = withTfjsConv2d(tf, () => withSpreadBackpropInput(() => stridedInputGradients(tf, c)));
    stridedInputGradients(tf, c).forEach((got, g) => {
      const want = spread[g]!;
      assert.equal(got.length, want.length);
      for (let i = 0; i < got.length; i++) {
        assert.ok(Object.is(got[i], want[i]), `case ${JSON.stringify(c)}, ${g === 0 ? "conv2dTranspose" : "conv2d's dx"}[${i}]: ${got[i]} vs ${want[i]} (spread dy)`);
      }
    });
  }
  assert.equal(tf.memory().numTensors, before, "the kernel leaks tensors");
});

test("a stride-2 transposed convolution on wasm multiplies only dy's values, no inserted zeros (n·h·w·kh·kw·cin·cout multiply-adds)", async () => {
  const { tf } = await useBackend("wasm");
  registerWasmConvGradients(tf);
  const [n, h, w, k, cin, cout] = [2, 7, 7, 3, 16, 32];
  const y = tf.randomNormal([n, h, w, cout], 0, 1, "float32", 1) as TF.Tensor4D;
  const filter = tf.randomNormal([k, k, cin, cout], 0, 1, "float32", 2) as TF.Tensor4D;
  const before = convolutionMultiplyAdds();
  const result = tf.conv2dTranspose(y, filter, [n, 2 * h, 2 * w, cin], 2, "same");
  const work = convolutionMultiplyAdds() - before; // the phases' products, counted
  assert.ok(work > 0 && work <= n * h * w * k * k * cin * cout, `inner convolutions' multiply-adds: ${work}, the transposed convolution's: ${n * h * w * k * k * cin * cout}`);
  result.dispose();
  y.dispose();
  filter.dispose();
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
