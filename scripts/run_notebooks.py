#!/usr/bin/env python3
"""Execute anomaly-lab notebooks on the real tslab kernel and export HTML reports.

Each notebook runs through nbclient on the Jupyter kernel "anomaly-lab" (registered by
environment/setup.sh) with the notebook's own folder as the kernel's working directory.
A notebook that runs to the end gets reports/<name>.ipynb (executed) and
reports/<name>.html, both written atomically; one that fails leaves any previous good
report untouched and gets reports/<name>.failed.ipynb for debugging instead.

Usage (normally through `npm run reports -- [args]`):
    python scripts/run_notebooks.py [notebook.ipynb ...] [--out reports] [--quick]
                                    [--timeout 1800] [--kernel anomaly-lab]
Exit status: 0 when every notebook ran, 1 when any failed, 2 for bad arguments/setup.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, NoReturn, Optional

import jupyter_client
import jupyter_core
import nbclient
import nbconvert
import nbformat
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_css import trim_report_css  # noqa: E402  (a module beside this script)

REPO_ROOT = Path(__file__).resolve().parent.parent
QUICK_ENV = "ANOMALY_LAB_QUICK"
PASS_THROUGH_ENV = ("ANOMALY_LAB_DATA_MIRROR",)
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Stack frames of tslab's own machinery: the same in every error, so they only hide the useful lines.
KERNEL_FRAME = re.compile(r"^\s+at .*(node:vm|node_modules/tslab/|sigintHandlersWrap)")
# Upstream nbconvert's defaults. Debian patches nbconvert to point at file:///usr/share/javascript,
# which breaks the report on any other machine; "--js-assets local" keeps the installed defaults.
CDN_JS_URLS = {
    "require_js_url": "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js",
    "mathjax_url": "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "jquery_url": "https://cdnjs.cloudflare.com/ajax/libs/jquery/2.0.3/jquery.min.js",
}
SOURCE_LINES_SHOWN = 6
ERROR_LINES_SHOWN = 30


@dataclass
class NotebookResult:
    notebook: Path
    ok: bool
    seconds: float
    written: List[Path]


def die(message: str) -> NoReturn:
    """Bad arguments or setup: exit 2, so callers can tell it from a failed notebook (1)."""
    print(f"run_notebooks: {message}", file=sys.stderr)
    sys.exit(2)


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: every notebooks/*.ipynb in reading order, see notebook_order)")
    parser.add_argument("--out", type=Path, default=Path("reports"),
                        help="folder for the executed .ipynb and .html reports (default: reports)")
    parser.add_argument("--quick", action="store_true",
                        help=f"set {QUICK_ENV}=1 for the kernel (small data, fast runs)")
    parser.add_argument("--timeout", type=int, default=1800,
                        help="seconds one cell may run before it counts as failed (default: 1800)")
    parser.add_argument("--startup-timeout", type=int, default=120,
                        help="seconds the kernel may take to start (default: 120)")
    parser.add_argument("--js-assets", choices=("cdn", "local"), default="cdn",
                        help="where the HTML loads MathJax/require.js from: cdn (portable, default) "
                             "or local (this nbconvert's defaults, e.g. Debian's file:///usr/share/javascript)")
    parser.add_argument("--full-css", action="store_true",
                        help="keep all of the CSS nbconvert inlines (about 0.5 MB); by default the HTML keeps only "
                             "the rules that can apply to its page (see scripts/report_css.py)")
    parser.add_argument("--kernel", default="anomaly-lab",
                        help="Jupyter kernel name (default: anomaly-lab, see environment/setup.sh)")
    return parser.parse_args(argv)


def notebook_order(notebook: Path) -> tuple:
    """Reading order: by name (the two-digit prefix), except that the introduction comes first among
    notebooks sharing its prefix (00-introduction before 01-datasets)."""
    return (notebook.name[:2], "introduction" not in notebook.stem, notebook.name)


def find_notebooks(requested: List[Path]) -> List[Path]:
    if not requested:
        found = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"), key=notebook_order)
        if not found:
            die(f"no notebooks found in {REPO_ROOT / 'notebooks'}")
        return found
    notebooks = []
    for path in requested:
        if path.suffix != ".ipynb":
            die(f"'{path}' is not a .ipynb notebook")
        if not path.is_file():
            die(f"notebook '{path}' does not exist")
        notebooks.append(path.resolve())
    stems = [nb.stem for nb in notebooks]
    duplicates = sorted({stem for stem in stems if stems.count(stem) > 1})
    if duplicates:
        # Reports are named after the notebook, so two notebooks would overwrite each other.
        die(f"several notebooks are named {duplicates}; their reports would collide")
    return notebooks


def check_kernel(kernel_name: str) -> List[str]:
    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        die(f"Jupyter kernel '{kernel_name}' is not installed. Run 'npm run setup' first.")
    return list(spec.argv)


def command_version(command: List[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def print_versions(kernel_name: str, kernel_argv: List[str]) -> None:
    print(f"python       {sys.executable} ({sys.version.split()[0]})")
    print(f"jupyter      jupyter_core {jupyter_core.__version__}, jupyter_client {jupyter_client.__version__}, "
          f"nbclient {nbclient.__version__}, nbconvert {nbconvert.__version__}, nbformat {nbformat.__version__}")
    print(f"kernel       {kernel_name}: {' '.join(kernel_argv)}")
    print(f"node         {command_version([kernel_argv[0], '--version'])}")


def configure_kernel_environment(quick: bool) -> None:
    """The kernel inherits this process's environment; the notebooks read it via isQuickMode()."""
    if quick:
        os.environ[QUICK_ENV] = "1"
    else:
        os.environ.pop(QUICK_ENV, None)
    mode = f"quick ({QUICK_ENV}=1)" if quick else f"full ({QUICK_ENV} unset)"
    print(f"mode         {mode}")
    for name in PASS_THROUGH_ENV:
        if os.environ.get(name):
            print(f"env          {name}={os.environ[name]}")


def cell_start_lines(raw_json: str) -> List[int]:
    """Line number (1-based) where each cell object starts in the notebook's JSON text.

    Walks the top-level object with raw_decode so it works for any JSON formatting.
    Returns [] if the text is not shaped as expected (the line is only a convenience).
    """
    decoder = json.JSONDecoder()
    whitespace = re.compile(r"[\s,:]*")
    pos = whitespace.match(raw_json, 0).end()
    if raw_json[pos:pos + 1] != "{":
        return []
    pos += 1
    try:
        while True:
            pos = whitespace.match(raw_json, pos).end()
            if raw_json[pos:pos + 1] in ("}", ""):
                return []
            key, pos = decoder.raw_decode(raw_json, pos)
            pos = whitespace.match(raw_json, pos).end()
            if key != "cells":
                _, pos = decoder.raw_decode(raw_json, pos)
                continue
            if raw_json[pos:pos + 1] != "[":
                return []
            pos += 1
            lines = []
            while True:
                pos = whitespace.match(raw_json, pos).end()
                if raw_json[pos:pos + 1] in ("]", ""):
                    return lines
                lines.append(raw_json.count("\n", 0, pos) + 1)
                _, pos = decoder.raw_decode(raw_json, pos)
    except (ValueError, IndexError):
        return []


def cell_error_text(cell: nbformat.NotebookNode, error: Exception) -> List[str]:
    """The most useful description of a cell's failure.

    tslab reports errors as stderr stream output with an execute_reply that has no
    ename/evalue, so nbclient's exception then says only "<Error>:"; fall back to the
    cell's error/stderr outputs in that case.
    """
    lines: List[str] = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            lines.append(f"{output.get('ename', '')}: {output.get('evalue', '')}")
            lines.extend("\n".join(output.get("traceback", [])).splitlines())
    if not lines:
        ename = getattr(error, "ename", "") or ""
        evalue = getattr(error, "evalue", "") or ""
        if evalue or (ename and ename != "<Error>"):
            lines.append(f"{ename}: {evalue}")
    if not lines:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                lines.extend(line for line in str(output.get("text", "")).splitlines()
                             if not KERNEL_FRAME.match(line))
    if not lines:
        lines = [f"{type(error).__name__}: {error}".strip()]
    return [ANSI_ESCAPE.sub("", line) for line in lines]


def report_failure(notebook: Path, nb: nbformat.NotebookNode, cell_index: Optional[int],
                   json_lines: List[int], error: Exception, timeout: int) -> None:
    if cell_index is None or cell_index >= len(nb.cells):
        print(f"FAILED {display_path(notebook)} before any cell ran: {type(error).__name__}: {error}")
        return
    where = f"line {json_lines[cell_index]} of the notebook JSON" if cell_index < len(json_lines) else "line unknown"
    print(f"FAILED {display_path(notebook)} cell {cell_index} (0-based; {where})")
    source_lines = nb.cells[cell_index].source.splitlines()
    print("  cell source:")
    for line in source_lines[:SOURCE_LINES_SHOWN]:
        print(f"    | {line}")
    if len(source_lines) > SOURCE_LINES_SHOWN:
        print(f"    | ... ({len(source_lines) - SOURCE_LINES_SHOWN} more lines)")
    if isinstance(error, CellTimeoutError):
        print(f"  error: the cell ran longer than {timeout} s (raise the limit with --timeout)")
        return
    if isinstance(error, DeadKernelError):
        print(f"  error: the kernel died while running this cell ({error})".rstrip())
    print("  error:")
    error_lines = cell_error_text(nb.cells[cell_index], error)
    for line in error_lines[:ERROR_LINES_SHOWN]:
        print(f"    {line}")
    if len(error_lines) > ERROR_LINES_SHOWN:
        print(f"    ... ({len(error_lines) - ERROR_LINES_SHOWN} more lines)")


def display_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def write_atomically(target: Path, data: bytes) -> None:
    """Temp file in the same folder, fsync, os.replace: readers see the old or the new file, never half."""
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, target)
    except BaseException:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # make the rename itself durable
    finally:
        os.close(dir_fd)


def html_exporter(js_assets: str) -> HTMLExporter:
    urls = CDN_JS_URLS if js_assets == "cdn" else {}
    try:
        exporter = HTMLExporter(template_name="lab", **urls)
        exporter.template  # raises when the template is not installed
        return exporter
    except Exception:
        return HTMLExporter(template_name="classic", **urls)


def notebook_bytes(nb: nbformat.NotebookNode) -> bytes:
    return (nbformat.writes(nb) + "\n").encode("utf-8")


def run_notebook(notebook: Path, out_dir: Path, args: argparse.Namespace, exporter: HTMLExporter) -> NotebookResult:
    started = time.monotonic()
    raw_json = notebook.read_text(encoding="utf-8")
    nb = nbformat.reads(raw_json, as_version=4)
    current = {"index": None}

    def remember_cell(cell, cell_index, **_):  # nbclient hook: which cell is running now
        current["index"] = cell_index

    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        startup_timeout=args.startup_timeout,
        allow_errors=False,
        on_cell_start=remember_cell,
        resources={"metadata": {"path": str(notebook.parent)}},  # kernel cwd = notebook folder
    )
    print(f"RUN    {display_path(notebook)}", flush=True)
    failed_copy = out_dir / f"{notebook.stem}.failed.ipynb"
    try:
        client.execute()
    except Exception as error:  # CellExecutionError, CellTimeoutError, DeadKernelError, startup errors
        seconds = time.monotonic() - started
        report_failure(notebook, nb, current["index"], cell_start_lines(raw_json), error, args.timeout)
        write_atomically(failed_copy, notebook_bytes(nb))
        print(f"  partial executed copy: {display_path(failed_copy)} (existing reports left untouched)")
        print(f"  {seconds:.1f} s", flush=True)
        return NotebookResult(notebook, False, seconds, [failed_copy])

    html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": notebook.stem}})
    if not args.full_css:
        html = trim_report_css(html)
    executed = out_dir / f"{notebook.stem}.ipynb"
    report = out_dir / f"{notebook.stem}.html"
    write_atomically(executed, notebook_bytes(nb))
    write_atomically(report, html.encode("utf-8"))
    if failed_copy.exists():
        failed_copy.unlink()
        print(f"  removed stale {display_path(failed_copy)}")
    seconds = time.monotonic() - started
    print(f"OK     {display_path(notebook)} in {seconds:.1f} s -> {display_path(report)}", flush=True)
    return NotebookResult(notebook, True, seconds, [executed, report])


def print_summary(results: List[NotebookResult]) -> None:
    width = max(len(display_path(r.notebook)) for r in results)
    print()
    print(f"{'notebook'.ljust(width)}  status  seconds  written")
    for r in results:
        status = "ok" if r.ok else "FAILED"
        written = ", ".join(display_path(p) for p in r.written)
        print(f"{display_path(r.notebook).ljust(width)}  {status.ljust(6)}  {r.seconds:7.1f}  {written}")
    failed = sum(not r.ok for r in results)
    print(f"{len(results) - failed} of {len(results)} notebooks ran; {failed} failed.")


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if args.timeout <= 0:
        die(f"--timeout must be a positive number of seconds, got {args.timeout}")
    notebooks = find_notebooks(args.notebooks)
    kernel_argv = check_kernel(args.kernel)
    out_dir = args.out.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    print_versions(args.kernel, kernel_argv)
    configure_kernel_environment(args.quick)
    exporter = html_exporter(args.js_assets)
    css = "all of nbconvert's CSS" if args.full_css else "CSS trimmed to the rules that apply"
    print(f"html         nbconvert template '{exporter.template_name}', {css}, MathJax from {exporter.mathjax_url.split('?')[0]}")
    print(f"out          {display_path(out_dir)}")
    print(f"notebooks    {len(notebooks)}", flush=True)
    results = [run_notebook(nb, out_dir, args, exporter) for nb in notebooks]
    print_summary(results)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
