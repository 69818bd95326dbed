/**
 * Entry point of a pool worker thread (see pool.ts). For each posted step it takes jobs from the shared
 * counter until none is left, runs each with the same code as the main thread (tasks.ts), posts the
 * job's value, then counts the job as finished (in that order: the main thread reads the replies once
 * every job is counted).
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import type { PostedStep, WorkerReply } from "./pool";
import { runThreadJob } from "./tasks";

if (parentPort !== null && workerData !== null && typeof workerData === "object" && "replies" in workerData) {
  const replies = (workerData as { replies: MessagePort }).replies;
  parentPort.on("message", ({ task, count, control: buffer, step }: PostedStep) => {
    const control = new Int32Array(buffer);
    if (task.kind === "ping") {
      Atomics.add(new Int32Array(task.cell), 0, 1);
      Atomics.notify(new Int32Array(task.cell), 0);
      return;
    }
    for (let job = Atomics.add(control, 0, 1); job < count; job = Atomics.add(control, 0, 1)) {
      let reply: WorkerReply;
      try {
        reply = { step, job, value: runThreadJob(task, job) };
      } catch (error) {
        reply = { step, job, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      }
      replies.postMessage(reply);
      Atomics.add(control, 1, 1);
      Atomics.notify(control, 1);
    }
  });
}
