#!/usr/bin/env bash
# `npm run bench [-- --sizes 10000,100000 --detectors knn,lof,iforest --quick]`: our detectors against
# scikit-learn on the same data, one command (see scripts/bench/detectors.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash environment/setup.sh --quiet
source scripts/lib/mirror.sh
# The references (scikit-learn, scipy, numpy) from PyPI, in the project's .venv-reference.
python="$(bash scripts/lib/reference-python.sh)"
export ANOMALY_LAB_REFERENCE_PYTHON="$python"
exec node --import tsx scripts/bench/detectors.ts "$@"
