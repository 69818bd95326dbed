"""Reference results for test/detectors-iforest.test.ts: scikit-learn's IsolationForest.

Run: bash test/reference/regenerate.sh detectors_iforest  (datasets from $ANOMALY_LAB_DATA_MIRROR, default
../shared/datasets beside the project root; `python detectors_iforest.py FOLDER` names another folder).
Writes test/fixtures/detectors_iforest.json.

PyOD's IForest(n_estimators=100, max_samples="auto", contamination=0.1, max_features=1.0,
bootstrap=False) wraps scikit-learn's IsolationForest with the same arguments
(pyod/models/iforest.py); its scores are -decision_function = -score_samples + offset_,
a constant shift of scikit-learn's anomaly score 2^(-E[h(x)] / c(max_samples)), so the
ROC-AUC is that of -score_samples. Our trees use a different random generator, so the
test compares statistics averaged over seeds, not scores: the ROC-AUC and the mean
anomaly score over the rows. On ECG5000 the ROC-AUC of one 100-tree forest varies a lot
with the seed (std ~0.045, stored as aucStd), so 100 seeds are averaged here and the
test's tolerance there is three standard errors of the difference of the means
(ours over 30 seeds) rather than 0.01.

Data: the credit-card subset (all 30 columns Time, V1..V28, Amount; Class 1 = fraud) and
TensorFlow's ECG5000 ecg.csv (140 samples per beat; label 0 = abnormal = the anomaly).
Also stores scikit-learn's _average_path_length at a few sizes (exact formula check).
"""
import sys

from common import MIRROR, mirror_path, write_fixture  # first: see common.py
import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest
from sklearn.ensemble._iforest import _average_path_length
from sklearn.metrics import roc_auc_score

SEEDS = {"creditcard": list(range(10)), "ecg": list(range(100))}


def auc_over_seeds(X, y, seeds):
    aucs = []
    mean_scores = []
    for seed in seeds:
        forest = IsolationForest(n_estimators=100, max_samples="auto", contamination=0.1,
                                 max_features=1.0, bootstrap=False, random_state=seed).fit(X)
        scores = -forest.score_samples(X)
        aucs.append(roc_auc_score(y, scores))
        mean_scores.append(float(np.mean(scores)))
    return {
        "seeds": len(seeds), "aucs": aucs, "meanAuc": float(np.mean(aucs)), "aucStd": float(np.std(aucs, ddof=1)),
        "meanScore": float(np.mean(mean_scores)), "meanScoreStd": float(np.std(mean_scores, ddof=1)),
    }


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else MIRROR
    credit = np.loadtxt(mirror_path("creditcard_fraud", "creditcard_sample.csv", folder=folder), delimiter=",", skiprows=1)
    ecg = np.loadtxt(mirror_path("ecg5000", "ecg.csv", folder=folder), delimiter=",")
    sizes = [1, 2, 3, 5, 10, 100, 255, 256, 1000]
    fixture = {
        "versions": {"numpy": np.__version__, "sklearn": sklearn.__version__},
        "averagePathLength": {"n": sizes, "c": _average_path_length(np.array(sizes)).tolist()},
        "creditcard": {"rows": int(credit.shape[0]), **auc_over_seeds(credit[:, :30], credit[:, 30], SEEDS["creditcard"])},
        "ecg": {"rows": int(ecg.shape[0]), **auc_over_seeds(ecg[:, :140], 1 - ecg[:, 140], SEEDS["ecg"])},
    }
    write_fixture("detectors_iforest.json", fixture)


if __name__ == "__main__":
    main()
