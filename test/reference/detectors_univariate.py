"""Reference results for test/detectors-univariate.test.ts: the one-column rules.

Run: bash test/reference/regenerate.sh detectors_univariate
Writes test/fixtures/detectors_univariate.json.

  * z-score: scipy.stats.zscore (ddof=0); score |z| with the training mean and std.
  * modified z-score: PyOD's MAD (pyod/models/mad.py): 0.6745 * |x - median| / MAD,
    MAD = median(|x - median|) (np.median), threshold_ = 3.5, labels = score > 3.5.
  * Tukey's fences: q1, q3 by np.percentile (linear); score = distance outside
    [q1 - k IQR, q3 + k IQR], 0 inside.
With several columns, the score of a row is the largest per-column score.
The contamination thresholds use np.percentile(scores, 100 * (1 - contamination)).
"""
from common import pyod_threshold, salary_data, uniform_data, write_fixture  # first: see common.py
import numpy as np
from scipy.stats import zscore


def zscore_rule(X, X_new):
    mean, std = X.mean(axis=0), X.std(axis=0)
    train = np.abs(zscore(X, axis=0, ddof=0)).max(axis=1)
    new = np.abs((X_new - mean) / std).max(axis=1)
    return {"mean": mean.tolist(), "std": std.tolist()}, train, new


def mad_rule(X, X_new):
    median = np.median(X, axis=0)
    mad = np.median(np.abs(X - median), axis=0)
    score = lambda A: (0.6745 * np.abs(A - median) / mad).max(axis=1)
    return {"median": median.tolist(), "mad": mad.tolist()}, score(X), score(X_new)


def iqr_rule(X, X_new, k=1.5):
    q1, q3 = np.percentile(X, 25, axis=0), np.percentile(X, 75, axis=0)
    lower, upper = q1 - k * (q3 - q1), q3 + k * (q3 - q1)
    score = lambda A: np.maximum(np.maximum(lower - A, A - upper), 0).max(axis=1)
    return {"lower": lower.tolist(), "upper": upper.tolist()}, score(X), score(X_new)


def record(rule, X, X_new, fixed_threshold, contamination=0.1, **kwargs):
    parameters, train, new = rule(X, X_new, **kwargs)
    percentile, percentile_labels = pyod_threshold(train, contamination)
    return {
        "parameters": parameters, "XNew": X_new.tolist(), "contamination": contamination,
        "trainingScores": train.tolist(), "newScores": new.tolist(),
        "fixedThreshold": fixed_threshold,
        "labels": (train > fixed_threshold).astype(int).tolist(),
        "newLabels": (new > fixed_threshold).astype(int).tolist(),
        "percentileThreshold": percentile,
        "percentileLabels": percentile_labels,
    }


def main():
    salary = salary_data()
    salary_new = np.array([[37.0], [1256.0], [2600.0], [1000.0], [17.0]])
    spec = {"seed": 6, "n": 120, "d": 3, "outliers": 5}
    X, X_new = uniform_data(**spec)
    fixture = {
        "numpy": np.__version__,
        "salary": {
            "zscore": record(zscore_rule, salary, salary_new, 3.0),
            "mad": record(mad_rule, salary, salary_new, 3.5),
            "iqr": record(iqr_rule, salary, salary_new, 0.0),
            "iqr3": record(iqr_rule, salary, salary_new, 0.0, k=3.0),
        },
        "multi": {
            "data": spec,
            "zscore": record(zscore_rule, X, X_new, 3.0, contamination=0.05),
            "mad": record(mad_rule, X, X_new, 3.5, contamination=0.05),
            "iqr": record(iqr_rule, X, X_new, 0.0, contamination=0.05),
        },
    }
    write_fixture("detectors_univariate.json", fixture)


if __name__ == "__main__":
    main()
