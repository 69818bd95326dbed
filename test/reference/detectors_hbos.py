"""Reference results for test/detectors-hbos.test.ts: PyOD's HBOS with static bins.

Run with Debian's Python: /usr/bin/python3 test/reference/detectors_hbos.py
Writes test/fixtures/detectors_hbos.json.

PyOD is not installable here; `hbos_fit` / `hbos_scores` below re-implement
pyod/models/hbos.py (HBOS(n_bins=10, alpha=0.1, tol=0.5), the static-bin branch of fit
and _calculate_outlier_scores) with the same numpy calls: np.histogram(density=True) per
feature, np.digitize(right=True) to place values, log2(density + alpha), the tol rule
for values outside the training range, the sum over features negated (invert_order).
threshold_ = np.percentile(decision_scores_, 100 * (1 - contamination)).
"""
from common import pyod_outcome, salary_data, uniform_data, write_fixture  # first: see common.py
import numpy as np


def hbos_fit(X, n_bins):
    n_features = X.shape[1]
    hist = np.zeros([n_bins, n_features])
    bin_edges = np.zeros([n_bins + 1, n_features])
    for i in range(n_features):
        hist[:, i], bin_edges[:, i] = np.histogram(X[:, i], bins=n_bins, density=True)
    return hist, bin_edges


def hbos_scores(X, bin_edges, hist, n_bins, alpha, tol):
    n_samples, n_features = X.shape
    outlier_scores = np.zeros(shape=(n_samples, n_features))
    for i in range(n_features):
        bin_inds = np.digitize(X[:, i], bin_edges[:, i], right=True)
        out_score_i = np.log2(hist[:, i] + alpha)
        for j in range(n_samples):
            if bin_inds[j] == 0:
                dist = bin_edges[0, i] - X[j, i]
                bin_width = bin_edges[1, i] - bin_edges[0, i]
                outlier_scores[j, i] = out_score_i[0] if dist <= bin_width * tol else np.min(out_score_i)
            elif bin_inds[j] == n_bins + 1:
                dist = X[j, i] - bin_edges[-1, i]
                bin_width = bin_edges[-1, i] - bin_edges[-2, i]
                outlier_scores[j, i] = out_score_i[n_bins - 1] if dist <= bin_width * tol else np.min(out_score_i)
            else:
                outlier_scores[j, i] = out_score_i[bin_inds[j] - 1]
    return -np.sum(outlier_scores, axis=1)


def case(X, X_new, contamination=0.1, n_bins=10, alpha=0.1, tol=0.5, data=None, store_x=True):
    hist, edges = hbos_fit(X, n_bins)
    scores = hbos_scores(X, edges, hist, n_bins, alpha, tol)
    new_scores = hbos_scores(X_new, edges, hist, n_bins, alpha, tol)
    record = {"nBins": n_bins, "alpha": alpha, "tol": tol, "contamination": contamination}
    if data is not None:
        record["data"] = data
    elif store_x:
        record["X"] = X.tolist()
    record.update({
        "XNew": X_new.tolist(), "edges": edges.T.tolist(), "density": hist.T.tolist(),
        **pyod_outcome(scores, new_scores, contamination),
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

    fixture = {"numpy": np.__version__, "salary": salary_case, "cases": cases}
    write_fixture("detectors_hbos.json", fixture)


if __name__ == "__main__":
    main()
