// Runs time-series detectors over NAB corpus files and scores them with the NAB scorer, beside the
// published scoreboard. Used by `npm run nab` (scripts/nab.ts) and the time-series notebook.
import type { NabCorpusSeries } from "../data/nab-corpus";
import { ContextualGaussianDetector, RollingZScoreDetector, WindowedGaussianDetector } from "./baselines";
import { SuppressedDetector, TimeSeriesDetector } from "./detector";
import { SeasonalHybridEsdDetector } from "./shesd-detector";
import { NAB_PROFILE_NAMES, NabProfileName, NabProfileResult, scoreNab } from "./nab-scorer";

/** A named way to build a detector for one file (detectors may depend on the file, e.g. its sampling). */
export interface NabEntry {
  name: string;
  make: (series: NabCorpusSeries) => TimeSeriesDetector;
  /** "batch" scores each file with detectEntire; "streaming" feeds points one by one with update(). */
  mode?: "batch" | "streaming";
}

export interface NabBenchmarkRow {
  name: string;
  mode: "batch" | "streaming";
  scores: Record<NabProfileName, NabProfileResult>;
  /** Seconds spent detecting (scoring excluded). */
  seconds: number;
  files: number;
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
  options: { onFile?: (entry: string, file: string, done: number, total: number) => void } = {},
): NabBenchmarkRow[] {
  return entries.map((entry) => {
    const mode = entry.mode ?? "batch";
    const inputs = [];
    let seconds = 0;
    for (const [k, series] of corpus.entries()) {
      const detector = entry.make(series);
      const started = performance.now();
      let scores: Float64Array;
      if (mode === "batch") {
        scores = detector.detectEntire(series.values, series.timestamps);
      } else {
        detector.reset();
        scores = Float64Array.from(series.values, (v, i) => detector.update(v, series.timestamps[i]));
      }
      seconds += (performance.now() - started) / 1000;
      inputs.push({ key: series.key, timestamps: series.timestamps, scores, windows: series.windows });
      options.onFile?.(entry.name, series.key, k + 1, corpus.length);
    }
    return { name: entry.name, mode, scores: scoreNab(inputs), seconds, files: corpus.length };
  });
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
}

/** One table: our rows and the published ones, sorted by the standard profile. */
export function nabScoreTable(rows: readonly NabBenchmarkRow[], scoreboard: Record<string, Record<string, number>>): NabTableRow[] {
  const out: NabTableRow[] = rows.map((r) => ({
    detector: r.name,
    source: `anomaly-lab (${r.mode})`,
    ...(Object.fromEntries(NAB_PROFILE_NAMES.map((p) => [p, round1(r.scores[p].normalized)])) as Record<NabProfileName, number>),
    seconds: Math.round(r.seconds * 10) / 10,
  }));
  for (const name of NAB_PUBLISHED_LEADERS) {
    const s = scoreboard[name];
    if (s === undefined) continue;
    out.push({ detector: name, source: "published (NAB)", standard: round1(s.standard!), reward_low_FP_rate: round1(s.reward_low_FP_rate!), reward_low_FN_rate: round1(s.reward_low_FN_rate!), seconds: null });
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
