// Micro-benchmark: our KNN, LOF and IForest detectors vs their PyOD equivalents rebuilt from
// scikit-learn, on the same synthetic Gaussian data, in one command (so that both sides see the
// same machine load). Ratios > 1 mean we are slower.
//
//   node --import tsx scripts/bench/neighbors-iforest.ts [--n 10000] [--d 30] [--seed 0]
//        [--detectors knn,lof,iforest] [--python PATH (default: .venv-reference)] [--threads N] [--cold]
//
// Times are wall-clock seconds of fit(X) and of score(X) on the training matrix. Our data are
// RandomState(seed).standardNormal (numpy's legacy generator, ~1 ulp apart at most). Unless
// --cold, each detector first runs once on min(n, 8000) rows, so that JIT compilation and the one-time
// start of the neighbour-search worker threads (~30 ms compiled, more under tsx) are not timed,
// as Python's import time is not timed either.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createMatrix } from "../../src/core/matrix";
import type { Detector } from "../../src/core/detector";
import { IForestDetector } from "../../src/detectors/iforest";
import { KNNDetector } from "../../src/detectors/knn";
import { LOFDetector } from "../../src/detectors/lof";
import { RandomState } from "../../src/random/random-state";
import { referencePython } from "./reference-python";

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

const n = Number(option("n", "10000"));
const d = Number(option("d", "30"));
const seed = Number(option("seed", "0"));
const detectors = option("detectors", "knn,lof,iforest").split(",");
const python = option("python", "") || referencePython();
const threads = process.argv.includes("--threads") ? Number(option("threads", "1")) : undefined;
const cold = process.argv.includes("--cold");

const makers: Record<string, () => Detector> = {
  knn: () => new KNNDetector({ nNeighbors: 5 }), // KNNDetector has no threads option: default threads
  lof: () => new LOFDetector({ nNeighbors: 20, threads }),
  iforest: () => new IForestDetector({ seed }),
};

interface Timing {
  fit: number;
  score: number;
  algorithm?: string;
}

const reference = spawnSync(python, [join(__dirname, "neighbors_iforest.py"), String(n), String(d), String(seed), ...detectors], {
  encoding: "utf8",
  maxBuffer: 1 << 20,
});
if (reference.status !== 0) throw new Error(`scikit-learn side failed: ${reference.stderr}`);
const sklearn = JSON.parse(reference.stdout) as Record<string, Timing>;

const X = createMatrix(n, d, new RandomState(seed).standardNormal(n * d));
const rows: string[] = [];
for (const name of detectors) {
  const make = makers[name];
  if (make === undefined) throw new Error(`unknown detector ${name} (knn, lof, iforest)`);
  if (!cold) {
    const rows = Math.min(n, 8000);
    const warm = new RandomState(seed + 1).standardNormal(rows * d);
    make().fit(createMatrix(rows, d, warm)).score(createMatrix(rows, d, warm.slice()));
  }
  const detector = make();
  let start = performance.now();
  detector.fit(X);
  const fit = (performance.now() - start) / 1000;
  start = performance.now();
  detector.score(createMatrix(n, d, X.data.slice()));
  const score = (performance.now() - start) / 1000;
  const ours = fit + score;
  const theirs = sklearn[name].fit + sklearn[name].score;
  rows.push(
    `${name.padEnd(8)} ours fit ${fit.toFixed(3)} s + score ${score.toFixed(3)} s = ${ours.toFixed(3)} s | ` +
      `sklearn (${sklearn[name].algorithm}) ${sklearn[name].fit.toFixed(3)} + ${sklearn[name].score.toFixed(3)} = ${theirs.toFixed(3)} s | ` +
      `ratio ${(ours / theirs).toFixed(2)}`,
  );
}
console.log(`n = ${n}, d = ${d}, seed = ${seed}`);
for (const row of rows) console.log(row);
