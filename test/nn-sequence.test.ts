// The sequence contract of the windowed LSTM autoencoder (issue #23, item 5): windows in (window k = rows
// k .. k + T - 1, rows - T + 1 of them), one score per window, threshold and labels on the window scores, rows scored
// only through a named mapping ("last": rows 0 .. T-2 get no score; "max" / "mean" over the covering windows, each
// computed here from its definition), the evaluation helpers refusing unscored rows, a row stream equal to batch
// scoring on the NASA bearing data (Object.is) whose JSON snapshot continues identically, and T = 1 unchanged.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { resetDeprecationWarnings } from "../src/core/deprecation";
import { loadBearingTest2 } from "../src/data/bearing";
import { alarmSummary } from "../src/evaluation/alarms";
import { rocAuc } from "../src/evaluation/ranking";
import { LstmAutoencoderDetector, type LstmAutoencoderOptions } from "../src/nn/lstm-autoencoder";
import { tfjs } from "../src/nn/tf";
import { windowsToRows } from "../src/nn/window-mapping";
import { timeSeries, timeSlice, type TimeSeries } from "../src/nn/windows";
import { readFixture } from "./helpers/fixtures";
import { MIRROR_ROOT } from "./helpers/mirror";

const small: LstmAutoencoderOptions = {
  encoder: [{ units: 6, activation: "tanh" }, { units: 2, activation: "tanh" }],
  decoder: [{ units: 6, activation: "tanh" }],
  epochs: 3,
  batchSize: 8,
  progress: false,
};

/** 60 rows of 3 smooth waves with a bump: windows that score differently. */
function waves(n: number, phase = 0): number[][] {
  const bump = (i: number) => (i % 11 === 0 ? 1 : 0);
  return Array.from({ length: n }, (_, i) => [Math.sin(i / 3 + phase), Math.cos(i / 5 + phase), 0.5 * Math.sin(i / 7 + phase) + bump(i)]);
}

/** The windows covering row r by the definition (window k = rows k .. k + T - 1), in increasing k. */
function coveringWindows(r: number, rows: number, T: number): number[] {
  const count = rows - T + 1;
  return Array.from({ length: count }, (_, k) => k).filter((k) => k <= r && r <= k + T - 1);
}

/** Runs `body` with console.warn captured; returns the warnings printed. */
function warningsOf(body: () => void): string[] {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(" "));
  try {
    body();
  } finally {
    console.warn = warn;
  }
  return warnings;
}

const differingIndex = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).findIndex((value, i) => !Object.is(value, b[i]));

describe("window -> row mapping, against its definition", () => {
  it('windowsToRows: "last" gives row r the score of window r - T + 1 and null to rows 0 .. T-2; "max" and "mean" combine exactly the windows k with k <= r <= k + T - 1', () => {
    for (const T of [1, 2, 3, 5]) {
      for (const rows of [T, T + 1, 9]) {
        const count = rows - T + 1;
        const scores = Array.from({ length: count }, (_, k) => ((k * 7919) % 13) / 10 + k / 100);
        const last = windowsToRows(scores, rows, T, "last");
        const max = windowsToRows(scores, rows, T, "max");
        const mean = windowsToRows(scores, rows, T, "mean");
        assert.equal(last.length, rows);
        for (let r = 0; r < rows; r++) {
          const covering = coveringWindows(r, rows, T).map((k) => scores[k]!);
          assert.equal(last[r], r < T - 1 ? null : scores[r - T + 1], `T = ${T}, ${rows} rows, row ${r}: last`);
          assert.equal(max[r], Math.max(...covering), `T = ${T}, ${rows} rows, row ${r}: max`);
          assert.equal(mean[r], covering.reduce((a, b) => a + b, 0) / covering.length, `T = ${T}, ${rows} rows, row ${r}: mean`);
        }
      }
    }
    assert.throws(() => windowsToRows([1, 2], 5, 3, "last"), /5 rows in windows of 3 make 3 windows, got 2 scores/);
    assert.throws(() => windowsToRows([1, 2, 3], 5, 3, "first" as never), /mapping must be "last", "max" or "mean".*got "first"/);
  });
});

describe("LstmAutoencoderDetector on the sequence contract (T = 4, 60 rows)", () => {
  const T = 4;
  const X = waves(60);
  let d: LstmAutoencoderDetector;
  /** Window k's score by the definition: the rows k .. k + T - 1 scored alone (the only window they make). */
  let alone: number[];
  before(async () => {
    d = await new LstmAutoencoderDetector({ ...small, timesteps: T, seed: 2, threshold: { quantile: 0.5 } }).fit(X);
    alone = Array.from({ length: X.length - T + 1 }, (_, k) => d.score(X.slice(k, k + T))[T - 1]!);
  });
  after(() => d.dispose());

  it("threshold and labels are on the rows - T + 1 window scores: no copy of window 0's score for rows 0 .. T-2", () => {
    const windows = Array.from(d.trainingScores);
    assert.equal(windows.length, X.length - T + 1, "one training score per window");
    assert.deepEqual(windows, alone, "training score k = the score of rows k .. k + T - 1 alone");
    const sorted = [...alone].sort((a, b) => a - b);
    assert.equal(d.threshold, sorted[(sorted.length - 1) / 2], "{ quantile: 0.5 } = the median of the 57 window scores");
    assert.deepEqual(Array.from(d.labels), alone.map((s) => (s > d.threshold ? 1 : 0)), "one label per window: score > threshold");
  });

  it("score(X) with T > 1 (deprecated, one warning naming scoreRows) gives row r the max over the windows covering it, not window 0's score", () => {
    resetDeprecationWarnings();
    let rows = new Float64Array();
    const warnings = warningsOf(() => {
      rows = d.score(X);
      d.score(X);
    });
    const expected = X.map((_, r) => Math.max(...coveringWindows(r, X.length, T).map((k) => alone[k]!)));
    assert.deepEqual(Array.from(rows.subarray(0, T - 1)), expected.slice(0, T - 1), "rows 0 .. T-2");
    assert.deepEqual(Array.from(rows), expected);
    assert.equal(warnings.length, 1, "one warning per process");
    const names = /is deprecated .*use scoreWindows\(X\), or scoreRows\(X, \{ mapping: "last" \| "max" \| "mean" \}\)/;
    assert.match(warnings[0]!, /^anomaly-lab: score\(X\) of a sequence detector/);
    assert.match(warnings[0]!, names);
  });

  it("scoreWindows gives rows - T + 1 scores, window k = rows k .. k + T - 1; exactly T rows give one score", () => {
    const windows = d.scoreWindows(X);
    assert.equal(windows.length, X.length - T + 1);
    assert.equal(differingIndex(windows, alone), -1);
    for (const k of [0, 17, X.length - T]) {
      assert.deepEqual(Array.from(d.scoreWindows(X.slice(k, k + T))), [alone[k]], `rows ${k} .. ${k + T - 1}`);
    }
    assert.deepEqual(Array.from(d.predictWindows(X)), alone.map((s) => (s > d.threshold ? 1 : 0)));
    const tooFew = /3 rows are too few for one window of 4 timesteps; to score rows as they arrive, use detector\.open\(\)/;
    assert.throws(() => d.scoreWindows(X.slice(0, T - 1)), tooFew);
  });

  it('scoreRows: "last" gives rows 0 .. T-2 null and row r window r - T + 1; "max" / "mean" over the covering windows; the mapping must be named', () => {
    const last = d.scoreRows(X, { mapping: "last" });
    assert.deepEqual(last, X.map((_, r) => (r < T - 1 ? null : alone[r - T + 1]!)));
    const max = d.scoreRows(X, { mapping: "max" });
    const mean = d.scoreRows(X, { mapping: "mean" });
    X.forEach((_, r) => {
      const covering = coveringWindows(r, X.length, T).map((k) => alone[k]!);
      assert.equal(max[r], Math.max(...covering), `max, row ${r}`);
      assert.equal(mean[r], covering.reduce((a, b) => a + b, 0) / covering.length, `mean, row ${r}`);
    });
    assert.throws(() => d.scoreRows(X, {} as never), /name the mapping of window scores to rows: \{ mapping: "last" \| "max" \| "mean" \}/);
  });

  it("the evaluation helpers refuse unscored rows (null) by name instead of counting a score for them", () => {
    const last = d.scoreRows(X, { mapping: "last" });
    const truth = X.map((_, r) => (r % 11 === 0 ? 1 : 0));
    const unscored = /scores\[0\] \.\. scores\[2\] are null: rows without a score .*keep rows 3 on \(scores\.slice\(3\)/;
    assert.throws(() => rocAuc(truth, last as never), unscored);
    const times = X.map((_, r) => new Date(Date.UTC(2004, 1, 12, 0, 10 * r)));
    const normal: [Date, Date] = [times[0]!, times[20]!];
    assert.throws(() => alarmSummary(times, last as never, d.threshold, normal), /alarmSummary\(scores\)\[0\] \.\. alarmSummary\(scores\)\[2\] are null/);
    const scored = last.slice(T - 1) as number[];
    assert.equal(rocAuc(truth.slice(T - 1), scored), rocAuc(truth.slice(T - 1), d.scoreWindows(X)), "the scored rows are the windows");
  });

  it("a stream scores nothing until T rows arrived, then each window as batch scoring does; bad rows are refused at their update, the stream unchanged", () => {
    const tf = tfjs();
    const stream = d.open();
    const streamed = X.map((row) => stream.update(row));
    assert.deepEqual(streamed.slice(0, T - 1), [undefined, undefined, undefined]);
    assert.equal(differingIndex(streamed.slice(T - 1) as number[], alone), -1);
    assert.equal(stream.rowsSeen, X.length);
    assert.throws(() => stream.update([1, 2]), /stream update of row 60 has 2 values, but the detector was fitted on 3 columns/);
    assert.throws(() => stream.update([1, Number.NaN, 2]), /row 60, column 1 is NaN/);
    // Refused at its own update (not T - 1 rows later inside a window), and the stream is left as it was.
    const fresh = d.open();
    assert.throws(() => fresh.update([1, -1e39, 2]), /stream update of row 0: column 1 is -1e\+39, .*float32/);
    assert.equal(fresh.rowsSeen, 0);
    const tensors = tf.memory().numTensors;
    const again = X.map((row) => fresh.update(row));
    assert.deepEqual(again, streamed, "the same scores after the refused row");
    assert.equal(tf.memory().numTensors, tensors, "streaming leaves no tensor behind");
  });

  it("a stream opened before a new fit refuses to go on (it would mix two models)", async () => {
    const refitted = await new LstmAutoencoderDetector({ ...small, timesteps: T, seed: 2 }).fit(X);
    const stream = refitted.open();
    stream.update(X[0]!);
    await refitted.fit(waves(60, 1));
    assert.throws(() => stream.update(X[1]!), /fitted again after this stream opened: open a new one with open\(\)/);
    refitted.dispose();
  });

  it("a model folder saved before the sequence contract (rows 0 .. T-2 holding copies of window 0's score) loads with its window scores", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "lstm-sequence-"));
    try {
      await d.save(folder);
      const file = path.join(folder, "detector.json");
      const saved = JSON.parse(fs.readFileSync(file, "utf8"));
      const windows: number[] = saved.state.trainingScores;
      saved.state.trainingScores = [...new Array(T - 1).fill(windows[0]), ...windows]; // what the old release wrote
      fs.writeFileSync(file, JSON.stringify(saved));
      const loaded = await LstmAutoencoderDetector.load(folder);
      assert.deepEqual(Array.from(loaded.trainingScores), alone);
      assert.equal(loaded.threshold, d.threshold);
      loaded.dispose();
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("T = 1: windows are rows", () => {
  const fixture = readFixture("nn_lstm_one_step.json");

  it("keeps the scores and threshold of the code before the sequence contract, bit for bit (Object.is)", async () => {
    const d = await new LstmAutoencoderDetector(fixture.options).fit(fixture.train);
    assert.equal(differingIndex(d.trainingScores, fixture.trainingScores), -1);
    assert.ok(Object.is(d.threshold, fixture.threshold));
    const warnings = warningsOf(() => {
      const scores = d.score(fixture.test);
      assert.equal(differingIndex(scores, fixture.testScores), -1, "score(X)");
      assert.equal(differingIndex(d.scoreWindows(fixture.test), fixture.testScores), -1, "scoreWindows(X)");
      for (const mapping of ["last", "max", "mean"] as const) {
        assert.equal(differingIndex(d.scoreRows(fixture.test, { mapping }) as ArrayLike<number>, fixture.testScores), -1, mapping);
      }
    });
    assert.deepEqual(warnings, [], "no deprecation warning with T = 1");
    d.dispose();
  });
});

describe("streaming the NASA bearing data (test 2) through a windowed detector (T = 5)", () => {
  let study: TimeSeries;
  let d: LstmAutoencoderDetector;
  let batch: Float64Array;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "lstm-stream-"));
  before(async () => {
    process.env.ANOMALY_LAB_DATA_MIRROR ??= MIRROR_ROOT;
    const all = timeSeries((await loadBearingTest2()).df, { timeColumn: "timestamp" });
    const start = new Date("2004-02-12T10:52:39Z");
    study = timeSlice(all, start);
    const train = timeSlice(all, start, new Date("2004-02-15T12:52:39Z"));
    d = await new LstmAutoencoderDetector({ ...small, timesteps: 5, epochs: 2, batchSize: 32, preprocessing: "minmax", seed: 7 }).fit(train);
    batch = d.scoreWindows(study);
  });
  after(() => {
    d.dispose();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it("streamed scores equal the batch window scores (Object.is): undefined for the first 4 rows, then window r - 4 at row r", () => {
    assert.equal(batch.length, study.X.rows - 4);
    const stream = d.open();
    const rows = study.X.rows;
    const streamed = Array.from({ length: rows }, (_, r) => stream.update(study.X.data.subarray(4 * r, 4 * r + 4)));
    assert.deepEqual(streamed.slice(0, 4), [undefined, undefined, undefined, undefined]);
    const differing = differingIndex(streamed.slice(4) as number[], batch);
    assert.equal(differing, -1, `window ${differing}: streamed ${streamed[differing + 4]} vs batch ${batch[differing]}`);
  });

  it("a JSON snapshot taken mid-stream continues identically, on the same detector and on one loaded from its save; another model is refused", async () => {
    const rows = study.X.rows;
    const row = (r: number) => study.X.data.subarray(4 * r, 4 * r + 4);
    const first = d.open();
    for (let r = 0; r < 300; r++) first.update(row(r));
    const snapshot = JSON.parse(JSON.stringify(first.snapshot()));
    assert.equal(snapshot.recent.length, 4, "the last T - 1 rows");
    await d.save(folder);
    const loaded = await LstmAutoencoderDetector.load(folder);
    for (const [name, detector] of [["same detector", d], ["loaded", loaded]] as const) {
      const resumed = detector.restore(snapshot);
      const rest = Array.from({ length: rows - 300 }, (_, i) => resumed.update(row(300 + i))!);
      const differing = differingIndex(rest, batch.subarray(300 - 4));
      assert.equal(differing, -1, `${name}: window ${differing + 296}`);
    }
    const early = d.open();
    early.update(row(0));
    const short = JSON.parse(JSON.stringify(early.snapshot()));
    const resumed = loaded.restore(short);
    const scores = [1, 2, 3, 4, 5].map((r) => resumed.update(row(r)));
    assert.deepEqual(scores.slice(0, 3), [undefined, undefined, undefined]);
    assert.ok(Object.is(scores[3], batch[0]) && Object.is(scores[4], batch[1]), "a snapshot before the first window");
    loaded.dispose();
    const otherOptions = { ...small, timesteps: 5, epochs: 1, batchSize: 32, preprocessing: "minmax" as const, seed: 8 };
    const other = await new LstmAutoencoderDetector(otherOptions).fit(timeSlice(study, undefined, study.timestamps[100]));
    assert.throws(() => other.restore(snapshot), /LstmAutoencoderDetector\.restore: the snapshot was taken on another fitted model/);
    other.dispose();
    assert.throws(() => d.restore({ ...snapshot, kind: "ContextOseDetector" }), /cannot restore a snapshot of kind "ContextOseDetector"/);
    assert.throws(() => d.restore({ ...snapshot, recent: snapshot.recent.slice(1) }), /snapshot\.recent must hold the last 4 rows/);
  });
});
