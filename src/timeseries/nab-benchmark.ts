// Runs time-series detectors over NAB corpus files and scores them with the NAB scorer, beside the
// published scoreboard. Used by `npm run nab` (scripts/nab.ts) and the time-series notebook.
import type { NabCorpusSeries } from "../data/nab-corpus";
import { ContextualGaussianDetector, RollingZScoreDetector, WindowedGaussianDetector } from "./baselines";
import { SuppressedDetector, TimeSeriesDetector } from "./detector";
import { StreamingDetector, summariseSeries } from "./stream";
import { SeasonalHybridEsdDetector } from "./shesd-detector";
import { NAB_PROFILE_NAMES, NabProfileName, NabProfileResult, scoreNab } from "./nab-scorer";

/**
 * A named way to score one file: `make` builds a TimeSeriesDetector for it (detectors may depend
 * on the file, e.g. its sampling), or `stream` is a StreamingDetector opened on the file's summary
 * (min, max, length, as NAB tells its detectors) and fed every point.
 */
export interface NabEntry {
  name: string;
  make?: (series: NabCorpusSeries) => TimeSeriesDetector;
  /** For `make`: "batch" scores each file with detectEntire; "streaming" feeds points one by one to a stream (open()). */
  mode?: "batch" | "streaming";
  stream?: StreamingDetector;
  /** The values to feed (default the file's); e.g. the numbers NAB's own CSV reader produced. */
  values?: (series: NabCorpusSeries) => ArrayLike<number>;
}

export interface NabBenchmarkRow {
  name: string;
  mode: "batch" | "streaming";
  scores: Record<NabProfileName, NabProfileResult>;
  /** Seconds spent detecting (scoring excluded). */
  seconds: number;
  files: number;
  /** Points scored (all files). */
  points: number;
}

/**
 * Scores each entry over the given corpus files (all 58 for the published comparison), sweeping
 * each profile's threshold as NAB does.
 *
 * @example
 * const corpus = await loadNabCorpus();
 * const rows = runNabBenchmark(corpus, [{ name: "rolling z", make: () => new RollingZScoreDetector() }]);
 * rows[0].scores.standard.normalized;
 */
export function runNabBenchmark(
  corpus: readonly NabCorpusSeries[],
  entries: readonly NabEntry[],
  options: {
    onFile?: (entry: string, file: string, done: number, total: number) => void;
    /** Receives every file's scores (e.g. to write NAB result files). */
    onScores?: (entry: string, series: NabCorpusSeries, scores: Float64Array) => void;
  } = {},
): NabBenchmarkRow[] {
  return entries.map((entry) => {
    if ((entry.make === undefined) === (entry.stream === undefined)) throw new Error(`runNabBenchmark: entry "${entry.name}" needs exactly one of make and stream`);
    const mode = entry.stream !== undefined ? "streaming" : (entry.mode ?? "batch");
    const inputs = [];
    let seconds = 0;
    let points = 0;
    for (const [k, series] of corpus.entries()) {
      const values = entry.values?.(series) ?? series.values;
      if (values.length !== series.timestamps.length) throw new Error(`runNabBenchmark: entry "${entry.name}" gave ${values.length} values for the ${series.timestamps.length} rows of ${series.key}`);
      const started = performance.now();
      const scores = scoreFile(entry, series, values);
      seconds += (performance.now() - started) / 1000;
      points += values.length;
      options.onScores?.(entry.name, series, scores);
      inputs.push({ key: series.key, timestamps: series.timestamps, scores, windows: series.windows });
      options.onFile?.(entry.name, series.key, k + 1, corpus.length);
    }
    return { name: entry.name, mode, scores: scoreNab(inputs), seconds, files: corpus.length, points };
  });
}

function scoreFile(entry: NabEntry, series: NabCorpusSeries, values: ArrayLike<number>): Float64Array {
  if (entry.stream !== undefined) {
    const stream = entry.stream.open(summariseSeries(values, entry.name));
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = stream.update(series.timestamps[i]!, values[i]!);
    return out;
  }
  const detector = entry.make!(series);
  if ((entry.mode ?? "batch") === "batch") return detector.detectEntire(values, series.timestamps);
  const stream = detector.open(summariseSeries(values, entry.name));
  return Float64Array.from(values, (v, i) => stream.update(series.timestamps[i]!, v));
}

/** The published scoreboard rows the issue compares against (results/final_results.json), standard profile first. */
export const NAB_PUBLISHED_LEADERS = ["ARTime", "numenta", "contextOSE", "randomCutForest", "twitterADVec", "windowedGaussian", "random", "null"] as const;

export interface NabTableRow {
  detector: string;
  source: string;
  standard: number;
  reward_low_FP_rate: number;
  reward_low_FN_rate: number;
  /** Detection wall time over the corpus, ours only. */
  seconds: number | null;
  /** Points scored per second of detection, ours only. */
  pointsPerSecond: number | null;
}

/** One table: our rows and the published ones, sorted by the standard profile. */
export function nabScoreTable(rows: readonly NabBenchmarkRow[], scoreboard: Record<string, Record<string, number>>): NabTableRow[] {
  const out: NabTableRow[] = rows.map((r) => ({
    detector: r.name,
    source: `anomaly-lab (${r.mode})`,
    ...(Object.fromEntries(NAB_PROFILE_NAMES.map((p) => [p, round1(r.scores[p].normalized)])) as Record<NabProfileName, number>),
    seconds: Math.round(r.seconds * 10) / 10,
    pointsPerSecond: r.seconds > 0 ? Math.round(r.points / r.seconds) : null,
  }));
  for (const name of NAB_PUBLISHED_LEADERS) {
    const s = scoreboard[name];
    if (s === undefined) continue;
    out.push({ detector: name, source: "published (NAB)", standard: round1(s.standard!), reward_low_FP_rate: round1(s.reward_low_FP_rate!), reward_low_FN_rate: round1(s.reward_low_FN_rate!), seconds: null, pointsPerSecond: null });
  }
  return out.sort((a, b) => b.standard - a.standard);
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * anomaly-lab's detectors as `npm run nab` runs them: S-H-ESD with the settings NAB used for
 * Twitter's AnomalyDetectionVec (batch, like the published run), and the streaming baselines, each
 * raw and debounced (SuppressedDetector: an alarm must beat the previous 100 scores).
 */
export function anomalyLabNabEntries(): NabEntry[] {
  const debounce = 100;
  return [
    { name: "S-H-ESD (period 150, maxAnoms 0.002)", make: () => new SeasonalHybridEsdDetector({ period: 150, maxAnoms: 0.002, alpha: 0.05, direction: "both" }) },
    { name: "windowed Gaussian", make: () => new WindowedGaussianDetector(), mode: "streaming" },
    { name: "windowed Gaussian, debounced", make: () => new SuppressedDetector(new WindowedGaussianDetector(), debounce), mode: "streaming" },
    { name: "rolling z-score (288 points)", make: () => new RollingZScoreDetector({ windowSize: 288 }), mode: "streaming" },
    { name: "rolling z-score (288 points), debounced", make: () => new SuppressedDetector(new RollingZScoreDetector({ windowSize: 288 }), debounce), mode: "streaming" },
    { name: "rolling MAD (288 points)", make: () => new RollingZScoreDetector({ windowSize: 288, robust: true }), mode: "streaming" },
    { name: "rolling MAD (288 points), debounced", make: () => new SuppressedDetector(new RollingZScoreDetector({ windowSize: 288, robust: true }), debounce), mode: "streaming" },
    { name: "contextual Gaussian (hour of week)", make: () => new ContextualGaussianDetector(), mode: "streaming" },
    { name: "contextual Gaussian (hour of week), debounced", make: () => new SuppressedDetector(new ContextualGaussianDetector(), debounce), mode: "streaming" },
  ];
}
