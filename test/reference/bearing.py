"""Reference for the bearing case study (test/detectors-mahalanobis.test.ts, test/notebook-bearing.test.ts):

1. the classical Mahalanobis distance (numpy np.cov, ddof 1, scipy's pinvh) on synthetic correlated rows, as
   V. Flovik computes it, and numpy's squared form with ddof 0 (sklearn EmpiricalCovariance.mahalanobis);
2. Flovik's pipeline on the NASA IMS bearing test 2 table with scikit-learn, on the LSTM tutorial's training
   period (2004-02-12 10:52:39 .. 2004-02-15 12:52:39, both included, pandas label slicing):
   MinMaxScaler fitted on the training rows -> PCA(n_components=2, svd_solver="full") fitted on them ->
   Mahalanobis distance of every row to the training rows' mean under np.cov of their components ->
   threshold = 3 x the mean training distance; the first alarm after the training period and the alarms
   inside it.

Run: bash test/reference/regenerate.sh bearing  (writes test/fixtures/bearing.json; needs the datasets mirror)
"""
import common
import numpy as np
import pandas as pd
from scipy.linalg import pinvh
from sklearn.decomposition import PCA
from sklearn.preprocessing import MinMaxScaler


def mahalanobis(X, mean, covariance):
    centred = X - mean
    return np.sqrt(np.einsum("ij,jk,ik->i", centred, pinvh(covariance), centred))


# 1. synthetic
rs = np.random.RandomState(5)
A = rs.normal(size=(200, 3)) @ np.array([[1.0, 0.6, 0.2], [0.0, 0.8, -0.3], [0.0, 0.0, 0.5]])
new = rs.normal(size=(10, 3)) * 2
mean = A.mean(axis=0)
cov1 = np.cov(A, rowvar=False)
cov0 = np.cov(A, rowvar=False, bias=True)
synthetic = {
    "X": A.tolist(),
    "newRows": new.tolist(),
    "mean": mean.tolist(),
    "covariance": cov1.tolist(),
    "distances": mahalanobis(A, mean, cov1).tolist(),
    "newDistances": mahalanobis(new, mean, cov1).tolist(),
    "squaredDdof0": (mahalanobis(new, mean, cov0) ** 2).tolist(),
}

# 2. the bearing table
df = pd.read_csv(common.mirror_path("nasa_ims_bearing_test2", "merged_dataset_BearingTest_2.csv"), index_col=0)
df.index = pd.to_datetime(df.index, format="%Y-%m-%d %H:%M:%S")
train = df["2004-02-12 10:52:39":"2004-02-15 12:52:39"]
scaler = MinMaxScaler().fit(train)
pca = PCA(n_components=2, svd_solver="full").fit(scaler.transform(train))
train_pc = pca.transform(scaler.transform(train))
all_pc = pca.transform(scaler.transform(df))
pc_mean = train_pc.mean(axis=0)
pc_cov = np.cov(train_pc, rowvar=False)
distances = mahalanobis(all_pc, pc_mean, pc_cov)
train_distances = mahalanobis(train_pc, pc_mean, pc_cov)
threshold = 3 * train_distances.mean()
after = df.index > train.index[-1]
alarms = distances > threshold
first_alarm = df.index[after & alarms][0]
inside = (df.index >= train.index[0]) & (df.index <= train.index[-1])

common.write_fixture("bearing.json", {
    "synthetic": synthetic,
    "flovik": {
        "trainRows": int(len(train)),
        "explainedVarianceRatio": pca.explained_variance_ratio_.tolist(),
        "threshold": float(threshold),
        "distances": distances.tolist(),
        "firstAlarm": first_alarm.strftime("%Y-%m-%d %H:%M:%S"),
        "leadDays": float((df.index[-1] - first_alarm).total_seconds() / 86400),
        "alarmsInTraining": int((alarms & inside).sum()),
    },
})
print("Flovik: threshold", threshold, "first alarm", first_alarm, "lead", (df.index[-1] - first_alarm), "alarms in training", int((alarms & inside).sum()))
