"""PyOD's MCD (scikit-learn's MinCovDet) on ADBench's InternetAds split, seeds 1-3: what docs/benchmarks.md quotes
("MCD with more columns than rows"). Run with the PyPI references (PyOD 3.6.7, scikit-learn 1.9.1):

    ANOMALY_LAB_DATA_MIRROR=/path/to/datasets python scripts/bench/pyod_mcd_wide.py 1 2 3

The split is ADBench's (test/reference/benchmark.py's adbench_split), then `np.random.seed(seed)` and PyOD's
`MCD().fit(X_train)`, as adbench/baseline/PyOD.py does. With 1,376 rows of 1,555 columns every C-step's support is
every row (fast_mcd caps h at n), so the subset stage's 500 C-steps (each a 1,555 x 1,555 pinvh: hours on a
loaded 2-core machine) cannot change the result: they are replaced by their random draws alone, and the merged
stage keeps its first candidate. Everything else is PyOD's and scikit-learn's own code. Also prints what
scikit-learn < 1.8's median correction (the sweep's MCD, as ADBench ran) gives on the same raw estimate.
"""
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "reference"))
from benchmark import adbench_split, load  # noqa: E402  (imports common first: see test/reference/common.py)
import numpy as np  # noqa: E402
import sklearn.covariance._robust_covariance as robust  # noqa: E402
from pyod.models.mcd import MCD  # noqa: E402
from scipy import linalg  # noqa: E402
from scipy.stats import chi2  # noqa: E402
from sklearn.metrics import average_precision_score, roc_auc_score  # noqa: E402

select_candidates = robust.select_candidates


def every_row_candidates(X, n_support, n_trials, select=1, n_iter=30, verbose=False,
                         cov_computation_method=robust.empirical_covariance, random_state=None):
    """select_candidates when the support is every row: the subset stage only draws (as each _c_step does)."""
    if isinstance(n_trials, int):
        assert n_support >= len(X), "only for supports of every row"
        for _ in range(n_trials):
            random_state.permutation(len(X))
        location, covariance = X.mean(0), cov_computation_method(X)
        return np.repeat(location[None], select, 0), np.repeat(covariance[None], select, 0), None, None
    locations, covariances = n_trials
    return select_candidates(X, n_support, (locations[:1], covariances[:1]), select=select, n_iter=n_iter,
                             verbose=verbose, cov_computation_method=cov_computation_method, random_state=random_state)


def median_rule_scores(train, test, mcd):
    """scikit-learn < 1.8's correct_covariance and reweight_covariance on the raw estimate, then mahalanobis(test)."""
    p = train.shape[1]
    centred = train - mcd.raw_location_
    raw = (centred @ linalg.pinvh(mcd.raw_covariance_) * centred).sum(1)
    mask = raw / (np.median(raw) / chi2(p).isf(0.5)) < chi2(p).isf(0.025)
    location = train[mask].mean(0)
    precision = linalg.pinvh(np.cov(train[mask].T, bias=True))
    return ((test - location) @ precision * (test - location)).sum(1), int(mask.sum())


def main():
    robust.select_candidates = every_row_candidates
    X, y = load("17_InternetAds")
    for seed in [int(s) for s in sys.argv[1:]] or [1, 2, 3]:
        _, _, train, test, _, y_test = adbench_split(X, y, seed)
        np.random.seed(seed)
        started = time.time()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = MCD().fit(train)
            scores = model.decision_function(test)
        median_scores, kept = median_rule_scores(train, test, model.detector_)
        print(f"seed {seed}, train {train.shape}: ROC-AUC {roc_auc_score(y_test, scores):.10f}, "
              f"AP {average_precision_score(y_test, scores):.10f} (raw support {model.detector_.raw_support_.sum()}); "
              f"median rule: ROC-AUC {roc_auc_score(y_test, median_scores):.10f} ({kept} rows reweighted); "
              f"{time.time() - started:.0f} s; warnings: {sorted({str(w.message)[:80] for w in caught})}", flush=True)


if __name__ == "__main__":
    main()
