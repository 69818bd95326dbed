// Issue #22 on the real anomaly-lab kernel under jupyter_client: no lost output, no lost replies, no hangs,
// kernel deaths and memory exhaustion reported in the notebook, ipykernel's abort semantics, and interrupts that
// reach the library's interrupt count. test/kernel-protocol/trust_client.py drives one fresh kernel per scenario
// and prints what the client saw; the assertions are here.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { before, describe, test } from "node:test";
import v8 from "node:v8";
import { ExecutionQueue } from "../src/kernel/execution-queue";
import { heapLimit, heapLimitErrorContent } from "../src/kernel/heap-guard";
import { kernelSpec } from "../src/kernel/kernelspec";
import { withQueuedSends, type Frames } from "../src/kernel/send-queue";
import { StreamCoalescer } from "../src/kernel/stream-coalescer";
import { jupyterPython, ROOT } from "./helpers/jupyter";

const CLIENT = path.join(ROOT, "test", "kernel-protocol", "trust_client.py");

interface Output {
  type: string;
  content: { name?: string; text?: string; data?: Record<string, unknown>; ename?: string; evalue?: string };
}
interface ReplyContent {
  status: string;
  execution_count?: number;
  ename?: string;
  evalue?: string;
}
interface Executed {
  reply: ReplyContent;
  outputs: Output[];
}
type Facts = Record<string, unknown> & { kernel_alive: boolean; client_error?: string };

let python: string;

before(() => {
  const main = path.join(ROOT, "dist", "kernel", "main.js");
  assert.ok(fs.existsSync(main), "dist/kernel/main.js is missing: run `npm run build` first");
  const built = fs.statSync(main).mtimeMs;
  const kernelDir = path.join(ROOT, "src", "kernel");
  const stale = fs.readdirSync(kernelDir).filter((f) => fs.statSync(path.join(kernelDir, f)).mtimeMs > built);
  assert.deepEqual(stale, [], "dist/kernel is older than src/kernel: run `npm run build` first");
  python = jupyterPython();
});

/** Runs one scenario of trust_client.py on a fresh kernel; fails with the client's own error when it had one. */
function scenario(name: string, options: { kernel?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Facts {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-trust-")), "facts.json");
  const run = spawnSync(python, [CLIENT, name, "--out", out, "--kernel", options.kernel ?? "anomaly-lab"], {
    cwd: ROOT,
    env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: "1", PYTHONDONTWRITEBYTECODE: "1", ...options.env },
    encoding: "utf8",
    timeout: options.timeoutMs ?? 150_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(run.status, 0, `trust_client.py ${name} failed:\n${run.stderr}`);
  const facts = JSON.parse(fs.readFileSync(out, "utf8")) as Facts;
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  assert.equal(facts.client_error, undefined, `the client gave up (a reply or an idle status never came):\n${facts.client_error}\nkernel log:\n${run.stdout}\n${run.stderr}`);
  return facts;
}

function streamText(outputs: Output[], name: string): string {
  return outputs.filter((o) => o.type === "stream" && o.content.name === name).map((o) => o.content.text).join("");
}

function numbered(count: number, line: (i: number) => string): string {
  return Array.from({ length: count }, (_, i) => line(i)).join("");
}

/** Asserts `text` is exactly `count` pieces made by `piece`, saying first how many arrived (a diff of 2,000 lines says little). */
function assertAllArrived(text: string, count: number, piece: (i: number) => string, separator: string): void {
  const arrived = text.split(separator).length - 1;
  assert.equal(arrived, count, `${arrived} of ${count} arrived`);
  assert.equal(text, numbered(count, piece));
}

function plainResult(outputs: Output[]): unknown {
  return outputs.find((o) => o.type === "execute_result")?.content.data?.["text/plain"];
}

/** Runs a scenario the first time one of its tests asks (so a --test-name-pattern run skips unused kernels). */
function shared<T>(run: () => T): () => T {
  let facts: T | undefined;
  return () => (facts ??= run());
}

describe("issue #22: every IOPub message arrives, in order, however fast a cell prints", () => {
  const floods = shared(() => scenario("output-flood") as Record<string, Executed> & Facts);

  test("2,000 console.log lines all arrive, in order, and the reply is ok", () => {
    const { reply, outputs } = floods().console_log_2000;
    assert.equal(reply.status, "ok", JSON.stringify(reply));
    assertAllArrived(streamText(outputs, "stdout"), 2000, (i) => `line ${i}\n`, "\n");
    assert.equal(streamText(outputs, "stderr"), "");
  });

  test("a burst of output is coalesced: 2,000 lines from one loop arrive in at most 5 stream messages", () => {
    const streams = floods().console_log_2000.outputs.filter((o) => o.type === "stream");
    assert.ok(streams.length >= 1 && streams.length <= 5, `${streams.length} stream messages`);
  });

  test("1,000 display() calls all arrive as display_data, in order, and the reply is ok", () => {
    const { reply, outputs } = floods().display_1000;
    assert.equal(reply.status, "ok", JSON.stringify(reply));
    const shown = outputs.filter((o) => o.type === "display_data").map((o) => o.content.data?.["text/plain"]);
    assert.equal(shown.length, 1000, `${shown.length} of 1000 arrived`);
    assert.deepEqual(shown, Array.from({ length: 1000 }, (_, i) => `shown ${i}`));
  });

  test("1,000 console.error lines all arrive on stderr, in order, and the reply is ok", () => {
    const { reply, outputs } = floods().console_error_1000;
    assert.equal(reply.status, "ok", JSON.stringify(reply));
    assertAllArrived(streamText(outputs, "stderr"), 1000, (i) => `problem ${i}\n`, "\n");
  });

  test("2,000 process.stdout.write calls all arrive, in order, and the reply is ok", () => {
    const { reply, outputs } = floods().stdout_write_2000;
    assert.equal(reply.status, "ok", JSON.stringify(reply));
    assertAllArrived(streamText(outputs, "stdout"), 2000, (i) => `${i},`, ",");
  });

  test("stdout, display, stderr and the result keep the order the cell produced them in", () => {
    const { reply, outputs } = floods().interleaved;
    assert.equal(reply.status, "ok", JSON.stringify(reply));
    const shown = outputs.map((o) =>
      o.type === "stream" ? `${o.content.name}:${o.content.text}` : o.type === "execute_input" ? "input" : `${o.type}:${String(o.content.data?.["text/plain"])}`,
    );
    assert.deepEqual(shown, ["input", "stdout:a\n", "display_data:b", "stderr:c\n", "stdout:d\n", "execute_result:'e'"]);
  });

  test("the kernel still answers 1 + 1 after the floods", () => {
    assert.equal(floods().after.reply.status, "ok");
    assert.equal(plainResult(floods().after.outputs), "2");
  });
});

describe("issue #22: Run All", () => {
  test("200 execute requests sent at once (each printing 10 lines) all get ok replies, in order, each with its own output", { timeout: 200_000 }, () => {
    const { replies } = scenario("run-all-200", { timeoutMs: 190_000 }) as Facts & { replies: (Executed & { request: number })[] };
    assert.equal(replies.length, 200);
    assert.deepEqual(replies.map((r) => r.request), Array.from({ length: 200 }, (_, i) => i), "replies in request order");
    replies.forEach(({ request, reply, outputs }) => {
      assert.equal(reply.status, "ok", `cell ${request}: ${JSON.stringify(reply)}`);
      assert.equal(reply.execution_count, request + 1);
      assert.equal(streamText(outputs, "stdout"), numbered(10, (line) => `cell ${request} line ${line}\n`), `cell ${request}`);
      assert.equal(plainResult(outputs), String(request * 10), `cell ${request}`);
    });
  });
});

describe("issue #22: a cell cannot end the kernel without a word", () => {
  test("process.exit(1) in a cell gives an error reply naming process.exit, and the kernel still answers 1 + 1", () => {
    const facts = scenario("process-exit") as Facts & { exit: Executed; after: Executed };
    const { reply, outputs } = facts.exit;
    assert.equal(reply.status, "error");
    assert.match(reply.evalue ?? "", /process\.exit\(1\) was called/);
    assert.match(reply.evalue ?? "", /restart the kernel/i);
    const errors = outputs.filter((o) => o.type === "error");
    assert.equal(errors.length, 1, "the notebook shows the error");
    assert.equal(errors[0].content.evalue, reply.evalue);
    assert.equal(streamText(outputs, "stdout"), "before exit\n", "the cell stops at process.exit");
    assert.equal(facts.after.reply.status, "ok");
    assert.equal(plainResult(facts.after.outputs), "2");
    assert.equal(facts.kernel_alive, true);
  });
});

describe("issue #22: after a failed cell, only requests queued before the failure are aborted (ipykernel)", () => {
  test("requests queued behind a failing cell (in the kernel, or unread behind a blocking cell) are aborted; 20 requests sent right after an error reply all run", () => {
    const facts = scenario("abort-after-error") as Facts & Record<"failing" | "queued" | "blocking" | "unread", ReplyContent> & {
      after_error: { failed: string; next: ReplyContent }[];
    };
    assert.equal(facts.failing.status, "error");
    assert.equal(facts.failing.evalue, "planned failure");
    assert.equal(facts.queued.status, "aborted");
    assert.equal(facts.blocking.evalue, "blocked, then failed");
    assert.equal(facts.unread.status, "aborted", "sent while the failing cell blocked the kernel");
    assert.equal(facts.after_error.length, 20);
    facts.after_error.forEach(({ failed, next }, attempt) => {
      assert.equal(failed, "error", `attempt ${attempt}: the failing cell itself`);
      assert.equal(next.status, "ok", `attempt ${attempt}: the request sent after the error reply`);
    });
  });
});

describe("issue #22: interrupts reach anomaly-lab's interrupt count", () => {
  test("a signal interrupt and an interrupt_request each raise interruptCount() for a loop that checks it", () => {
    const facts = scenario("interrupt") as Facts & Record<"signal" | "message", { interrupted: ReplyContent; report: Executed }>;
    for (const mode of ["signal", "message"] as const) {
      const { interrupted, report } = facts[mode];
      assert.equal(interrupted.status, "error", `${mode}: the interrupted cell fails`);
      assert.equal(interrupted.ename, "KeyboardInterrupt", mode);
      assert.equal(report.reply.status, "ok", `${mode}: ${JSON.stringify(report.reply)}`);
      assert.equal(plainResult(report.outputs), "1", `${mode}: interrupts the waiting loop saw`);
    }
  });
});

describe("issue #22: running out of JavaScript heap fails the cell instead of killing the kernel", () => {
  // A private kernelspec of this checkout with a 256 MB heap (an idle kernel uses about 100 MB: tslab's
  // TypeScript compiler), so the guard trips in seconds, not minutes.
  const HEAP_MB = 256;

  test(`a cell that grows the heap toward the limit fails with an error naming the ${HEAP_MB} MB limit; the kernel lives on`, () => {
    const jupyterPath = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-small-heap-"));
    try {
      const dir = path.join(jupyterPath, "kernels", "anomaly-lab-small-heap");
      fs.mkdirSync(dir, { recursive: true });
      const launcher = path.join(ROOT, "bin", "anomaly-lab-kernel.js");
      const argv = [process.execPath, `--max-old-space-size=${HEAP_MB}`, launcher, "{connection_file}"];
      fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify({ ...kernelSpec(), argv, display_name: "small heap" }));
      const facts = scenario("memory-guard", { kernel: "anomaly-lab-small-heap", env: { JUPYTER_PATH: jupyterPath } }) as Facts & {
        grow: Executed;
        after: Executed;
      };
      assert.equal(facts.grow.reply.status, "error", JSON.stringify(facts.grow.reply));
      assert.equal(facts.grow.reply.ename, "HeapLimitError");
      assert.match(facts.grow.reply.evalue ?? "", new RegExp(`of its ${HEAP_MB} MB limit`));
      assert.match(facts.grow.reply.evalue ?? "", /--max-old-space-size/);
      assert.equal(facts.after.reply.status, "ok");
      assert.equal(plainResult(facts.after.outputs), "2");
      assert.equal(facts.kernel_alive, true);
    } finally {
      fs.rmSync(jupyterPath, { recursive: true, force: true });
    }
  });
});

describe("issue #22 building blocks: send queue, stream coalescer, execution queue, heap limit", () => {
  /** A socket with zeromq v6's rule: a send while another is in progress fails with EBUSY. */
  function fakeSocket(refuse: (message: string) => string | undefined = () => undefined) {
    const delivered: string[] = [];
    let busy = false;
    const socket = {
      async send(message: Frames | Buffer | string): Promise<void> {
        if (busy) throw Object.assign(new Error("Socket is busy writing"), { code: "EBUSY" });
        busy = true;
        try {
          await new Promise((resolve) => setImmediate(resolve));
          const text = (Array.isArray(message) ? message : [message]).join("|");
          const code = refuse(text);
          if (code !== undefined) throw Object.assign(new Error(`refused ${text}`), { code });
          delivered.push(text);
        } finally {
          busy = false;
        }
      },
    };
    return { socket, delivered };
  }

  test("a send queue delivers 500 unawaited sends in order, retries a full peer (EAGAIN) and logs a send that fails for good", async () => {
    const attempts = new Map<string, number>();
    const { socket, delivered } = fakeSocket((text) => {
      attempts.set(text, (attempts.get(text) ?? 0) + 1);
      if (text === "m7" && attempts.get(text)! <= 3) return "EAGAIN";
      if (text === "m9") return "EHOSTUNREACH";
      return undefined;
    });
    const logged: string[] = [];
    const { socket: queued, queue } = withQueuedSends(socket, "shell", (line) => logged.push(line));
    for (let i = 0; i < 500; i++) void queued.send([`m${i}`]);
    assert.equal(queue.pending, 500);
    await queue.drained();
    assert.deepEqual(delivered, Array.from({ length: 500 }, (_, i) => `m${i}`).filter((m) => m !== "m9"));
    assert.equal(attempts.get("m7"), 4, "m7 was refused 3 times with EAGAIN, then sent");
    assert.deepEqual(logged, ["anomaly-lab kernel: could not send a message on shell: refused m9"]);
    assert.equal(queue.pending, 0);
  });

  test("the stream coalescer joins consecutive text of one stream and flushes when the stream, the request or the timer changes", async () => {
    const sent: [string, string, string][] = [];
    const streams = new StreamCoalescer<string>((parent, name, text) => sent.push([parent, name, text]), 10, 12);
    streams.write("cell 1", "stdout", "a\n");
    streams.write("cell 1", "stdout", "b\n");
    streams.write("cell 1", "stderr", "c\n"); // another stream: a+b go first
    streams.write("cell 2", "stderr", "d\n"); // another request: c goes first
    streams.flush();
    streams.write("cell 2", "stdout", "0123456789abcdef"); // over maxChars (12): sent at once
    streams.write("cell 2", "stdout", "late\n");
    assert.deepEqual(sent, [
      ["cell 1", "stdout", "a\nb\n"],
      ["cell 1", "stderr", "c\n"],
      ["cell 2", "stderr", "d\n"],
      ["cell 2", "stdout", "0123456789abcdef"],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 30)); // the timer sends "late"
    assert.deepEqual(sent.at(-1), ["cell 2", "stdout", "late\n"]);
  });

  test("the execution queue aborts what waits when a task fails, and what was unread in the socket, but not later requests", async () => {
    let unread = 0;
    const executions = new ExecutionQueue(() => unread > 0);
    const ran: string[] = [];
    const task = (name: string, fail = false) => async () => {
      ran.push(name);
      if (fail) {
        unread = 2; // two requests arrived in the socket while this cell ran
        executions.abortWaiting();
        throw new Error(name);
      }
      return name;
    };
    const first = executions.run(task("first", true));
    const waiting = executions.run(task("waiting"));
    await assert.rejects(first, /first/);
    assert.deepEqual(await waiting, { ran: false });
    // The two unread requests are read now: both belong to the failure's backlog.
    unread = 1;
    assert.equal(executions.admit(), true);
    unread = 0;
    assert.equal(executions.admit(), true);
    assert.equal(executions.admit(), false, "a request read once the backlog is drained runs");
    assert.deepEqual(await executions.run(task("later")), { ran: true, value: "later" });
    assert.deepEqual(ran, ["first", "later"]);
  });

  test("the heap limit comes from --max-old-space-size (command line over NODE_OPTIONS, last one wins), else V8's default", () => {
    assert.deepEqual(heapLimit(["--max-old-space-size=512"], "--max-old-space-size=64"), { mb: 512, source: "--max-old-space-size" });
    assert.deepEqual(heapLimit([], "--inspect --max_old_space_size=64 --max-old-space-size=96"), { mb: 96, source: "--max-old-space-size" });
    assert.deepEqual(heapLimit(["--max-old-space-size", "300"], ""), { mb: 300, source: "--max-old-space-size" });
    const fallback = heapLimit([], "");
    assert.equal(fallback.source, "V8 default");
    assert.equal(fallback.mb, Math.round(v8.getHeapStatistics().heap_size_limit / 1024 / 1024) - 48);
    const content = heapLimitErrorContent(230, { mb: 256, source: "--max-old-space-size" });
    assert.equal(content.ename, "HeapLimitError");
    assert.match(content.evalue, /reached 230 MB of its 256 MB limit \(node --max-old-space-size=256\)/);
  });
});
