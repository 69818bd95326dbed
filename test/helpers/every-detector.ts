// Every detector class that src/index.ts exports (classic, neural, time series), each with a small instance
// that fits in well under a second, for tests of what they all share (getParams/clone, save/load). The list is
// checked against the exports: a new exported detector without an entry here fails those tests.
import pl from "nodejs-polars";
import type { AnyDetector } from "../../src/core/detector";
import * as library from "../../src/index";
import { RandomState } from "../../src/random/random-state";
import { TINY_COLUMNS, TINY_NEURAL, tinyRows } from "./tiny-neural";

/** How one exported detector class is built small. */
export interface DetectorCase {
  readonly name: string;
  readonly kind: "classic" | "neural" | "time series";
  /** A small instance; `seed` is used by the classes that draw random numbers. */
  readonly make: (seed: number) => AnyDetector | library.TimeSeriesDetector;
  /** Whether the class draws random numbers (and so takes a seed). */
  readonly seeded: boolean;
  /** The options `make` gives (besides the seed), where the case states them. */
  readonly options?: Record<string, unknown>;
}

/** Exported classes that are bases to extend, not detectors to build. */
export const ABSTRACT_BASES: readonly string[] = ["DetectorCore", "BaseDetector", "AsyncBaseDetector", "NeuralDetector", "CausalDetector"];

type Options = Record<string, unknown>;

/** A classic detector class built with `options`, plus `seed` when it is `seeded`. */
function classic(Class: new (options: never) => AnyDetector, seeded: boolean, options: Options = {}): DetectorCase {
  const Built = Class as unknown as new (options: Options) => AnyDetector;
  return { name: Class.name, kind: "classic", make: (seed) => new Built(seeded ? { ...options, seed } : options), seeded, options };
}

function series(Class: new (options: never) => library.TimeSeriesDetector, options: Options): DetectorCase {
  const Built = Class as unknown as new (options: Options) => library.TimeSeriesDetector;
  return { name: Class.name, kind: "time series", make: () => new Built(options), seeded: false, options };
}

export const EVERY_DETECTOR: readonly DetectorCase[] = [
  classic(library.KNNDetector, false, { nNeighbors: 4, method: "mean" }),
  classic(library.KMeansDetector, true, { k: 3 }),
  classic(library.MCDDetector, true),
  classic(library.EllipticEnvelopeDetector, true, { threshold: { contamination: 0.05 } }),
  classic(library.PCADetector, false, { nComponents: 2, method: "reconstruction" }),
  classic(library.OCSVMDetector, false, { nu: 0.3, gamma: "scale" }),
  classic(library.LOFDetector, false, { nNeighbors: 6 }),
  classic(library.IForestDetector, true, { nEstimators: 20 }),
  classic(library.HBOSDetector, false, { nBins: 7 }),
  classic(library.ECODDetector, false),
  classic(library.ZScoreDetector, false),
  classic(library.MADDetector, false, { threshold: { contamination: 0.1 } }),
  classic(library.IQRDetector, false, { k: 2 }),
  classic(library.MahalanobisDetector, false, { threshold: { meanMultiple: 2 } }),
  classic(library.ABODDetector, false, { nNeighbors: 6 }),
  classic(library.CBLOFDetector, true, { nClusters: 4, alpha: 0.7 }),
  classic(library.FeatureBaggingDetector, true, { nEstimators: 3, nNeighbors: 8 }),
  classic(library.COPODDetector, false),
  classic(library.LODADetector, true, { nRandomCuts: 12 }),
  classic(library.COFDetector, false, { nNeighbors: 8 }),
  classic(library.SODDetector, false, { nNeighbors: 10, refSet: 5 }),
  classic(library.INNEDetector, true, { nEstimators: 15 }),
  classic(library.KDEDetector, false, { bandwidth: "scott" }),
  classic(library.GMMDetector, true, { nComponents: 2 }),
  ...TINY_NEURAL.map((tiny): DetectorCase => ({ name: tiny.name, kind: "neural", make: tiny.make, seeded: true })),
  series(library.WindowedGaussianDetector, { windowSize: 40, stepSize: 7 }),
  series(library.RollingZScoreDetector, { windowSize: 30, robust: true, minPoints: 10 }),
  series(library.ContextualGaussianDetector, { perContext: 4, minPoints: 2 }),
  series(library.SeasonalHybridEsdDetector, { period: 12, windowSize: 48, maxAnoms: 0.05 }),
  {
    name: "SuppressedDetector",
    kind: "time series",
    make: () => new library.SuppressedDetector(new library.RollingZScoreDetector({ windowSize: 20 }), 4),
    seeded: false,
  },
];

/**
 * The names of the exported classes that are detectors: a prototype with `fit` and `score`, or `detectEntire` and
 * `update`. A second name for a class is not another class, nor is a deprecated alias (docs/detectors.md, "Old
 * spellings"): `<Name>`, a subclass of the exported `<Name>Detector` that only renames it (EllipticEnvelope).
 */
export function exportedDetectorClasses(): string[] {
  return Object.entries(library)
    .filter(([name, value]) => typeof value === "function" && value.prototype !== undefined && value.name === name)
    .filter(([name, value]) => Object.getPrototypeOf(value) !== (library as Record<string, unknown>)[`${name}Detector`])
    .filter(([, value]) => {
      const prototype = (value as { prototype: Record<string, unknown> }).prototype;
      const classic = typeof prototype.fit === "function" && typeof prototype.score === "function";
      const timeSeries = typeof prototype.detectEntire === "function" && typeof prototype.update === "function";
      return classic || timeSeries;
    })
    .map(([name]) => name)
    .filter((name) => !ABSTRACT_BASES.includes(name))
    .sort();
}

/** Classic training rows: 60 x 3 standard normal values (one outlier), as a DataFrame with named columns. */
export function classicTrainingFrame(): pl.DataFrame {
  const values = new RandomState(11).standardNormal(60 * 3);
  values[0] = 6;
  const column = (j: number) => Array.from({ length: 60 }, (_, i) => values[i * 3 + j]);
  return pl.DataFrame({ speed: column(0), load: column(1), heat: column(2) });
}

/** Classic new rows: 30 x 3 (COF and SOD score a batch among its own rows: more than their k of them). */
export function classicNewRows(): number[][] {
  const values = new RandomState(12).standardNormal(30 * 3).map((value) => 1.5 * value);
  return Array.from({ length: 30 }, (_, i) => [values[i * 3], values[i * 3 + 1], values[i * 3 + 2]]);
}

/** Neural training rows as a DataFrame of TINY_COLUMNS named columns. */
export function neuralTrainingFrame(): pl.DataFrame {
  const rows = tinyRows(40);
  return pl.DataFrame(Object.fromEntries(Array.from({ length: TINY_COLUMNS }, (_, j) => [`x${j}`, rows.map((row) => row[j])])));
}

export function neuralNewRows(): number[][] {
  return tinyRows(12, 0.3);
}

/**
 * A series of 240 points: a wave, noise, and two spikes; timestamps in epoch ms 42 hours apart, so that the
 * contextual detector's hours of the week cycle through 4 contexts of 60 points each.
 */
export function seriesPoints(): { values: number[]; timestamps: number[] } {
  const noise = new RandomState(5).standardNormal(240);
  const values = Array.from({ length: 240 }, (_, i) => 10 + 3 * Math.sin((2 * Math.PI * i) / 12) + 0.3 * noise[i]);
  values[100] += 8;
  values[200] -= 9;
  const start = Date.UTC(2024, 0, 1);
  return { values, timestamps: values.map((_, i) => start + i * 42 * 3_600_000) };
}

/** Points a time-series detector streams before it is saved; the rest are streamed after loading. */
export const STREAMED_BEFORE_SAVE = 150;

/** One saved detector to load, and what to give it once loaded. */
export interface LoadRequest {
  readonly name: string;
  readonly kind: "classic" | "neural" | "time series";
  readonly path: string;
  /** Rows to score (classic and neural). */
  readonly rows?: number[][];
  /** The rest of the stream (time series): updated point by point after loading. */
  readonly stream?: { values: number[]; timestamps: number[] };
  /** A whole series for `detectEntire` (time series). */
  readonly series?: { values: number[]; timestamps: number[] };
}

/** What one loaded detector gave. */
export interface LoadedOutcome {
  readonly className: string;
  readonly params: string;
  readonly scores?: string;
  readonly trainingScores?: string;
  readonly threshold?: number;
  readonly labels?: number[];
  readonly featureNames?: string[] | null;
  readonly streamed?: string;
  readonly entire?: string;
}

/** `params` with every nested detector (SuppressedDetector's `inner`) replaced by its class and params, to compare. */
export function comparableParams(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => {
      const nested = value as { getParams?: () => Record<string, unknown> } | null;
      if (typeof nested?.getParams !== "function") return [name, value];
      return [name, { class: value!.constructor.name, params: comparableParams(nested.getParams()) }];
    }),
  );
}

export function float64Base64(values: ArrayLike<number>): string {
  return Buffer.from(Float64Array.from(values).buffer).toString("base64");
}

/**
 * Params as comparable text: JSON with `undefined` kept (as a marker), non-finite numbers and -0 spelled out, and
 * a RandomState or a function named by its kind, a nested detector as its class and params.
 */
export function paramsText(params: Record<string, unknown>): string {
  return JSON.stringify(params, (_key, value: unknown) => {
    if (value === undefined) return "<undefined>";
    if (typeof value === "number" && (!Number.isFinite(value) || Object.is(value, -0))) return `<number ${Object.is(value, -0) ? "-0" : value}>`;
    if (typeof value === "function") return "<function>";
    if (value instanceof library.RandomState) return "<RandomState>";
    const nested = value as { getParams?: () => Record<string, unknown> } | null;
    if (typeof nested?.getParams === "function") return { class: value!.constructor.name, params: nested.getParams() };
    return value;
  });
}

