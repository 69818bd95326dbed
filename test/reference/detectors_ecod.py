"""Reference results for test/detectors-ecod.test.ts: PyOD's ECOD.

Run with Debian's Python: /usr/bin/python3 test/reference/detectors_ecod.py
Writes test/fixtures/detectors_ecod.json.

PyOD is not installable here; `column_ecdf` and `ecod_scores` re-implement
pyod/utils/stat_models.py::column_ecdf and ECOD.decision_function (n_jobs=1) of
pyod/models/ecod.py with the same numpy / scipy calls:
  U_l = -log(ecdf(X)), U_r = -log(ecdf(-X)), skewness = sign(nan_to_num(scipy.stats.skew(X, axis=0))),
  U_skew = U_l * -1 * sign(skewness - 1) + U_r * sign(skewness + 1),
  O = max(U_skew, (U_l + U_r) / 2), score = O.sum(axis=1).
fit scores X alone; decision_function(X_new) scores the concatenation (X_train, X_new)
and keeps the last rows, as PyOD does once X_train is set.
"""
from common import pyod_outcome, salary_data, uniform_data, write_fixture  # first: see common.py
import numpy as np
from scipy.stats import skew as skew_sp


def column_ecdf(matrix):
    probabilities = np.linspace(np.ones(matrix.shape[1]) / matrix.shape[0], np.ones(matrix.shape[1]), matrix.shape[0])
    sort_idx = np.argsort(matrix, axis=0)
    matrix = np.take_along_axis(matrix, sort_idx, axis=0)
    for cx in range(probabilities.shape[1]):
        for rx in range(probabilities.shape[0] - 2, -1, -1):
            if matrix[rx, cx] == matrix[rx + 1, cx]:
                probabilities[rx, cx] = probabilities[rx + 1, cx]
    reordered = np.ones_like(probabilities)
    np.put_along_axis(reordered, sort_idx, probabilities, axis=0)
    return reordered


def ecod_scores(X):
    U_l = -1 * np.log(column_ecdf(X))
    U_r = -1 * np.log(column_ecdf(-X))
    skewness = np.sign(np.nan_to_num(skew_sp(X, axis=0)))
    U_skew = U_l * -1 * np.sign(skewness - 1) + U_r * np.sign(skewness + 1)
    O = np.maximum(U_skew, np.add(U_l, U_r) / 2)
    return O.sum(axis=1), skewness


def case(X, X_new, contamination=0.1, data=None, store_x=True):
    scores, skewness = ecod_scores(X)
    new_scores = ecod_scores(np.concatenate((X, X_new), axis=0))[0][-X_new.shape[0]:]
    record = {"contamination": contamination, "skewSigns": skewness.tolist()}
    if data is not None:
        record["data"] = data
    elif store_x:
        record["X"] = X.tolist()
    record.update({"XNew": X_new.tolist(), **pyod_outcome(scores, new_scores, contamination)})
    return record


def main():
    salary = salary_data()
    salary_case = case(salary, np.array([[37.0], [1256.0], [2600.0], [17.0], [1745.0]]), contamination=0.02, store_x=False)

    cases = []
    for seed, n, d, outliers in ((1, 200, 3, 6), (2, 120, 6, 4)):
        spec = {"seed": seed, "n": n, "d": d, "outliers": outliers}
        X, X_new = uniform_data(**spec)
        cases.append(case(X, X_new, data=spec))
    # Exactly symmetric column (skewness 0: both tails), a constant column, integer ties, skewed column.
    symmetric = np.tile([-2.0, -1.0, 0.0, 1.0, 2.0], 8)
    constant = np.full(40, 7.0)
    rs = np.random.RandomState(5)
    ties = rs.randint(0, 4, 40).astype(float)
    skewed = rs.exponential(1.0, 40)
    X_mixed = np.column_stack([symmetric, constant, ties, skewed, -skewed])
    X_mixed_new = np.array([[0.0, 7.0, 1.0, 0.5, -0.5], [5.0, 7.0, 9.0, 6.0, -6.0], [-3.0, 8.0, -1.0, 0.0, 0.0]])
    cases.append(case(X_mixed, X_mixed_new))

    fixture = {"numpy": np.__version__, "salary": salary_case, "cases": cases}
    write_fixture("detectors_ecod.json", fixture)


if __name__ == "__main__":
    main()
