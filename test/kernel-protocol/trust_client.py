"""Drives a real anomaly-lab kernel through jupyter_client and reports what a client saw, as JSON.

test/kernel-trust.test.ts runs one scenario per kernel and asserts on the facts printed here
(issue #22: every message arrives, in order, at any rate; no lost replies; kernel deaths and memory
exhaustion are reported in the notebook; only requests queued before an error are aborted), and
test/kernel-protocol.test.ts the inspection scenario (Shift+Tab inside a call's parentheses).
This file only collects: it never decides what is right.

Usage (from the repository root, with the kernel registered by environment/setup.sh):
    python3 test/kernel-protocol/trust_client.py SCENARIO --out FACTS.json [--kernel NAME]
"""

import argparse
import json
import time
import traceback
from queue import Empty

from jupyter_client.manager import start_new_kernel

TIMEOUT = 60  # seconds any single message may take to arrive before the scenario gives up
KERNEL = None  # the KernelManager of the running scenario, to notice a dead kernel at once


class KernelDied(Exception):
    pass


def receive(get_msg):
    """The next message from a channel; raises KernelDied as soon as the kernel process is gone."""
    waited = 0
    while True:
        try:
            return get_msg(timeout=1)
        except Empty:
            waited += 1
            if not KERNEL.is_alive():
                raise KernelDied("the kernel process died") from None
            if waited >= TIMEOUT:
                raise


def iopub_until_idle(kc, msg_ids):
    """All IOPub messages (except status) of each request in msg_ids, collected until its idle status."""
    pending = set(msg_ids)
    collected = {msg_id: [] for msg_id in msg_ids}
    while pending:
        msg = receive(kc.get_iopub_msg)
        parent = msg["parent_header"].get("msg_id")
        if parent not in collected:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                pending.discard(parent)
            continue
        collected[parent].append({"type": msg["msg_type"], "content": msg["content"]})
    return collected


def next_reply(kc):
    """The next shell reply, skipping kernel_info replies (jupyter_client asks for one while starting)."""
    while True:
        reply = receive(kc.get_shell_msg)
        if reply["msg_type"] != "kernel_info_reply":
            return reply


def shell_replies(kc, count):
    """The next `count` shell replies, in the order they arrived."""
    return [next_reply(kc) for _ in range(count)]


def summary(reply, outputs):
    """What a notebook would keep of one request: its reply content and its outputs."""
    return {"reply": reply["content"], "outputs": outputs}


def execute(kc, code, **options):
    """Runs one cell and waits for its reply and its idle status."""
    msg_id = kc.execute(code, **options)
    reply = next_reply(kc)
    assert reply["parent_header"]["msg_id"] == msg_id, "a reply to another request arrived"
    return summary(reply, iopub_until_idle(kc, [msg_id])[msg_id])


def burst(kc, cells):
    """Sends every cell at once (a notebook's Run All) and collects replies in arrival order."""
    msg_ids = [kc.execute(code) for code in cells]
    replies = shell_replies(kc, len(msg_ids))
    outputs = iopub_until_idle(kc, msg_ids)
    position = {msg_id: i for i, msg_id in enumerate(msg_ids)}
    return [
        {"request": position[r["parent_header"]["msg_id"]], **summary(r, outputs[r["parent_header"]["msg_id"]])}
        for r in replies
    ]


def scenario_output_flood(kc):
    """Cells that print much faster than a socket can send, one kernel for all four."""
    return {
        "console_log_2000": execute(kc, 'for (let i = 0; i < 2000; i++) console.log("line " + i)'),
        "display_1000": execute(
            kc, 'import * as tslab from "tslab";\nfor (let i = 0; i < 1000; i++) tslab.display.text("shown " + i)'
        ),
        "console_error_1000": execute(kc, 'for (let i = 0; i < 1000; i++) console.error("problem " + i)'),
        "stdout_write_2000": execute(kc, 'for (let i = 0; i < 2000; i++) process.stdout.write(i + ",")'),
        "interleaved": execute(
            kc, 'import * as tslab from "tslab";\nconsole.log("a");\ntslab.display.text("b");\nconsole.error("c");\nconsole.log("d");\n"e"'
        ),
        "after": execute(kc, "1 + 1"),
    }


def scenario_run_all_200(kc):
    cells = [f'for (let line = 0; line < 10; line++) console.log(`cell {i} line ${{line}}`);\n{i} * 10' for i in range(200)]
    return {"replies": burst(kc, cells)}


def scenario_process_exit(kc):
    return {
        "exit": execute(kc, 'console.log("before exit");\nprocess.exit(1);\nconsole.log("after exit")'),
        "after": execute(kc, "1 + 1"),
    }


def scenario_abort_after_error(kc):
    # A failing cell with a request queued behind it: the queued one is aborted (stop_on_error).
    failing = kc.execute('await new Promise((r) => setTimeout(r, 300));\nthrow new Error("planned failure")')
    queued = kc.execute("2 + 2")
    replies = {r["parent_header"]["msg_id"]: r["content"] for r in shell_replies(kc, 2)}
    iopub_until_idle(kc, [failing, queued])
    # The same with a cell that blocks the kernel: the request behind it waits unread in the shell socket.
    blocking = kc.execute('const until = Date.now() + 300;\nwhile (Date.now() < until) {}\nthrow new Error("blocked, then failed")')
    unread = kc.execute("3 + 3")
    replies.update({r["parent_header"]["msg_id"]: r["content"] for r in shell_replies(kc, 2)})
    iopub_until_idle(kc, [blocking, unread])
    # Requests sent as soon as an error reply arrived: none of them was queued when the cell failed.
    after_error = []
    for attempt in range(20):
        failed_id = kc.execute(f'throw new Error("failure {attempt}")')
        failed = next_reply(kc)
        next_id = kc.execute(f"{attempt} + 100")
        following = next_reply(kc)
        iopub_until_idle(kc, [failed_id, next_id])
        after_error.append({"failed": failed["content"]["status"], "next": following["content"]})
    return {
        "failing": replies[failing],
        "queued": replies[queued],
        "blocking": replies[blocking],
        "unread": replies[unread],
        "after_error": after_error,
    }


# A cell that waits (asynchronously) until anomaly-lab's interrupt count moves, for at most 4 s, like a training
# loop checking between batches; the next cell reports how many interrupts that loop saw.
WATCH_INTERRUPTS = """import { interruptCount } from "anomaly-lab";
// On globalThis: an interrupted cell's declarations are not kept.
const watch = { start: interruptCount(), seen: -1, done: false };
(globalThis as any).interruptWatch = watch;
(async () => {
  for (let i = 0; i < 80 && interruptCount() === watch.start; i++) await new Promise((r) => setTimeout(r, 50));
  watch.seen = interruptCount() - watch.start;
  watch.done = true;
})();
console.log("watching");
await new Promise((r) => setTimeout(r, 4500));"""

REPORT_INTERRUPTS = """const reported = (globalThis as any).interruptWatch;
while (!reported.done) await new Promise((r) => setTimeout(r, 20));
reported.seen"""


def wait_for_stdout(kc, msg_id, text):
    """Reads IOPub until request msg_id prints `text` (so the cell is past compiling and running)."""
    while True:
        msg = receive(kc.get_iopub_msg)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream" and text in msg["content"]["text"]:
            return


def watch_interrupt(kc, interrupt):
    msg_id = kc.execute(WATCH_INTERRUPTS)
    wait_for_stdout(kc, msg_id, "watching")
    time.sleep(0.5)  # well into the cell's await: a SIGINT as tslab's vm run ends can be lost (a Node race)
    started = time.monotonic()
    interrupt()
    reply = next_reply(kc)
    assert reply["parent_header"]["msg_id"] == msg_id
    iopub_until_idle(kc, [msg_id])
    report = execute(kc, REPORT_INTERRUPTS)
    return {"interrupted": reply["content"], "report": report, "seconds": time.monotonic() - started}


def scenario_interrupt(kc, km):
    def by_message():
        msg = kc.session.msg("interrupt_request", {})
        kc.control_channel.send(msg)
        receive(kc.get_control_msg)

    return {"signal": watch_interrupt(kc, km.interrupt_kernel), "message": watch_interrupt(kc, by_message)}


def scenario_memory_guard(kc):
    # Grows a JS array of arrays (V8 heap, not ArrayBuffers) until the guard stops it or the kernel dies.
    grow = """function grow(): number {
  const hoard: number[][] = [];
  for (let i = 0; i < 1e9; i++) hoard.push(Array.from({ length: 1000 }, (_, j) => i + j + 0.5));
  return hoard.length;
}
grow()"""
    return {"grow": execute(kc, grow), "after": execute(kc, "1 + 1")}


# (code, cursor_pos) pairs a notebook's Shift+Tab sends: inside calls, and on the callee's name for comparison.
INSPECTIONS = {
    "new_iforest_open": ("new IForestDetector(", 20),
    "new_iforest_name": ("new IForestDetector(", 19),
    "max_after_comma": ("Math.max(1, ", 12),
    "max_after_argument": ("Math.max(1, 2", 13),
    "max_after_nested_call": ("Math.max(Math.abs(-3), ", 23),
    "max_name": ("Math.max", 8),
    "abs_inside_nested_call": ("Math.max(Math.abs(", 18),
    "abs_name": ("Math.abs", 8),
}


def scenario_inspect_in_call(kc):
    """inspect_request replies for cursors inside a call's parentheses, after importing the library."""
    facts = {"import": execute(kc, 'import { IForestDetector } from "anomaly-lab";')}
    for name, (code, cursor_pos) in INSPECTIONS.items():
        msg_id = kc.inspect(code, cursor_pos)
        reply = next_reply(kc)
        assert reply["parent_header"]["msg_id"] == msg_id, "a reply to another request arrived"
        facts[name] = reply["content"]
    return facts


SCENARIOS = {
    "output-flood": scenario_output_flood,
    "run-all-200": scenario_run_all_200,
    "process-exit": scenario_process_exit,
    "abort-after-error": scenario_abort_after_error,
    "interrupt": scenario_interrupt,
    "memory-guard": scenario_memory_guard,
    "inspect-in-call": scenario_inspect_in_call,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--kernel", default="anomaly-lab")
    parser.add_argument("--out", required=True, help="where to write the facts (JSON); the kernel shares stdout")
    args = parser.parse_args()
    global KERNEL
    km, kc = start_new_kernel(kernel_name=args.kernel, startup_timeout=TIMEOUT)
    KERNEL = km
    facts = {}
    try:
        scenario = SCENARIOS[args.scenario]
        facts = scenario(kc, km) if scenario is scenario_interrupt else scenario(kc)
    except Exception as error:  # reported as a fact: the test says what was expected
        facts["client_error"] = f"{type(error).__name__}: {error}\n{traceback.format_exc()}"
    finally:
        facts["kernel_alive"] = km.is_alive()
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(facts, out)


if __name__ == "__main__":
    main()
