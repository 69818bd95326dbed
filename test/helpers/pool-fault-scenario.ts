// Run by test/threads-pool.test.ts in a child process, because the failure it guards against is a hang that
// blocks the thread uninterruptibly (Atomics.wait): `KNNDetector({ threads: 2 }).fit` on 20k x 8 rows while the
// pool's worker commits a fault on the job it takes (argv[2], see WorkerFaultForTests). Prints one JSON line:
// the fit's error, then whether a parallel fit afterwards still loads a worker and matches the one-thread fit.
import { KNNDetector } from "../../src/detectors/knn";
import { injectWorkerFaultForTests, warmWorkers, type WorkerFaultForTests } from "../../src/threads/pool";
import { uniformData } from "./detector-data";

const fault = process.argv[2] as WorkerFaultForTests;
const { X } = uniformData({ seed: 12, n: 20_000, d: 8, outliers: 0 });
const loaded = warmWorkers(2);
injectWorkerFaultForTests(fault);
let error: string | undefined;
const started = Date.now();
try {
  new KNNDetector({ threads: 2 }).fit(X);
} catch (caught) {
  error = (caught as Error).message;
}
const seconds = (Date.now() - started) / 1000;
const reloaded = warmWorkers(2);
const parallel = new KNNDetector({ threads: 2 }).fit(X).trainingScores;
const single = new KNNDetector({ threads: 1 }).fit(X).trainingScores;
const sameScores = parallel.every((value, i) => Object.is(value, single[i]));
console.log(JSON.stringify({ loaded, error, seconds, reloaded, sameScores }));
process.exit(0);
