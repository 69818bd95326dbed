"""Fixtures for test/benchmark.test.ts: PyOD's benchmark protocol and ADBench's unsupervised protocol run by PyOD,
and the facts the benchmark library relies on.

Run with the environment of scripts/bench/requirements-pyod.txt (PyOD 1.1.3 on scikit-learn 1.2.2, as the
published table behaves) and the ODDS .mat files PyOD keeps in notebooks/data (yzhao062/pyod):

    /tmp/venv-sk12/bin/python test/reference/benchmark.py /path/to/pyod/notebooks/data

Writes test/fixtures/benchmark.json:
  * odds: for each PyOD dataset, sha256 of ODDS's X (as float64, C order) and y (as uint8), read by scipy.io from
    the .mat files; the test compares them with ADBench's copies.
  * pyodProtocol: PyOD's per-iteration ROC-AUC and precision@n (rounded to 4 decimals, as benchmark.py does) of
    the deterministic detectors on vertebral and cardio, iterations 0..9.
  * mcdStream: PyOD's MCD on vowels with the split's generator right after the split, iterations 0..9.
  * adbenchSplits: ADBench's DataGenerator.generator(la=0) split (adbench/datasets/data_generator.py, the lines
    that run for la=0 without synthetic anomalies or noise: np.random.seed, choice to 1,000 rows below 1,000,
    choice of 10,000 above 10,000, train_test_split(test_size=0.3, stratify=y), MinMaxScaler on the training
    part), done here on row numbers so that the rows can be compared.
  * adbenchProtocol: PyOD's deterministic detectors with default settings on those splits: ROC-AUC and average
    precision (adbench/myutils.py metric).
  * ranks: scipy.stats.rankdata(-score, method="average") per dataset of a small score table, averaged.
  * pythonRound: Python's round(x, 4) of values with exact ties and near-ties.
"""
import hashlib
import math
import os
import sys
import warnings

# numpy's classic argsort, as in test/reference/detectors_null_variance.py: MinCovDet keeps "the first h" of
# argsorts, whose tie order numpy >= 1.25 changes on AVX-512 machines.
os.environ.setdefault("NPY_DISABLE_CPU_FEATURES", "AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR")

from common import mirror_path, write_fixture  # first: common.py keeps this folder from shadowing numpy's imports
import numpy as np
import scipy.io
import scipy.stats
from pyod.models.hbos import HBOS
from pyod.models.knn import KNN
from pyod.models.lof import LOF
from pyod.models.mcd import MCD
from pyod.models.ocsvm import OCSVM
from pyod.models.pca import PCA
from pyod.utils.utility import precision_n_scores, standardizer
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

warnings.filterwarnings("ignore")

ODDS_IN_ADBENCH = {
    "cardio": "6_cardio", "letter": "20_letter", "lympho": "21_Lymphography", "mnist": "24_mnist", "musk": "25_musk",
    "optdigits": "26_optdigits", "pendigits": "28_pendigits", "pima": "29_Pima", "satellite": "30_satellite",
    "satimage-2": "31_satimage-2", "shuttle": "32_shuttle", "vertebral": "39_vertebral", "vowels": "40_vowels",
}
DETERMINISTIC = {"HBOS": HBOS, "KNN": KNN, "LOF": LOF, "OCSVM": OCSVM, "PCA": PCA}


def sha256_of(array, dtype):
    return hashlib.sha256(np.ascontiguousarray(np.asarray(array, dtype=dtype)).tobytes()).hexdigest()


def odds_checksums(odds_dir):
    result = {}
    for name in ODDS_IN_ADBENCH:
        mat = scipy.io.loadmat(os.path.join(odds_dir, f"{name}.mat"))
        result[name] = {"X": sha256_of(mat["X"], "<f8"), "y": sha256_of(mat["y"].ravel(), "u1"), "shape": list(mat["X"].shape)}
    return result


def load(ident):
    data = np.load(mirror_path("adbench_classical", f"{ident}.npz"))
    return data["X"], data["y"]


def pyod_protocol(name, iterations=10):
    """notebooks/benchmark.py (a1d492c2) for the deterministic columns."""
    X, y = load(ODDS_IN_ADBENCH[name])
    fraction = np.count_nonzero(y) / len(y)
    runs = {key: {"roc": [], "prn": []} for key in DETERMINISTIC}
    for i in range(iterations):
        random_state = np.random.RandomState(i)
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=random_state)
        X_train_norm, X_test_norm = standardizer(X_train, X_test)
        for key, cls in DETERMINISTIC.items():
            scores = cls(contamination=fraction).fit(X_train_norm).decision_function(X_test_norm)
            runs[key]["roc"].append(round(roc_auc_score(y_test, scores), 4))
            runs[key]["prn"].append(round(precision_n_scores(y_test, scores), 4))
    return runs


def mcd_stream(name, iterations=10):
    """PyOD's MCD drawing from the split's generator straight after the split (in the published table CBLOF,
    Feature Bagging and IForest draw from it first), rounded as benchmark.py rounds."""
    X, y = load(ODDS_IN_ADBENCH[name])
    fraction = np.count_nonzero(y) / len(y)
    runs = {"roc": [], "prn": []}
    for i in range(iterations):
        random_state = np.random.RandomState(i)
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=random_state)
        X_train_norm, X_test_norm = standardizer(X_train, X_test)
        scores = MCD(contamination=fraction, random_state=random_state).fit(X_train_norm).decision_function(X_test_norm)
        runs["roc"].append(round(roc_auc_score(y_test, scores), 4))
        runs["prn"].append(round(precision_n_scores(y_test, scores), 4))
    return runs


def adbench_split(X, y, seed):
    """DataGenerator.generator(la=0.0) on row numbers: the same numpy and scikit-learn calls, in the same order."""
    np.random.seed(seed)
    rows = np.arange(len(y))
    if len(y) < 1000:
        np.random.seed(seed)
        rows = rows[np.random.choice(np.arange(len(y)), 1000, replace=True)]
    if len(rows) > 10000:
        np.random.seed(seed)
        rows = rows[np.random.choice(np.arange(len(rows)), 10000, replace=False)]
    train_rows, test_rows, y_train, y_test = train_test_split(rows, y[rows], test_size=0.3, shuffle=True, stratify=y[rows])
    scaler = MinMaxScaler().fit(X[train_rows])
    return train_rows, test_rows, scaler.transform(X[train_rows]), scaler.transform(X[test_rows]), y_train, y_test


def adbench_cases():
    splits, protocol = {}, {}
    for ident in ["15_Hepatitis", "6_cardio", "23_mammography"]:
        X, y = load(ident)
        for seed in [1, 2]:
            train_rows, test_rows, train, test, y_train, y_test = adbench_split(X, y, seed)
            key = f"{ident}/{seed}"
            splits[key] = {
                "trainRows": train_rows[:40].tolist(), "testRows": test_rows[:40].tolist(),
                "nTrain": len(train_rows), "nTest": len(test_rows),
                "trainRowSum": int(train_rows.sum()), "testRowSum": int(test_rows.sum()),
                "trainFirst": train[0].tolist(), "testLast": test[-1].tolist(),
                "testOutliers": int(y_test.sum()),
            }
            if ident != "23_mammography" and seed == 1:
                protocol[key] = {}
                for name, cls in DETERMINISTIC.items():
                    scores = cls().fit(train).decision_function(test)
                    protocol[key][name] = {"roc": roc_auc_score(y_test, scores), "averagePrecision": average_precision_score(y_test, scores, pos_label=1)}
    return splits, protocol


def ranks():
    scores = {
        "a": {"KNN": 0.9, "LOF": 0.8, "PCA": 0.9, "HBOS": 0.5},
        "b": {"KNN": 0.6, "LOF": 0.7, "PCA": 0.65, "HBOS": 0.7},
        "c": {"KNN": 0.55, "LOF": float("nan"), "PCA": 0.75, "HBOS": 0.95},
        "d": {"KNN": 0.5, "LOF": 0.5, "PCA": 0.5, "HBOS": 0.5},
    }
    per_detector = {}
    for dataset, row in scores.items():
        names = [n for n, v in row.items() if not math.isnan(v)]
        r = scipy.stats.rankdata([-row[n] for n in names], method="average")
        for n, value in zip(names, r):
            per_detector.setdefault(n, []).append(float(value))
    return {
        "scores": {d: {n: (None if math.isnan(v) else v) for n, v in row.items()} for d, row in scores.items()},
        "averageRank": {n: float(np.mean(v)) for n, v in per_detector.items()},
    }


def python_round():
    rng = np.random.RandomState(0)
    values = [0.03125, 0.32625, 0.96875, 0.5, 0.00005, 0.123449999, 0.72363, 1 / 3, 2 / 3] + rng.random_sample(200).tolist()
    values += [k / 32 for k in range(33)]
    return [[v, round(v, 4)] for v in values]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    splits, protocol = adbench_cases()
    write_fixture("benchmark.json", {
        "odds": odds_checksums(sys.argv[1]),
        "pyodProtocol": {name: pyod_protocol(name) for name in ["vertebral", "cardio"]},
        "mcdStream": {"vowels": mcd_stream("vowels")},
        "adbenchSplits": splits,
        "adbenchProtocol": protocol,
        "ranks": ranks(),
        "pythonRound": python_round(),
    })


if __name__ == "__main__":
    main()
