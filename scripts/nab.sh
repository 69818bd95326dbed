#!/usr/bin/env bash
# `npm run nab [-- --only <name> --files <n> --out <folder>]`: our time-series detectors on the whole NAB corpus,
# scored by our NAB scorer, beside the published scoreboard (see scripts/nab/run.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash environment/setup.sh --quiet
source scripts/lib/mirror.sh
exec node --import tsx scripts/nab/run.ts "$@"
