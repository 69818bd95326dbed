/**
 * Entry point of a pool worker thread (see pool.ts). Runs each posted task with the same code as the
 * main thread (tasks.ts) and signals completion through `Atomics`, because the main thread waits
 * synchronously.
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { STATUS, type WorkerReply } from "./pool";
import { runThreadTask, type ThreadTask } from "./tasks";

interface Setup {
  /** One Int32 status cell per worker. */
  readonly status: SharedArrayBuffer;
  readonly slot: number;
  /** Where each task's outcome goes, read synchronously by the waiting main thread. */
  readonly replies: MessagePort;
}

function signal(status: Int32Array, slot: number, value: number): void {
  Atomics.store(status, slot, value);
  Atomics.notify(status, slot);
}

if (parentPort !== null && workerData !== null && typeof workerData === "object" && "status" in workerData) {
  const { status: statusBuffer, slot, replies } = workerData as Setup;
  const status = new Int32Array(statusBuffer);
  parentPort.on("message", (task: ThreadTask) => {
    let reply: WorkerReply;
    try {
      reply = { value: runThreadTask(task) };
    } catch (error) {
      reply = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    replies.postMessage(reply);
    signal(status, slot, "error" in reply ? STATUS.failed : STATUS.done);
  });
  signal(status, slot, STATUS.ready);
}
