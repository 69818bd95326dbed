#!/usr/bin/env bash
# `npm run reports [-- args]`: set up (quietly when already done), run every notebook on the
# anomaly-lab kernel, and list the reports written.
#   npm run reports                      all notebooks, full mode, into reports/
#   npm run reports -- --quick           small data, fast (ANOMALY_LAB_QUICK=1)
#   npm run reports -- notebooks/x.ipynb --out /tmp/r
# All arguments go to scripts/run_notebooks.py (see `--help` there).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PYDEVD_DISABLE_FILE_VALIDATION=1  # silence Debian debugpy's frozen-modules warning

bash environment/setup.sh --quiet
python="$(bash scripts/lib/python.sh)"

source scripts/lib/mirror.sh

# Where the reports go, to list them afterwards (mirrors run_notebooks.py's --out).
out_dir="reports"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --out) out_dir="${args[$((i + 1))]:-reports}" ;;
    --out=*) out_dir="${args[$i]#--out=}" ;;
  esac
done

status=0
"$python" scripts/run_notebooks.py "$@" || status=$?

if [ -d "$out_dir" ]; then
  echo
  echo "Reports in $out_dir/:"
  shopt -s nullglob
  files=("$out_dir"/*.html "$out_dir"/*.ipynb)
  if [ ${#files[@]} -gt 0 ]; then
    ls -l "${files[@]}"
  else
    echo "  (none)"
  fi
fi
exit "$status"
