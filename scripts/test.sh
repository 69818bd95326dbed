#!/usr/bin/env bash
# README command 2: the whole test suite (unit tests, reference checks, the kernel and the notebooks in
# quick mode). Safe on a fresh clone: it sets up what is missing first (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

bash environment/setup.sh --quiet

# Tests read the real datasets from a local mirror; beside the project root by default.
if [ -z "${ANOMALY_LAB_DATA_MIRROR:-}" ] && [ -d ../shared/datasets ]; then
  ANOMALY_LAB_DATA_MIRROR="$(cd ../shared/datasets && pwd)"
  export ANOMALY_LAB_DATA_MIRROR
fi

npx tsc -p test/tsconfig.json
exec node --import tsx --test --test-reporter=spec "$@" test/*.test.ts
