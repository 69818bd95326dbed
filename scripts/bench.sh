#!/usr/bin/env bash
# `npm run bench [-- --sizes 10000,100000 --detectors knn,lof,iforest --quick]`: our detectors against
# scikit-learn on the same data, one command (see scripts/bench/detectors.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash environment/setup.sh --quiet
source scripts/lib/mirror.sh
# The references (scikit-learn, scipy, numpy) run in the Jupyter Python; Debian packages scikit-learn.
python="$(bash scripts/lib/python.sh)"
if ! "$python" -c 'import sklearn, scipy' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ "$python" = /usr/bin/python3 ]; then
    echo "bench: installing the reference, Debian's python3-sklearn" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3-sklearn >/dev/null
  else
    echo "bench: the reference needs scikit-learn and scipy in $python: apt-get install python3-sklearn, or install scikit-learn there with pip or conda" >&2
    exit 1
  fi
fi
exec node --import tsx scripts/bench/detectors.ts "$@"
