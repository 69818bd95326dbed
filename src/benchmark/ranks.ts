/**
 * Average ranks over datasets, the summary ADBench (and most benchmark papers) give: on each dataset the detectors
 * are ranked by their score (1 = best), then each detector's ranks are averaged. Ranks compare detectors on
 * datasets of very different difficulty on one scale, where a mean ROC-AUC would be dominated by the hard ones.
 */

/** One detector's standing over the datasets. */
export interface DetectorRank {
  detector: string;
  /** Mean of its per-dataset ranks (1 = best); ties share the mean of the ranks they span. */
  averageRank: number;
  /** Datasets it was ranked on (those where it has a number). */
  datasets: number;
  /** Datasets where it ranks first (ties for first included). */
  wins: string[];
}

/**
 * Ranks detectors on each dataset by score (higher is better unless `lowerIsBetter`), ties averaged as
 * `scipy.stats.rankdata(method="average")` / pandas `rank()`, and averages each detector's ranks. A detector
 * without a finite score on a dataset is left out of that dataset's ranking (as pandas skips NaN). Best first;
 * equal averages keep the order of first appearance.
 *
 * @example
 * averageRanks({ cardio: { KNN: 0.72, PCA: 0.95 }, glass: { KNN: 0.85, PCA: 0.67 } });
 * // [{ detector: "KNN", averageRank: 1.5, datasets: 2, wins: ["glass"] }, { detector: "PCA", averageRank: 1.5, ... }]
 */
export function averageRanks(
  scores: Readonly<Record<string, Readonly<Record<string, number>>>>,
  options: { lowerIsBetter?: boolean } = {},
): DetectorRank[] {
  const standings = new Map<string, { sum: number; datasets: number; wins: string[] }>();
  for (const [dataset, byDetector] of Object.entries(scores)) {
    for (const detector of Object.keys(byDetector)) if (!standings.has(detector)) standings.set(detector, { sum: 0, datasets: 0, wins: [] });
    const ranked = Object.entries(byDetector).filter(([, score]) => Number.isFinite(score));
    const ranks = rankData(ranked.map(([, score]) => (options.lowerIsBetter ? score : -score)));
    ranked.forEach(([detector], k) => {
      const standing = standings.get(detector)!;
      standing.sum += ranks[k]!;
      standing.datasets += 1;
      if (ranks[k] === Math.min(...ranks)) standing.wins.push(dataset);
    });
  }
  return [...standings.entries()]
    .map(([detector, s]) => ({ detector, averageRank: s.datasets === 0 ? NaN : s.sum / s.datasets, datasets: s.datasets, wins: s.wins }))
    .sort((a, b) => (Number.isNaN(a.averageRank) ? 1 : Number.isNaN(b.averageRank) ? -1 : a.averageRank - b.averageRank));
}

/**
 * Ranks 1..n of `values` ascending, ties given the mean of the ranks they span (scipy's `rankdata`).
 *
 * @example rankData([0.3, 0.1, 0.3]); // [2.5, 1, 2.5]
 */
export function rankData(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]!] === values[order[start]!]) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]!] = rank;
    start = end + 1;
  }
  return ranks;
}
