// One run of one of our detectors on one benchmark data set, in its own process so that the peak memory
// belongs to this run alone. Prints one JSON line: seconds (fit, which yields the training scores),
// peak RSS in MB, ROC-AUC of the training scores.
import { readFileSync } from "node:fs";
import { createMatrix } from "../../src/core";
import { rocAuc } from "../../src/evaluation";
import { BENCH_DETECTORS } from "./registry";

function main(): void {
  const [name, xFile, yFile, rowsText, colsText] = process.argv.slice(2);
  const entry = BENCH_DETECTORS[name];
  if (entry === undefined) throw new Error(`unknown detector '${name}'; known: ${Object.keys(BENCH_DETECTORS).join(", ")}`);
  const rows = Number(rowsText);
  const cols = Number(colsText);
  const bytes = readFileSync(xFile);
  const X = createMatrix(rows, cols, new Float64Array(bytes.buffer, bytes.byteOffset, rows * cols).slice());
  const y = Array.from(readFileSync(yFile));
  const detector = entry.create();
  const start = process.hrtime.bigint();
  detector.fit(X);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peakMB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ label: entry.label, seconds, peakMB, auc: rocAuc(y, detector.trainingScores) }));
}

main();
