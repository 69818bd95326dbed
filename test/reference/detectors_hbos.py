"""Reference results for test/detectors-hbos.test.ts: PyOD's HBOS itself with static bins
(pyod/models/hbos.py: HBOS(n_bins, alpha, tol, contamination)).

Run: bash test/reference/regenerate.sh detectors_hbos  (writes test/fixtures/detectors_hbos.json)

Stores the fitted bin_edges_ and hist_ (np.histogram(density=True) per feature), decision_scores_, threshold_,
labels_, and decision_function / predict of new rows: np.digitize(right=True) places a value, log2(density +
alpha) scores it, values outside the training range within tol bin widths take the edge bin's score and the
others the lowest, and the negated sum over features is the score.
"""
from common import pyod_fitted_outcome, salary_data, uniform_data, write_fixture  # first: see common.py
import numpy as np
import pyod
from pyod.models.hbos import HBOS


def case(X, X_new, contamination=0.1, n_bins=10, alpha=0.1, tol=0.5, data=None, store_x=True):
    detector = HBOS(n_bins=n_bins, alpha=alpha, tol=tol, contamination=contamination).fit(X)
    record = {"nBins": n_bins, "alpha": alpha, "tol": tol, "contamination": contamination}
    if data is not None:
        record["data"] = data
    elif store_x:
        record["X"] = X.tolist()
    record.update({
        "XNew": X_new.tolist(), "edges": detector.bin_edges_.T.tolist(), "density": detector.hist_.T.tolist(),
        **pyod_fitted_outcome(detector, X_new),
    })
    return record


def main():
    salary = salary_data()
    lo, hi = salary.min(), salary.max()
    width = (hi - lo) / 10
    # Inside, on edges, just outside (within tol), far outside.
    salary_new = np.array([[37.0], [1256.0], [lo], [hi], [lo + 3 * width], [lo - 0.4 * width],
                           [lo - 0.6 * width], [hi + 0.5 * width], [hi + 0.51 * width], [1e6]])
    salary_case = case(salary, salary_new, contamination=0.02, store_x=False)

    cases = []
    for seed, n, d, outliers in ((1, 200, 2, 5), (2, 300, 5, 10)):
        spec = {"seed": seed, "n": n, "d": d, "outliers": outliers}
        X, X_new = uniform_data(**spec)
        cases.append(case(X, X_new * 1.5, data=spec))
    spec = {"seed": 3, "n": 150, "d": 3, "outliers": 4}
    X, X_new = uniform_data(**spec)
    cases.append(case(X, X_new, n_bins=7, alpha=0.5, tol=0.2, contamination=0.05, data=spec))
    # Integers on inner edges (np.digitize right=True vs np.histogram's right-open bins) and a constant column.
    rs = np.random.RandomState(4)
    X_int = np.column_stack([rs.randint(0, 11, 60).astype(float), np.full(60, 2.5)])
    X_int_new = np.array([[0.0, 2.5], [2.0, 2.0], [10.0, 3.0], [11.0, 2.5], [-1.0, 1.9], [4.0, 2.5]])
    cases.append(case(X_int, X_int_new, n_bins=5))

    fixture = {"pyod": pyod.__version__, "numpy": np.__version__, "salary": salary_case, "cases": cases}
    write_fixture("detectors_hbos.json", fixture)


if __name__ == "__main__":
    main()
