"""Fixtures for test/detectors-mcd-wide.test.ts: PyOD's MCD (scikit-learn's MinCovDet) on data with at least as
many columns as rows (p >= n), as ADBench's InternetAds split is (1,376 training rows, 1,555 columns).

What scikit-learn does there (1.9.1, sklearn/covariance/_robust_covariance.py): MinCovDet warns "The covariance
matrix associated to your dataset is not full rank" and goes on. `fast_mcd` caps the default support size
ceil((n + p + 1) / 2) at n (scikit-learn < 1.8 did not cap it, but its `permutation(n)[:h]` and
`argsort(dist)[:h]` slices took every row all the same), so every C-step's support is every row of its
(sub)set: the raw estimate is the mean and covariance of all rows, its log-determinant -inf, and the distances
come from scipy's pinvh. Then the consistency factor of h / n = 1 is 1, the reweighting keeps the rows under
chi2(p).isf(0.025), and PyOD scores new rows by `mahalanobis` under the reweighted estimate's pinvh.

Two cases: "small" (40 x 60, FastMCD's n <= 500 branch) and "merged" (520 x 530, the 500 < n < 1500 branch,
whose raw estimate is computed on a permutation of the rows). Their rows are integer combinations of a few
integer rows (plus full-width integer noise on a few outlying rows), so the distances differ from row to row;
"merged" is stored as its factors, whose products are exact in float64 in any summation order.

"consistency" is scikit-learn 1.9.1's MinCovDet as PyOD 3.6.7's MCD runs it; "median" is scikit-learn < 1.8's
correction (median(raw distances) / chi2(p).isf(0.5), reweighted covariance unscaled), applied here with numpy
and scipy to 1.9.1's raw estimate (the raw estimate is the same in both versions: every row).

    /work/venv-ref/bin/python test/reference/detectors_mcd_wide.py   (or bash test/reference/regenerate.sh)
"""
import warnings

from common import write_fixture  # first: common.py keeps this folder from shadowing numpy's imports
import numpy as np
import pyod
import scipy
import sklearn
from pyod.models.mcd import MCD
from scipy import linalg
from scipy.stats import chi2


def low_rank_rows(random, n, p, rank, noisy_rows):
    """n integer rows spanned by `rank` integer rows, the first `noisy_rows` of them plus integer noise."""
    factors = random.randint(-3, 4, (n, rank))
    basis = random.randint(-3, 4, (rank, p))
    noise = random.randint(-5, 6, (noisy_rows, p))
    X = (factors @ basis).astype(float)
    X[:noisy_rows] += noise
    return factors, basis, noise, X


def median_rule(X, raw_location, raw_covariance, raw_dist, X_new):
    """scikit-learn < 1.8's correct_covariance and reweight_covariance on a raw estimate (PyOD's published runs)."""
    p = X.shape[1]
    dist = raw_dist / (np.median(raw_dist) / chi2(p).isf(0.5))
    mask = dist < chi2(p).isf(0.025)
    location = X[mask].mean(0)
    precision = linalg.pinvh(np.cov(X[mask].T, bias=True))

    def mahalanobis(rows):
        centred = rows - location
        return (centred @ precision * centred).sum(1)

    return {"support": mask.astype(int).tolist(), "distances": mahalanobis(X).tolist(), "newScores": mahalanobis(X_new).tolist()}


def mcd_case(X, X_new, seed, contamination=0.1):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = MCD(contamination=contamination, random_state=seed).fit(X)
    warned = sorted({str(w.message) for w in caught})
    mcd = model.detector_
    return {
        "seed": seed,
        "contamination": contamination,
        "warnings": warned,
        "rawSupport": mcd.raw_support_.astype(int).tolist(),
        "consistency": {
            "location": mcd.location_.tolist(),
            "support": mcd.support_.astype(int).tolist(),
            "distances": model.decision_scores_.tolist(),
            "threshold": float(model.threshold_),
            "labels": model.labels_.tolist(),
            "newScores": model.decision_function(X_new).tolist(),
        },
        "median": median_rule(X, mcd.raw_location_, mcd.raw_covariance_, _raw_distances(X, mcd), X_new),
    }


def _raw_distances(X, mcd):
    """The raw distances before correction (MinCovDet's dist_ is overwritten by the reweighting): those of
    every row under the raw estimate's pinvh, as fast_mcd returns them when the support is every row."""
    centred = X - mcd.raw_location_
    return (centred @ linalg.pinvh(mcd.raw_covariance_) * centred).sum(1)


def main():
    random = np.random.RandomState(24)
    _, _, _, X_small = low_rank_rows(random, 40, 60, 5, 3)
    _, _, _, X_small_new = low_rank_rows(random, 12, 60, 5, 2)
    merged_factors, merged_basis, merged_noise, X_merged = low_rank_rows(random, 520, 530, 6, 4)
    new_factors = random.randint(-3, 4, (30, 6))
    new_noise = random.randint(-5, 6, (2, 530))
    X_merged_new = (new_factors @ merged_basis).astype(float)
    X_merged_new[:2] += new_noise
    fixture = {
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__, "pyod": pyod.__version__},
        "small": {"X": X_small.astype(int).tolist(), "XNew": X_small_new.astype(int).tolist(), **mcd_case(X_small, X_small_new, 0)},
        "merged": {
            # X = factors @ basis, plus noise on its first rows; XNew = newFactors @ basis, plus newNoise likewise.
            "factors": merged_factors.tolist(), "basis": merged_basis.tolist(), "noise": merged_noise.tolist(),
            "newFactors": new_factors.tolist(), "newNoise": new_noise.tolist(),
            **mcd_case(X_merged, X_merged_new, 3),
        },
    }
    write_fixture("detectors_mcd_wide.json", fixture)


if __name__ == "__main__":
    main()
