// One run of one of our detectors (or classifiers) on one benchmark data set, in its own process so that the
// peak memory belongs to this run alone. Prints one JSON line: seconds (a detector's first fit in the process,
// which yields the training scores; a classifier's fit on the train part), warmSeconds (a detector's second
// fit, when the first took < 20 s), peak RSS in MB (after the first fit), ROC-AUC (a detector: of the training
// scores; a classifier: of predictProba on the test part).
import { readFileSync } from "node:fs";
import { createMatrix, type Matrix, rocAuc, trainTestSplit } from "anomaly-lab";
import { BENCH_CLASSIFIERS, BENCH_DETECTORS, CLASSIFIER_SPLIT } from "./registry";

/**
 * This process's peak resident memory in MB. Linux's maxRSS survives exec, so a child of a large parent
 * (the benchmark, holding 1M-row data) would report the parent's peak: VmHWM belongs to this process alone.
 */
function peakRssMB(): number {
  try {
    const line = readFileSync("/proc/self/status", "utf8").split("\n").find((entry) => entry.startsWith("VmHWM:"));
    if (line !== undefined) return Number(line.split(/\s+/)[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024;
}

function timed(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function main(): void {
  const [name, xFile, yFile, rowsText, colsText] = process.argv.slice(2);
  const rows = Number(rowsText);
  const cols = Number(colsText);
  const bytes = readFileSync(xFile);
  const X = createMatrix(rows, cols, new Float64Array(bytes.buffer, bytes.byteOffset, rows * cols).slice());
  const y = Array.from(readFileSync(yFile));
  const classifier = BENCH_CLASSIFIERS[name];
  if (classifier !== undefined) {
    const { train: [XTrain, yTrain], test: [XTest, yTest] } = trainTestSplit([X, y] as [Matrix, number[]], { ...CLASSIFIER_SPLIT, stratify: y });
    const model = classifier.create();
    const seconds = timed(() => model.fit(XTrain, yTrain));
    const peakMB = peakRssMB();
    console.log(JSON.stringify({ label: classifier.label, seconds, peakMB, auc: rocAuc(yTest, model.classProbability(XTest, 1)) }));
    return;
  }
  const entry = BENCH_DETECTORS[name];
  if (entry === undefined) throw new Error(`unknown detector '${name}'; known: ${Object.keys(BENCH_DETECTORS).join(", ")}`);
  const detector = entry.create();
  const seconds = timed(() => detector.fit(X));
  const peakMB = peakRssMB();
  // A second fit in the same process, when cheap: the difference is start-up (JIT compilation, worker
  // threads, WebAssembly) that a notebook pays once.
  const warmSeconds = seconds < 20 ? timed(() => entry.create().fit(X)) : undefined;
  console.log(JSON.stringify({ label: entry.label, seconds, warmSeconds, peakMB, auc: rocAuc(y, detector.trainingScores) }));
}

main();
