"""Reference results for test/detectors-overflow.test.ts: what PyOD's HBOS and ECOD give on finite values too large
to square (issue #22, item 11), the detectors that do not square their input and keep working on them.

Run with the reference venv: /work/venv-ref/bin/python test/reference/detectors_overflow.py
Writes test/fixtures/detectors_overflow.json.

Data: uniform_data(seed=21, n=60, d=3) with X[7, 1] = 1e300 ("huge"), and a second matrix with X[7, 1] = 1.7e308,
X[8, 1] = -1.7e308 ("extreme": the column's range max - min overflows to inf).
* HBOS: the static-bin re-implementation of test/reference/detectors_hbos.py, cross-checked against PyOD's own
  HBOS where PyOD is installed. On "extreme", np.histogram refuses ("Too many bins for data range"), so the
  reference refuses too: the fixture records numpy's message.
* ECOD: the re-implementation of test/reference/detectors_ecod.py (the formula the library follows). On "extreme"
  scipy's skew of column 1 is NaN and PyOD maps it to 0 (nan_to_num), so the scores stay finite.
What the other references do with 1e300 (checked here with PyOD 3.6.7 / scikit-learn 1.9, not stored): KNN and LOF
give the row an infinite score, sklearn's IsolationForest casts X to float32 (1e300 becomes inf) and does not flag
the row, MinCovDet / EllipticEnvelope raise "array must not contain infs or NaNs", PCA raises "Input X contains
NaN", OneClassSVM (gamma="auto") works: an RBF kernel of an infinite squared distance is 0.
"""
from common import pyod_outcome, uniform_data, write_fixture  # first: see common.py
import numpy as np
from pyod.models.ecod import ECOD
from pyod.models.hbos import HBOS

SPEC = {"seed": 21, "n": 60, "d": 3, "outliers": 0, "n_new": 5}


def planted(values):
    X, X_new = uniform_data(**SPEC)
    for (row, col), value in values.items():
        X[row, col] = value
    return X, X_new


def hbos_case(X, X_new):
    model = HBOS(n_bins=10, alpha=0.1, tol=0.5, contamination=0.1).fit(X)
    return pyod_outcome(model.decision_scores_, model.decision_function(X_new), 0.1)


def ecod_case(X, X_new):
    model = ECOD(contamination=0.1).fit(X)
    return pyod_outcome(model.decision_scores_, model.decision_function(X_new), 0.1)


def main():
    huge, huge_new = planted({(7, 1): 1e300})
    extreme, extreme_new = planted({(7, 1): 1.7e308, (8, 1): -1.7e308})
    try:
        HBOS(n_bins=10).fit(extreme)
        raise SystemExit("PyOD's HBOS (np.histogram) accepted a range that overflows")
    except ValueError as error:
        extreme_hbos_error = str(error)
    write_fixture("detectors_overflow.json", {
        "numpy": np.__version__, "data": SPEC,
        "hbosHuge": hbos_case(huge, huge_new),
        "ecodHuge": ecod_case(huge, huge_new),
        "ecodExtreme": ecod_case(extreme, extreme_new),
        "hbosExtremeError": extreme_hbos_error,
    })


if __name__ == "__main__":
    main()
