"""Reference figures for test/data-*.test.ts, computed independently of anomaly-lab.

Run: bash test/reference/regenerate.sh data
Reads the dataset mirror (ANOMALY_LAB_DATA_MIRROR, default ../shared/datasets from the repo root)
and writes test/fixtures/data/reference.json. Figures come from numpy / scikit-learn / math.fsum,
and are cross-checked here against the published numbers in each PROVENANCE.txt.
"""
import csv
import datetime as dt
import json
import math
import os
import re

from common import mirror_path, write_fixture  # first: common.py keeps this folder from shadowing numpy's imports
import numpy as np
import sklearn
from sklearn.model_selection import train_test_split


def weighted_sum(x):
    """Sum of x[k] * (k % 97) over the row-major values: catches transposed or shifted values."""
    flat = np.asarray(x, dtype=np.float64).ravel()
    return math.fsum(flat * (np.arange(flat.size) % 97))


def ecg():
    data = np.loadtxt(mirror_path("ecg5000", "ecg.csv"), delimiter=",")
    X, labels = data[:, :-1], data[:, -1]
    assert X.shape == (4998, 140) and int((labels == 1).sum()) == 2919 and int((labels == 0).sum()) == 2079
    # The TensorFlow tutorial's split, on row numbers so that the exact rows can be compared.
    rows = np.arange(len(X))
    train_rows, test_rows, train_labels, test_labels = train_test_split(rows, labels, test_size=0.2, random_state=21)
    ucr = np.loadtxt(mirror_path("ecg5000", "ECG5000_TRAIN.txt"))
    classes = ucr[:, 0].astype(int)
    assert np.array_equal(ucr[:, 1:], X[:500]), "PROVENANCE: rows 0..499 of ecg.csv equal ECG5000_TRAIN"
    return {
        "ecg": {
            "shape": list(X.shape),
            "nNormal": int((labels == 1).sum()),
            "nAbnormal": int((labels == 0).sum()),
            "sum": math.fsum(X.ravel()),
            "weightedSum": weighted_sum(X),
            "firstRowHead": X[0, :3].tolist(),
            "lastRowTail": X[-1, -3:].tolist(),
        },
        "ecgSplit": {
            "sklearnVersion": sklearn.__version__,
            "numpyVersion": np.__version__,
            "trainIndices": train_rows.tolist(),
            "testIndices": test_rows.tolist(),
            "nNormalTrain": int((train_labels == 1).sum()),
            "nNormalTest": int((test_labels == 1).sum()),
        },
        "ecgUcrTrain": {
            "shape": [len(ucr), 140],
            "classCounts": {str(c): int((classes == c).sum()) for c in sorted(set(classes))},
            "sum": math.fsum(ucr[:, 1:].ravel()),
            "weightedSum": weighted_sum(ucr[:, 1:]),
        },
    }


def provenance_bearing_means():
    """The per-file table of nasa_ims_bearing_test2/PROVENANCE.txt: name -> (dropFirst[4], allRows[4])."""
    table = {}
    with open(mirror_path("nasa_ims_bearing_test2", "PROVENANCE.txt")) as f:
        for line in f:
            m = re.match(r"^\s+(\d{4}\.\d{2}\.\d{2}\.\d{2}\.\d{2}\.\d{2})\s+((?:[0-9.e-]+\s+){7}[0-9.e-]+)\s*$", line)
            if m:
                numbers = [float(v) for v in m.group(2).split()]
                table[m.group(1)] = (numbers[:4], numbers[4:])
    assert len(table) == 3, table
    return table


def bearing():
    with open(mirror_path("nasa_ims_bearing_test2", "merged_dataset_BearingTest_2.csv"), newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    values = np.array([[float(v) for v in r[1:]] for r in body])
    published = provenance_bearing_means()
    raw = {}
    for name, (drop_first, all_rows) in sorted(published.items()):
        x = np.abs(np.loadtxt(mirror_path("nasa_ims_bearing_test2", "raw", name), delimiter="\t"))
        assert x.shape == (20480, 4)
        for ours, theirs in ((x[1:].mean(axis=0), drop_first), (x.mean(axis=0), all_rows)):
            assert np.max(np.abs(ours - np.array(theirs))) < 1e-15, (name, ours, theirs)
        raw[name] = {"dropFirstRow": drop_first, "allRows": all_rows}
        # The published table's row for this file is the drop-first-row convention.
        row = [r for r in body if r[0] == dt.datetime.strptime(name, "%Y.%m.%d.%H.%M.%S").strftime("%Y-%m-%d %H:%M:%S")]
        assert len(row) == 1 and np.max(np.abs(np.array([float(v) for v in row[0][1:]]) - drop_first)) < 1e-17
    return {
        "bearing": {
            "header": header,
            "rows": len(body),
            "first": body[0][0],
            "last": body[-1][0],
            "columnSums": [math.fsum(values[:, j]) for j in range(4)],
            "row500": [float(v) for v in body[500][1:]],
            "timestamp500": body[500][0],
        },
        "bearingRawMeans": raw,
    }


def creditcard():
    with open(mirror_path("creditcard_fraud", "creditcard_sample.csv"), newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    values = np.array([[float(v) for v in r[:-1]] for r in body])
    classes = np.array([int(r[-1]) for r in body])
    fraud = values[classes == 1]
    amount = header.index("Amount")
    # Published full-data fraud statistics (PROVENANCE.txt): the subset holds every fraud.
    assert round(float(fraud[:, amount].mean()), 6) == 122.211321
    assert float(fraud[:, amount].max()) == 2125.87
    return {
        "creditcard": {
            "header": header,
            "rows": len(body),
            "nFraud": int(classes.sum()),
            "fraudAmountMean": math.fsum(fraud[:, amount]) / len(fraud),
            "fraudAmountMeanPublished": 122.211321,
            "fraudAmountMaxPublished": 2125.87,
            "columnSums": {name: math.fsum(values[:, j]) for j, name in enumerate(header[:-1])},
        }
    }


def nab():
    with open(mirror_path("nab", "labels", "combined_windows.json")) as f:
        windows = json.load(f)
    with open(mirror_path("nab", "labels", "combined_labels.json")) as f:
        labels = json.load(f)
    fmt = "%Y-%m-%d %H:%M:%S"
    out = {}
    folder = mirror_path("nab", "data", "realKnownCause")
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0] == ["timestamp", "value"]
        times = [dt.datetime.strptime(r[0], fmt) for r in rows[1:]]
        values = [float(r[1]) for r in rows[1:]]
        key = "realKnownCause/" + name
        bounds = [[dt.datetime.strptime(b, fmt + ".%f") for b in w] for w in windows[key]]
        in_window = sum(1 for t in times if any(a <= t <= b for a, b in bounds))
        out[name[: -len(".csv")]] = {
            "rows": len(rows) - 1,
            "valueSum": math.fsum(values),
            "min": min(values),
            "max": max(values),
            "first": rows[1][0],
            "last": rows[-1][0],
            "windows": windows[key],
            "rowsInWindows": in_window,
            "anomalies": labels[key],
        }
    return {"nab": out}


def main():
    reference = {"generatedBy": "test/reference/data.py"}
    for part in (ecg, bearing, creditcard, nab):
        reference.update(part())
    write_fixture(os.path.join("data", "reference.json"), reference, indent=1)


if __name__ == "__main__":
    main()
