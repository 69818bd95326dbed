"""`npm run bench:kernel`: the anomaly-lab kernel's speed beside ipykernel's, measured in one run (issue #26).

Each kernel is started in fresh processes (the kernels alternating, so a change in the machine's load hits all
alike), driven through jupyter_client as a notebook drives it, in two flows:
  - Run All: the first cell, `import { KNNDetector } from "anomaly-lab"`, is sent as soon as the kernel answers
    kernel_info (and IOPub is connected);
  - paced: the same import --pause seconds after launch, as when someone opens a notebook and reads first;
and in both, --cells trivial cells after the import: `n + 1` with n counting up (a notebook's cells differ, and
tslab skips the rebuild of a program whose text did not change), timed from execute_request to execute_reply.
Figures: start (launch to the first kernel_info_reply), the import cell in each flow, launch to the import's
reply in Run All, and the trivial cells' median and 95th percentile; each the median over the processes.
ipykernel runs --py-import (`import numpy`) in place of the import. The load average is printed before and
after: figures taken on a busy machine are not figures.

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
# The benchmark keeps about one CPU busy itself (one kernel at a time), so the 1-minute load average after it
# reads ~0.7-1.0 on an otherwise idle machine: only the excess over that is other work.
OWN_LOAD = 1.0


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


def one_process(kernel_name, spec_manager, import_code, cells, pause):
    """Starts one fresh kernel and runs a notebook's first cells on it; always shuts it down.

    pause None: "Run All" (the import is sent as soon as the kernel answers kernel_info); else the import is sent
    `pause` seconds after launch (or at the reply, if later), as when someone opens a notebook and reads first."""
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
        if pause:
            time.sleep(max(0.0, pause - (time.perf_counter() - started)))
        first_import, import_status = timed_cell(kc, km, import_code)
        import_done = time.perf_counter() - started
        trivial = trivial_cells(kc, km, cells)
        return {
            "start": start,
            "import": first_import if import_status == "ok" else None,
            "import_status": import_status,
            "import_done": import_done,
            "trivial": trivial,
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
    parser.add_argument(
        "--pause", type=float, default=3.0, help="seconds from launch to the import in the paced flow (default 3)"
    )
    parser.add_argument("--py-import", default="import numpy", help="ipykernel's first-import cell")
    parser.add_argument("--only-ours", action="store_true", help="skip ipykernel (for profiling runs)")
    parser.add_argument("--node-flags", default="", help='node flags for our kernels, e.g. "--cpu-prof --cpu-prof-dir=DIR"')
    parser.add_argument("--json", help="also write every process's figures here")
    args = parser.parse_args()
    for name in ("processes", "cells"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1, got {getattr(args, name)}")
    if args.pause < 0:
        parser.error(f"--pause must be >= 0 seconds, got {args.pause}")
    ours = args.kernel or ["anomaly-lab"]

    spec_manager = KernelSpecManager()
    started = bench_specs(spec_manager, ours, args.node_flags)
    sides = [(label, name, OUR_IMPORT) for label, name in zip(ours, started)]
    if not args.only_ours:
        sides.append(("ipykernel", "bench-ipykernel", args.py_import))

    load_before = load_average()
    print(f"load average (1 min) before: {load_before:.2f} on {os.cpu_count()} CPUs")
    runs = {label: {"run_all": [], "paced": []} for label, _, _ in sides}
    for round_number in range(args.processes):
        for flow, pause in (("run_all", None), ("paced", args.pause)):
            for label, kernel_name, import_code in sides:
                run = one_process(kernel_name, spec_manager, import_code, args.cells, pause)
                runs[label][flow].append(run)
                print(
                    f"  {label} #{round_number + 1} {flow}: start {shown(run['start'])}, import {shown(run['import'])}"
                    + ("" if run["import_status"] == "ok" else f" ({run['import_status']})")
                    + f" (launch to its reply {shown(run['import_done'])}), then trivial cells: median "
                    + f"{shown(statistics.median(run['trivial']))} p95 {shown(percentile(run['trivial'], 0.95))}",
                    flush=True,
                )
    load_after = load_average()

    def figure(label, key):
        """The median over processes of one figure; trivial cells pool both flows (a median per process)."""
        both = runs[label]["run_all"] + runs[label]["paced"]
        if key == "start":
            return median_of(both, "start")
        if key == "trivial_median":
            return statistics.median(statistics.median(run["trivial"]) for run in both)
        if key == "trivial_p95":
            return statistics.median(percentile(run["trivial"], 0.95) for run in both)
        flow, field = key.split(":")
        return median_of(runs[label][flow], field)

    rows = [
        ("start to first kernel_info_reply", "start", GOALS["start"]),
        ("Run All: import as the first cell", "run_all:import", None),
        ("Run All: launch to the import's reply", "run_all:import_done", None),
        (f"import after a {args.pause:g} s pause", "paced:import", GOALS["first_import"]),
        ("trivial cell `n + 1` after it, median", "trivial_median", GOALS["trivial_median"]),
        ("trivial cell `n + 1` after it, p95", "trivial_p95", None),
    ]
    width = max(12, *(len(label) for label, _, _ in sides))
    print(f"\nmedians over {args.processes} fresh processes per kernel and flow ({args.cells} trivial cells each)")
    print(f"{'':40}" + "".join(f" {label:>{width}}" for label, _, _ in sides) + f" {'goal':>10}")
    for title, key, goal in rows:
        cells = "".join(f" {shown(figure(label, key)):>{width}}" for label, _, _ in sides)
        print(f"{title:40}{cells} {('<= ' + shown(goal)) if goal else '':>10}")
    print(f"(import: ours `{OUR_IMPORT}`" + ("" if args.only_ours else f", ipykernel `{args.py_import}`") + ")")
    print(f"load average (1 min) after: {load_after:.2f} (about {OWN_LOAD:.1f} of it this benchmark's own)")
    if load_before > LOAD_WARNING or load_after > OWN_LOAD + LOAD_WARNING:
        print(
            f"WARNING: the load average was above {LOAD_WARNING}: other work shared the CPUs, so these figures are "
            "indicative only (compare the kernels within this run, not with another run)."
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"load": [load_before, load_after], "runs": runs}, out, indent=1)


if __name__ == "__main__":
    main()
