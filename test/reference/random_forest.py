"""Reference results for test/random-forest.test.ts: scikit-learn's RandomForestClassifier.

Run: bash test/reference/regenerate.sh random_forest
(datasets from ../shared/datasets beside the project root, or $ANOMALY_LAB_DATA_MIRROR).
Writes test/fixtures/random_forest.json.

- creditcard: the credit-card subset, features V1..V28 + Amount, split as the notebooks do
  (train_test_split(test_size=0.4, random_state=42, stratify=y)); RandomForestClassifier() with
  default settings fitted on the train part for seeds 0..9, ROC-AUC of predict_proba[:, 1] on the
  test part. Our trees use other random feature draws and binned thresholds, so the test compares
  the mean ROC-AUC over seeds.
- bootstrap: the seed scikit-learn gives each tree (estimators_[t].random_state) and the rows of its
  bootstrap sample (_generate_sample_indices), which ours reproduce exactly.
- importances: feature_importances_ averaged over seeds 0..4 on make_classification data whose first
  three columns are informative (shuffle=False) and the rest noise.
"""
from common import mirror_path, write_fixture  # first: see common.py
import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.ensemble._forest import _generate_sample_indices
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split

SEEDS = list(range(10))


def creditcard():
    data = np.loadtxt(mirror_path("creditcard_fraud", "creditcard_sample.csv"), delimiter=",", skiprows=1)
    X, y = data[:, 1:30], data[:, 30].astype(int)  # V1..V28, Amount; Class
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=42, stratify=y)
    aucs, aps = [], []
    for seed in SEEDS:
        proba = RandomForestClassifier(random_state=seed).fit(X_train, y_train).predict_proba(X_test)[:, 1]
        aucs.append(roc_auc_score(y_test, proba))
        aps.append(average_precision_score(y_test, proba))
    return {"seeds": SEEDS, "auc": aucs, "aucMean": float(np.mean(aucs)), "aucStd": float(np.std(aucs)),
            "apMean": float(np.mean(aps)), "trainRows": len(y_train), "testRows": len(y_test)}


def bootstrap():
    n = 25
    X, y = make_classification(n_samples=n, n_features=4, random_state=0)
    forest = RandomForestClassifier(n_estimators=4, random_state=0).fit(X, y)
    seeds = [int(tree.random_state) for tree in forest.estimators_]
    return {"seed": 0, "n": n, "treeSeeds": seeds,
            "indices": [_generate_sample_indices(s, n, n, None).tolist() for s in seeds]}  # no sample_weight


def importances():
    options = {"nSamples": 1000, "nFeatures": 8, "nInformative": 3, "nRedundant": 0, "shuffle": False, "seed": 1}
    X, y = make_classification(n_samples=1000, n_features=8, n_informative=3, n_redundant=0, shuffle=False, random_state=1)
    mean = np.mean([RandomForestClassifier(random_state=s).fit(X, y).feature_importances_ for s in range(5)], axis=0)
    return {"makeClassification": options, "seeds": list(range(5)), "importances": mean.tolist()}


def main():
    write_fixture("random_forest.json", {"sklearn": sklearn.__version__, "creditcard": creditcard(),
                                         "bootstrap": bootstrap(), "importances": importances()}, indent=1)


if __name__ == "__main__":
    main()
