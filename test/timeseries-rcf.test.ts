// Robust random cut forest: behaviour on a spike, determinism, save/restore across processes.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe as suite, test } from "node:test";
import { RandomCutForestDetector, RandomCutForestStream } from "../src/timeseries/rcf";
import { streamScores } from "../src/timeseries/stream";

/** A noisy sine (a fixed LCG for the noise) with one spike at row 1500. */
function spikySine(n = 2000): number[] {
  let state = 12345;
  const noise = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296 - 0.5) * 0.2;
  return Array.from({ length: n }, (_, i) => Math.sin(i / 20) + noise() + (i === 1500 ? 3 : 0));
}

suite("robust random cut forest", () => {
  for (const score of ["depth", "displacement"] as const) {
    test(`the spike gets the highest ${score} score of the series once the sample is full`, () => {
      const scores = streamScores(new RandomCutForestDetector({ trees: 40, score }), spikySine());
      let best = 300;
      for (let i = 300; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
      assert.equal(best, 1500);
      assert.ok(scores.every((s) => s >= 0 && s < 1), "scores in [0, 1)");
    });
  }

  test("shingled forest: the spike's shingles are the top scores; same seed, same scores; another seed, others", () => {
    const values = spikySine();
    const scores = streamScores(new RandomCutForestDetector({ trees: 40, shingleSize: 4 }), values);
    const top = Array.from(scores.keys()).filter((i) => i >= 300).sort((a, b) => scores[b]! - scores[a]!)[0]!;
    assert.ok(top >= 1500 && top < 1504, `top score at ${top}`);
    assert.deepEqual(Array.from(streamScores(new RandomCutForestDetector({ trees: 40, shingleSize: 4 }), values)), Array.from(scores));
    assert.notDeepEqual(Array.from(streamScores(new RandomCutForestDetector({ trees: 40, shingleSize: 4, seed: 7 }), values)), Array.from(scores));
  });

  test("a forest saved at row 900 (reservoirs replacing), restored in another process, continues with identical scores (Object.is)", () => {
    const values = spikySine();
    const timestamps = values.map((_, i) => i * 60000);
    const options = { trees: 20, sampleSize: 128, shingleSize: 2 };
    const whole = new RandomCutForestStream(options);
    const expected = values.map((v, i) => whole.update(timestamps[i]!, v));
    const first = new RandomCutForestStream(options);
    for (let i = 0; i < 900; i++) first.update(timestamps[i]!, values[i]!);
    const input = JSON.stringify({ snapshot: first.snapshot(), timestamps: timestamps.slice(900), values: values.slice(900) });
    const child = execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "helpers", "resume-stream.ts")], { input, encoding: "utf8" });
    const resumed = JSON.parse(child) as number[];
    const mismatch = resumed.findIndex((s, k) => !Object.is(s, expected[900 + k]));
    assert.equal(mismatch, -1, `row ${900 + mismatch}: ${resumed[mismatch]} vs ${expected[900 + mismatch]}`);
  });

  test("bad options and values are named", () => {
    assert.throws(() => new RandomCutForestStream({ trees: 0 }), /option trees must be a positive integer, got 0/);
    assert.throws(() => new RandomCutForestStream({ shingleSize: 1.5 }), /option shingleSize must be a positive integer, got 1.5/);
    assert.throws(() => new RandomCutForestStream({ score: "mass" as never }), /option score must be "depth" or "displacement", got mass/);
    assert.throws(() => new RandomCutForestStream().update(0, NaN), /update got value NaN/);
  });
});
