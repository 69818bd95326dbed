#!/usr/bin/env bash
# `npm run bench:train [-- --backends wasm,cpu --epochs 5 --models 0,2 --torch-threads 2]`: our neural detectors' training speed
# against PyTorch (CPU, from PyPI) in one command (see scripts/bench/training.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash environment/setup.sh --quiet
# PyTorch (CPU build) from PyPI, in the project's .venv-reference; ANOMALY_LAB_TORCH_PYTHON overrides.
python="${ANOMALY_LAB_TORCH_PYTHON:-$(bash scripts/lib/reference-python.sh)}"
"$python" -c 'import torch' >/dev/null 2>&1 || { echo "bench:train: $python cannot import torch" >&2; exit 1; }
export ANOMALY_LAB_TORCH_PYTHON="$python"
exec node --import tsx scripts/bench/training.ts "$@"
