"""`npm run bench:kernel`: the anomaly-lab kernel's speed beside ipykernel's, measured in one run (issue #26).

Each kernel is started in a few fresh processes (ours and ipykernel alternating, so a change in the machine's
load hits both alike), driven through jupyter_client as a notebook drives it:
  - start: from launching the kernel process to its first kernel_info_reply;
  - first cell: a trivial cell right after that reply (and IOPub connected): ours may still be warming its
    compiler up; and the time from launch to that cell's reply (Run All on a fresh kernel);
  - trivial cell: `n + 1` (n counting up: a notebook's cells differ), from execute_request to execute_reply,
    median and 95th percentile over --cells cells;
  - first import: `import { KNNDetector } from "anomaly-lab"` (ipykernel: --py-import, `import numpy`);
  - trivial cell after the import: the same again, now that the library's types are part of every cell's program.
Each figure is the median over the processes. The load average is printed before and after: figures taken on
a busy machine are not figures.

Run with the Python that has Jupyter and ipykernel (scripts/bench-kernel.sh finds it):
    python scripts/bench/kernel.py [--processes 3] [--cells 50] [--kernel anomaly-lab [--kernel other-build]] [--json out.json]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from queue import Empty

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT = 120  # seconds any one reply may take before the run gives up
OUR_IMPORT = 'import { KNNDetector } from "anomaly-lab";'
GOALS = {"start": 1.0, "trivial_median": 0.015, "first_import": 0.5}  # seconds, issue #26
LOAD_WARNING = 0.5


def write_spec(folder, name, argv, language):
    spec = os.path.join(folder, name)
    os.makedirs(spec)
    with open(os.path.join(spec, "kernel.json"), "w", encoding="utf-8") as out:
        json.dump({"argv": argv, "display_name": f"{name} (bench)", "language": language}, out)


def bench_specs(spec_manager, our_kernels, node_flags):
    """Kernelspecs for the ipykernel of this very Python (the system's `python3` spec may run another one) and,
    with --node-flags, for each of ours with those node flags (e.g. --cpu-prof); returns the names to start."""
    folder = tempfile.mkdtemp(prefix="bench-kernel-")
    write_spec(folder, "bench-ipykernel", [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"], "python")
    names = []
    for kernel in our_kernels:
        if node_flags:
            argv = spec_manager.get_kernel_spec(kernel).argv
            write_spec(folder, f"bench-{kernel}", [argv[0], *node_flags.split(), *argv[1:]], "typescript")
            kernel = f"bench-{kernel}"
        names.append(kernel)
    spec_manager.kernel_dirs = [folder] + list(spec_manager.kernel_dirs)
    return names


def receive(get_msg, km, matches):
    """The first message `matches` accepts; fails at once if the kernel process dies, or after TIMEOUT."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            msg = get_msg(timeout=1)
        except Empty:
            if not km.is_alive():
                raise RuntimeError("the kernel process died (see its output above)") from None
            if time.monotonic() > deadline:
                raise
            continue
        if matches(msg):
            return msg


def shell_reply(kc, km, msg_id, msg_type):
    return receive(
        kc.get_shell_msg, km, lambda msg: msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == msg_type
    )


def wait_idle(kc, km, msg_id):
    receive(
        kc.get_iopub_msg,
        km,
        lambda msg: (
            msg["parent_header"].get("msg_id") == msg_id
            and msg["msg_type"] == "status"
            and msg["content"]["execution_state"] == "idle"
        ),
    )


def iopub_ready(kc, km):
    """Waits until IOPub messages arrive: a subscription made as the kernel starts misses what is published before
    it connects (ZeroMQ's slow joiner), and a cell's idle status would then never come. As jupyter_client's
    wait_for_ready: ask for kernel_info until its status messages arrive. Then drops what IOPub holds."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            kc.get_iopub_msg(timeout=0.2)
            break
        except Empty:
            if not km.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("no IOPub message came from the kernel") from None
            shell_reply(kc, km, kc.kernel_info(), "kernel_info_reply")
    while True:
        try:
            kc.get_iopub_msg(timeout=0.05)
        except Empty:
            return


def timed_cell(kc, km, code):
    """Seconds from execute_request to execute_reply, and the reply's status; waits for idle after timing."""
    started = time.perf_counter()
    msg_id = kc.execute(code)
    reply = shell_reply(kc, km, msg_id, "execute_reply")
    seconds = time.perf_counter() - started
    wait_idle(kc, km, msg_id)
    content = reply["content"]
    status = content["status"] if content["status"] == "ok" else f"{content.get('ename')}: {content.get('evalue')}"
    return seconds, status


def percentile(values, fraction):
    """Linear-interpolated percentile (numpy's default method)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def trivial_cells(kc, km, count):
    """Times `count` trivial cells, each a different text (`n + 1`), as notebook cells are: tslab skips the
    rebuild of a program whose text did not change, so repeating one `1 + 1` would time less than a cell costs."""
    times = []
    for _ in range(count):
        trivial_cells.counter += 1
        seconds, status = timed_cell(kc, km, f"{trivial_cells.counter} + 1")
        if status != "ok":
            raise RuntimeError(f"{km.kernel_name}: a trivial cell failed: {status}")
        times.append(seconds)
    return times


trivial_cells.counter = 0


def one_process(kernel_name, spec_manager, import_code, cells):
    """Starts one fresh kernel and measures it; always shuts it down."""
    km = KernelManager(kernel_name=kernel_name, kernel_spec_manager=spec_manager)
    started = time.perf_counter()
    km.start_kernel(cwd=ROOT)
    kc = km.client()
    try:
        kc.start_channels()
        msg_id = kc.kernel_info()
        shell_reply(kc, km, msg_id, "kernel_info_reply")
        start = time.perf_counter() - started
        iopub_ready(kc, km)
        first_cell = trivial_cells(kc, km, 1)[0]
        first_cell_done = time.perf_counter() - started
        before_import = trivial_cells(kc, km, cells)
        first_import, import_status = timed_cell(kc, km, import_code)
        after_import = trivial_cells(kc, km, cells)
        return {
            "start": start,
            "first_cell": first_cell,
            "first_cell_done": first_cell_done,
            "trivial_median": statistics.median(before_import),
            "trivial_p95": percentile(before_import, 0.95),
            "first_import": first_import if import_status == "ok" else None,
            "import_status": import_status,
            "imported_trivial_median": statistics.median(after_import),
            "imported_trivial_p95": percentile(after_import, 0.95),
        }
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def median_of(runs, key):
    values = [run[key] for run in runs if run[key] is not None]
    return statistics.median(values) if values else None


def shown(seconds):
    if seconds is None:
        return "n/a"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def load_average():
    return os.getloadavg()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--kernel", action="append", help="our kernel's name; repeat it to compare builds (default: anomaly-lab)"
    )
    parser.add_argument("--processes", type=int, default=3, help="fresh processes per kernel (default 3)")
    parser.add_argument("--cells", type=int, default=50, help="trivial cells per process (default 50)")
    parser.add_argument("--py-import", default="import numpy", help="ipykernel's first-import cell")
    parser.add_argument("--only-ours", action="store_true", help="skip ipykernel (for profiling runs)")
    parser.add_argument("--node-flags", default="", help='node flags for our kernels, e.g. "--cpu-prof --cpu-prof-dir=DIR"')
    parser.add_argument("--json", help="also write every process's figures here")
    args = parser.parse_args()
    for name in ("processes", "cells"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1, got {getattr(args, name)}")
    ours = args.kernel or ["anomaly-lab"]

    spec_manager = KernelSpecManager()
    started = bench_specs(spec_manager, ours, args.node_flags)
    sides = [(label, name, OUR_IMPORT) for label, name in zip(ours, started)]
    if not args.only_ours:
        sides.append(("ipykernel", "bench-ipykernel", args.py_import))

    load_before = load_average()
    print(f"load average (1 min) before: {load_before:.2f} on {os.cpu_count()} CPUs")
    runs = {label: [] for label, _, _ in sides}
    for round_number in range(args.processes):
        for label, kernel_name, import_code in sides:
            run = one_process(kernel_name, spec_manager, import_code, args.cells)
            runs[label].append(run)
            print(
                f"  {label} #{round_number + 1}: start {shown(run['start'])}, first cell {shown(run['first_cell'])}, "
                f"trivial median {shown(run['trivial_median'])} p95 {shown(run['trivial_p95'])}, "
                f"first import {shown(run['first_import'])}"
                + ("" if run["import_status"] == "ok" else f" ({run['import_status']})")
                + f", then trivial median {shown(run['imported_trivial_median'])} p95 {shown(run['imported_trivial_p95'])}",
                flush=True,
            )
    load_after = load_average()

    rows = [
        ("start to first kernel_info_reply", "start", GOALS["start"]),
        ("first cell `n + 1` after that", "first_cell", None),
        ("launch to the first cell's reply", "first_cell_done", None),
        (f"trivial cell `n + 1`, median of {args.cells}", "trivial_median", GOALS["trivial_median"]),
        (f"trivial cell `n + 1`, p95 of {args.cells}", "trivial_p95", None),
        ("first import of the library", "first_import", GOALS["first_import"]),
        ("trivial cell after the import, median", "imported_trivial_median", GOALS["trivial_median"]),
        ("trivial cell after the import, p95", "imported_trivial_p95", None),
    ]
    width = max(12, *(len(label) for label, _, _ in sides))
    print(f"\nmedians over {args.processes} fresh processes per kernel")
    print(f"{'':40}" + "".join(f" {label:>{width}}" for label, _, _ in sides) + f" {'goal':>10}")
    for title, key, goal in rows:
        cells = "".join(f" {shown(median_of(runs[label], key)):>{width}}" for label, _, _ in sides)
        print(f"{title:40}{cells} {('<= ' + shown(goal)) if goal else '':>10}")
    print(f"(first import: ours `{OUR_IMPORT}`" + ("" if args.only_ours else f", ipykernel `{args.py_import}`") + ")")
    print(f"load average (1 min) after: {load_after:.2f}")
    if max(load_before, load_after) > LOAD_WARNING:
        print(
            f"WARNING: the load average was above {LOAD_WARNING}: other work shared the CPUs, so these figures are "
            "indicative only (compare the kernels within this run, not with another run)."
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"load": [load_before, load_after], "runs": runs}, out, indent=1)


if __name__ == "__main__":
    main()
