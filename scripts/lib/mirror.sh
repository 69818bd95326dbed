# Sourced by scripts: offline machines (this project's CI and dev boxes) keep real copies of the datasets
# beside the project; use them as the loaders' mirror unless the user chose another. Elsewhere the loaders
# download from the upstream URLs.
if [ -z "${ANOMALY_LAB_DATA_MIRROR:-}" ] && [ -d ../shared/datasets ]; then
  ANOMALY_LAB_DATA_MIRROR="$(cd ../shared/datasets && pwd)"
  export ANOMALY_LAB_DATA_MIRROR
  echo "datasets mirror: $ANOMALY_LAB_DATA_MIRROR (set ANOMALY_LAB_DATA_MIRROR to change)" >&2
fi
