// Model folders of the nine neural detectors: `save(folder)` writes only where nothing of the user's is lost
// (an absent path, an empty folder, or an anomaly-lab model folder it replaces atomically), and `load(folder)`
// refuses a tampered folder naming the file and the field, without leaking tensors.
//
// Every save that could destroy a folder runs inside a scratch folder made for it (process.chdir): on code
// without the checks, save(".") and save("") replace the current folder, and that must never be the checkout.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it, mock } from "node:test";
import { resetDeprecationWarnings } from "../src/core/deprecation";
import { AutoencoderDetector } from "../src/nn/autoencoder";
import type { NeuralDetector } from "../src/nn/neural-detector";
import { useBackend } from "../src/nn/tf";
import { readFixture } from "./helpers/fixtures";
import { TINY_NEURAL, tinyRows } from "./helpers/tiny-neural";

const X = tinyRows(40);

/** A fresh folder under the system's temporary folder (its real path: os.tmpdir() may be a link). */
function scratch(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `nn-folder-${prefix}-`)));
}

/** Runs `action` with `folder` as the current folder, then returns to the previous one. */
async function inFolder<T>(folder: string, action: () => Promise<T>): Promise<T> {
  const previous = process.cwd();
  process.chdir(folder);
  try {
    return await action();
  } finally {
    process.chdir(previous);
  }
}

/** Every file under `folder` (relative path -> content), to compare before and after. */
function snapshot(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(folder, file)] = fs.readFileSync(file, "base64");
  }
  return out;
}

/** A project folder as a user has one: a README, data, and a models/ folder with a README and another model. */
async function projectFolder(other: NeuralDetector): Promise<string> {
  const project = scratch("project");
  fs.writeFileSync(path.join(project, "README.md"), "# my project\n");
  fs.mkdirSync(path.join(project, "data"));
  fs.writeFileSync(path.join(project, "data", "rows.csv"), "a,b\n1,2\n");
  fs.mkdirSync(path.join(project, "models"));
  fs.writeFileSync(path.join(project, "models", "README.md"), "which model is which\n");
  await other.save(path.join(project, "models", "other"));
  return project;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("save refuses paths that hold anything but an anomaly-lab model folder", () => {
  for (const tiny of TINY_NEURAL) {
    describe(tiny.name, () => {
      let detector: NeuralDetector;
      before(async () => {
        detector = await tiny.make(1).fit(X);
      });
      after(() => detector.dispose());

      it("save('.') in a project folder, save('models') and save('models/other') with notes/ in it refuse, and every file stays as it was", async () => {
        const project = await projectFolder(detector);
        fs.mkdirSync(path.join(project, "models", "other", "notes"));
        fs.writeFileSync(path.join(project, "models", "other", "notes", "todo.txt"), "retrain in May\n");
        const before = snapshot(project);
        await inFolder(project, async () => {
          await assert.rejects(
            detector.save("."),
            new RegExp(`${escape(project)} is not an anomaly-lab model folder \\(it holds README\\.md, data/, models/\\): choose an empty or new path`),
          );
          await assert.rejects(detector.save("models"), new RegExp(`${escape(project)}/models is not an anomaly-lab model folder \\(it holds README\\.md, other/\\)`));
          // A model folder that also holds something else is not replaced either: that something would be lost.
          await assert.rejects(detector.save("models/other"), /models\/other holds notes\/ besides the model's files: saving would delete it; move it away or choose an empty or new path/);
        });
        assert.deepEqual(snapshot(project), before);
        assert.deepEqual(fs.readdirSync(path.join(project, "models")).sort(), ["README.md", "other"], "no temporary folder left behind");
        fs.rmSync(project, { recursive: true });
      });

      it("save onto an existing regular file refuses and keeps the file", async () => {
        const folder = scratch("file");
        const file = path.join(folder, "results.csv");
        fs.writeFileSync(file, "row,score\n");
        await assert.rejects(detector.save(file), /results\.csv is a file, not an anomaly-lab model folder: choose an empty or new path/);
        assert.equal(fs.readFileSync(file, "utf8"), "row,score\n");
        assert.deepEqual(fs.readdirSync(folder), ["results.csv"]);
        fs.rmSync(folder, { recursive: true });
      });

      it("save('') refuses the empty path and leaves the current folder as it was", async () => {
        const folder = scratch("empty-path");
        fs.writeFileSync(path.join(folder, "analysis.ipynb"), "{}\n");
        await inFolder(folder, () => assert.rejects(detector.save(""), /save: the folder path is empty: give a folder, e\.g\. "models\/my-detector"/));
        assert.deepEqual(fs.readdirSync(folder), ["analysis.ipynb"]);
        fs.rmSync(folder, { recursive: true });
      });

      it("save over a previous model folder replaces it; a new folder gets the umask's mode (0755 under umask 022), not 0700", async () => {
        const folder = scratch("replace");
        const target = path.join(folder, "model");
        const previous = await tiny.make(2).fit(X);
        const old = process.umask(0o022);
        try {
          await previous.save(target);
          assert.equal(fs.statSync(target).mode & 0o777, 0o755);
          await detector.save(target);
          assert.equal(fs.statSync(target).mode & 0o777, 0o755);
        } finally {
          process.umask(old);
        }
        assert.deepEqual(fs.readdirSync(folder), ["model"], "nothing left beside the model folder");
        assert.deepEqual(fs.readdirSync(target).sort(), ["detector.json", "model.json", "weights.bin"]);
        await inFolder(target, () => assert.rejects(detector.save("."), /model is the current folder: replacing it would leave the process in a deleted folder/));
        const loaded = await tiny.load(target);
        assert.deepEqual(Array.from(loaded.score(X)), Array.from(detector.score(X)), "the folder holds the detector saved last");
        assert.notDeepEqual(Array.from(loaded.score(X)), Array.from(previous.score(X)));
        // An empty folder is as good as a new path.
        const empty = path.join(folder, "empty");
        fs.mkdirSync(empty);
        await detector.save(empty);
        assert.deepEqual(fs.readdirSync(empty).sort(), ["detector.json", "model.json", "weights.bin"]);
        for (const d of [previous, loaded]) d.dispose();
        fs.rmSync(folder, { recursive: true });
      });
    });
  }
});

describe("a folder saved by anomaly-lab 0.1.0 (before the marker check)", () => {
  // test/fixtures/nn_saved_v1_autoencoder was written by `save` at commit c9c2781; its detector.json's
  // `format: "anomaly-lab/neural-detector"` is the marker that makes it a model folder.
  const saved = readFixture("nn_saved_v1.json") as { rows: number[][]; scores: number[]; threshold: number };
  const fixture = path.resolve(__dirname, "fixtures", "nn_saved_v1_autoencoder");

  it("loads with the scores and threshold it had when saved, and save may replace it", async () => {
    const folder = scratch("v1");
    const target = path.join(folder, "fraud-ae");
    fs.cpSync(fixture, target, { recursive: true });
    const loaded = await AutoencoderDetector.load(target);
    assert.deepEqual(Array.from(loaded.score(saved.rows)), saved.scores);
    assert.equal(loaded.threshold, saved.threshold);
    const replacement = await new AutoencoderDetector({ layers: [{ units: 3 }], epochs: 1, seed: 9, progress: false }).fit(saved.rows);
    await replacement.save(target);
    const reloaded = await AutoencoderDetector.load(target);
    assert.deepEqual(reloaded.layers.map((l) => l.units), [3]);
    for (const d of [loaded, replacement, reloaded]) d.dispose();
    fs.rmSync(folder, { recursive: true });
  });

  it("its options in the old spelling (thresholdRule beside contamination) load as today's threshold rule, without a deprecation warning", async () => {
    const folder = scratch("v1-rule");
    resetDeprecationWarnings();
    const warn = mock.method(console, "warn", () => undefined);
    try {
      for (const [rule, expected] of [["contamination", { contamination: 0.1 }], [{ fixed: 0.5 }, { fixed: 0.5 }]] as const) {
        const target = path.join(folder, `ae-${JSON.stringify(rule).replace(/\W/g, "")}`);
        fs.cpSync(fixture, target, { recursive: true });
        const file = path.join(target, "detector.json");
        const detectorJson = JSON.parse(fs.readFileSync(file, "utf8"));
        detectorJson.state.options.thresholdRule = rule;
        fs.writeFileSync(file, JSON.stringify(detectorJson));
        const loaded = await AutoencoderDetector.load(target);
        assert.deepEqual(loaded.thresholdRule, expected);
        assert.equal(loaded.threshold, "fixed" in expected ? 0.5 : saved.threshold);
        loaded.dispose();
      }
      assert.equal(warn.mock.callCount(), 0, "no deprecation warning: the user did not write the old spelling");
    } finally {
      warn.mock.restore();
      fs.rmSync(folder, { recursive: true });
    }
  });
});

type Json = Record<string, any>;

/** One way to damage a saved folder, and what the refusal must say. */
interface Tampering {
  readonly what: string;
  readonly file: "detector.json" | "model.json" | "weights.bin";
  /** Gets the parsed JSON (the bytes for weights.bin); returns what to write back. */
  readonly change: (content: any) => Json | Buffer | string;
  readonly message: RegExp;
}

function withState(saved: Json, changes: Json): Json {
  return { ...saved, state: { ...saved.state, ...changes } };
}

const TAMPERINGS: readonly Tampering[] = [
  { what: "detector.json is null", file: "detector.json", change: () => "null", message: /detector\.json must hold a JSON object, got null/ },
  { what: "formatVersion is text", file: "detector.json", change: (d) => ({ ...d, formatVersion: "1" }), message: /detector\.json: formatVersion must be an integer >= 1, got "1"/ },
  { what: "state is missing", file: "detector.json", change: (d) => ({ ...d, state: undefined }), message: /detector\.json: state must be an object, got undefined/ },
  { what: "options are missing", file: "detector.json", change: (d) => withState(d, { options: undefined }), message: /detector\.json: state\.options must be an object, got undefined/ },
  {
    what: "an option is out of range",
    file: "detector.json",
    change: (d) => withState(d, { options: { ...d.state.options, threshold: { contamination: 2 } } }),
    message: /detector\.json: state\.options: contamination must be in \(0, 0\.5\], got 2/,
  },
  { what: "cols is text", file: "detector.json", change: (d) => withState(d, { cols: "16" }), message: /detector\.json: state\.cols must be an integer >= 1, got "16"/ },
  {
    what: "the column names do not match the columns",
    file: "detector.json",
    change: (d) => withState(d, { featureNames: ["a", "b"] }),
    message: /detector\.json: state\.featureNames must be null or 16 strings \(state\.cols\), got \["a","b"\]/,
  },
  { what: "the input scaling is missing", file: "detector.json", change: (d) => withState(d, { affine: undefined }), message: /detector\.json: state\.affine must be an object, got undefined/ },
  {
    what: "the input scaling's kind is unknown",
    file: "detector.json",
    change: (d) => withState(d, { affine: { ...d.state.affine, kind: "zscore" } }),
    message: /detector\.json: state\.affine\.kind must be "none", "standard" or "minmax", got "zscore"/,
  },
  {
    what: "the input scaling has too few factors",
    file: "detector.json",
    change: (d) => withState(d, { affine: { ...d.state.affine, factor: [1] } }),
    message: /detector\.json: state\.affine\.factor must be 16 finite numbers \(state\.cols\), got \[1\]/,
  },
  {
    what: "a training score is null",
    file: "detector.json",
    change: (d) => withState(d, { trainingScores: d.state.trainingScores.map((s: number, i: number) => (i === 3 ? null : s)) }),
    message: /detector\.json: state\.trainingScores\[3\] must be a finite number, got null/,
  },
  { what: "the training scores are empty", file: "detector.json", change: (d) => withState(d, { trainingScores: [] }), message: /detector\.json: state\.trainingScores must be a non-empty array of numbers, got \[\]/ },
  { what: "the history is missing", file: "detector.json", change: (d) => withState(d, { history: undefined }), message: /detector\.json: state\.history must be an object, got undefined/ },
  {
    what: "the history's loss is not a list",
    file: "detector.json",
    change: (d) => withState(d, { history: { ...d.state.history, loss: "low" } }),
    message: /detector\.json: state\.history\.loss must be an array of numbers, got "low"/,
  },
  {
    what: "cols and scaling agree with each other but not with the network",
    file: "detector.json",
    change: (d) => withState(d, { cols: 8, affine: { ...d.state.affine, factor: d.state.affine.factor.slice(0, 8), shift: d.state.affine.shift.slice(0, 8) } }),
    message: /detector\.json and model\.json do not fit together \(rows of 8 values through the network: .+\)/,
  },
  { what: "the weights manifest is missing", file: "model.json", change: (m) => ({ ...m, weightsManifest: undefined }), message: /model\.json: weightsManifest must be an array, got undefined/ },
  { what: "the topology is null", file: "model.json", change: (m) => ({ ...m, modelTopology: null }), message: /model\.json: modelTopology must be an object, got null/ },
  {
    what: "a layer's class is unknown",
    file: "model.json",
    change: (m) => {
      const layers = m.modelTopology.config.layers as Json[];
      layers[layers.length - 1].class_name = "NoSuchLayer";
      return m;
    },
    message: /model\.json: modelTopology does not describe a network tfjs can build: .*NoSuchLayer/,
  },
  {
    what: "a weight's shape does not fit its layer",
    file: "model.json",
    change: (m) => {
      const spec = m.weightsManifest[0].weights[0];
      spec.shape = [spec.shape.reduce((a: number, b: number) => a * b, 1)];
      return m;
    },
    message: /model\.json: weightsManifest does not fit modelTopology: .*[Ss]hape/,
  },
  { what: "weights.bin is truncated", file: "weights.bin", change: (b: Buffer) => b.subarray(0, 10), message: /weights\.bin has 10 bytes, model\.json expects \d+/ },
  {
    what: "a weight is NaN",
    file: "weights.bin",
    change: (b: Buffer) => Buffer.concat([Buffer.from(new Float32Array([Number.NaN]).buffer), b.subarray(4)]),
    message: /weights\.bin: \S+\[0\] is NaN \(of \d+ values\): the file is damaged/,
  },
];

describe("load refuses a tampered folder naming the file and field, and leaks no tensors", () => {
  for (const tiny of TINY_NEURAL) {
    it(`${tiny.name}: ${TAMPERINGS.length} tamperings, each refused naming folder, file and field; tf.memory().numTensors unchanged after every one`, async () => {
      const { tf } = await useBackend();
      const folder = scratch("tamper");
      const original = path.join(folder, "original");
      const detector = await tiny.make(1).fit(X);
      await detector.save(original);
      detector.dispose();
      (await tiny.load(original)).dispose(); // a first load: tfjs's one-time allocations
      const problems: string[] = [];
      for (const tampering of TAMPERINGS) {
        const target = path.join(folder, tampering.what.replace(/\W+/g, "-"));
        fs.cpSync(original, target, { recursive: true });
        const file = path.join(target, tampering.file);
        const bytes = fs.readFileSync(file);
        const changed = tampering.change(tampering.file === "weights.bin" ? bytes : JSON.parse(bytes.toString("utf8")));
        fs.writeFileSync(file, Buffer.isBuffer(changed) || typeof changed === "string" ? changed : JSON.stringify(changed));
        const before = tf.memory().numTensors;
        const outcome = await tiny.load(target).then(
          (loaded) => {
            loaded.dispose();
            return "loaded";
          },
          (error: Error) => error.message,
        );
        // Every tampering is tried and every wrong outcome reported together.
        if (!tampering.message.test(outcome) || !outcome.includes(target)) problems.push(`${tampering.what}: ${outcome}`);
        const leaked = tf.memory().numTensors - before;
        if (leaked !== 0) problems.push(`${tampering.what}: ${leaked} tensors leaked`);
      }
      assert.deepEqual(problems, []);
      fs.rmSync(folder, { recursive: true });
    });
  }

  it("load('') refuses the empty path", async () => {
    const folder = scratch("load-empty");
    await inFolder(folder, () => assert.rejects(AutoencoderDetector.load(""), /AutoencoderDetector\.load: the folder path is empty/));
    fs.rmSync(folder, { recursive: true });
  });
});
