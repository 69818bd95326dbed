/**
 * Entry point of a neighbour-search worker thread (see neighbor-threads.ts).
 * Receives slices of a search over shared memory, runs them with the same code
 * as the main thread and signals completion through `Atomics`, because the main
 * thread waits synchronously (detectors' `fit` and `score` are synchronous).
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { runSearchTask, STATUS, type WorkerTask } from "./neighbor-search";

interface Setup {
  /** One Int32 status cell per worker. */
  readonly status: SharedArrayBuffer;
  readonly slot: number;
  /** Where error messages go, read synchronously by the waiting main thread. */
  readonly errors: MessagePort;
}

function signal(status: Int32Array, slot: number, value: number): void {
  Atomics.store(status, slot, value);
  Atomics.notify(status, slot);
}

if (parentPort !== null && workerData !== null && typeof workerData === "object" && "status" in workerData) {
  const { status: statusBuffer, slot, errors } = workerData as Setup;
  const status = new Int32Array(statusBuffer);
  parentPort.on("message", (task: WorkerTask) => {
    try {
      runSearchTask({
        train: { rows: task.trainRows, cols: task.cols, data: new Float64Array(task.train) },
        query: { rows: task.queryRows, cols: task.cols, data: new Float64Array(task.query) },
        k: task.k,
        excludeSelf: task.excludeSelf,
        method: task.method,
        from: task.from,
        to: task.to,
        squaredOut: new Float64Array(task.squaredOut),
        indexOut: new Int32Array(task.indexOut),
      });
      signal(status, slot, STATUS.done);
    } catch (error) {
      errors.postMessage(error instanceof Error ? (error.stack ?? error.message) : String(error));
      signal(status, slot, STATUS.failed);
    }
  });
  signal(status, slot, STATUS.ready);
}
