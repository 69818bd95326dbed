/**
 * Entry point of a pool worker thread (see pool.ts). Runs each posted task with the same code as the
 * main thread (tasks.ts) and signals completion through `Atomics`, because the main thread waits
 * synchronously.
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { STATUS } from "./pool";
import { runThreadTask, type ThreadTask } from "./tasks";

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
  parentPort.on("message", (task: ThreadTask) => {
    try {
      runThreadTask(task);
      signal(status, slot, STATUS.done);
    } catch (error) {
      errors.postMessage(error instanceof Error ? (error.stack ?? error.message) : String(error));
      signal(status, slot, STATUS.failed);
    }
  });
  signal(status, slot, STATUS.ready);
}
