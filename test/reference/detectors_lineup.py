"""Reference results for the PyOD benchmark / ADBench lineup detectors (test/detectors-<name>.test.ts):
ABOD, CBLOF, FeatureBagging, COPOD, LODA, COF and SOD, computed by PyOD itself.

Run with the reference virtual environment (PyOD 3.6.7, scikit-learn, numba; FeatureBagging's
`pyod.models.combination` also needs the `combo` package: `pip install --no-deps combo`):
    /work/venv-ref/bin/python test/reference/detectors_lineup.py
Writes test/fixtures/detectors_lineup_data.json (the cardio rows the tests use) and
test/fixtures/detectors_<name>.json per detector.

Two datasets, each detector with PyOD's defaults (and random_state where it has one):
  * "synthetic": uniform_data(seed=3, n=120, d=5, outliers=6, n_new=40) (common.py; the tests regenerate it),
  * "cardio": ADBench's 6_cardio.npz (1831 x 21), 400 training and 150 held-out rows drawn by
    RandomState(24).permutation, standardised with the training rows' mean and std (ddof 0), as PyOD's
    benchmark does. Its rows are stored in detectors_lineup_data.json, so the tests need no .npz loader.
Each record holds decision_scores_, threshold_, labels_, decision_function(X_new) and
decision_function(X_new) > threshold_, plus what the randomised detectors drew (so the tests can
check the draws themselves): CBLOF's k-means labels and centres, FeatureBagging's feature subsets,
LODA's projections.
"""
from common import mirror_path, uniform_data, write_fixture  # first: see common.py
import sys
import warnings

import numpy as np
import pyod
import sklearn

SYNTHETIC = {"seed": 3, "n": 120, "d": 5, "outliers": 6, "n_new": 40}
SEED = 42  # random_state of the randomised detectors


def cardio_rows():
    data = np.load(mirror_path("adbench_classical", "6_cardio.npz"))
    X, y = data["X"].astype(np.float64), data["y"].astype(int)
    order = np.random.RandomState(24).permutation(X.shape[0])
    train, test = order[:400], order[400:550]
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    std[std == 0] = 1
    return (X[train] - mean) / std, (X[test] - mean) / std, y[train], y[test]


def datasets():
    X, X_new = uniform_data(**SYNTHETIC)
    cX, cX_new, cy, cy_new = cardio_rows()
    return {"synthetic": (X, X_new), "cardio": (cX, cX_new)}, (cX, cX_new, cy, cy_new)


def outcome(detector, X, X_new):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        detector.fit(X)
        new_scores = detector.decision_function(X_new)
    return {
        "trainingScores": detector.decision_scores_.tolist(), "threshold": float(detector.threshold_),
        "labels": detector.labels_.astype(int).tolist(), "newScores": np.asarray(new_scores).tolist(),
        "newLabels": (np.asarray(new_scores) > detector.threshold_).astype(int).tolist(),
    }


def abod(X, X_new):
    from pyod.models.abod import ABOD
    return outcome(ABOD(), X, X_new)


def abod_cases():
    """Duplicated rows (pairs with a copy of the row are skipped) and nNeighbors clamped to n - 1."""
    from pyod.models.abod import ABOD
    X, X_new = uniform_data(seed=4, n=30, d=3, outliers=2, n_new=6)
    X = np.vstack([X, X[:5], X[:2]])  # rows 0 and 1 three times, rows 2-4 twice
    X_new = np.vstack([X_new, X[:3]])
    small, small_new = uniform_data(seed=5, n=7, d=2, outliers=1, n_new=3)
    return {
        "duplicates": {"X": X.tolist(), "XNew": X_new.tolist(), **outcome(ABOD(), X, X_new)},
        "clamped": {"X": small.tolist(), "XNew": small_new.tolist(), "nNeighbors": 10,
                    **outcome(ABOD(n_neighbors=10), small, small_new)},
    }


def cblof(X, X_new):
    from pyod.models.cblof import CBLOF
    detector = CBLOF(random_state=SEED)
    record = outcome(detector, X, X_new)
    record.update({
        "clusterLabels": detector.cluster_labels_.tolist(),
        "clusterCenters": detector.cluster_centers_.tolist(),
        "largeClusters": detector.large_cluster_labels_.tolist(),
        "smallClusters": detector.small_cluster_labels_.tolist(),
    })
    return record


def cblof_cases():
    """Other options: 5 clusters, alpha 0.8, beta 3, use_weights, random_state 7, on the cardio rows."""
    from pyod.models.cblof import CBLOF
    _, (cX, cX_new, _, _) = datasets()
    options = {"n_clusters": 5, "alpha": 0.8, "beta": 3, "use_weights": True, "random_state": 7}
    detector = CBLOF(**options)
    record = outcome(detector, cX, cX_new)
    record.update({"options": options, "clusterLabels": detector.cluster_labels_.tolist(),
                   "clusterCenters": detector.cluster_centers_.tolist(),
                   "largeClusters": detector.large_cluster_labels_.tolist()})
    return {"weighted": record}


def feature_bagging(X, X_new):
    from pyod.models.feature_bagging import FeatureBagging
    detector = FeatureBagging(random_state=SEED)
    record = outcome(detector, X, X_new)
    record["features"] = [np.asarray(f).tolist() for f in detector.estimators_features_]
    return record


def feature_bagging_cases():
    """101 columns, with the first seed whose draws include a subset of 100 columns: scikit-learn's
    sample_without_replacement then uses reservoir sampling (ratio >= 0.99) instead of a permutation."""
    from pyod.models.feature_bagging import FeatureBagging
    X, X_new = uniform_data(seed=6, n=40, d=101, outliers=2, n_new=5)
    for seed in range(1000):
        rs = np.random.RandomState(seed)
        counts = [np.random.RandomState(s).randint(50, 102) for s in rs.randint(np.iinfo(np.int32).max, size=10)]
        if 100 in counts:
            break
    detector = FeatureBagging(random_state=seed)
    record = outcome(detector, X, X_new)
    record.update({"seed": seed, "features": [np.asarray(f).tolist() for f in detector.estimators_features_]})
    max_record = outcome(FeatureBagging(random_state=SEED, combination="max"), *uniform_data(**SYNTHETIC))
    return {"reservoir": {"data": {"seed": 6, "n": 40, "d": 101, "outliers": 2, "n_new": 5}, **record},
            "maxCombination": max_record}


def copod(X, X_new):
    from pyod.models.copod import COPOD
    return outcome(COPOD(), X, X_new)


def copod_cases():
    """Ties, a constant column, an exactly symmetric column (skewness 0: both tails), skewed columns; one column alone."""
    from pyod.models.copod import COPOD
    rs = np.random.RandomState(5)
    symmetric = np.tile([-2.0, -1.0, 0.0, 1.0, 2.0], 8)
    ties = rs.randint(0, 4, 40).astype(float)
    skewed = rs.exponential(1.0, 40)
    X = np.column_stack([symmetric, np.full(40, 7.0), ties, skewed, -skewed])
    X_new = np.array([[0.0, 7.0, 1.0, 0.5, -0.5], [5.0, 7.0, 9.0, 6.0, -6.0], [-3.0, 8.0, -1.0, 0.0, 0.0]])
    column, column_new = skewed.reshape(-1, 1), np.array([[0.1], [4.0], [-1.0]])
    return {"mixed": {"X": X.tolist(), "XNew": X_new.tolist(), **outcome(COPOD(), X, X_new)},
            "oneColumn": {"X": column.tolist(), "XNew": column_new.tolist(), **outcome(COPOD(), column, column_new)}}


def loda(X, X_new):
    from pyod.models.loda import LODA
    detector = LODA(random_state=SEED)
    record = outcome(detector, X, X_new)
    record.update({"projections": detector.projections_.tolist(), "limits": detector.limits_.tolist(),
                   "histograms": detector.histograms_.tolist()})
    return record


def loda_cases():
    """5 bins, 20 cuts, random_state 1 on 3 columns, one constant: each projection keeps one column, so some
    projections are constant (np.histogram's range min - 0.5 .. max + 0.5)."""
    from pyod.models.loda import LODA
    X, X_new = uniform_data(seed=7, n=30, d=3, outliers=2, n_new=6)
    X[:, 1] = 2.5
    X_new[:, 1] = 2.5
    detector = LODA(n_bins=5, n_random_cuts=20, random_state=1)
    record = outcome(detector, X, X_new)
    record.update({"X": X.tolist(), "XNew": X_new.tolist(), "projections": detector.projections_.tolist(),
                   "limits": detector.limits_.tolist(), "histograms": detector.histograms_.tolist()})
    return {"constantProjections": record}


def cof(X, X_new):
    from pyod.models.cof import COF
    return outcome(COF(), X, X_new)


def cof_cases():
    """k clamped to n - 1 on 8 rows; 3 neighbours beside 4 duplicated rows: duplicates' chaining distances are 0,
    so their COF is 0 / 0 (0 after nan_to_num) and the row next to them x / 0 (the largest double)."""
    from pyod.models.cof import COF
    small, small_new = uniform_data(seed=8, n=8, d=2, outliers=1, n_new=9)
    rs = np.random.RandomState(9)
    X = np.vstack([np.zeros((4, 2)), [[1.0, 0.0]], rs.uniform(8, 12, (10, 2))])
    X_new = np.vstack([np.zeros((4, 2)), [[0.5, 0.5]], rs.uniform(8, 12, (5, 2))])
    return {
        "clamped": {"X": small.tolist(), "XNew": small_new.tolist(), **outcome(COF(n_neighbors=20), small, small_new)},
        "duplicates": {"X": X.tolist(), "XNew": X_new.tolist(), **outcome(COF(n_neighbors=3), X, X_new)},
    }


def sod(X, X_new):
    from pyod.models.sod import SOD
    return outcome(SOD(), X, X_new)


def inne(X, X_new):
    from pyod.models.inne import INNE
    detector = INNE(random_state=SEED)
    record = outcome(detector, X, X_new)
    record.update({"radii": detector._centroids_radius.tolist(),
                   "ratios": detector._ratio.tolist()})
    return record


def exact_kde_scores(X, X_query, bandwidth):
    """-log of the Gaussian KDE density, summed exactly with scipy's logsumexp over every training row."""
    from scipy.special import logsumexp
    d = X.shape[1]
    squared = ((X_query[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    log_norm = -0.5 * d * np.log(2 * np.pi) - d * np.log(bandwidth)
    return -(logsumexp(-0.5 * squared / bandwidth ** 2, axis=1) + log_norm - np.log(X.shape[0]))


def kde_record(X, X_new, bandwidth="default"):
    """PyOD's KDE, plus the exact scores: scikit-learn's k-d tree sums (rtol = atol = 0) lose accuracy in log space
    for rows far from the data (its new-row scores are off by up to tens of percent on the cardio rows)."""
    from pyod.models.kde import KDE
    detector = KDE() if bandwidth == "default" else KDE(bandwidth=bandwidth)
    record = outcome(detector, X, X_new)
    h = detector.kde_.bandwidth_
    exact_new = exact_kde_scores(X, X_new, h)
    record.update({"bandwidthUsed": float(h), "exactTrainingScores": exact_kde_scores(X, X, h).tolist(),
                   "exactNewScores": exact_new.tolist(),
                   "exactNewLabels": (exact_new > detector.threshold_).astype(int).tolist()})
    return record


def kde(X, X_new):
    return kde_record(X, X_new)


def kde_cases():
    """Bandwidth 0.3 on the cardio rows and scikit-learn's "scott" rule on the synthetic rows."""
    _, (cX, cX_new, _, _) = datasets()
    X, X_new = uniform_data(**SYNTHETIC)
    return {"narrow": {"bandwidth": 0.3, **kde_record(cX, cX_new, 0.3)},
            "scott": {"bandwidth": "scott", **kde_record(X, X_new, "scott")}}


def gmm(X, X_new):
    from pyod.models.gmm import GMM
    detector = GMM(random_state=SEED)
    record = outcome(detector, X, X_new)
    record.update({"means": detector.detector_.means_.tolist(), "weights": detector.detector_.weights_.tolist(),
                   "iterations": int(detector.detector_.n_iter_)})
    return record


def gmm_cases():
    """3 components (k-means initialisation from random_state 42, EM) on both datasets; 4 components, 2 inits."""
    from pyod.models.gmm import GMM
    records = {}
    for name, (X, X_new), options in (("threeSynthetic", uniform_data(**SYNTHETIC), {"n_components": 3}),
                                      ("threeCardio", datasets()[0]["cardio"], {"n_components": 3}),
                                      ("fourTwoInits", uniform_data(**SYNTHETIC), {"n_components": 4, "n_init": 2})):
        detector = GMM(random_state=SEED, **options)
        record = outcome(detector, X, X_new)
        record.update({"options": options, "means": detector.detector_.means_.tolist(),
                       "weights": detector.detector_.weights_.tolist(), "iterations": int(detector.detector_.n_iter_)})
        records[name] = record
    return records


def sod_cases():
    """8 neighbours, reference sets of 4, alpha 0.3 (some rows have no relevant feature: score 0) on the synthetic rows."""
    from pyod.models.sod import SOD
    import numba

    @numba.njit
    def numba_argsort(values):
        return np.argsort(values)

    X, X_new = uniform_data(**SYNTHETIC)
    rs = np.random.RandomState(10)
    arrays = [rs.randint(0, 4, n).astype(np.uint32) for n in (5, 18, 40, 300)]
    return {"options": {"nNeighbors": 8, "refSet": 4, "alpha": 0.3,
                        **outcome(SOD(n_neighbors=8, ref_set=4, alpha=0.3), X, X_new)},
            "numbaArgsort": [{"values": a.tolist(), "order": numba_argsort(a).tolist()} for a in arrays]}


EXTRA_CASES = {"abod": abod_cases, "cblof": cblof_cases, "feature_bagging": feature_bagging_cases,
               "copod": copod_cases, "loda": loda_cases, "cof": cof_cases,
               "sod": sod_cases, "kde": kde_cases, "gmm": gmm_cases}
DETECTORS = {"abod": abod, "cblof": cblof, "feature_bagging": feature_bagging, "copod": copod,
             "loda": loda, "cof": cof, "sod": sod, "inne": inne, "kde": kde, "gmm": gmm}


def main():
    names = sys.argv[1:] or list(DETECTORS)
    data, (cX, cX_new, cy, cy_new) = datasets()
    write_fixture("detectors_lineup_data.json", {
        "source": "ADBench Classical/6_cardio.npz, RandomState(24).permutation: rows [0, 400) train, [400, 550) new; "
                  "standardised by the training rows' mean and std",
        "synthetic": SYNTHETIC, "cardio": {"X": cX.tolist(), "XNew": cX_new.tolist(), "y": cy.tolist(),
                                           "yNew": cy_new.tolist()},
    })
    versions = {"pyod": pyod.__version__, "sklearn": sklearn.__version__, "numpy": np.__version__}
    for name in names:
        fixture = {"versions": versions, "seed": SEED}
        for dataset, (X, X_new) in data.items():
            fixture[dataset] = DETECTORS[name](X, X_new)
        if name in EXTRA_CASES:
            fixture.update(EXTRA_CASES[name]())
        write_fixture(f"detectors_{name}.json", fixture)


if __name__ == "__main__":
    main()
