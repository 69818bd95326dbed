#!/usr/bin/env bash
# Live UI check: runs a notebook in the classic Jupyter Notebook UI (Debian's `notebook` 6) on the
# "anomaly-lab" kernel, driven by headless Chromium through playwright-core, and saves screenshots.
# It proves the kernel works in a browser (run all, interrupt, restart), not only under nbconvert.
#
# Usage: bash scripts/ui-check/ui-check.sh [notebook=notebooks/02-salary-kmeans.ipynb] [out-dir=/tmp/ui]
# Needs: `npm install --no-save playwright-core` in /tmp/ui (or PLAYWRIGHT_DIR=<dir with node_modules>),
#        /usr/bin/chromium (CHROMIUM=... overrides), Debian's jupyter-notebook, a built dist/ and the
#        "anomaly-lab" kernelspec. Port: UI_CHECK_PORT (default 8899).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
notebook="${1:-notebooks/02-salary-kmeans.ipynb}"
out_dir="${2:-/tmp/ui}"
port="${UI_CHECK_PORT:-8899}"
playwright_dir="${PLAYWRIGHT_DIR:-/tmp/ui}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

cd "$repo"
[ -f "$notebook" ] || { echo "ui-check: notebook '$notebook' does not exist" >&2; exit 2; }
[ -d "$playwright_dir/node_modules/playwright-core" ] || {
  echo "ui-check: no playwright-core in $playwright_dir (run: mkdir -p $playwright_dir && cd $playwright_dir && npm install --no-save playwright-core)" >&2
  exit 2; }
[ -f dist/kernel/main.js ] || { echo "ui-check: dist/ is not built; run npm run build" >&2; exit 2; }

# The copy must sit inside the repo: the kernel resolves `anomaly-lab` from the notebook's folder upward.
# .ui-tmp/ is git-ignored; it is hidden, hence --ContentsManager.allow_hidden=True below.
work_dir="$repo/.ui-tmp"
rm -rf "$work_dir"
mkdir -p "$work_dir" "$out_dir"
cp "$notebook" "$work_dir/"
server_log="$out_dir/notebook-server.log"
as_root=(); [ "$(id -u)" -eq 0 ] && as_root=(--allow-root) # containers often run as root

/usr/bin/python3 -m notebook --no-browser --ip=127.0.0.1 --port="$port" --port-retries=0 \
  --NotebookApp.token=test --NotebookApp.open_browser=False --ContentsManager.allow_hidden=True \
  --notebook-dir="$repo" "${as_root[@]}" >"$server_log" 2>&1 &
server_pid=$!
cleanup() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -rf "$work_dir"
}
trap cleanup EXIT

for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/api/status?token=test" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "ui-check: notebook server died:" >&2; tail -n 20 "$server_log" >&2; exit 1; }
  sleep 0.5
done

NODE_PATH="$playwright_dir/node_modules" node "$repo/scripts/ui-check/ui-check.js" \
  "http://127.0.0.1:$port" ".ui-tmp/$(basename "$notebook")" "$out_dir"
