#!/usr/bin/env bash
# `npm run bench:pyod [-- --quick --datasets cardio,mnist --detectors PCA --iterations 3 --ours-only]`: PyOD's
# published benchmark table reproduced with anomaly-lab's detectors, beside the published cells and PyOD itself
# run here (see scripts/bench/pyod-benchmark.ts). `--setup-pyod` first makes .venv-pyod with PyOD from
# scripts/bench/requirements-pyod.txt (needs python3 with venv and a reachable package index).
set -euo pipefail
cd "$(dirname "$0")/.."
bash environment/setup.sh --quiet
source scripts/lib/mirror.sh
args=()
for arg in "$@"; do
  if [ "$arg" = --setup-pyod ]; then
    if [ ! -x .venv-pyod/bin/python ]; then
      echo "bench:pyod: making .venv-pyod from scripts/bench/requirements-pyod.txt" >&2
      python3 -m venv .venv-pyod
      .venv-pyod/bin/pip install --quiet -r scripts/bench/requirements-pyod.txt
    fi
  else
    args+=("$arg")
  fi
done
exec node --import tsx scripts/bench/pyod-benchmark.ts "${args[@]+"${args[@]}"}"
