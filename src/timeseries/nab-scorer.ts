// The NAB scoring rules (Lavin & Ahmad 2015; numenta/NAB nab/sweeper.py), reproduced from their
// semantics: every detection inside a labelled window earns the scaled sigmoid of its position
// (earliest detection ~ +1, the window's right edge 0), only the best detection per window counts,
// a window with none costs fnWeight, and a detection outside every window costs fpWeight times a
// sigmoid of its distance past the previous window (-1 before any window).

/** A profile's cost matrix (config/profiles.json). */
export interface NabCostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

export type NabProfileName = "standard" | "reward_low_FP_rate" | "reward_low_FN_rate";

/** The three published profiles: standard, reward low false positives, reward low false negatives. */
export const NAB_PROFILES: Readonly<Record<NabProfileName, NabCostMatrix>> = {
  standard: { tpWeight: 1.0, fpWeight: 0.11, fnWeight: 1.0 },
  reward_low_FP_rate: { tpWeight: 1.0, fpWeight: 0.22, fnWeight: 1.0 },
  reward_low_FN_rate: { tpWeight: 1.0, fpWeight: 0.11, fnWeight: 2.0 },
};
export const NAB_PROFILE_NAMES = Object.keys(NAB_PROFILES) as NabProfileName[];

/** NAB's default probationary share: the first 15% of each file (at most 750 rows) is not scored. */
export const NAB_PROBATION_PERCENT = 0.15;

/**
 * One file to score: timestamps (epoch ms), anomaly scores, windows. Rows are taken in file order,
 * as NAB does (a repeated timestamp is allowed; a window starts at the first row carrying its start).
 */
export interface NabScoringInput {
  key: string;
  timestamps: ArrayLike<number>;
  scores: ArrayLike<number>;
  /** Inclusive [start, end] epoch ms; each bound must be one of `timestamps`. */
  windows: readonly (readonly [number, number])[];
}

/** Counts and raw score at one threshold (a detection is `score >= threshold`). */
export interface NabThresholdScore {
  threshold: number;
  score: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
  total: number;
}

/**
 * 2·sigmoid(-5x) - 1: +0.987 at the left edge of a window (x = -1), 0 at its right edge (x = 0),
 * -0.987 one window-width past it, and -1 beyond x = 3.
 *
 * @example scaledSigmoid(-1); // 0.9866142981514305
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3) return -1;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

/**
 * NAB's probationary length: min(floor(p·n), p·5000) rows.
 *
 * @example nabProbationLength(10320); // 750
 */
export function nabProbationLength(rows: number, percent = NAB_PROBATION_PERCENT): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

// Window id of a scorable point: >= 0 a window, -1 outside every window.
const OUTSIDE = -1;

/** Per-row sweep scores of a set of files, the input of the threshold sweep. */
export interface NabSweepRows {
  /** Anomaly score of each scorable (post-probation) row, all files concatenated. */
  scores: Float64Array;
  /** The row's weighted NAB score if it were a detection. */
  sweepScores: Float64Array;
  /** Global window id, or -1 outside windows. */
  windowIds: Int32Array;
  /** Number of distinct windows with at least one scorable row. */
  windowCount: number;
  /** Per input file, the weighted S(t) of every row (probationary rows too), as NAB writes to its results. */
  perRow: Float64Array[];
}

/**
 * Computes each row's would-be score under a cost matrix (NAB's calcSweepScore), dropping the
 * probationary rows, for one or many files.
 */
export function nabSweepRows(files: readonly NabScoringInput[], cost: NabCostMatrix, probationPercent = NAB_PROBATION_PERCENT): NabSweepRows {
  if (typeof probationPercent !== "number" || !(probationPercent >= 0 && probationPercent < 1)) {
    throw new RangeError(`NAB scorer: probationPercent must be in [0, 1), got ${probationPercent}`);
  }
  const maxTP = scaledSigmoid(-1);
  const scores: number[] = [];
  const sweepScores: number[] = [];
  const windowIds: number[] = [];
  const perRow: Float64Array[] = [];
  let nextWindowId = 0;
  const seenWindows = new Set<number>();
  for (const file of files) {
    const n = file.timestamps.length;
    if (file.scores.length !== n) throw new Error(`NAB scorer: "${file.key}" has ${n} timestamps but ${file.scores.length} anomaly scores`);
    // NAB locates a window bound at the first row carrying that timestamp and walks rows in file
    // order; eight corpus files repeat or reorder timestamps (clock changes), so do the same.
    const firstIndex = new Map<number, number>();
    for (let i = 0; i < n; i++) if (!firstIndex.has(file.timestamps[i]!)) firstIndex.set(file.timestamps[i]!, i);
    const probation = nabProbationLength(n, probationPercent);
    file.windows.forEach(([start, end], k) => {
      if (!firstIndex.has(start) || !firstIndex.has(end)) throw new Error(`NAB scorer: window ${k} of "${file.key}" has a bound that is not one of its timestamps`);
      if (end < start) throw new Error(`NAB scorer: window ${k} of "${file.key}" ends before it starts`);
      if (k > 0 && start <= file.windows[k - 1]![1]) throw new Error(`NAB scorer: windows ${k - 1} and ${k} of "${file.key}" overlap or are out of order`);
      // NAB's sweeper would silently drop the probationary rows of such a window (and the whole window if
      // it ends there too); its labeller never lets one through (nab/labeler.py checkWindows deletes it).
      if (firstIndex.get(start)! < probation) {
        throw new Error(
          `NAB scorer: window ${k} of "${file.key}" starts at row ${firstIndex.get(start)}, inside the probationary period ` +
            `(rows 0-${Math.ceil(probation) - 1}: the first ${+(100 * probationPercent).toPrecision(12)}% of its ${n} rows, at most ` +
            `${+(5000 * probationPercent).toPrecision(12)}, are not scored); NAB's labeller deletes such windows: drop it, or lower probationPercent`,
        );
      }
    });
    const rowScores = new Float64Array(n);
    let next = 0; // next window to enter
    let current: { end: number; right: number; width: number; id: number } | null = null;
    let prevRight = -1;
    let prevWidth = 0;
    for (let i = 0; i < n; i++) {
      const t = file.timestamps[i]!;
      const s = file.scores[i]!;
      if (!Number.isFinite(s)) throw new Error(`NAB scorer: "${file.key}" row ${i} has anomaly score ${s}`);
      if (next < file.windows.length && t === file.windows[next]![0]) {
        const [start, end] = file.windows[next]!;
        const right = firstIndex.get(end)!;
        current = { end, right, width: right - firstIndex.get(start)! + 1, id: nextWindowId + next };
        next++;
      }
      let weighted: number;
      if (current !== null) {
        weighted = (scaledSigmoid(-(current.right - i + 1) / current.width) * cost.tpWeight) / maxTP;
      } else if (prevRight < 0) {
        weighted = -1 * cost.fpWeight;
      } else {
        weighted = scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1)) * cost.fpWeight;
      }
      rowScores[i] = weighted;
      if (i >= probation) {
        scores.push(s);
        sweepScores.push(weighted);
        const id = current === null ? OUTSIDE : current.id;
        windowIds.push(id);
        if (id !== OUTSIDE) seenWindows.add(id);
      }
      if (current !== null && t === current.end) {
        prevRight = i;
        prevWidth = current.width;
        current = null;
      }
    }
    nextWindowId += file.windows.length;
    perRow.push(rowScores);
  }
  return {
    scores: Float64Array.from(scores),
    sweepScores: Float64Array.from(sweepScores),
    windowIds: Int32Array.from(windowIds),
    windowCount: seenWindows.size,
    perRow,
  };
}

/**
 * The score at every distinct threshold, from above the highest anomaly score (nothing detected)
 * down to the lowest (everything detected): NAB's calcScoreByThreshold. `cost.fnWeight` sets the
 * cost of a missed window.
 */
export function nabScoresByThreshold(rows: NabSweepRows, cost: NabCostMatrix): NabThresholdScore[] {
  const n = rows.scores.length;
  const order = Array.from({ length: n }, (_, i) => i);
  // Stable descending sort: ties keep file order, as Python's sorted does.
  order.sort((a, b) => rows.scores[b]! - rows.scores[a]! || a - b);
  const best = new Map<number, number>();
  for (let i = 0; i < n; i++) if (rows.windowIds[i]! >= 0) best.set(rows.windowIds[i]!, -cost.fnWeight);
  let fpSum = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < n; i++) rows.windowIds[i]! >= 0 ? fn++ : tn++;
  const total = (): number => {
    let s = fpSum;
    for (const v of best.values()) s += v;
    return s;
  };
  const out: NabThresholdScore[] = [];
  let threshold = 1.1;
  for (const i of order) {
    const s = rows.scores[i]!;
    if (s !== threshold) {
      out.push({ threshold, score: total(), tp, tn, fp, fn, total: tp + tn + fp + fn });
      threshold = s;
    }
    const id = rows.windowIds[i]!;
    if (id >= 0) {
      tp++;
      fn--;
      if (rows.sweepScores[i]! > best.get(id)!) best.set(id, rows.sweepScores[i]!);
    } else {
      fp++;
      tn--;
      fpSum += rows.sweepScores[i]!;
    }
  }
  out.push({ threshold, score: total(), tp, tn, fp, fn, total: tp + tn + fp + fn });
  return out;
}

/**
 * The score at a given threshold (detections = `score >= threshold`): NAB's scoreDataSet.
 *
 * @example nabScoreAtThreshold(nabScoresByThreshold(rows, NAB_PROFILES.standard), 0.5).score;
 */
export function nabScoreAtThreshold(byThreshold: readonly NabThresholdScore[], threshold: number): NabThresholdScore {
  if (typeof threshold !== "number" || Number.isNaN(threshold)) throw new Error(`nabScoreAtThreshold: threshold must be a number, got ${threshold}`);
  let previous: NabThresholdScore | undefined;
  for (const row of byThreshold) {
    if (row.threshold === threshold) return row;
    if (row.threshold < threshold) break;
    previous = row;
  }
  // Thresholds descend; a threshold above 1.1 detects nothing, as the first row.
  return previous ?? byThreshold[0]!;
}

/** The best threshold of a sweep: the highest score, the first such (highest threshold) on ties. */
export function nabBestThreshold(byThreshold: readonly NabThresholdScore[]): NabThresholdScore {
  let best = byThreshold[0]!;
  for (const row of byThreshold) if (row.score > best.score) best = row;
  return best;
}

/** One detector's result under one profile. */
export interface NabProfileResult {
  profile: NabProfileName;
  threshold: number;
  /** Sum of NAB scores over the corpus at that threshold. */
  rawScore: number;
  /** 100·(raw − null)/(perfect − null): 0 = the null detector, 100 = every window detected at its left edge. */
  normalized: number;
  /** The raw score of detecting nothing (NAB's null detector). */
  nullScore: number;
  /** tpWeight × the number of labelled anomalies. */
  perfectScore: number;
  counts: { tp: number; fp: number; fn: number; tn: number };
}

/** Options for {@link scoreNab}. */
export interface ScoreNabOptions {
  /** Profiles to score (default all three). */
  profiles?: NabProfileName[];
  /** Use these thresholds instead of sweeping (e.g. the published ones in config/thresholds.json). */
  thresholds?: Partial<Record<NabProfileName, number>>;
  /** Number of labelled anomalies for the perfect score (default: the number of windows). NAB counts combined_labels.json. */
  labelCount?: number;
  probationPercent?: number;
}

/**
 * Scores a detector over a set of NAB files under each profile: sweeps every threshold on the
 * whole set and keeps the best (as NAB's optimizer), or uses the threshold given; then normalises
 * against the null detector (no detections) and the perfect detector.
 *
 * @example
 * const corpus = await loadNabCorpus();
 * const report = scoreNab(corpus.map((c) => ({ ...c, scores: myScores(c.values) })));
 * report.standard.normalized; // NAB score, standard profile
 */
export function scoreNab(files: readonly NabScoringInput[], options: ScoreNabOptions = {}): Record<NabProfileName, NabProfileResult> {
  if (files.length === 0) throw new Error("scoreNab: no files to score");
  const probationPercent = options.probationPercent ?? NAB_PROBATION_PERCENT;
  const labelCount = options.labelCount ?? files.reduce((s, f) => s + f.windows.length, 0);
  if (!Number.isInteger(labelCount) || labelCount < 0) throw new Error(`scoreNab: labelCount must be a non-negative integer, got ${labelCount}`);
  const out = {} as Record<NabProfileName, NabProfileResult>;
  for (const profile of options.profiles ?? NAB_PROFILE_NAMES) {
    const cost = NAB_PROFILES[profile];
    if (cost === undefined) throw new Error(`scoreNab: unknown profile "${profile}" (profiles: ${NAB_PROFILE_NAMES.join(", ")})`);
    const given = options.thresholds?.[profile];
    if (given !== undefined && (typeof given !== "number" || Number.isNaN(given))) {
      throw new Error(`scoreNab: thresholds.${profile} must be a number (a detection is score >= threshold), got ${given}`);
    }
    const rows = nabSweepRows(files, cost, probationPercent);
    const sweep = nabScoresByThreshold(rows, cost);
    const chosen = given === undefined ? nabBestThreshold(sweep) : nabScoreAtThreshold(sweep, given);
    const nullScore = -cost.fnWeight * rows.windowCount;
    const perfectScore = labelCount * cost.tpWeight;
    if (perfectScore === nullScore) {
      // NAB divides by zero here too (runner.normalize), printing nan; the raw sweep is still meaningful.
      throw new Error(
        `scoreNab: the ${files.length} file${files.length === 1 ? " has" : "s have"} no labelled anomaly window (and labelCount is 0), so the ` +
          `normalised score 100·(raw − null)/(perfect − null) is 0 / 0: score them together with labelled files, give ` +
          `labelCount, or read the raw score from nabScoresByThreshold(nabSweepRows(files, cost), cost)`,
      );
    }
    out[profile] = {
      profile,
      threshold: given ?? chosen.threshold,
      rawScore: chosen.score,
      normalized: (100 * (chosen.score - nullScore)) / (perfectScore - nullScore),
      nullScore,
      perfectScore,
      counts: { tp: chosen.tp, fp: chosen.fp, fn: chosen.fn, tn: chosen.tn },
    };
  }
  return out;
}
