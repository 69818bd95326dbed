"""Shared by the reference scripts in this folder: the data several of them generate, PyOD's threshold
rule, where the dataset mirror is, and how fixtures are written.

Each script runs as `python test/reference/<name>.py` from anywhere, with the PyPI references
(`bash test/reference/regenerate.sh <name>` picks that Python); Python puts the script's folder on sys.path,
so `import common` finds this file. Import it before numpy: see the sys.path note below.
"""
import json
import os
import sys

# Python puts the running script's folder first on sys.path, so a sibling named like a module that numpy
# or scikit-learn imports (a test/reference/random.py, say) would shadow it. Move the folder last: the
# siblings stay importable, the standard library and site-packages come first.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE] + [HERE]

import numpy as np  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(REPO, "test", "fixtures")
# Same rule as test/helpers/mirror.ts: $ANOMALY_LAB_DATA_MIRROR, else ../shared/datasets beside the repo;
# a relative value is taken from the repo root.
MIRROR = os.path.join(REPO, os.environ.get("ANOMALY_LAB_DATA_MIRROR", os.path.join("..", "shared", "datasets")))

SALARY_OUTLIER_ROWS = [16, 65]


def mirror_path(*parts, folder=MIRROR):
    """A file of the dataset mirror; exits naming the path and the variable when it is missing."""
    path = os.path.join(folder, *parts)
    if not os.path.exists(path):
        sys.exit(f"{path} not found; set ANOMALY_LAB_DATA_MIRROR to the datasets mirror")
    return path


def salary_data():
    """The FloydHub tutorial's salaries as a 100 x 1 column: np.random.seed(7), 100 draws of
    np.random.randint(1000, 2500), rows 16 and 65 replaced by 23 and 17 (src/data/salary.ts regenerates
    them bit for bit). Reseeds numpy's global generator, as the tutorial does."""
    np.random.seed(7)
    salary = np.array([np.random.randint(1000, 2500) for _ in range(100)], dtype=float)
    salary[SALARY_OUTLIER_ROWS[0]] = 23
    salary[SALARY_OUTLIER_ROWS[1]] = 17
    return salary.reshape(-1, 1)


def uniform_data(seed, n, d, outliers, n_new=15):
    """Data the tests regenerate bit for bit with RandomState(seed).randomSample (test/helpers/detector-data.ts),
    so fixtures store the arguments instead of arrays: n x d uniform in [-1, 1), the first `outliers` rows
    stretched 4x, then n_new query rows in [-4, 4)."""
    rs = np.random.RandomState(seed)
    X = (rs.random_sample(n * d) * 2 - 1).reshape(n, d)
    X[:outliers] *= 4
    X_new = (rs.random_sample(n_new * d) * 8 - 4).reshape(n_new, d)
    return X, X_new


def pyod_threshold(scores, contamination):
    """PyOD's threshold_ = np.percentile(decision_scores_, 100 * (1 - contamination)) and labels_ = scores > threshold_."""
    threshold = np.percentile(scores, 100 * (1 - contamination))
    return float(threshold), (scores > threshold).astype(int).tolist()


def pyod_outcome(scores, new_scores, contamination):
    """The fields of a fitted PyOD detector that the tests compare (test/helpers/assertions.ts
    assertPyodOutcome): training scores, threshold and labels, then the scores and predictions of new rows."""
    threshold, labels = pyod_threshold(scores, contamination)
    return {
        "trainingScores": scores.tolist(), "threshold": threshold, "labels": labels,
        "newScores": new_scores.tolist(), "newLabels": (new_scores > threshold).astype(int).tolist(),
    }


def pyod_fitted_outcome(detector, X_new):
    """pyod_outcome's fields read from a fitted PyOD detector itself: decision_scores_, threshold_, labels_, then
    decision_function(X_new) and predict(X_new)."""
    return {
        "trainingScores": detector.decision_scores_.tolist(), "threshold": float(detector.threshold_),
        "labels": detector.labels_.tolist(), "newScores": detector.decision_function(X_new).tolist(),
        "newLabels": detector.predict(X_new).tolist(),
    }


def write_fixture(relative_path, fixture, indent=None):
    """Write test/fixtures/<relative_path>. By default one top-level key per line with compact values
    (readable diffs); indent=n pretty-prints every level. Floats keep Python's shortest round-trip repr."""
    path = os.path.join(FIXTURES, relative_path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        if indent is None:
            handle.write("{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in fixture.items()) + "\n}\n")
        else:
            json.dump(fixture, handle, indent=indent)
            handle.write("\n")
    print(f"wrote {os.path.relpath(path, REPO)}", file=sys.stderr)
