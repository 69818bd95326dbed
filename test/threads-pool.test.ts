// The worker pool (src/threads) when a worker fails while holding a job (issue #22, item 4). The pool once waited
// with Atomics.wait and no timeout for a job counter only workers advance, so a worker that died holding a job
// (out of memory, a reply that could not be cloned) blocked the caller forever, uninterruptibly. Each scenario runs
// in a child process (test/helpers/pool-fault-scenario.ts) with a time limit, so that a hang fails the test
// instead of hanging the test runner.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";

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
