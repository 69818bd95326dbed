// LeakyReLU on wasm (src/nn/wasm-leaky-relu.ts): our forward and gradient kernels against tfjs's own, bit for bit.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConvAutoencoderDetector } from "../src/nn/conv-autoencoder";
import { useBackend } from "../src/nn/tf";
import { RandomState } from "../src/random/random-state";
import { kernelsPerStep } from "./helpers/kernels-per-step";

function images(seed: number, count: number, pixels: number): number[][] {
  const random = new RandomState(seed);
  return Array.from({ length: count }, () => Array.from(random.uniform(0, 1, pixels)));
}

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
});
