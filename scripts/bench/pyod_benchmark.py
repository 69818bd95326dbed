"""PyOD itself on PyOD's published benchmark protocol, for `npm run bench:pyod` (scripts/bench/pyod-benchmark.ts).

The protocol of notebooks/benchmark.py at yzhao062/pyod@a1d492c2 (the published table): for i in 0..iterations-1,
random_state = np.random.RandomState(i); train_test_split(X, y, test_size=0.4, random_state=random_state);
standardizer fitted on the training part; each detector with contamination = the outlier fraction, the
randomised ones with random_state=random_state (CBLOF with n_clusters=10); fit, decision_function on the test
part; ROC-AUC, precision @ rank n and seconds rounded to 4 decimals. Data: ADBench's .npz copies of the ODDS files.

Usage: python pyod_benchmark.py --datasets cardio=/path/6_cardio.npz,... --detectors HBOS,KNN --iterations 10
Prints one JSON object per line: first {"versions": ...}, then one per dataset x detector with the runs of each
iteration ({"roc", "prn", "seconds"}) or the error that stopped it.
"""
import argparse
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from pyod.utils.utility import precision_n_scores, standardizer  # noqa: E402


def pyod_version():
    try:
        from pyod.version import __version__
        return __version__
    except ImportError:
        import pyod
        return getattr(pyod, "__version__", "unknown")


def make(name, fraction, random_state):
    """The detector as benchmark.py builds it."""
    if name == "ABOD":
        from pyod.models.abod import ABOD
        return ABOD(contamination=fraction)
    if name == "CBLOF":
        from pyod.models.cblof import CBLOF
        try:
            return CBLOF(n_clusters=10, contamination=fraction, check_estimator=False, random_state=random_state)
        except TypeError:  # newer PyOD dropped check_estimator
            return CBLOF(n_clusters=10, contamination=fraction, random_state=random_state)
    if name == "FB":
        from pyod.models.feature_bagging import FeatureBagging
        return FeatureBagging(contamination=fraction, random_state=random_state)
    if name == "HBOS":
        from pyod.models.hbos import HBOS
        return HBOS(contamination=fraction)
    if name == "IForest":
        from pyod.models.iforest import IForest
        return IForest(contamination=fraction, random_state=random_state)
    if name == "KNN":
        from pyod.models.knn import KNN
        return KNN(contamination=fraction)
    if name == "LOF":
        from pyod.models.lof import LOF
        return LOF(contamination=fraction)
    if name == "MCD":
        from pyod.models.mcd import MCD
        return MCD(contamination=fraction, random_state=random_state)
    if name == "OCSVM":
        from pyod.models.ocsvm import OCSVM
        return OCSVM(contamination=fraction)
    if name == "PCA":
        from pyod.models.pca import PCA
        return PCA(contamination=fraction, random_state=random_state)
    raise SystemExit(f"unknown detector {name}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", required=True, help="name=path-of-the-.npz pairs, comma-separated")
    parser.add_argument("--detectors", required=True)
    parser.add_argument("--iterations", type=int, default=10)
    args = parser.parse_args()
    print(json.dumps({"versions": {"python": sys.version.split()[0], "pyod": pyod_version(), "sklearn": sklearn.__version__, "numpy": np.__version__}}), flush=True)
    detectors = args.detectors.split(",")
    for pair in args.datasets.split(","):
        name, file = pair.split("=", 1)
        data = np.load(file)
        X, y = data["X"], data["y"]
        fraction = np.count_nonzero(y) / len(y)
        runs = {d: [] for d in detectors}
        errors = {}
        for i in range(args.iterations):
            random_state = np.random.RandomState(i)
            X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=random_state)
            X_train_norm, X_test_norm = standardizer(X_train, X_test)
            for detector in detectors:
                if detector in errors:
                    continue
                try:
                    clf = make(detector, fraction, random_state)
                    t0 = time.time()
                    clf.fit(X_train_norm)
                    scores = clf.decision_function(X_test_norm)
                    t1 = time.time()
                    if not np.all(np.isfinite(scores)):
                        raise ValueError(f"{int(np.sum(~np.isfinite(scores)))} of {len(scores)} test scores are not finite")
                    runs[detector].append({
                        "roc": round(roc_auc_score(y_test, scores), 4),
                        "prn": round(precision_n_scores(y_test, scores), 4),
                        "seconds": round(t1 - t0, 4),
                    })
                except Exception as error:  # reported per cell, as the TypeScript side reports its own
                    errors[detector] = f"iteration {i}: {type(error).__name__}: {error}"
        for detector in detectors:
            print(json.dumps({"dataset": name, "detector": detector, "runs": runs[detector], "error": errors.get(detector)}), flush=True)


if __name__ == "__main__":
    main()
