#!/usr/bin/env bash
# Regenerates the committed fixtures in test/fixtures/ from the reference scripts in this folder, run with the
# PyPI references of environment/requirements-reference.txt (scripts/lib/reference-python.sh: the project's
# .venv-reference, or $ANOMALY_LAB_REFERENCE_PYTHON).
#
#   bash test/reference/regenerate.sh                         # every script, in name order
#   bash test/reference/regenerate.sh detectors_ecod nn.py    # only these (a name, name.py or a path)
#   bash test/reference/regenerate.sh --list                  # which fixture each script writes; runs nothing
#
# Scripts that read datasets take them from $ANOMALY_LAB_DATA_MIRROR (default ../shared/datasets beside the
# repository), fashion_mnist.py from Debian's dataset-fashion-mnist. Each script prints the fixture it wrote;
# review the change with `git diff --stat test/fixtures` before committing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

# The fixture a script writes: the first argument of its write_fixture call ("data/reference.json" for data.py).
fixture_of() {
  local call
  call="$(grep -o 'write_fixture(.*' "$1" | grep -v 'def write_fixture' | head -n 1)"
  if [[ "$call" == write_fixture\(os.path.join\(* ]]; then
    call="${call#write_fixture(os.path.join(}"
    call="${call%%)*}"
    call="${call//\", \"//}"
  else
    call="${call#write_fixture(\"}"
  fi
  call="${call#\"}"
  echo "test/fixtures/${call%%\"*}"
}

list=0
names=()
for arg in "$@"; do
  case "$arg" in
    --list) list=1 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) names+=("$(basename "${arg%.py}")") ;;
  esac
done
if [ "${#names[@]}" -eq 0 ]; then
  for script in "$here"/*.py; do
    name="$(basename "${script%.py}")"
    [ "$name" = common ] || names+=("$name")
  done
fi
for name in "${names[@]}"; do
  if [ "$name" = common ] || [ ! -f "$here/$name.py" ]; then
    echo "regenerate: no reference script test/reference/$name.py (see --list)" >&2
    exit 1
  fi
done

if [ "$list" = 1 ]; then
  for name in "${names[@]}"; do printf '%-22s -> %s\n' "$name.py" "$(fixture_of "$here/$name.py")"; done
  exit 0
fi

python="$(bash "$root/scripts/lib/reference-python.sh")"
echo "regenerate: $python ($("$python" -c 'import numpy, scipy, sklearn, statsmodels, pandas, pyod, imblearn, torch as t
print(", ".join(f"{m.__name__} {m.__version__}" for m in (numpy, scipy, sklearn, statsmodels, pandas, pyod, imblearn, t)))'))" >&2
failed=()
for name in "${names[@]}"; do
  echo "regenerate: $name.py -> $(fixture_of "$here/$name.py")" >&2
  (cd "$root" && "$python" "$here/$name.py") || failed+=("$name.py")
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "regenerate: FAILED ${failed[*]} (their fixtures are left as they were)" >&2
  exit 1
fi
