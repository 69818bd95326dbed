"""Reference results for test/detectors-ecod.test.ts: PyOD's ECOD itself (pyod/models/ecod.py, n_jobs=1).

Run: bash test/reference/regenerate.sh detectors_ecod  (writes test/fixtures/detectors_ecod.json)

ECOD(contamination).fit(X): decision_scores_, threshold_, labels_; decision_function(X_new) and predict(X_new),
which score X_new together with the training rows (PyOD concatenates X_train and X_new and re-estimates the
ECDFs and skewness on both). Per feature PyOD computes U_l = -log(ecdf(X)), U_r = -log(ecdf(-X)), the skewness
sign s of scipy.stats.skew, U_skew = U_l * -1 * sign(s - 1) + U_r * sign(s + 1), then
O = max(U_skew, max(U_l, U_r)) and the score is O summed over the features. skewSigns stores
sign(pyod.models.ecod.skew(X)) of the training rows.
"""
from common import pyod_fitted_outcome, salary_data, uniform_data, write_fixture  # first: see common.py
import numpy as np
import pyod
from pyod.models.ecod import ECOD, skew


def case(X, X_new, contamination=0.1, data=None, store_x=True):
    detector = ECOD(contamination=contamination).fit(X)
    record = {"contamination": contamination, "skewSigns": np.sign(skew(X, axis=0)).tolist()}
    if data is not None:
        record["data"] = data
    elif store_x:
        record["X"] = X.tolist()
    record.update({"XNew": X_new.tolist(), **pyod_fitted_outcome(detector, X_new)})
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

    fixture = {"pyod": pyod.__version__, "numpy": np.__version__, "salary": salary_case, "cases": cases}
    write_fixture("detectors_ecod.json", fixture)


if __name__ == "__main__":
    main()
