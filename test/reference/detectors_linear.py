"""Reference results for test/detectors-{mcd,pca,ocsvm}.test.ts: PyOD's MCD, PCA and OCSVM
semantics spelled out with scikit-learn, and sklearn's MinCovDet / EllipticEnvelope / OneClassSVM.

Run: bash test/reference/regenerate.sh detectors_linear  (the PyPI references)
Reads the credit-card subset from the dataset mirror (ANOMALY_LAB_DATA_MIRROR, default
../shared/datasets from the repo root) and writes test/fixtures/detectors_linear.json.

PyOD's detectors are written out from their source (pyod/models/*.py) so that the fixture can hold the
intermediate values; each case asserts that PyOD itself gives the same scores:
  * MCD: MinCovDet(support_fraction, random_state).fit(X); decision_scores_ = dist_ (squared
    robust Mahalanobis distances); decision_function(X) = mahalanobis(X).
  * PCA: X standardised by StandardScaler (standardization=True), sklearn PCA(n_components) fitted
    on it; w = explained_variance_ratio_ (weighted=True) or ones; with the last n_selected
    components V_sel (smallest variance), score = sum_j cdist(X, V_sel)[:, j] / w_j, i.e. the
    EUCLIDEAN DISTANCE from x to the unit vector v_j taken as a point (PyOD's formula, not the
    projection on v_j), divided by the explained variance RATIO.
  * OCSVM: OneClassSVM(kernel="rbf", gamma="auto" (PyOD's default, 1 / n_features), nu=0.5,
    tol=1e-3, shrinking=True); decision_scores_ = -decision_function(X).
  * threshold_ = np.percentile(decision_scores_, 100 * (1 - contamination)); labels = score > threshold_.
Data are rounded to 6 decimals so that the JSON stays small; the rounded values are what both sides use.

numpy >= 2 argsorts float64 with x86-simd-sort where the CPU has AVX2 or AVX-512; that unstable sort
orders ties differently from numpy's portable introsort (numpy 1.x's, and numpy 2's elsewhere), and from
one CPU to the next. sklearn's MCD keeps "the first h" of an argsort, so its supports on tied values follow
it. The script turns those numpy dispatch targets off, so that the fixture holds the portable order
(src/detectors/numpy-argsort.ts) on any x86 machine.
"""
import os

os.environ["NPY_DISABLE_CPU_FEATURES"] = "X86_V3 X86_V4 AVX512_ICL AVX512_SPR"  # before numpy is imported

from common import mirror_path, pyod_threshold, write_fixture  # noqa: E402  first: see common.py
import numpy as np
import sklearn
from scipy.spatial.distance import cdist
from scipy.stats import chi2
from sklearn.covariance import EllipticEnvelope, MinCovDet
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler
from sklearn.svm import OneClassSVM
from pyod.models.mcd import MCD as PyodMCD
from pyod.models.ocsvm import OCSVM as PyodOCSVM
from pyod.models.pca import PCA as PyodPCA


def gaussian_with_outliers(rs, n, p, n_outliers, shift):
    mixing = rs.uniform(-1, 1, (p, p)) + np.eye(p) * 2
    X = rs.standard_normal((n, p)) @ mixing + rs.uniform(-5, 5, p)
    X[:n_outliers] += shift * rs.choice([-1, 1], (n_outliers, p))
    return np.round(X, 6)


def mcd_case(X, X_new, seed, contamination=0.1, support_fraction=None):
    mcd = MinCovDet(random_state=seed, support_fraction=support_fraction).fit(X)
    threshold, labels = pyod_threshold(mcd.dist_, contamination)
    envelope = EllipticEnvelope(random_state=seed, contamination=contamination,
                                support_fraction=support_fraction).fit(X)
    assert np.array_equal(envelope.dist_, mcd.dist_)
    pyod = PyodMCD(contamination=contamination, support_fraction=support_fraction, random_state=seed).fit(X)
    assert np.array_equal(pyod.decision_scores_, mcd.dist_) and pyod.threshold_ == threshold
    assert np.array_equal(pyod.decision_function(X_new), mcd.mahalanobis(X_new))
    return {
        "X": X.tolist(), "XNew": X_new.tolist(), "seed": seed, "contamination": contamination,
        "supportFraction": support_fraction,
        "rawSupport": mcd.raw_support_.astype(int).tolist(),
        "rawLocation": mcd.raw_location_.tolist(), "rawCovariance": mcd.raw_covariance_.tolist(),
        "location": mcd.location_.tolist(), "covariance": mcd.covariance_.tolist(),
        "precision": mcd.precision_.tolist(),
        "support": mcd.support_.astype(int).tolist(), "distances": mcd.dist_.tolist(),
        "threshold": threshold, "labels": labels,
        "newScores": mcd.mahalanobis(X_new).tolist(),
        "envelope": {
            "offset": float(envelope.offset_),
            "decisionNew": envelope.decision_function(X_new).tolist(),
            "predictNew": (envelope.predict(X_new) == -1).astype(int).tolist(),
            "labels": (envelope.predict(X) == -1).astype(int).tolist(),
        },
    }


def pyod_pca(X, X_new, n_components=None, n_selected=None, weighted=True, standardization=True, contamination=0.1):
    pyod = PyodPCA(n_components=n_components, n_selected_components=n_selected, weighted=weighted,
                   standardization=standardization, contamination=contamination).fit(X)
    pyod_new = pyod.decision_function(X_new)
    if standardization:
        scaler = StandardScaler().fit(X)
        X, X_new = scaler.transform(X), scaler.transform(X_new)
    pca = PCA(n_components=n_components).fit(X)
    k = pca.n_components_ if n_selected is None else n_selected
    w = pca.explained_variance_ratio_ if weighted else np.ones(pca.n_components_)
    selected, w_selected = pca.components_[-k:, :], w[-k:]
    scores = np.sum(cdist(X, selected) / w_selected, axis=1).ravel()
    threshold, labels = pyod_threshold(scores, contamination)
    new_scores = np.sum(cdist(X_new, selected) / w_selected, axis=1)
    assert np.array_equal(pyod.decision_scores_, scores) and np.array_equal(pyod_new, new_scores)
    return {
        "options": {"nComponents": n_components, "nSelectedComponents": n_selected, "weighted": weighted,
                    "standardization": standardization, "contamination": contamination},
        "nComponents": int(pca.n_components_),
        "components": pca.components_.tolist(),
        "explainedVariance": pca.explained_variance_.tolist(),
        "explainedVarianceRatio": pca.explained_variance_ratio_.tolist(),
        "trainingScores": scores.tolist(), "threshold": threshold, "labels": labels,
        "newScores": new_scores.tolist(),
    }


def reconstruction(X, X_new, k, standardization=True):
    if standardization:
        scaler = StandardScaler().fit(X)
        X, X_new = scaler.transform(X), scaler.transform(X_new)
    pca = PCA(n_components=k).fit(X)
    error = lambda A: ((A - pca.inverse_transform(pca.transform(A))) ** 2).sum(axis=1).tolist()
    return {"k": k, "standardization": standardization, "trainingScores": error(X), "newScores": error(X_new)}


def ocsvm_case(X, X_new, gamma, y=None):
    svm = OneClassSVM(kernel="rbf", gamma=gamma, nu=0.5, tol=1e-3, shrinking=True).fit(X)
    pyod = PyodOCSVM(kernel="rbf", gamma=gamma, nu=0.5, tol=1e-3, shrinking=True).fit(X)
    assert np.array_equal(pyod.decision_scores_, -svm.decision_function(X))
    case = {
        "gamma": gamma, "gammaValue": float(svm._gamma),
        "trainingScores": (-svm.decision_function(X)).tolist(),
        "newScores": (-svm.decision_function(X_new)).tolist(),
        "rho": float(-svm.intercept_[0]),
        "support": svm.support_.tolist(), "dualCoef": svm.dual_coef_[0].tolist(),
    }
    if y is not None:
        case["rocAuc"] = float(roc_auc_score(y, -svm.decision_function(X)))
    return case


def credit_card_rows():
    """1,000 rows of the credit-card subset (RandomState(0).permutation), V1..V28 and Amount, standardised."""
    path = mirror_path("creditcard_fraud", "creditcard_sample.csv")
    with open(path) as handle:
        header = [name.strip().strip('"') for name in handle.readline().split(",")]
    table = np.genfromtxt(path, delimiter=",", skip_header=1,
                          converters={header.index("Class"): lambda s: float(s.strip('"'))})  # numpy 2: str
    table = np.array(table.tolist(), dtype=float) if table.dtype.names else table
    rows = np.random.RandomState(0).permutation(len(table))[:1000]
    columns = [f"V{i}" for i in range(1, 29)] + ["Amount"]
    X = StandardScaler().fit_transform(table[rows][:, [header.index(c) for c in columns]])
    return rows, columns, X, table[rows, header.index("Class")].astype(int)


def main():
    rs = np.random.RandomState(2023)
    mcd = {
        "small": mcd_case(gaussian_with_outliers(rs, 120, 3, 10, 12.0), np.round(rs.standard_normal((15, 3)) * 4, 6), seed=0),
        "fraction": mcd_case(gaussian_with_outliers(rs, 90, 2, 6, 10.0), np.round(rs.standard_normal((8, 2)) * 3, 6),
                             seed=3, support_fraction=0.75, contamination=0.05),
        "merged": mcd_case(gaussian_with_outliers(rs, 800, 4, 40, 15.0), np.round(rs.standard_normal((5, 4)), 6), seed=1),
        "large": mcd_case(gaussian_with_outliers(rs, 1600, 2, 80, 15.0), np.round(rs.standard_normal((5, 2)), 6), seed=2),
        "univariate": mcd_case(np.round(np.concatenate([rs.standard_normal(54) * 2 + 10, rs.uniform(30, 40, 6)]), 6)[:, None],
                               np.array([[10.0], [16.0], [35.0]]), seed=0),
    }
    # Clean Gaussian + 6 far outliers: FastMCD finds the same support from every seed (checked on 10),
    # so any seed of ours must find it too.
    unique = np.round(np.random.RandomState(8).standard_normal((400, 3)) + np.repeat([[25.0], [0.0]], [6, 394], axis=0), 6)
    fits = [MinCovDet(random_state=seed).fit(unique) for seed in range(10)]
    assert len({tuple(fit.support_) for fit in fits}) == 1 and len({tuple(fit.raw_support_) for fit in fits}) == 1
    mcd["unique"] = mcd_case(unique, np.zeros((1, 3)), seed=0)

    # numpy's default (unstable) argsort, whose tie order sklearn's MCD supports inherit.
    argsort, ars = [], np.random.RandomState(99)
    for n in [5, 16, 17, 18, 40, 333, 1000]:
        for values in [ars.randint(0, 7, n).astype(float), np.round(ars.standard_normal(n), 1)]:
            argsort.append({"values": values.tolist(), "order": np.argsort(values).tolist()})
    chi2_table = [{"df": df, "median": float(chi2(df).isf(0.5)), "cutoff": float(chi2(df).isf(0.025))}
                  for df in [1, 2, 3, 4, 5, 8, 13, 29, 30, 64]]

    X = gaussian_with_outliers(rs, 200, 5, 8, 6.0)
    X[:, 1] *= 100  # different units: standardisation matters
    X_new = np.round(rs.standard_normal((20, 5)) * 2, 6)
    pca = {
        "X": X.tolist(), "XNew": X_new.tolist(),
        "cases": [
            pyod_pca(X, X_new),
            pyod_pca(X, X_new, n_selected=2),
            pyod_pca(X, X_new, weighted=False, contamination=0.05),
            pyod_pca(X, X_new, standardization=False),
            pyod_pca(X, X_new, n_components=3, n_selected=2),
            pyod_pca(X, X_new, n_components=0.8),
        ],
        "reconstruction": [reconstruction(X, X_new, 2), reconstruction(X, X_new, 4, standardization=False)],
    }

    blob = np.round(np.concatenate([rs.standard_normal((190, 2)) * [1.0, 0.5], rs.uniform(-6, 6, (10, 2))]), 6)
    grid = np.round(rs.uniform(-4, 4, (25, 2)), 6)
    rows, columns, X_cc, y_cc = credit_card_rows()
    ocsvm = {
        "blob": {"X": blob.tolist(), "XNew": grid.tolist(),
                 "cases": [ocsvm_case(blob, grid, "auto"), ocsvm_case(blob, grid, "scale"), ocsvm_case(blob, grid, 2.5)]},
        "creditCard": {"rows": rows.tolist(), "columns": columns, "nFraud": int(y_cc.sum()),
                       **ocsvm_case(X_cc, X_cc[:5], "auto", y_cc)},
    }

    fixture = {"sklearnVersion": sklearn.__version__, "numpyVersion": np.__version__, "argsort": argsort,
               "chi2": chi2_table, "mcd": mcd, "pca": pca, "ocsvm": ocsvm}
    write_fixture("detectors_linear.json", fixture)


if __name__ == "__main__":
    main()
