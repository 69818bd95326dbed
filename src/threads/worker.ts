/**
 * Entry point of a pool worker thread (see pool.ts). For each posted step it takes jobs from the shared
 * counter until none is left, runs each with the same code as the main thread (the runner registered under
 * the job's name, its defining module loaded the first time: jobs.ts), posts the job's value (or its error,
 * also when the value cannot be cloned), then counts the job as finished (in that order: the main thread reads
 * the replies once every job is counted); last, it marks itself as having left the step. It marks its slot
 * ready once loaded.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type PoolWorkerData, type PostedStep, type WorkerFaultForTests, WorkerState, type WorkerReply } from "./pool";
import { loadJob } from "./jobs";

if (parentPort !== null && workerData !== null && typeof workerData === "object" && "steps" in workerData) {
  const { steps, replies, states: stateBuffer, slot } = workerData as PoolWorkerData;
  const states = new Int32Array(stateBuffer);
  let fault: WorkerFaultForTests | undefined;
  steps.on("message", (message: PostedStep | { faultForTests: WorkerFaultForTests }) => {
    if ("faultForTests" in message) {
      fault = message.faultForTests;
      return;
    }
    const { job: name, module, task, count, control: buffer, step, member } = message;
    const control = new Int32Array(buffer);
    for (let job = Atomics.add(control, 0, 1); job < count; job = Atomics.add(control, 0, 1)) {
      const armed = fault;
      fault = undefined;
      if (armed === "exit") process.exit(70);
      if (armed === "terminated") {
        parentPort?.postMessage("terminate-me-for-tests");
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // held until the supervisor terminates it
      }
      let reply: WorkerReply;
      try {
        const value = armed === "unclonable-reply" ? () => undefined : loadJob(name, module).run(task, job);
        reply = { step, job, value };
      } catch (error) {
        reply = { step, job, error: describeError(error) };
      }
      try {
        replies.postMessage(reply);
      } catch (error) {
        // A value structured clone cannot copy (a function, a class instance with one): report it as the job's error.
        const why = `its result could not be sent back: ${describeError(error, false)}`;
        const unsent: WorkerReply = { step, job, error: why };
        replies.postMessage(unsent);
      }
      Atomics.add(control, 1, 1);
      Atomics.notify(control, 1);
    }
    Atomics.store(control, 2 + member, 1);
    Atomics.notify(control, 1);
  });
  Atomics.compareExchange(states, slot, WorkerState.starting, WorkerState.ready);
  Atomics.notify(states, slot);
}

function describeError(error: unknown, stack = true): string {
  if (!(error instanceof Error)) return String(error);
  return stack && error.stack !== undefined ? error.stack : `${error.name}: ${error.message}`;
}
