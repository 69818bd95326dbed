// One option vocabulary for every detector (issue #23, item 1): every detector class exported by the package,
// classic, neural and time series, is found by what its prototype offers (fit + score, or detectEntire +
// update) and checked for the shared options: `seed` as a number or a RandomState, one `threshold` option
// ({ fixed }, { quantile }, { contamination }, { meanPlusStd }, { meanMultiple }, and `contamination` as
// PyOD's shorthand), labels and alarms by `score > threshold`, names ending in "Detector", and old spellings
// that keep working with one deprecation warning per process naming the new spelling.
import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import * as lib from "../src/index";
import { percentile } from "../src/core/percentile";
import { TINY_NEURAL, tinyRows } from "./helpers/tiny-neural";

type Scored = {
  fit(X: unknown): unknown;
  score(X: unknown): Float64Array;
  predict(X: unknown): Uint8Array;
  readonly trainingScores: Float64Array;
  readonly threshold: number;
  readonly labels: Uint8Array;
  dispose?: () => void;
};
type Streaming = {
  readonly threshold: number;
  detectEntire(values: ArrayLike<number>, timestamps?: ArrayLike<number>): Float64Array;
  alarms(values: ArrayLike<number>, timestamps?: ArrayLike<number>): Uint8Array;
};
type AnyClass = new (...args: never[]) => unknown;

const isClass = (entry: [string, unknown]): entry is [string, AnyClass] =>
  typeof entry[1] === "function" && typeof (entry[1] as AnyClass).prototype === "object";
const exported = Object.entries(lib as unknown as Record<string, unknown>).filter(isClass);
/** The abstract bases: exported for subclassing, not detectors a user constructs. */
const ABSTRACT = new Set<unknown>([
  lib.DetectorCore, lib.BaseDetector, lib.AsyncBaseDetector, lib.NeuralDetector, lib.CausalDetector,
]);
const has = (Class: AnyClass, ...methods: string[]) =>
  methods.every((method) => typeof (Class.prototype as Record<string, unknown>)[method] === "function");
/** Every exported detector class with the row contract (fit + score): classic and neural. */
const ROW_DETECTORS = exported.filter(([, Class]) => has(Class, "fit", "score") && !ABSTRACT.has(Class));
/** Every exported time-series detector class (detectEntire + update). */
const SERIES_DETECTORS = exported.filter(([, Class]) => has(Class, "detectEntire", "update") && !ABSTRACT.has(Class));

// Classic detectors: 60 rows of 3 standard-normal columns with two clear outliers.
const random = new lib.RandomState(3);
const values = random.standardNormal(60 * 3);
values[0] = 9;
values[4] = -7;
const X = lib.createMatrix(60, 3, values);
const XNew = lib.createMatrix(25, 3, random.standardNormal(25 * 3).map((v) => 3 * v)); // COF and SOD need > 20
// Neural detectors: rows of 16 values (a 4 x 4 image, 16 steps or 16 features).
const NEURAL_ROWS = tinyRows(32);
const NEURAL_NEW = tinyRows(8, 1.3);

/** Options a class needs to fit the data above quickly; everything else is the class's default. */
const TINY: Record<string, Record<string, unknown>> = {
  GMMDetector: { nComponents: 2 },
  KMeansDetector: { k: 3 },
  ...Object.fromEntries(TINY_NEURAL.map((tiny) => [tiny.name, tiny.options])),
};
const isNeural = (name: string) => TINY_NEURAL.some((tiny) => tiny.name === name);

/** Builds, fits (awaiting neural fits) and returns the detector. */
async function fitted(name: string, Class: AnyClass, options: Record<string, unknown>): Promise<Scored> {
  const detector = new (Class as unknown as new (options: object) => Scored)({ ...TINY[name], ...options });
  await detector.fit(isNeural(name) ? NEURAL_ROWS : X);
  return detector;
}

function newRows(name: string): unknown {
  return isNeural(name) ? NEURAL_NEW : XNew;
}

/** Whether the class draws random numbers: it records the `seed` it was given. */
function isSeeded(name: string, Class: AnyClass): boolean {
  return "seed" in (new (Class as unknown as new (options: object) => object)({ ...TINY[name], seed: 1 }) as object);
}

function assertSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: ${actual[i]} is not ${expected[i]}`);
  }
}

/** The 0/1 labels of `score > threshold` (PyOD's `labels_` rule). */
function above(scores: ArrayLike<number>, threshold: number): number[] {
  return Array.from(scores, (score) => (score > threshold ? 1 : 0));
}

/** numpy's population mean and standard deviation (ddof 0). */
function meanAndStd(scores: ArrayLike<number>): { mean: number; std: number } {
  const n = scores.length;
  const mean = Array.from(scores).reduce((sum, v) => sum + v, 0) / n;
  const std = Math.sqrt(Array.from(scores).reduce((sum, v) => sum + (v - mean) ** 2, 0) / n);
  return { mean, std };
}

function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} is not ${expected}`);
}

/** A seed given to every fit of a seeded class, so that refits see the same scores. */
const SEED = 7;

describe("every exported detector takes the shared options with the same meaning", () => {
  it("finds the classic, neural and time-series detector classes among the exports", () => {
    const rowNames = ROW_DETECTORS.map(([name]) => name);
    for (const name of ["IForestDetector", "KNNDetector", "ZScoreDetector", "AutoencoderDetector", "GANEnsembleDetector"]) {
      assert.ok(rowNames.includes(name), `${name} is enumerated`);
    }
    assert.ok(ROW_DETECTORS.length >= 33, `${ROW_DETECTORS.length} row detectors`);
    assert.ok(SERIES_DETECTORS.length >= 5, `${SERIES_DETECTORS.length} time-series detectors`);
    const seeded = ROW_DETECTORS.filter(([name, Class]) => isSeeded(name, Class)).map(([name]) => name);
    for (const name of ["IForestDetector", "LODADetector", "KMeansDetector", "MCDDetector", "AutoencoderDetector"]) {
      assert.ok(seeded.includes(name), `${name} takes a seed`);
    }
  });

  it("every exported detector class is named <Something>Detector, or is a deprecated alias of one that warns once", () => {
    for (const [name, Class] of [...ROW_DETECTORS, ...SERIES_DETECTORS]) {
      if (name.endsWith("Detector")) continue;
      const Parent = Object.getPrototypeOf(Class) as AnyClass;
      assert.equal(Parent.name, `${name}Detector`, `${name} is a deprecated alias of ${name}Detector`);
      assert.equal((lib as unknown as Record<string, unknown>)[`${name}Detector`], Parent, `${name}Detector is exported`);
    }
  });

  for (const [name, Class] of ROW_DETECTORS) {
    const base = () => (isSeeded(name, Class) ? { seed: SEED } : {});

    const sameSeed = `${name}: seed: 7 and seed: new RandomState(7) give the same training and new-row scores`;
    if (isSeeded(name, Class)) it(sameSeed, async () => {
      const byNumber = await fitted(name, Class, { seed: SEED });
      const byGenerator = await fitted(name, Class, { seed: new lib.RandomState(SEED) });
      assertSameBits(byGenerator.trainingScores, byNumber.trainingScores, `${name} training scores`);
      assertSameBits(byGenerator.score(newRows(name)), byNumber.score(newRows(name)), `${name} new scores`);
      byNumber.dispose?.();
      byGenerator.dispose?.();
    });

    it(`${name}: threshold { fixed: t } sets threshold = t, labels = trainingScores > t, predict = score > t (a score equal to t is 0)`, async () => {
      const reference = await fitted(name, Class, base());
      const sorted = Float64Array.from(reference.trainingScores).sort();
      const t = sorted[Math.floor(sorted.length / 2)]; // a training score itself: `>` leaves it an inlier
      const detector = await fitted(name, Class, { ...base(), threshold: { fixed: t } });
      assert.equal(detector.threshold, t);
      assert.deepEqual(Array.from(detector.labels), above(detector.trainingScores, t));
      const atThreshold = Array.from(detector.trainingScores).some((score, i) => score === t && detector.labels[i] === 0);
      assert.ok(atThreshold, "score = t is an inlier");
      assert.deepEqual(Array.from(detector.predict(newRows(name))), above(detector.score(newRows(name)), t));
      reference.dispose?.();
      detector.dispose?.();
    });

    it(`${name}: threshold { quantile: 0.8 } is numpy's 80th percentile of the training scores`, async () => {
      const detector = await fitted(name, Class, { ...base(), threshold: { quantile: 0.8 } });
      assert.ok(Object.is(detector.threshold, percentile(detector.trainingScores, 80)), `${detector.threshold}`);
      assert.deepEqual(Array.from(detector.labels), above(detector.trainingScores, detector.threshold));
      detector.dispose?.();
    });

    it(`${name}: contamination: 0.15, threshold { contamination: 0.15 } and threshold { quantile: 1 - 0.15 } place the same threshold`, async () => {
      const c = 0.15;
      const shorthand = await fitted(name, Class, { ...base(), contamination: c });
      const rule = await fitted(name, Class, { ...base(), threshold: { contamination: c } });
      const quantile = await fitted(name, Class, { ...base(), threshold: { quantile: 1 - c } });
      assert.ok(Object.is(rule.threshold, shorthand.threshold), `${rule.threshold} vs ${shorthand.threshold}`);
      if (name === "EllipticEnvelopeDetector" || name === "EllipticEnvelope") {
        // scikit-learn's EllipticEnvelope: offset_ = percentile(-distances, 100 c), threshold -offset_: the same order
        // statistic as PyOD's, interpolated from the other end (equal up to rounding).
        const negated = shorthand.trainingScores.map((score) => -score);
        assert.ok(Object.is(shorthand.threshold, -percentile(negated, 100 * c)));
        assertClose(shorthand.threshold, quantile.threshold, `${name} contamination vs quantile`);
      } else {
        assert.ok(Object.is(shorthand.threshold, quantile.threshold), `${shorthand.threshold} vs ${quantile.threshold}`);
        assert.ok(Object.is(shorthand.threshold, percentile(shorthand.trainingScores, 100 * (1 - c))));
      }
      for (const detector of [shorthand, rule, quantile]) detector.dispose?.();
    });

    it(`${name}: threshold { meanPlusStd: 1 } is mean + std and { meanMultiple: 2 } is 2 x mean of the training scores`, async () => {
      const plusStd = await fitted(name, Class, { ...base(), threshold: { meanPlusStd: 1 } });
      const { mean, std } = meanAndStd(plusStd.trainingScores);
      assertClose(plusStd.threshold, mean + std, `${name} meanPlusStd`);
      const multiple = await fitted(name, Class, { ...base(), threshold: { meanMultiple: 2 } });
      assertClose(multiple.threshold, 2 * meanAndStd(multiple.trainingScores).mean, `${name} meanMultiple`);
      plusStd.dispose?.();
      multiple.dispose?.();
    });

    it(`${name}: a threshold that is not one rule (two keys, an unknown key, or contamination with threshold) fails naming the option`, () => {
      const make = (options: Record<string, unknown>) => () =>
        new (Class as unknown as new (options: object) => unknown)({ ...TINY[name], ...base(), ...options });
      assert.throws(make({ threshold: { fixed: 1, quantile: 0.5 } }), /threshold must be one of/);
      assert.throws(make({ threshold: { percentile: 90 } }), /threshold must be one of/);
      assert.throws(make({ threshold: { quantile: 1.5 } }), /threshold\.quantile must be in \[0, 1\], got 1\.5/);
      assert.throws(make({ contamination: 0.1, threshold: { fixed: 1 } }), /pass either contamination or threshold, not both/);
    });
  }

  // Time series: a daily-seasonal hourly series with spikes, and timestamps for the contextual detector.
  const n = 24 * 7 * 8; // the contextual detector scores an hour of the week from its 5th week on
  const series = Array.from({ length: n }, (_, i) => {
    const spike = i % 97 === 0 ? 4 : 0;
    return Math.sin((2 * Math.PI * i) / 24) + spike + 0.1 * Math.cos(i * 1.7);
  });
  const times = Array.from({ length: n }, (_, i) => i * 3_600_000);
  const SERIES_OPTIONS: Record<string, (options: Record<string, unknown>) => Streaming> = {
    WindowedGaussianDetector: (options) => new lib.WindowedGaussianDetector({ windowSize: 100, stepSize: 10, ...options }),
    RollingZScoreDetector: (options) => new lib.RollingZScoreDetector({ windowSize: 50, ...options }),
    ContextualGaussianDetector: (options) => new lib.ContextualGaussianDetector({ ...options }),
    SeasonalHybridEsdDetector: (options) => new lib.SeasonalHybridEsdDetector({ period: 24, maxAnoms: 0.05, ...options }),
    SuppressedDetector: (options) =>
      new lib.SuppressedDetector(new lib.RollingZScoreDetector({ windowSize: 50, ...options }), 5),
  };

  for (const [name] of SERIES_DETECTORS) {
    it(`${name}: threshold { fixed: t } sets threshold = t and alarms = score > t (a score equal to t raises no alarm)`, () => {
      const make = SERIES_OPTIONS[name];
      assert.ok(make !== undefined, `${name} has tiny options in this test`);
      const scores = make({}).detectEntire(series, times);
      const positive = Array.from(scores).filter((score) => score > 0).sort((a, b) => a - b);
      const t = positive[Math.floor(positive.length / 2)]!;
      const detector = make({ threshold: { fixed: t } });
      assert.equal(detector.threshold, t);
      const alarms = detector.alarms(series, times);
      assert.deepEqual(Array.from(alarms), above(detector.detectEntire(series, times), t));
      assert.ok(Array.from(scores).some((score, i) => score === t && alarms[i] === 0), "score = t raises no alarm");
    });

    it(`${name}: a threshold rule that needs training scores ({ quantile }, { contamination }, ...) fails: a stream has no fit, use { fixed }`, () => {
      const make = SERIES_OPTIONS[name]!;
      for (const threshold of [{ quantile: 0.9 }, { contamination: 0.1 }, { meanPlusStd: 3 }, { meanMultiple: 3 }]) {
        const message = /threshold \{ (quantile|contamination|meanPlusStd|meanMultiple) \} needs training scores.*\{ fixed: t \}/;
        assert.throws(() => make({ threshold }), message);
      }
    });
  }

  it("RandomForestClassifier (supervised): seed: 7 and seed: new RandomState(7) give the same probabilities", () => {
    const y = Array.from({ length: X.rows }, (_, i) => (X.data[3 * i]! > 0.5 ? 1 : 0));
    const byNumber = new lib.RandomForestClassifier({ nEstimators: 5, seed: SEED }).fit(X, y);
    const byGenerator = new lib.RandomForestClassifier({ nEstimators: 5, seed: new lib.RandomState(SEED) }).fit(X, y);
    assertSameBits(byGenerator.classProbability(XNew, 1), byNumber.classProbability(XNew, 1), "probabilities");
  });

  it("kmeans and minCovDet: seed: 7 and seed: new RandomState(7) give the same result", () => {
    assert.deepEqual(lib.kmeans(X, 3, { seed: new lib.RandomState(SEED) }), lib.kmeans(X, 3, { seed: SEED }));
    assert.deepEqual(lib.minCovDet(X, { seed: new lib.RandomState(SEED) }), lib.minCovDet(X, { seed: SEED }));
  });

  it("a neural detector given a RandomState records an integer seed: RandomState(7) gives 7; a generator that has drawn gives its next draw", () => {
    const fresh = new lib.AutoencoderDetector({ seed: new lib.RandomState(SEED) });
    assert.equal(fresh.seed, SEED);
    const shared = new lib.RandomState(SEED);
    const first = new lib.AutoencoderDetector({ seed: shared });
    const second = new lib.AutoencoderDetector({ seed: shared });
    const reference = new lib.RandomState(SEED);
    reference.randint(0, 2 ** 31 - 1); // the draw the first detector took
    assert.equal(first.seed, SEED);
    assert.equal(second.seed, reference.randint(0, 2 ** 31 - 1));
  });

  it("seed that is neither an integer in [0, 2**32 - 1] nor a RandomState fails naming the option and the value", () => {
    const cases: [() => unknown, string][] = [
      [() => new lib.IForestDetector({ seed: "7" as unknown as number }), 'IForestDetector: seed must be EXPECTED, got the string "7"'],
      [() => new lib.LODADetector({ seed: -1 }), "LODADetector: seed must be EXPECTED, got -1"],
      [() => new lib.AutoencoderDetector({ seed: 1.5 }), "AutoencoderDetector: seed must be EXPECTED, got 1.5"],
      [() => lib.kmeans(X, 2, { seed: {} as unknown as number }), "kmeans: seed must be EXPECTED, got an object (Object)"],
    ];
    const expected = "an integer between 0 and 2**32 - 1 or a RandomState";
    for (const [make, message] of cases) assert.throws(make, { message: message.replace("EXPECTED", expected) });
  });
});

describe("old spellings keep working for one release, with one console.warn per process naming the new spelling", () => {
  type Outcome = { scores: ArrayLike<number>; threshold?: number };
  const outcome = async (detector: Scored, rows: unknown = X): Promise<Outcome> => {
    await detector.fit(rows);
    const result = { scores: detector.trainingScores, threshold: detector.threshold };
    detector.dispose?.();
    return result;
  };
  const neural = TINY_NEURAL[0]!.options;
  const cases: { old: string; now: string; warning: RegExp; make: (old: boolean) => Promise<Outcome> }[] = [
    {
      old: "random: RandomState",
      now: "seed: RandomState",
      warning: /"random".*"seed"/,
      make: (old) => {
        const generator = new lib.RandomState(SEED);
        return outcome(new lib.IForestDetector(old ? ({ random: generator } as object) : { seed: generator }));
      },
    },
    {
      old: "kmeans(X, k, { random: 7 })",
      now: "{ seed: 7 }",
      warning: /"random".*"seed"/,
      make: async (old) => ({ scores: lib.kmeans(X, 3, old ? ({ random: SEED } as object) : { seed: SEED }).codebook.data }),
    },
    {
      old: "thresholdRule: { fixed: 0.1 }",
      now: "threshold: { fixed: 0.1 }",
      warning: /"thresholdRule".*threshold: \{ fixed: 0\.1 \}/,
      make: (old) => {
        const rule = old ? { thresholdRule: { fixed: 0.1 } } : { threshold: { fixed: 0.1 } };
        return outcome(new lib.AutoencoderDetector({ ...neural, seed: SEED, ...rule }), NEURAL_ROWS);
      },
    },
    {
      old: 'thresholdRule: "contamination"',
      now: "contamination: 0.2",
      warning: /"thresholdRule".*threshold: \{ contamination: 0\.2 \}/,
      make: (old) => {
        const rule = old ? { thresholdRule: "contamination" as const } : {};
        return outcome(new lib.AutoencoderDetector({ ...neural, seed: SEED, contamination: 0.2, ...rule }), NEURAL_ROWS);
      },
    },
    {
      old: "meanMultiple: 3",
      now: "threshold: { meanMultiple: 3 }",
      warning: /"meanMultiple".*threshold: \{ meanMultiple: 3 \}/,
      make: (old) => outcome(new lib.MahalanobisDetector(old ? ({ meanMultiple: 3 } as object) : { threshold: { meanMultiple: 3 } })),
    },
    {
      old: "ZScoreDetector threshold: 2",
      now: "threshold: { fixed: 2 }",
      warning: /threshold: 2 .*threshold: \{ fixed: 2 \}/,
      make: (old) => outcome(new lib.ZScoreDetector({ threshold: old ? (2 as never) : { fixed: 2 } })),
    },
    {
      old: "ZScoreDetector threshold: null",
      now: "contamination: 0.05",
      warning: /threshold: null.*threshold: \{ contamination: 0\.05 \}/,
      make: (old) => outcome(new lib.ZScoreDetector({ contamination: 0.05, ...(old ? { threshold: null as never } : {}) })),
    },
    {
      old: "WindowedGaussianDetector threshold: 0.9",
      now: "threshold: { fixed: 0.9 }",
      warning: /threshold: 0\.9 .*threshold: \{ fixed: 0\.9 \}/,
      make: async (old) => {
        const threshold = old ? (0.9 as never) : { fixed: 0.9 };
        const detector = new lib.WindowedGaussianDetector({ windowSize: 4, stepSize: 2, threshold });
        return { scores: detector.alarms([1, 2, 3, 2, 1, 9, 1, 2], undefined), threshold: detector.threshold };
      },
    },
    {
      old: "EllipticEnvelope",
      now: "EllipticEnvelopeDetector",
      warning: /EllipticEnvelope is deprecated.*EllipticEnvelopeDetector/,
      make: (old) => outcome(new (old ? lib.EllipticEnvelope : lib.EllipticEnvelopeDetector)({ seed: SEED })),
    },
  ];

  for (const { old, now, warning, make } of cases) {
    it(`${old}: the result of ${now}, and one warning that names it (a second use does not warn again)`, async () => {
      const { resetDeprecationWarnings } = await import("../src/core/deprecation.js");
      resetDeprecationWarnings();
      const warn = mock.method(console, "warn", () => undefined);
      try {
        const current = await make(false);
        assert.equal(warn.mock.callCount(), 0, "the new spelling does not warn");
        const first = await make(true);
        const second = await make(true);
        assert.equal(warn.mock.callCount(), 1, "one warning per process");
        assert.match(String(warn.mock.calls[0]!.arguments[0]), warning);
        assertSameBits(first.scores, current.scores, `${old} scores`);
        assertSameBits(second.scores, current.scores, `${old} scores, second use`);
        assert.ok(Object.is(first.threshold, current.threshold), `${old} threshold ${first.threshold} vs ${current.threshold}`);
      } finally {
        warn.mock.restore();
      }
    });
  }

  it("an old and a new spelling of the same option together fail naming both", () => {
    const both = { seed: 1, random: new lib.RandomState(1) } as object;
    assert.throws(() => new lib.IForestDetector(both), /pass either seed or random, not both/);
    assert.throws(
      () => new lib.AutoencoderDetector({ threshold: { fixed: 1 }, thresholdRule: { fixed: 1 } } as object),
      /pass either threshold or thresholdRule, not both/,
    );
    const flovik = { threshold: { fixed: 1 }, meanMultiple: 3 } as object;
    assert.throws(() => new lib.MahalanobisDetector(flovik), /pass either threshold or meanMultiple, not both/);
  });
});
