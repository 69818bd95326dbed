#!/usr/bin/env bash
# `npm run bench:kernel [-- --processes 3 --cells 50]`: the anomaly-lab kernel's start, trivial-cell and
# first-import times beside ipykernel's, in one run (scripts/bench/kernel.py). Run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash environment/setup.sh --quiet
source scripts/lib/python.sh
python="$(anomaly_lab_python)" || { echo "bench:kernel: no Python with Jupyter found; run npm run setup" >&2; exit 1; }
if ! "$python" -c 'import ipykernel' >/dev/null 2>&1; then
  echo "bench:kernel: $python has no ipykernel to compare with: $python -m pip install ipykernel" >&2
  exit 1
fi
PYDEVD_DISABLE_FILE_VALIDATION=1 exec "$python" scripts/bench/kernel.py "$@"
