#!/usr/bin/env bash
# Resolves the Python that runs Jupyter for anomaly-lab (jupyter_client, nbclient,
# nbconvert importable and `python -m jupyter` working).
#
# Order: $ANOMALY_LAB_PYTHON (if set, it must work: no silent fallback), then
# `python3` on PATH (an activated conda env or venv), then the project's own .venv (made by
# `npm run setup` with pip when no Jupyter was found), then /usr/bin/python3 (Debian's jupyter packages).
# Resolved afresh each time (no cache), so activating a conda env takes effect at once.
#
# Source it and call `anomaly_lab_python`, or run it: `bash scripts/lib/python.sh`
# prints the path (exit 1 with a hint when none works).

ANOMALY_LAB_ROOT="${ANOMALY_LAB_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

# True when "$1" can run everything the reports job needs.
anomaly_lab_python_works() {
  local candidate="$1"
  [ -n "$candidate" ] || return 1
  command -v "$candidate" >/dev/null 2>&1 || return 1
  "$candidate" -c 'import jupyter_client, nbclient, nbconvert, nbformat, jupyter_core' >/dev/null 2>&1 || return 1
  "$candidate" -m jupyter --version >/dev/null 2>&1
}

# Prints the absolute path of the first working Python; returns 1 when none works.
anomaly_lab_python() {
  local candidate resolved
  if [ -n "${ANOMALY_LAB_PYTHON:-}" ]; then
    if anomaly_lab_python_works "$ANOMALY_LAB_PYTHON"; then
      command -v "$ANOMALY_LAB_PYTHON"
      return 0
    fi
    echo "ANOMALY_LAB_PYTHON=$ANOMALY_LAB_PYTHON cannot import jupyter_client/nbclient/nbconvert or run 'python -m jupyter'." >&2
    return 1
  fi
  for candidate in python3 "$ANOMALY_LAB_ROOT/.venv/bin/python" /usr/bin/python3; do
    if anomaly_lab_python_works "$candidate"; then
      # Resolve shims (pyenv) and bare names so the logs show the real binary.
      resolved="$("$candidate" -c 'import sys; print(sys.executable)')"
      echo "${resolved:-$(command -v "$candidate")}"
      return 0
    fi
  done
  return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  if ! anomaly_lab_python; then
    [ -n "${ANOMALY_LAB_PYTHON:-}" ] && exit 1  # the message above already says what is wrong
    echo "No Python with Jupyter (jupyter_client, nbclient, nbconvert) found. Run 'npm run setup' (see environment/README.md)." >&2
    exit 1
  fi
fi
