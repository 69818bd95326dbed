/**
 * The worker thread of {@link BudgetedRunner}: builds a lineup detector as ADBench builds it, fits it on the
 * training part and scores the test part, and posts the scores back. Run in a worker so that a run past its time
 * budget can be stopped (a detector's fit is synchronous and cannot be interrupted on the main thread).
 */
import { parentPort } from "node:worker_threads";
import { createMatrix } from "../core/matrix";
import { RandomState } from "../random/random-state";
import { lineupEntry } from "./lineup";

/** A run asked of the worker: a lineup detector, the ADBench seed, and the two scaled parts. */
export interface WorkerJob {
  detector: string;
  seed: number;
  train: { rows: number; cols: number; data: Float64Array };
  test: { rows: number; cols: number; data: Float64Array };
}

/** The worker's answer: the test part's scores and seconds, or the error the detector threw. */
export type WorkerAnswer = { scores: Float64Array; fitSeconds: number; scoreSeconds: number } | { error: string };

const port = parentPort;
if (port !== null) {
  port.on("message", (job: WorkerJob) => {
    void answer(job).then((reply) => port.postMessage(reply, "scores" in reply ? [reply.scores.buffer] : []));
  });
  port.postMessage("ready");
}

async function answer(job: WorkerJob): Promise<WorkerAnswer> {
  try {
    const detector = lineupEntry(job.detector).make({ protocol: "adbench", contamination: 0.1, random: new RandomState(job.seed), seed: job.seed });
    const started = performance.now();
    await detector.fit(createMatrix(job.train.rows, job.train.cols, job.train.data));
    const fitted = performance.now();
    const scores = detector.score(createMatrix(job.test.rows, job.test.cols, job.test.data));
    const scored = performance.now();
    return { scores: Float64Array.from(scores), fitSeconds: (fitted - started) / 1000, scoreSeconds: (scored - fitted) / 1000 };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
