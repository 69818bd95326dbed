#!/usr/bin/env bash
# PNG screenshot of an HTML report with headless Chromium (Debian: /usr/bin/chromium).
#
# Usage: bash scripts/screenshot.sh <report.html> <out.png> [width=1280] [height=900|full]
#   height "full" captures the whole page (via scripts/lib/screenshot-full-page.js).
# Environment: CHROMIUM=/path/to/chromium overrides the browser.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 4 ]; then
  echo "usage: bash scripts/screenshot.sh <report.html> <out.png> [width=1280] [height=900|full]" >&2
  exit 2
fi
html="$1"
out_png="$2"
width="${3:-1280}"
height="${4:-900}"
chromium="${CHROMIUM:-/usr/bin/chromium}"

[ -f "$html" ] || { echo "screenshot: report '$html' does not exist" >&2; exit 2; }
[[ "$width" =~ ^[1-9][0-9]*$ ]] || { echo "screenshot: width must be a positive integer, got '$width'" >&2; exit 2; }
[[ "$height" =~ ^([1-9][0-9]*|full)$ ]] || { echo "screenshot: height must be a positive integer or 'full', got '$height'" >&2; exit 2; }
if ! command -v "$chromium" >/dev/null 2>&1 && [ -z "${CHROMIUM:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "screenshot: installing Debian's chromium" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null \
    || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null; } || true
fi
command -v "$chromium" >/dev/null 2>&1 || {
  echo "screenshot: no Chromium at '$chromium' (Debian: apt-get install chromium; or set CHROMIUM=...)" >&2; exit 2; }

url="file://$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
mkdir -p "$(dirname "$out_png")"
out_abs="$(cd "$(dirname "$out_png")" && pwd)/$(basename "$out_png")"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  "--user-data-dir=$profile" --hide-scrollbars)

if [ "$height" = full ]; then
  node "$(dirname "${BASH_SOURCE[0]}")/lib/screenshot-full-page.js" "$chromium" "$url" "$out_abs" "$width" "${flags[@]}"
else
  # Chromium logs harmless D-Bus noise on stderr in containers; show its output only on failure.
  if ! log="$("$chromium" "${flags[@]}" "--window-size=$width,$height" "--screenshot=$out_abs" "$url" 2>&1)" \
      || [ ! -s "$out_abs" ]; then
    echo "screenshot: chromium failed:" >&2
    echo "$log" | tail -n 20 >&2
    exit 1
  fi
  echo "$out_png: ${width}x${height}"
fi
