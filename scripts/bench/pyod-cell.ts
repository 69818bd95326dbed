// One cell of `npm run bench:pyod` in isolation, for profiling: the benchmark's loader, split and scaler
// (src/benchmark/pyod-protocol.ts), the lineup's detector, fit + score of the test part, timed by the process's
// CPU time (process.cpuUsage: every thread, robust on a loaded machine) and by the wall clock. Its Python twin
// scripts/bench/pyod_cell.py does the same with PyOD.
//
//   node --import tsx scripts/bench/pyod-cell.ts --dataset mnist --detector CBLOF [--iterations 2] [--repeat 3]
//     [--scores out.json]   (the test scores of each iteration, to compare runs with Object.is)
//     add --cpu-prof before --import for a V8 profile of the run.
// Only this detector draws from the split's generator here, so a randomised cell differs from the full run's.
import { writeFileSync } from "node:fs";
import { loadAdbench, pyodColumnEntry, PYOD_ODDS_DATASETS, RandomState, StandardScaler, trainTestSplit } from "../../src/index";
import { OCSVMDetector } from "../../src/detectors/ocsvm";
import { argument } from "./results-files";

async function main(): Promise<void> {
  const dataset = argument("dataset") ?? "mnist";
  const detectorName = argument("detector") ?? "CBLOF";
  const iterations = Number(argument("iterations") ?? 2);
  const repeat = Number(argument("repeat") ?? 1);
  const entry = pyodColumnEntry(detectorName);
  const id = PYOD_ODDS_DATASETS[dataset];
  if (entry === undefined || id === undefined) throw new Error(`unknown detector ${detectorName} or dataset ${dataset}`);
  const data = await loadAdbench(id);
  const allScores: number[][] = [];
  for (let r = 0; r < repeat; r++) {
    let cpu = 0;
    let wall = 0;
    for (let i = 0; i < iterations; i++) {
      const random = new RandomState(i);
      const { train: [XTrain], test: [XTest] } = trainTestSplit([data.X, data.y], { testSize: 0.4, seed: random });
      const scaler = new StandardScaler().fit(XTrain);
      const train = scaler.transform(XTrain);
      const test = scaler.transform(XTest);
      const detector = entry.make({ protocol: "pyod", contamination: data.outlierFraction, random, seed: i });
      const cpuStart = process.cpuUsage();
      const wallStart = performance.now();
      await detector.fit(train);
      const scores = detector.score(test);
      wall += (performance.now() - wallStart) / 1000;
      const used = process.cpuUsage(cpuStart);
      cpu += (used.user + used.system) / 1e6;
      if (r === 0) allScores.push(Array.from(scores));
      // OCSVM: the SMO iterations and support vectors, to set beside scikit-learn's n_iter_ and n_support_.
      if (r === 0 && detector instanceof OCSVMDetector) {
        const svm = { iteration: i, svmIterations: detector.iterations, svmSupport: detector.supportIndices.length };
        console.log(JSON.stringify(svm));
      }
    }
    console.log(JSON.stringify({ dataset, detector: detectorName, repeat: r, iterations, cpuSeconds: +(cpu / iterations).toFixed(4), wallSeconds: +(wall / iterations).toFixed(4) }));
  }
  const out = argument("scores");
  if (out !== undefined) writeFileSync(out, JSON.stringify(allScores));
}

void main();
