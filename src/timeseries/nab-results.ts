// NAB's results-file format, so anyone can re-score our detectors with NAB's own tools
// (`python run.py -d <name> --optimize --score --normalize` after copying the folder into NAB's results/).
import type { NabCorpusSeries } from "../data/nab-corpus";

/** NAB's timestamp text for epoch ms read as UTC: "YYYY-MM-DD HH:MM:SS". */
export function nabTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/**
 * One file's results as NAB writes them before scoring: `timestamp,value,anomaly_score,label`,
 * label 1 inside an anomaly window. Numbers print in their shortest round-trip form.
 *
 * @example nabResultsCsv(series, scores).split("\n")[0]; // "timestamp,value,anomaly_score,label"
 */
export function nabResultsCsv(series: Pick<NabCorpusSeries, "key" | "timestamps" | "values" | "windows">, scores: ArrayLike<number>): string {
  const n = series.timestamps.length;
  if (scores.length !== n || series.values.length !== n) {
    throw new Error(`nabResultsCsv: ${series.key} has ${n} timestamps, ${series.values.length} values and ${scores.length} scores`);
  }
  const lines = ["timestamp,value,anomaly_score,label"];
  for (let i = 0; i < n; i++) {
    const t = series.timestamps[i]!;
    if (!Number.isFinite(scores[i]!)) throw new Error(`nabResultsCsv: ${series.key} row ${i} has anomaly score ${scores[i]}`);
    const label = series.windows.some(([start, end]) => t >= start && t <= end) ? 1 : 0;
    lines.push(`${nabTimestamp(t)},${series.values[i]},${scores[i]},${label}`);
  }
  return lines.join("\n") + "\n";
}

/** NAB's path of a detector's results for one file: "<detector>/<category>/<detector>_<file>.csv". */
export function nabResultsPath(detector: string, key: string): string {
  const [category, file] = key.split("/") as [string, string];
  return `${detector}/${category}/${detector}_${file}`;
}
