// The streaming contract (issue #25, item 1), for every time-series detector the package exports: a stream is
// opened with `detector.open(summary)` and fed `update(timestamp, value)`; on real NAB files the streamed score
// at every point equals the batch score at that point (Object.is); a stream snapshotted half-way, sent through
// JSON and restored (in this process and in another one) continues with identical scores; batch calls made
// while a stream is live leave it alone; the deprecated detector-level update() is an internal stream of its own.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it, mock } from "node:test";
import { resetDeprecationWarnings } from "../src/core/deprecation";
import type { FetchOptions } from "../src/data/fetch";
import { loadNabCorpusSeries, type NabCorpusSeries } from "../src/data/nab-corpus";
import * as lib from "../src/index";
import type { DetectorStream, StreamingDetector, StreamSnapshot, TimeSeriesDetector } from "../src/index";
import type { ContinueRequest } from "./helpers/continue-streams";
import { MIRROR_ROOT } from "./helpers/mirror";
import { runInFreshProcess } from "./helpers/fresh-process";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "streaming-contract-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
const options: FetchOptions = { mirror: MIRROR_ROOT, dataHome: path.join(scratch, "cache"), allowUpstream: false, progress: false };

/** A detector as this test sees it: the streaming contract, and the batch calls where the detector has them. */
type Detector = StreamingDetector & Partial<TimeSeriesDetector>;

interface Case {
  /** What the variant is, for the test titles. */
  label: string;
  make: () => Detector;
  /** The first points of each file it is run on (the slow detectors are cut). */
  points: number;
  /**
   * "entire": the batch score at point i is detectEntire(series)[i] (or streamScores for the detectors that have no
   * detectEntire); "last": the detector is not causal (S-H-ESD judges a whole window), and the batch score of a
   * newly arrived point i is detectLast(the series up to i), 0 before two periods have arrived.
   */
  batch: "entire" | "last";
}

const FULL = Infinity;
const { ArtimeDetector, ContextOseDetector, RandomCutForestDetector } = lib;

/** Every exported time-series detector class, by name, with the variants this test runs. */
const CASES: Record<string, Case[]> = {
  WindowedGaussianDetector: [
    { label: "NAB's defaults (6400, step 100)", make: () => new lib.WindowedGaussianDetector(), points: FULL, batch: "entire" },
  ],
  RollingZScoreDetector: [
    { label: "288 points", make: () => new lib.RollingZScoreDetector(), points: FULL, batch: "entire" },
    { label: "robust, 96 points", make: () => new lib.RollingZScoreDetector({ windowSize: 96, robust: true }), points: FULL, batch: "entire" },
  ],
  ContextualGaussianDetector: [
    { label: "defaults", make: () => new lib.ContextualGaussianDetector(), points: FULL, batch: "entire" },
  ],
  SuppressedDetector: [
    {
      label: "contextual Gaussian, debounced (48)",
      make: () => new lib.SuppressedDetector(new lib.ContextualGaussianDetector(), 48),
      points: FULL,
      batch: "entire",
    },
  ],
  SeasonalHybridEsdDetector: [
    {
      label: "period 48, window 4 periods",
      make: () => new lib.SeasonalHybridEsdDetector({ period: 48, maxAnoms: 0.02, windowSize: 4 * 48 }),
      points: 1500,
      batch: "last",
    },
  ],
  ContextOseDetector: [{ label: "NAB's settings", make: () => new ContextOseDetector(), points: 3000, batch: "entire" }],
  ArtimeDetector: [{ label: "NAB's settings", make: () => new ArtimeDetector(), points: 3000, batch: "entire" }],
  RandomCutForestDetector: [{ label: "100 trees", make: () => new RandomCutForestDetector(), points: 2000, batch: "entire" }],
  LikelihoodDetector: [
    { label: "on CAD OSE", make: () => new lib.LikelihoodDetector(new ContextOseDetector()), points: 3000, batch: "entire" },
  ],
  AgreementDetector: [{ label: "ours (ARTime confirmed by CAD OSE)", make: () => lib.anomalyLabNabDetector(), points: 3000, batch: "entire" }],
};

type AnyClass = new (...args: never[]) => unknown;
/** Exported for subclassing, not detectors a user constructs. */
const ABSTRACT = new Set<unknown>([lib.CausalDetector]);
/**
 * The exported time-series detector classes: those with a stream (`open`) or the batch calls of the old contract
 * (`detectEntire`); a new one fails the first test until it has cases here.
 */
function exportedTimeSeriesDetectors(): string[] {
  const exported = Object.entries(lib as unknown as Record<string, unknown>);
  return exported
    .filter(([, value]) => typeof value === "function" && typeof (value as AnyClass).prototype === "object" && !ABSTRACT.has(value))
    .filter(([, value]) => {
      const prototype = (value as AnyClass).prototype as Record<string, unknown>;
      // Sequence detectors open streams of rows (src/nn/sequence-detector.ts); test/nn-sequence.test.ts holds them to it.
      if (typeof prototype.scoreWindows === "function") return false;
      return typeof prototype.open === "function" || typeof prototype.detectEntire === "function";
    })
    .map(([name]) => name)
    .sort();
}

const FILES = [
  "realKnownCause/machine_temperature_system_failure.csv",
  "realTweets/Twitter_volume_AAPL.csv",
  "artificialWithAnomaly/art_daily_jumpsup.csv",
];
const series = new Map<string, NabCorpusSeries>();
before(async () => {
  for (const key of FILES) series.set(key, await loadNabCorpusSeries(key, options));
});

/** The first `points` points of a file. */
function cut(key: string, points: number): { values: Float64Array; timestamps: Float64Array } {
  const s = series.get(key)!;
  const n = Math.min(points, s.values.length);
  return { values: s.values.subarray(0, n), timestamps: s.timestamps.subarray(0, n) };
}

/** The batch scores of a whole series (see {@link Case.batch}). */
function batchScores(testCase: Case, detector: Detector, values: Float64Array, timestamps: Float64Array): Float64Array {
  if (testCase.batch === "last") {
    // S-H-ESD judges at least two periods; before they have arrived a point scores 0.
    const fewest = 2 * (detector.getParams!().period as number);
    return Float64Array.from(values, (_, i) => (i + 1 < fewest ? 0 : detector.detectLast!(values.subarray(0, i + 1), timestamps.subarray(0, i + 1))));
  }
  if (detector.detectEntire !== undefined) return detector.detectEntire(values, timestamps);
  return lib.streamScores(detector, values, timestamps);
}

/** Feeds points from..to of the series to a stream; its scores. */
function feed(stream: DetectorStream, values: Float64Array, timestamps: Float64Array, from = 0, to = values.length): Float64Array {
  const out = new Float64Array(to - from);
  for (let i = from; i < to; i++) out[i - from] = stream.update(timestamps[i]!, values[i]!);
  return out;
}

function assertSameScores(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, offset = 0): void {
  assert.equal(actual.length, expected.length, `${what}: number of scores`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}: point ${i + offset}: ${actual[i]} vs ${expected[i]}`);
  }
}

const variants = Object.entries(CASES).flatMap(([name, cases]) => cases.map((testCase) => ({ name, testCase })));

describe("the streaming contract, for every exported time-series detector, on real NAB files", () => {
  it("the cases cover exactly the exported time-series detector classes", () => {
    assert.deepEqual(exportedTimeSeriesDetectors(), Object.keys(CASES).sort());
  });

  for (const { name, testCase } of variants) {
    const title = `${name} (${testCase.label})`;
    it(`${title}: the streamed score at every point equals the batch score at that point (Object.is), on 3 NAB files`, () => {
      for (const key of FILES) {
        const { values, timestamps } = cut(key, testCase.points);
        const detector = testCase.make();
        const batch = batchScores(testCase, detector, values, timestamps);
        const streamed = feed(detector.open(lib.summariseSeries(values)), values, timestamps);
        assertSameScores(streamed, batch, `${title}, ${key}`);
        if (testCase.batch === "entire" && detector.detectLast !== undefined) {
          for (const i of [0, 1, Math.floor(values.length / 3), values.length - 1]) {
            const last = detector.detectLast(values.subarray(0, i + 1), timestamps.subarray(0, i + 1));
            assert.ok(Object.is(last, batch[i]), `${title}, ${key}: detectLast at point ${i}: ${last} vs ${batch[i]}`);
          }
        }
      }
    });

    it(`${title}: a stream snapshotted half-way, JSON round-tripped and restored (restoreStream, detector.restore) continues with identical scores`, () => {
      for (const key of FILES) {
        const { values, timestamps } = cut(key, testCase.points);
        const detector = testCase.make();
        const summary = lib.summariseSeries(values);
        const whole = feed(detector.open(summary), values, timestamps);
        const half = values.length >> 1;
        const stream = detector.open(summary);
        feed(stream, values, timestamps, 0, half);
        const text = JSON.stringify(stream.snapshot());
        const viaRegistry = lib.restoreStream(JSON.parse(text) as StreamSnapshot);
        const viaDetector = testCase.make().restore(JSON.parse(text) as StreamSnapshot);
        const rest = whole.subarray(half);
        assertSameScores(feed(viaRegistry, values, timestamps, half), rest, `${title}, ${key}, restoreStream`, half);
        assertSameScores(feed(viaDetector, values, timestamps, half), rest, `${title}, ${key}, detector.restore`, half);
        assertSameScores(feed(stream, values, timestamps, half), rest, `${title}, ${key}, the snapshotted stream itself`, half);
      }
    });

    it(`${title}: batch calls (detectEntire, detectLast, alarms) made in the middle of a live stream leave its next scores unchanged`, () => {
      for (const key of FILES) {
        const { values, timestamps } = cut(key, testCase.points);
        const detector = testCase.make();
        const summary = lib.summariseSeries(values);
        const whole = feed(detector.open(summary), values, timestamps);
        const half = values.length >> 1;
        const live = detector.open(summary);
        const first = feed(live, values, timestamps, 0, half);
        // Plotting the history while the stream runs: every batch call the detector has, on other data.
        const other = cut(FILES[(FILES.indexOf(key) + 1) % FILES.length]!, testCase.points);
        if (detector.detectEntire !== undefined) {
          detector.detectEntire(values, timestamps);
          detector.detectEntire(other.values, other.timestamps);
          detector.detectLast!(other.values, other.timestamps);
          detector.alarms!(other.values, other.timestamps);
        } else {
          lib.streamScores(detector, other.values, other.timestamps);
        }
        const next = feed(live, values, timestamps, half);
        assertSameScores(first, whole.subarray(0, half), `${title}, ${key}, before the batch calls`);
        assertSameScores(next, whole.subarray(half), `${title}, ${key}, after the batch calls`, half);
      }
    });
  }

  it("every detector's stream, snapshotted half-way and restored in another process by restoreStream alone, continues with identical scores", () => {
    const key = FILES[1]!;
    const requests: ContinueRequest[] = [];
    const expected = new Map<string, Float64Array>();
    for (const { name, testCase } of variants) {
      const { values, timestamps } = cut(key, Math.min(testCase.points, 2000));
      const detector = testCase.make();
      const summary = lib.summariseSeries(values);
      const half = values.length >> 1;
      const stream = detector.open(summary);
      feed(stream, values, timestamps, 0, half);
      const label = `${name} (${testCase.label})`;
      requests.push({ name: label, snapshot: JSON.stringify(stream.snapshot()), values: Array.from(values.subarray(half)), timestamps: Array.from(timestamps.subarray(half)) });
      expected.set(label, feed(detector.open(summary), values, timestamps).subarray(half));
    }
    const results = runInFreshProcess<Record<string, string>>(
      "continue-streams.ts", requests, path.join(scratch, "streams.json"), 300_000, "the restoring process",
    );
    for (const [label, scores] of expected) {
      const bytes = Buffer.from(results[label] ?? "", "base64");
      const restored = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
      assertSameScores(restored, scores, `${label}, restored in another process`);
    }
  });
});

describe("the deprecated detector-level update() and reset(): one warning, an internal stream of their own", () => {
  const legacy = Object.entries(CASES)
    .flatMap(([name, cases]) => cases.map((testCase) => ({ name, testCase })))
    .filter(({ testCase }) => typeof (testCase.make() as { update?: unknown }).update === "function");

  it("the detectors of the old contract are the five of before (baselines, S-H-ESD, the debouncer)", () => {
    const names = [...new Set(legacy.map(({ name }) => name))].sort();
    const old = ["ContextualGaussianDetector", "RollingZScoreDetector", "SeasonalHybridEsdDetector", "SuppressedDetector", "WindowedGaussianDetector"];
    assert.deepEqual(names, old);
  });

  for (const { name, testCase } of legacy) {
    const title = `${name} (${testCase.label})`;
    it(`${title}: update(value, timestamp) gives the stream's scores, a detectEntire in the middle changes none of them, reset() starts again`, () => {
      const { values, timestamps } = cut(FILES[0]!, Math.min(testCase.points, 4000));
      const detector = testCase.make() as Detector & { update(value: number, timestamp?: number): number; reset(): void };
      const expected = feed(detector.open(lib.summariseSeries(values)), values, timestamps);
      const half = values.length >> 1;
      const warn = mock.method(console, "warn", () => undefined);
      let scores: Float64Array;
      let again: Float64Array;
      try {
        resetDeprecationWarnings();
        scores = Float64Array.from(values, (value, i) => {
          if (i === half) detector.detectEntire!(values, timestamps);
          return detector.update(value, timestamps[i]);
        });
        detector.reset();
        again = Float64Array.from(values, (value, i) => detector.update(value, timestamps[i]));
      } finally {
        warn.mock.restore();
      }
      assertSameScores(scores, expected, `${title}, update()`);
      assertSameScores(again, expected, `${title}, update() after reset()`);
      const messages = warn.mock.calls.map((call) => String(call.arguments[0])).filter((m) => m.includes("deprecated"));
      assert.deepEqual(messages, [
        `anomaly-lab: ${name}.update(value, timestamp) is deprecated and goes in the next release: ` +
          "use const stream = detector.open(); stream.update(timestamp, value) (printed once)",
        `anomaly-lab: ${name}.reset() is deprecated and goes in the next release: ` +
          "use a new stream, detector.open() (printed once)",
      ]);
    });
  }
});

describe("detector files and stream snapshots hold the same thing", () => {
  for (const { name, testCase } of variants.filter(({ testCase }) => typeof (testCase.make() as { save?: unknown }).save === "function")) {
    const title = `${name} (${testCase.label})`;
    it(`${title}: save(file) after the deprecated update() holds the params and state of a stream's snapshot fed the same points; load(file) continues it`, () => {
      const { values, timestamps } = cut(FILES[2]!, 1000);
      const detector = testCase.make() as Detector & { update(value: number, timestamp?: number): number; save(file: string): void };
      const stream = detector.open();
      const warn = mock.method(console, "warn", () => undefined);
      try {
        for (let i = 0; i < 600; i++) {
          stream.update(timestamps[i]!, values[i]!);
          detector.update(values[i]!, timestamps[i]);
        }
      } finally {
        warn.mock.restore();
      }
      const file = path.join(scratch, `${name}.json`);
      detector.save(file);
      const saved = JSON.parse(fs.readFileSync(file, "utf8")) as { class: string; params: unknown; state: unknown };
      const snapshot = JSON.parse(JSON.stringify(stream.snapshot())) as StreamSnapshot;
      assert.deepEqual({ kind: snapshot.kind, params: snapshot.params, state: snapshot.state }, { kind: saved.class, params: saved.params, state: saved.state });
      const Class = (lib as unknown as Record<string, { load(file: string): Detector }>)[name]!;
      const loaded = Class.load(file).open();
      const restored = lib.restoreStream(snapshot);
      const expected = feed(stream, values, timestamps, 600);
      assertSameScores(feed(restored, values, timestamps, 600), expected, `${title}, restoreStream`, 600);
      // The loaded detector's deprecated update continues its saved stream; open() on it starts a new one.
      const resumed = Class.load(file) as Detector & { update(value: number, timestamp?: number): number };
      const mocked = mock.method(console, "warn", () => undefined);
      let continued: Float64Array;
      try {
        continued = Float64Array.from(values.subarray(600), (value, k) => resumed.update(value, timestamps[600 + k]));
      } finally {
        mocked.mock.restore();
      }
      assertSameScores(continued, expected, `${title}, the loaded detector's update()`, 600);
      assertSameScores(feed(loaded, values, timestamps), feed(testCase.make().open(), values, timestamps), `${title}, open() on the loaded detector`);
    });
  }
});
