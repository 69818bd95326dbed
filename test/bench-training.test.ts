// The training benchmark's own rules (npm run bench:train), without running it: which networks it covers, that
// every model builds the detector it names, and that a busy machine is called out in its output.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadLine } from "../scripts/bench/training";
import { TRAINING_BENCH_MODELS, stepsPerEpoch, timedEpochs } from "../scripts/bench/training-models";
import { benchDetector } from "../scripts/bench/training-ours";

describe("bench:train", () => {
  it("covers the notebooks' LSTM autoencoders (T = 1 batch 10, T = 5 batch 32) and the 2-D and 1-D conv autoencoders", () => {
    const lstm = TRAINING_BENCH_MODELS.flatMap((m) => (m.kind === "lstm" ? [[m.timesteps, m.batchSize, m.validationSplit]] : []));
    assert.deepEqual(lstm, [[1, 10, 0.05], [5, 32, 0.05]]);
    const conv2d = TRAINING_BENCH_MODELS.flatMap((m) => (m.kind === "conv2d" ? [[m.filters, m.latentDim, m.batchSize]] : []));
    assert.deepEqual(conv2d, [[[32, 64], 16, 32]]);
    const conv1d = TRAINING_BENCH_MODELS.flatMap((m) => (m.kind === "conv1d" ? [[m.filters, m.kernelSize, m.codeSize, m.batchSize, m.validationSplit]] : []));
    assert.deepEqual(conv1d, [[[8, 4], 7, 16, 64, 0.1]]);
  });

  it("covers notebook 09's dense image autoencoder as the notebook trains it: 784-128-32-128-784 at batch 32 on 2,020 images", () => {
    const dense = TRAINING_BENCH_MODELS.flatMap((m) => (m.kind === "dense" && m.cols === 784 ? [[m.rows, m.batchSize, m.hidden.map((h) => h[0])]] : []));
    assert.deepEqual(dense.filter(([rows, batch]) => rows === 2020 && batch === 32), [[2020, 32, [128, 32, 128]]]);
  });

  it("builds, for each model, the detector class of its kind with the model's batch size and validation split", () => {
    const expected = { dense: "AutoencoderDetector", lstm: "LstmAutoencoderDetector", conv2d: "ConvAutoencoderDetector", conv1d: "Conv1dAutoencoderDetector" };
    for (const model of TRAINING_BENCH_MODELS) {
      const detector = benchDetector(model, { epochs: 1, progress: false });
      assert.equal(detector.constructor.name, expected[model.kind], model.name);
      const training = (detector as unknown as { training: { batchSize: number; validationSplit: number } }).training;
      assert.equal(training.batchSize, model.batchSize, model.name);
      assert.equal(training.validationSplit, model.validationSplit, model.name);
    }
  });

  it("times at least 100 gradient steps a run: the ECG AE at batch 512 (2,336 rows: 5 steps) 20 epochs, like its notebook; the LSTM AE T = 5 (441 windows, 22 held out: 14 steps) 8; the others 5 or 7", () => {
    const byName = (name: string) => TRAINING_BENCH_MODELS.find((m) => m.name === name)!;
    assert.equal(stepsPerEpoch(byName("ECG AE, batch 512")), 5);
    assert.equal(timedEpochs(byName("ECG AE, batch 512"), 5), 20);
    assert.equal(stepsPerEpoch(byName("LSTM AE T=5, batch 32")), 14);
    assert.equal(timedEpochs(byName("LSTM AE T=5, batch 32"), 5), 8);
    assert.equal(stepsPerEpoch(byName("credit-card AE, batch 256")), 16); // 3,936 rows
    assert.equal(timedEpochs(byName("credit-card AE, batch 256"), 5), 7);
    assert.equal(timedEpochs(byName("conv2d AE 32-64, batch 32"), 5), 5); // 64 steps
    assert.equal(timedEpochs(byName("ECG AE, batch 512"), 30), 30, "--epochs beyond the least is kept");
  });

  it("refuses --epochs that is not a whole number of at least 1 (abc, 0, 2.5), naming the option", () => {
    const model = TRAINING_BENCH_MODELS[0]!;
    for (const bad of [Number("abc"), 0, 2.5]) assert.throws(() => timedEpochs(model, bad), /--epochs must be a whole number of at least 1, got/);
  });

  it("warns that timings are not figures when the 1-minute load average is above 0.5 plus the benchmark's own CPUs", () => {
    assert.doesNotMatch(loadLine("before", [0.5, 0.2, 0.1]), /WARNING/);
    assert.match(loadLine("before", [0.5, 0.2, 0.1]), /^load average before: 0\.50 0\.20 0\.10 \(1, 5, 15 min; \d+ cores\)$/);
    assert.match(loadLine("after", [0.51, 0.2, 0.1]), /\nWARNING: the machine is loaded \(1-minute load 0\.51 > 0\.5\): these timings are indicative only/);
    // After the runs the benchmark's own two PyTorch threads account for up to 2 of the load.
    assert.doesNotMatch(loadLine("after", [2.5, 1.2, 0.4], 2), /WARNING/);
    assert.match(loadLine("after", [2.51, 1.2, 0.4], 2), /\nWARNING: the machine is loaded \(1-minute load 2\.51 > 2\.5, of which up to 2 this benchmark's own runs\)/);
  });
});
