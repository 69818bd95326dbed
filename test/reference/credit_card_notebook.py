"""Reference for test/notebook-credit-card.test.ts: the credit-card autoencoder notebook's split and inputs
recomputed with scikit-learn, plus the tutorial's published numbers.

The notebook (notebooks/04-credit-card-autoencoder.ipynb) follows Curiousily's "Credit Card Fraud Detection using
Autoencoders in Keras": drop Time, train_test_split(test_size=0.2, random_state=42), keep the normal rows of the
training part, standard-scale Amount (here with the training rows' mean and std, ddof 0), V1..V28 unscaled.
Its last section fits classic detectors on the same rows; PyOD's KNN (k = 5, method "largest") scores a new row
by the distance to its 5th nearest training row, which is NearestNeighbors(5).kneighbors(X_test)[0][:, -1].
The KNN ROC-AUC checks that the notebook's split, scaling and training rows are the ones described (quick mode:
the first 1,200 training normals; full: all).

Run: bash test/reference/regenerate.sh credit_card_notebook  (writes test/fixtures/credit_card_notebook.json)
"""
from common import mirror_path, write_fixture  # first: see common.py
import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

QUICK_TRAIN_ROWS = 1200  # byRunMode(trainNormal, trainNormal.head(1200)) in the notebook

path = mirror_path("creditcard_fraud", "creditcard_sample.csv")
with open(path) as handle:
    header = handle.readline().strip().split(",")
data = np.loadtxt(path, delimiter=",", skiprows=1, converters={header.index("Class"): lambda s: float(s.strip(b'"' if isinstance(s, bytes) else '"'))})
y = data[:, header.index("Class")].astype(int)
features = [c for c in header if c not in ("Time", "Class")]
X = data[:, [header.index(c) for c in features]]

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
amount = features.index("Amount")
scaler = StandardScaler().fit(X_train[:, [amount]])
for part in (X_train, X_test):
    part[:, amount] = scaler.transform(part[:, [amount]])[:, 0]
train_normal = X_train[y_train == 0]


def knn_auc(rows):
    distances, _ = NearestNeighbors(n_neighbors=5).fit(rows).kneighbors(X_test)
    return float(roc_auc_score(y_test, distances[:, -1]))


write_fixture("credit_card_notebook.json", {
    "testRows": int(len(y_test)),
    "testFrauds": int(y_test.sum()),
    "trainNormalRows": int(len(train_normal)),
    "quickTrainRows": QUICK_TRAIN_ROWS,
    "knnAucQuick": knn_auc(train_normal[:QUICK_TRAIN_ROWS]),
    "knnAucFull": knn_auc(train_normal),
    # Published by the tutorial (full data, 56,962 test rows, 98 frauds; threshold 2.9).
    "tutorial": {"rocAuc": 0.9602, "tp": 78, "fn": 20, "fp": 1373, "tn": 55491, "recall": 0.796, "precision": 0.054,
                 "source": "https://curiousily.com/posts/credit-card-fraud-detection-using-autoencoders-in-keras/"},
})
