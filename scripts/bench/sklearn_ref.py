"""One reference run for the benchmark: the scikit-learn / scipy / numpy equivalent of one of our detectors
(or classifiers) on one data set, timed in this process. Prints one JSON line: seconds, peak RSS, ROC-AUC.
Classifiers are fitted on the train part of train_test_split(test_size=0.2, random_state=42, stratify=y),
the very split our trainTestSplit makes, and scored on the test part.

Usage: python3 sklearn_ref.py <detector> <X.f64> <y.u8> <rows> <cols>
PyOD is not installable here, so each entry reproduces what PyOD's detector computes from sklearn parts
(the same semantics our detectors follow and the tests check).
"""
import json
import os
import resource
import sys
import time

import numpy as np
from sklearn.metrics import roc_auc_score

# The reference implementations of PyOD's non-sklearn detectors live with the tests.
sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "reference"))



def peak_rss_mb():
    """This process's peak resident memory. Linux's ru_maxrss survives exec, so a child of a large parent would
    report the parent's peak: /proc/self/status's VmHWM belongs to this process image alone."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def pyod_knn(X):
    from sklearn.neighbors import NearestNeighbors
    nn = NearestNeighbors(n_neighbors=5).fit(X)
    dist, _ = nn.kneighbors(n_neighbors=5)  # X=None: each point's neighbours without itself, as PyOD
    return dist[:, -1]


def pyod_lof(X):
    from sklearn.neighbors import LocalOutlierFactor
    lof = LocalOutlierFactor(n_neighbors=20, novelty=True).fit(X)
    return -lof.negative_outlier_factor_


def pyod_iforest(X):
    from sklearn.ensemble import IsolationForest
    forest = IsolationForest(n_estimators=100, random_state=0).fit(X)
    return -forest.decision_function(X)


def pyod_mcd(X):
    from sklearn.covariance import MinCovDet
    return MinCovDet(random_state=0).fit(X).dist_


def pyod_pca(X):
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler
    Z = StandardScaler().fit_transform(X)
    pca = PCA().fit(Z)
    # PyOD PCA(weighted=True): squared distance to each eigenvector's direction, weighted by its variance ratio
    from scipy.spatial.distance import cdist
    w = pca.explained_variance_ratio_
    return np.sum(cdist(Z, pca.components_) / w, axis=1)


def pyod_ocsvm(X):
    from sklearn.svm import OneClassSVM
    return -OneClassSVM(kernel="rbf", nu=0.5, gamma="auto").fit(X).decision_function(X)


def pyod_hbos(X):
    # The test suite's mirror of pyod/models/hbos.py (same loops as PyOD), defaults n_bins 10, alpha 0.1, tol 0.5.
    from detectors_hbos import hbos_fit, hbos_scores
    hist, edges = hbos_fit(X, 10)
    return hbos_scores(X, edges, hist, 10, 0.1, 0.5)


def pyod_ecod(X):
    # The test suite's mirror of pyod/models/ecod.py.
    from detectors_ecod import ecod_scores
    return ecod_scores(X)[0]


def scipy_kmeans(X):
    from scipy.cluster.vq import kmeans, vq
    np.random.seed(0)
    codebook, _ = kmeans(X, 4)
    return vq(X, codebook)[1]


REFERENCES = {
    "knn": ("sklearn NearestNeighbors (PyOD KNN)", pyod_knn),
    "lof": ("sklearn LocalOutlierFactor", pyod_lof),
    "iforest": ("sklearn IsolationForest", pyod_iforest),
    "mcd": ("sklearn MinCovDet", pyod_mcd),
    "pca": ("sklearn PCA (PyOD PCA)", pyod_pca),
    "ocsvm": ("sklearn OneClassSVM", pyod_ocsvm),
    "hbos": ("numpy (PyOD HBOS algorithm)", pyod_hbos),
    "ecod": ("numpy/scipy (PyOD ECOD algorithm)", pyod_ecod),
    "kmeans": ("scipy kmeans + vq", scipy_kmeans),
}


def sklearn_random_forest():
    from sklearn.ensemble import RandomForestClassifier
    return RandomForestClassifier(random_state=0)  # defaults: 100 trees, sqrt features, one core (n_jobs=None)


CLASSIFIERS = {
    "rf": ("sklearn RandomForestClassifier", sklearn_random_forest),
}


def run_classifier(name, X, y):
    from sklearn.model_selection import train_test_split
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
    label, create = CLASSIFIERS[name]
    model = create()
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    auc = roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])
    print(json.dumps({"label": label, "seconds": seconds, "peakMB": peak_mb, "auc": float(auc)}))


def main():
    name, x_file, y_file, rows, cols = sys.argv[1:6]
    X = np.fromfile(x_file, dtype=np.float64).reshape(int(rows), int(cols))
    y = np.fromfile(y_file, dtype=np.uint8)
    if name in CLASSIFIERS:
        return run_classifier(name, X, y)
    label, run = REFERENCES[name]
    start = time.perf_counter()
    scores = run(X)
    seconds = time.perf_counter() - start
    peak_mb = peak_rss_mb()
    print(json.dumps({"label": label, "seconds": seconds, "peakMB": peak_mb, "auc": float(roc_auc_score(y, scores))}))


if __name__ == "__main__":
    main()
