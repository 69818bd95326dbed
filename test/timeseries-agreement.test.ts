// The agreement ensemble (anomaly-lab's NAB entry): its rule on scripted inputs, and its state.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe as suite, test } from "node:test";
import { FetchOptions } from "../src/data/fetch";
import { loadNabCorpusSeries } from "../src/data/nab-corpus";
import { AgreementDetector } from "../src/timeseries/agreement";
import { anomalyLabNabDetector } from "../src/timeseries/nab-leaders";
import { DetectorStream, StreamingDetector, StreamSnapshot, summariseSeries } from "../src/timeseries/stream";
import { MIRROR_ROOT } from "./helpers/mirror";

const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-cache-"));
after(() => fs.rmSync(emptyCache, { recursive: true, force: true }));
const options: FetchOptions = { mirror: MIRROR_ROOT, dataHome: emptyCache, allowUpstream: false, progress: false };

/** A detector that replays fixed scores, whatever the values. */
function scripted(name: string, scores: number[]): StreamingDetector {
  const open = (start: number): DetectorStream => {
    let i = start;
    return { update: () => scores[i++] ?? 0, snapshot: (): StreamSnapshot => ({ kind: name, version: 1, i }) };
  };
  return { name, open: () => open(0), restore: (s) => open((s as StreamSnapshot & { i: number }).i) };
}

suite("AgreementDetector", () => {
  test("score = primary x (0.5 + 0.5 x the confirming detector's maximum over the last 3 points, current included)", () => {
    const primary = [0, 0.8, 0, 0, 0, 0.6, 0.4];
    const confirm = [0.9, 0, 0, 0, 0.2, 0, 1];
    const detector = new AgreementDetector(scripted("a", primary), scripted("c", confirm), { window: 3, weight: 0.5 });
    const stream = detector.open({ min: 0, max: 1, length: 7 });
    const scores = primary.map((_, i) => stream.update(i, 0));
    assert.deepEqual(scores, [0, 0.8 * (0.5 + 0.5 * 0.9), 0, 0, 0, 0.6 * (0.5 + 0.5 * 0.2), 0.4 * (0.5 + 0.5 * 1)]);
    assert.equal(detector.name, "a confirmed by c");
  });

  test("bad options are named", () => {
    assert.throws(() => new AgreementDetector(scripted("a", []), scripted("c", []), { window: 0 }), /window must be a positive integer, got 0/);
    assert.throws(() => new AgreementDetector(scripted("a", []), scripted("c", []), { weight: 1.5 }), /weight must be in \[0, 1\], got 1.5/);
  });

  test("anomaly-lab's NAB entry saved at row 6000 of nyc_taxi, restored in another process, continues with identical scores (Object.is)", async () => {
    const series = await loadNabCorpusSeries("realKnownCause/nyc_taxi.csv", options);
    const summary = summariseSeries(series.values);
    const whole = anomalyLabNabDetector().open(summary);
    const expected = Array.from(series.values, (v, i) => whole.update(series.timestamps[i]!, v));
    const cut = 6000;
    const first = anomalyLabNabDetector().open(summary);
    for (let i = 0; i < cut; i++) first.update(series.timestamps[i]!, series.values[i]!);
    const input = JSON.stringify({ snapshot: first.snapshot(), timestamps: Array.from(series.timestamps.subarray(cut)), values: Array.from(series.values.subarray(cut)) });
    const child = execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "helpers", "resume-stream.ts")], { input, encoding: "utf8", maxBuffer: 1 << 26 });
    const resumed = JSON.parse(child) as number[];
    const mismatch = resumed.findIndex((s, k) => !Object.is(s, expected[cut + k]));
    assert.equal(mismatch, -1, `row ${cut + mismatch}: ${resumed[mismatch]} vs ${expected[cut + mismatch]}`);
    assert.ok(expected.slice(cut).some((s) => s > 0));
  });
});
