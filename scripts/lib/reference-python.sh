#!/usr/bin/env bash
# Resolves the Python that runs the references (scikit-learn, scipy, statsmodels, imbalanced-learn, PyOD,
# PyTorch CPU) for fixture generators and benchmarks: $ANOMALY_LAB_REFERENCE_PYTHON when set (it must import
# them: no silent fallback), else the project's .venv-reference, created and filled from
# environment/requirements-reference.txt with pip on first use (no root; a few minutes once).
#
# Run it: `bash scripts/lib/reference-python.sh` prints the path (exit 1 with the reason when it cannot).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
requirements="$root/environment/requirements-reference.txt"
probe='import numpy, scipy, sklearn, statsmodels, pyod, imblearn, torch, tqdm'

if [ -n "${ANOMALY_LAB_REFERENCE_PYTHON:-}" ]; then
  if ! "$ANOMALY_LAB_REFERENCE_PYTHON" -c "$probe" >/dev/null 2>&1; then
    echo "ANOMALY_LAB_REFERENCE_PYTHON=$ANOMALY_LAB_REFERENCE_PYTHON cannot import the references ($probe); install environment/requirements-reference.txt there or unset it." >&2
    exit 1
  fi
  command -v "$ANOMALY_LAB_REFERENCE_PYTHON"
  exit 0
fi

venv="$root/.venv-reference"
stamp="$venv/anomaly-lab-requirements.txt"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$stamp"; then
  base="$(command -v python3 || true)"
  [ -n "$base" ] || { echo "reference-python: no python3 on PATH to create $venv" >&2; exit 1; }
  [ -x "$venv/bin/python" ] || "$base" -m venv "$venv" >&2 \
    || { echo "reference-python: python3 -m venv $venv failed (Debian: apt-get install python3-venv)" >&2; exit 1; }
  echo "reference-python: installing environment/requirements-reference.txt into $venv (pip; once)" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2 \
    || { echo "reference-python: pip could not install $requirements (output above)" >&2; exit 1; }
  cp "$requirements" "$stamp"
fi
echo "$venv/bin/python"
