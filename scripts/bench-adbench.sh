#!/usr/bin/env bash
# `npm run bench:adbench [-- --quick --datasets cardio,glass --detectors KNN,IForest --seeds 1]`: ADBench's
# unsupervised protocol with every detector of the benchmark lineup (see scripts/bench/adbench-sweep.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash environment/setup.sh --quiet
source scripts/lib/mirror.sh
exec node --import tsx scripts/bench/adbench-sweep.ts "$@"
