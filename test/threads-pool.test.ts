// The worker pool (src/threads) when a worker fails while holding a job (issue #22, item 4). The pool once waited
// with Atomics.wait and no timeout for a job counter only workers advance, so a worker that died holding a job
// (out of memory, a reply that could not be cloned) blocked the caller forever, uninterruptibly. Each scenario runs
// in a child process (test/helpers/pool-fault-scenario.ts) with a time limit, so that a hang fails the test
// instead of hanging the test runner.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { threadId } from "node:worker_threads";
import { defineJob } from "../src/threads/jobs";
import { runJobs, warmWorkers } from "../src/threads/pool";
import { afterAWorkerJob, doubleJob, type HandshakeTask, mainThreadOnlyJob } from "./helpers/thread-jobs";

const SCENARIO = path.join(__dirname, "helpers", "pool-fault-scenario.ts");
/** Far above a run here (a few seconds): only a hang reaches it. */
const LIMIT_MS = 60_000;

interface Outcome {
  loaded: number;
  error?: string;
  seconds: number;
  reloaded: number;
  sameScores: boolean;
}

function runScenario(fault: string): Outcome {
  const child = spawnSync(process.execPath, ["--import", "tsx", SCENARIO, fault], {
    encoding: "utf8",
    timeout: LIMIT_MS,
    cwd: path.join(__dirname, ".."),
  });
  assert.equal(child.signal, null, `the fit did not return within ${LIMIT_MS / 1000} s (killed by ${child.signal}): the pool hung`);
  assert.equal(child.status, 0, `the scenario failed: ${child.stderr}`);
  const outcome = JSON.parse(child.stdout.trim().split("\n").pop() as string) as Outcome;
  assert.equal(outcome.loaded, 1, "a worker thread loaded before the fault");
  return outcome;
}

describe("worker pool: a worker that fails holding a job", () => {
  it("a worker that exits while holding a job: fit throws naming the worker's exit (no hang); the next fit gets a fresh worker and the one-thread scores", () => {
    const outcome = runScenario("exit");
    assert.match(outcome.error ?? "", /^neighbour search failed: worker thread \d+ stopped \(exit code 70\) while holding jobs: 1 of 2 never finished/);
    assert.equal(outcome.reloaded, 1, "a fresh worker loads after the death");
    assert.equal(outcome.sameScores, true, "a parallel fit after the death equals the one-thread fit");
  });

  it("a worker terminated while holding a job (no JavaScript runs in it afterwards, as when it runs out of memory): fit throws naming the exit (no hang)", () => {
    const outcome = runScenario("terminated");
    assert.match(outcome.error ?? "", /^neighbour search failed: worker thread \d+ stopped \(exit code 1\) while holding jobs: 1 of 2 never finished/);
    assert.equal(outcome.reloaded, 1, "a fresh worker loads after the death");
    assert.equal(outcome.sameScores, true, "a parallel fit after the death equals the one-thread fit");
  });

  it("a reply that cannot be cloned: fit throws the clone error as the job's error (no hang); the worker lives on", () => {
    const outcome = runScenario("unclonable-reply");
    assert.match(outcome.error ?? "", /^neighbour search failed in a worker thread: its result could not be sent back: DataCloneError/);
    assert.equal(outcome.reloaded, 1);
    assert.equal(outcome.sameScores, true);
  });
});

// src/threads is a registry (issue #23, item 6): the module that owns a parallel step defines its job, and a worker
// loads that module by path to find it, so a new threaded job needs no edit to src/threads.
describe("worker pool: jobs defined by the modules that own them", () => {
  const handshake = (values: number[]): HandshakeTask => ({ cells: new SharedArrayBuffer(4), values: Float64Array.from(values) });

  it("a job defined outside src/threads (test/helpers/thread-jobs.ts) runs in a worker thread that loads its module: values in job order, one from the worker", () => {
    assert.equal(warmWorkers(2), 1, "a worker thread loads");
    const task = handshake([1.5, -3]);
    const outcomes = runJobs(2, 2, doubleJob, task, "test step", afterAWorkerJob(doubleJob, task, 30_000));
    assert.deepEqual(outcomes.map((outcome) => outcome.value), [3, -6]);
    assert.equal(outcomes.filter((outcome) => outcome.threadId !== threadId).length, 1, "the worker ran one of the two jobs");
  });

  it("a job its module defines only in the main thread: the step throws 'the job \"test.main-thread-only\" is not defined by <module> once loaded'", () => {
    assert.equal(warmWorkers(2), 1);
    const task = handshake([1, 2]);
    assert.throws(
      () => runJobs(2, 2, mainThreadOnlyJob, task, "test step", afterAWorkerJob(mainThreadOnlyJob, task, 3_000)),
      /^Error: test step failed in a worker thread: Error: the job "test\.main-thread-only" is not defined by \/.*thread-jobs\.ts once loaded/,
    );
  });

  it("a job whose module cannot be loaded in the worker: the step throws 'the job ... could not be loaded from <module>', naming the module", () => {
    assert.equal(warmWorkers(2), 1);
    const missing = defineJob("test.missing-module", "/nonexistent/anomaly-lab-job.js", (task: HandshakeTask, job: number) => task.values[job]);
    const task = handshake([1, 2]);
    assert.throws(
      () => runJobs(2, 2, missing, task, "test step", afterAWorkerJob(missing, task, 3_000)),
      /^Error: test step failed in a worker thread: Error: the job "test\.missing-module" could not be loaded from \/nonexistent\/anomaly-lab-job\.js: Cannot find module/,
    );
  });

  it("defineJob refuses a name another module defined, and a module that is not an absolute path", () => {
    assert.throws(
      () => defineJob("test.double", "/elsewhere/module.js", () => 0),
      /^Error: defineJob: the job "test\.double" is defined twice, by \/.*thread-jobs\.ts and by \/elsewhere\/module\.js/,
    );
    assert.throws(() => defineJob("test.relative", "./module.js", () => 0), /module must be the absolute path of the defining module \(__filename\), got \.\/module\.js/);
  });
});
