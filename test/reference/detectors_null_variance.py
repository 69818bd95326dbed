"""Fixtures for test/detectors-null-variance.test.ts: PyOD's PCA and MCD on data with constant columns,
linearly dependent columns and zero-variance principal components, where PyOD scores every row.

Run with the versions whose behaviour PyOD's published benchmark table shows (docs/tables/*.csv, 2019):
scikit-learn 1.2 ('auto' PCA = full LAPACK SVD; MinCovDet's median-based consistency correction), e.g.

    python3.11 -m venv /tmp/venv-sk12
    /tmp/venv-sk12/bin/pip install -r scripts/bench/requirements-pyod.txt
    /tmp/venv-sk12/bin/python test/reference/detectors_null_variance.py

Writes test/fixtures/detectors_null_variance.json. What the fixture records:
  * PCA: the full SVD gives the zero-variance components an explained variance ratio of rounding noise
    (~1e-33), and PyOD divides each component's distance by that ratio, so those components decide the
    score. (scikit-learn >= 1.5 picks its covariance_eigh solver for n >> p and clips those eigenvalues to
    exactly 0: PyOD then scores every row +inf, recorded below as `pcaOnNewSklearn` from a fact, not run here.)
  * MCD: scikit-learn's MinCovDet warns that the covariance is not full rank and goes on: log-determinants
    of -inf end the C-steps, and pinvh's pseudo-inverse gives finite distances.
"""
import os
import warnings

# numpy >= 1.25 sorts with x86-simd-sort on AVX-512 machines, whose argsort puts tied values in another order
# than numpy's classic introsort (which anomaly-lab's numpyArgsort reproduces, and which PyOD's 2019 numpy
# used everywhere). MinCovDet keeps "the first h" of argsorts over tied log-determinants (-inf for every
# subset when a column is constant), so the reference must sort as numpy did: dispatch without AVX-512.
os.environ.setdefault("NPY_DISABLE_CPU_FEATURES", "AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR")

from common import mirror_path, write_fixture  # first: common.py keeps this folder from shadowing numpy's imports
import numpy as np
import sklearn
import scipy
from pyod.models.mcd import MCD
from pyod.models.pca import PCA
from pyod.utils.utility import precision_n_scores, standardizer
from pyod.version import __version__ as pyod_version
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

assert sklearn.__version__.startswith("1.2."), f"run with scikit-learn 1.2 (see the docstring), not {sklearn.__version__}"


def synthetic():
    """60 x 6 training rows: 4 Gaussian columns (three rows stretched 4x), a constant column (4.0) and a
    dependent one (x0 - 2 x1); 12 new rows of the same form, the last three breaking the constant (5.0) or the
    dependency (+1)."""
    rs = np.random.RandomState(42)
    def rows(n):
        base = rs.standard_normal((n, 4))
        base[:3] *= 4
        return np.column_stack([base, np.full(n, 4.0), base[:, 0] - 2 * base[:, 1]])
    X = rows(60)
    X_new = rows(12)
    X_new[-3, 4] = 5.0
    X_new[-2, 5] += 1.0
    X_new[-1, 4] = 5.0
    return X, X_new


def json_floats(values):
    """Floats for JSON, which has no infinity: +inf is written as the string "Infinity"."""
    return [v if np.isfinite(v) else ("Infinity" if v > 0 else repr(v)) for v in np.asarray(values, dtype=float).tolist()]


def pca_case(X, X_new):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pca = PCA(contamination=0.1).fit(X)
        new_scores = pca.decision_function(X_new)
    return {
        "explainedVarianceRatio": pca.detector_.explained_variance_ratio_.tolist(),
        "trainingScores": json_floats(pca.decision_scores_),
        "labels": pca.labels_.tolist(),
        "newScores": json_floats(new_scores),
        "newLabels": pca.predict(X_new).tolist(),
    }


def mcd_case(X, X_new):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mcd = MCD(contamination=0.1, random_state=0).fit(X)
    new_scores = mcd.decision_function(X_new)
    return {
        "warnings": sorted({str(w.message) for w in caught}),
        "rawSupport": mcd.detector_.raw_support_.astype(int).tolist(),
        "support": mcd.detector_.support_.astype(int).tolist(),
        "location": mcd.detector_.location_.tolist(),
        "trainingScores": mcd.decision_scores_.tolist(),
        "labels": mcd.labels_.tolist(),
        "newScores": new_scores.tolist(),
        "newLabels": mcd.predict(X_new).tolist(),
    }


def benchmark_split(name, detectors):
    """PyOD's benchmark protocol (notebooks/benchmark.py), iteration 0, on one ADBench/ODDS dataset."""
    data = np.load(mirror_path("adbench_classical", f"{name}.npz"))
    X, y = data["X"], data["y"]
    fraction = np.count_nonzero(y) / len(y)
    random_state = np.random.RandomState(0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=random_state)
    X_train_norm, X_test_norm = standardizer(X_train, X_test)
    result = {"constantTrainingColumns": int((X_train.std(axis=0) == 0).sum())}
    for key, make in detectors.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf = make(fraction).fit(X_train_norm)
            scores = clf.decision_function(X_test_norm)
        result[key] = {
            "roc": float(roc_auc_score(y_test, scores)),
            "precisionAtN": float(precision_n_scores(y_test, scores)),
            "labels": clf.predict(X_test_norm).tolist(),
        }
        if key == "pca":
            ratios = clf.detector_.explained_variance_ratio_
            result[key]["nullComponents"] = int((ratios < 1e-20).sum())
    return result


def main():
    X, X_new = synthetic()
    pca = lambda fraction: PCA(contamination=fraction)
    # The seed as an int: the same draws for a fresh RandomState(0) in TypeScript.
    mcd = lambda fraction: MCD(contamination=fraction, random_state=0)
    fixture = {
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__, "pyod": pyod_version},
        "X": X.tolist(),
        "XNew": X_new.tolist(),
        # Without the constant column: one zero-variance component, whose SVD ratio is rounding noise (~1e-33).
        "pcaDependent": pca_case(np.delete(X, 4, axis=1), np.delete(X_new, 4, axis=1)),
        # With it: the SVD returns an exact 0 for that component and PyOD scores every row +inf.
        "pcaConstant": pca_case(X, X_new),
        "mcd": mcd_case(X, X_new),
        "datasets": {
            "6_cardio": benchmark_split("6_cardio", {"pca": pca}),
            "24_mnist": benchmark_split("24_mnist", {"pca": pca, "mcd": mcd}),
            "26_optdigits": benchmark_split("26_optdigits", {"pca": pca, "mcd": mcd}),
        },
    }
    write_fixture("detectors_null_variance.json", fixture)


if __name__ == "__main__":
    main()
