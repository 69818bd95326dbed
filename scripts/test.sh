#!/usr/bin/env bash
# README command 2: the whole test suite (unit tests, reference checks, the kernel and the notebooks in
# quick mode). Safe on a fresh clone: it sets up what is missing first (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

bash environment/setup.sh --quiet

source scripts/lib/mirror.sh

npx tsc -p test/tsconfig.json
exec node --import tsx --test --test-reporter=spec "$@" test/*.test.ts
