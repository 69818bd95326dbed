"""Reference values for test/eda.test.ts and test/plots.test.ts, from numpy/scipy.

Run: bash test/reference/regenerate.sh eda
Reads the tutorial's salary data set and writes test/fixtures/eda.json.
"""
import csv

from common import mirror_path, write_fixture  # first: see common.py
import numpy as np
import scipy
from scipy import stats


def read_columns(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return {name: np.array([float(r[name]) for r in rows]) for name in rows[0].keys()}


def describe(x):
    q25, q50, q75 = np.quantile(x, [0.25, 0.5, 0.75])
    return {"count": int(x.size), "mean": float(np.mean(x)), "std": float(np.std(x, ddof=1)),
            "min": float(np.min(x)), "25%": float(q25), "50%": float(q50), "75%": float(q75),
            "max": float(np.max(x))}


def iqr_rule(x, k):
    q1, q3 = np.quantile(x, [0.25, 0.75])
    lower, upper = q1 - k * (q3 - q1), q3 + k * (q3 - q1)
    flags = (x < lower) | (x > upper)
    return {"k": k, "q1": float(q1), "q3": float(q3), "iqr": float(q3 - q1), "lower": float(lower),
            "upper": float(upper), "indices": np.flatnonzero(flags).tolist(),
            "outlierValues": sorted(x[flags].tolist())}


def zscore_rule(x, threshold, ddof):
    z = stats.zscore(x, ddof=ddof)
    return {"threshold": threshold, "ddof": ddof, "mean": float(np.mean(x)),
            "std": float(np.std(x, ddof=ddof)), "z": z.tolist(),
            "indices": np.flatnonzero(np.abs(z) > threshold).tolist()}


def main():
    columns = read_columns(mirror_path("salary", "salaries_numpy_seed7.csv"))
    salary = columns["salary_after_injection"]
    qs = [0, 0.01, 0.1, 0.25, 1 / 3, 0.5, 0.75, 0.9, 0.99, 1]
    values, counts = np.unique(columns["class"].astype(int), return_counts=True)
    order = sorted(range(len(values)), key=lambda i: (-counts[i], values[i]))
    # Histogram: vega picks 100-wide bins from 0 for this range (asserted by the test via axis labels).
    edges = np.arange(0, 2600, 100)
    hist, _ = np.histogram(salary, bins=edges)
    fixture = {
        "source": "numpy %s, scipy %s; salaries_numpy_seed7.csv" % (np.__version__, scipy.__version__),
        "csvColumns": list(columns.keys()),
        "describe": {name: describe(x) for name, x in columns.items()},
        "quantiles": {"q": qs, "values": np.quantile(salary, qs).tolist()},
        "smallQuantiles": {"data": [3, 1, 4, 1, 5], "q": [0.1, 0.3, 0.5, 0.7, 0.9],
                           "values": np.quantile([3, 1, 4, 1, 5], [0.1, 0.3, 0.5, 0.7, 0.9]).tolist()},
        "iqr": [iqr_rule(salary, 1.5), iqr_rule(salary, 3.0)],
        "zscore": [zscore_rule(salary, 3.0, 0), zscore_rule(salary, 2.0, 1)],
        "classCounts": {"value": [int(values[i]) for i in order], "count": [int(counts[i]) for i in order]},
        "histogram100": [{"low": int(lo), "high": int(lo + 100), "count": int(c)}
                         for lo, c in zip(edges[:-1], hist) if c > 0],
    }
    write_fixture("eda.json", fixture, indent=1)


if __name__ == "__main__":
    main()
