// alarmSummary (first alarm after the normal period, lead time, false alarms) on a toy series, and the
// alarmTimeline chart's layers and errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { alarmSummary } from "../src/evaluation/alarms";
import { alarmTimeline } from "../src/plots/alarm-timeline";

const day = (d: number, h = 0) => new Date(Date.UTC(2004, 1, d, h));
// Days 12..19 at 00:00 and 12:00; normal period = 12 00:00 .. 14 12:00.
const times = Array.from({ length: 16 }, (_, i) => day(12 + Math.floor(i / 2), (i % 2) * 12));
const scores = [0.1, 0.5, 0.1, 0.1, 0.2, 0.1, 0.1, 0.4, 0.6, 0.2, 0.7, 0.8, 0.9, 1, 2, 3];
const normal: [Date, Date] = [day(12, 0), day(14, 12)];

describe("alarmSummary", () => {
  it("finds the first alarm after the normal period, its lead before the last timestamp, and false alarms in it", () => {
    const s = alarmSummary(times, scores, 0.3, normal);
    assert.equal(s.falseAlarms, 1, "row 1 (0.5) is inside the normal period");
    assert.deepEqual(s.firstAlarm, day(15, 12));
    assert.equal(s.firstAlarmIndex, 7);
    assert.equal(s.leadDays, 4, "from Feb 15 12:00 to Feb 19 12:00");
    assert.equal(s.alarmsAfter, 8);
    const none = alarmSummary(times, scores, 5, normal);
    assert.equal(none.firstAlarm, null);
    assert.equal(none.leadDays, null);
    assert.equal(alarmSummary(times, scores, 0.5, normal).falseAlarms, 0, "alarm means score > threshold, strictly");
  });

  it("names bad input", () => {
    assert.throws(() => alarmSummary(times, scores.slice(1), 0.3, normal), /16 timestamps but 15 scores/);
    assert.throws(() => alarmSummary(times, scores, Number.NaN, normal), /threshold must be a finite number/);
    assert.throws(() => alarmSummary(times, scores, 0.3, [day(14), day(12)]), /start <= end/);
    assert.throws(() => alarmSummary(times, [...scores.slice(1), Number.NaN], 0.3, normal), /NaN/);
  });
});

describe("alarmTimeline", () => {
  it("layers the normal period, the scores, the threshold, the first alarm and the end of the data", async () => {
    const chart = await alarmTimeline(times, scores, 0.3, { normalPeriod: normal, logScale: true, title: "toy" });
    const layers = (chart.spec as { layer: { mark: { type: string }; data: { values: Record<string, unknown>[] } }[] }).layer;
    const marks = layers.map((l) => l.mark.type);
    assert.deepEqual(marks, ["rect", "text", "line", "circle", "rule", "text", "rule", "text", "rule", "point", "text"]);
    assert.deepEqual(layers[10]!.data.values[0]!.label, ["first alarm 2004-02-15 12:00", "4.00 days before the end"]);
    assert.equal(layers[3]!.data.values.length, 9, "alarm points: every score above the threshold");
    assert.match(chart.toMimeBundle()["text/plain"] as string, /toy/);
  });

  it("refuses a log axis for scores that are not positive", async () => {
    await assert.rejects(alarmTimeline(times, [0, ...scores.slice(1)], 0.3, { normalPeriod: normal, logScale: true }), /logScale needs positive scores, but score 0 \(2004-02-12 00:00\) is 0/);
  });
});
