// Kinds of job defined outside src/threads, for test/threads-pool.test.ts: the pool must run them in a worker
// thread by loading this module there, with no edit to src/threads.
import { isMainThread, threadId } from "node:worker_threads";
import { defineJob, type JobDefinition } from "../../src/threads/jobs";

/** A handshake between the two threads of a step: cell 0 is set to 1 once a worker has run a job. */
export interface HandshakeTask {
  readonly cells: SharedArrayBuffer;
  readonly values: Float64Array;
}

/** What a job reports: the thread that ran it and its value. */
export interface JobOutcome {
  readonly threadId: number;
  readonly value: number;
}

/** Job j doubles values[j] and says which thread ran it; in a worker it also completes the handshake. */
export const doubleJob = defineJob("test.double", __filename, (task: HandshakeTask, job: number): JobOutcome => {
  if (!isMainThread) {
    const cells = new Int32Array(task.cells);
    Atomics.store(cells, 0, 1);
    Atomics.notify(cells, 0);
  }
  return { threadId, value: 2 * task.values[job] };
});

/**
 * This thread's share of a step: waits (at most `limitMs`) until a worker has run a job, so that the worker
 * surely takes one, then runs `definition` here.
 */
export function afterAWorkerJob<T>(definition: JobDefinition<HandshakeTask, T>, task: HandshakeTask, limitMs: number) {
  return (job: number): T => {
    Atomics.wait(new Int32Array(task.cells), 0, 0, limitMs);
    return definition.run(task, job);
  };
}

/** A job defined in the main thread only: a worker loading this module does not find it. */
export const mainThreadOnlyJob: JobDefinition<HandshakeTask, JobOutcome> = isMainThread
  ? defineJob("test.main-thread-only", __filename, (task: HandshakeTask, job: number) => ({ threadId, value: task.values[job] }))
  : { name: "test.main-thread-only", module: __filename, run: () => ({ threadId, value: Number.NaN }) };
