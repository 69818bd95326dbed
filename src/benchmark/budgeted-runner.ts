/**
 * Runs lineup detectors under a time budget per run: each fit + score happens in a worker thread, which is stopped
 * (and replaced) when the budget runs out, so a sweep finishes in bounded time and reports "timed out" instead of
 * hanging on one slow detector.
 */
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { Matrix } from "../core/matrix";
import type { WorkerAnswer, WorkerJob } from "./run-worker";

/** What a budgeted run gives: the scores and seconds, the detector's error, or that the budget ran out. */
export type BudgetedResult = { scores: Float64Array; fitSeconds: number; scoreSeconds: number } | { error: string } | { timedOut: true };

/**
 * One worker at a time, started on first use and reused until a run times out or {@link BudgetedRunner.close}.
 *
 * @example
 * const runner = new BudgetedRunner(60);
 * const result = await runner.run("KNN", 1, split.train, split.test); // { scores, ... } | { error } | { timedOut: true }
 * await runner.close();
 */
export class BudgetedRunner {
  private worker: Promise<Worker> | undefined;

  /** `budgetSeconds`: the most one fit + score may take (the worker's start-up is not counted). */
  constructor(readonly budgetSeconds: number) {
    if (!(Number.isFinite(budgetSeconds) && budgetSeconds > 0)) {
      throw new RangeError(`timeBudgetSeconds must be a positive number of seconds, got ${budgetSeconds}`);
    }
  }

  /** Builds `detector` of the lineup as ADBench does with `seed`, fits it on `train` and scores `test`. */
  async run(detector: string, seed: number, train: Matrix, test: Matrix): Promise<BudgetedResult> {
    let worker: Worker;
    try {
      worker = await (this.worker ??= startWorker());
    } catch (error) {
      this.worker = undefined;
      return { error: `the run's worker did not start: ${error instanceof Error ? error.message : String(error)}` };
    }
    const job: WorkerJob = {
      detector, seed, train: { rows: train.rows, cols: train.cols, data: train.data }, test: { rows: test.rows, cols: test.cols, data: test.data },
    };
    return new Promise<BudgetedResult>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      const onMessage = (answer: WorkerAnswer) => {
        finish();
        resolve(answer);
      };
      // A worker that dies (out of memory, a native crash) fails this run only; the next run starts a new one.
      const onError = (error: Error) => {
        finish();
        this.worker = undefined;
        resolve({ error: `the run's worker stopped: ${error.message}` });
      };
      const onExit = (code: number) => onError(new Error(`exit code ${code}`));
      const timer = setTimeout(() => {
        finish();
        this.worker = undefined;
        void worker.terminate().then(() => resolve({ timedOut: true }), reject);
      }, this.budgetSeconds * 1000);
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage(job);
    });
  }

  /** Stops the worker (a runner left open keeps the process alive). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await (await worker).terminate();
  }
}

/** A worker running run-worker (compiled .js; from the TypeScript source under tsx, which it registers first). */
function startWorker(): Promise<Worker> {
  const file = path.join(__dirname, `run-worker${path.extname(__filename)}`);
  const register = file.endsWith(".ts") ? `require(${JSON.stringify(require.resolve("tsx/cjs"))}); ` : "";
  const source = `${register}require(${JSON.stringify(file)});`;
  const worker = new Worker(source, { eval: true });
  return new Promise((resolve, reject) => {
    worker.once("message", (message: unknown) =>
      message === "ready" ? resolve(worker) : reject(new Error(`run worker: unexpected first message ${String(message)}`)),
    );
    worker.once("error", reject);
  });
}
