#!/usr/bin/env bash
# README command 2: the whole test suite (unit tests, reference checks, the kernel and the notebooks in
# quick mode). Safe on a fresh clone: it sets up what is missing first (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

bash environment/setup.sh --quiet

source scripts/lib/mirror.sh
# The tests drive the Jupyter setup chose (the project's .venv on a machine that had none), as a user does after
# `npm run setup`; ANOMALY_LAB_PYTHON given by the caller wins.
ANOMALY_LAB_PYTHON="${ANOMALY_LAB_PYTHON:-$(bash scripts/lib/python.sh)}"
export ANOMALY_LAB_PYTHON

npx tsc -p test/tsconfig.json
exec node --import tsx --test --test-reporter=spec "$@" test/*.test.ts
