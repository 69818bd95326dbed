"""Reference numbers of notebooks/03-detectors-tour.ipynb (checked by test/notebook-detectors-tour.test.ts):
scikit-learn on the very split and scaling the notebook uses.

Run: bash test/reference/regenerate.sh detectors_tour
Reads the credit-card subset from the dataset mirror (ANOMALY_LAB_DATA_MIRROR, default ../shared/datasets
from the repo root) and writes test/fixtures/detectors_tour.json.

  * features V1..V28 + Amount, y = Class; train_test_split(test_size=0.4, random_state=42, stratify=y)
    (the library's trainTestSplit is sklearn-exact, so the notebook gets the same rows);
  * StandardScaler fitted on the train part, applied to both;
  * ROC-AUC on the test rows of: LocalOutlierFactor(n_neighbors=20 and 400, novelty=True), score =
    -score_samples (PyOD's LOF decision_function); NearestNeighbors(n_neighbors=5), score = distance to the
    5th training neighbour (PyOD's KNN, method "largest").
"""
from common import mirror_path, write_fixture  # first: see common.py
import numpy as np
import sklearn
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors
from sklearn.preprocessing import StandardScaler

COLUMNS = [f"V{i}" for i in range(1, 29)] + ["Amount"]


def load():
    path = mirror_path("creditcard_fraud", "creditcard_sample.csv")
    with open(path) as handle:
        header = [name.strip().strip('"') for name in handle.readline().split(",")]
    table = np.genfromtxt(path, delimiter=",", skip_header=1,
                          converters={header.index("Class"): lambda s: float(s.strip('"'))})  # numpy 2: str
    table = np.array(table.tolist(), dtype=float) if table.dtype.names else table
    return table[:, [header.index(c) for c in COLUMNS]], table[:, header.index("Class")].astype(int)


def main():
    X, y = load()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=42, stratify=y)
    scaler = StandardScaler().fit(X_train)
    train, test = scaler.transform(X_train), scaler.transform(X_test)

    def lof_auc(k):
        lof = LocalOutlierFactor(n_neighbors=k, novelty=True).fit(train)
        return float(roc_auc_score(y_test, -lof.score_samples(test)))

    distances, _ = NearestNeighbors(n_neighbors=5).fit(train).kneighbors(test)
    write_fixture("detectors_tour.json", {
        "sklearnVersion": sklearn.__version__,
        "trainRows": int(train.shape[0]),
        "testRows": int(test.shape[0]),
        "columns": int(train.shape[1]),
        "trainFraudPercent": float(100 * y_train.mean()),
        "testFraudPercent": float(100 * y_test.mean()),
        "rocAuc": {"KNN": float(roc_auc_score(y_test, distances[:, -1])), "LOF": lof_auc(20), "LOF400": lof_auc(400)},
    })


if __name__ == "__main__":
    main()
