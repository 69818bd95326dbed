#!/usr/bin/env bash
# `npm run bench:train [-- --backends wasm,cpu --epochs 5 --models 0,2]`: our neural detectors' training speed
# against PyTorch (Debian's python3-torch) in one command (see scripts/bench/training.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash environment/setup.sh --quiet
python="${ANOMALY_LAB_TORCH_PYTHON:-/usr/bin/python3}"
if ! "$python" -c 'import torch' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench:train: installing the reference, Debian's python3-torch" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3-torch >/dev/null
  else
    echo "bench:train: the reference needs PyTorch: apt-get install python3-torch, or set ANOMALY_LAB_TORCH_PYTHON to a Python with torch" >&2
    exit 1
  fi
fi
export ANOMALY_LAB_TORCH_PYTHON="$python"
exec node --import tsx scripts/bench/training.ts "$@"
