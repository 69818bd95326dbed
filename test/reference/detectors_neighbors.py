"""Reference results for test/detectors-neighbors.test.ts and test/detectors-lof.test.ts.

Run: bash test/reference/regenerate.sh detectors_neighbors
Writes test/fixtures/detectors_neighbors.json.

k-nearest neighbours: scikit-learn's NearestNeighbors with algorithm="kd_tree", whose
distances are sqrt(sum of squared differences) in feature order (the arithmetic our
search reports whatever its algorithm); kneighbors() without X excludes each training
row from its own neighbours.

LOF: PyOD's LOF(n_neighbors=k, contamination=c) wraps scikit-learn's
LocalOutlierFactor(novelty=True) (pyod/models/lof.py):
  * decision_scores_ = -negative_outlier_factor_,
  * decision_function(X) = -score_samples(X),
  * threshold_ = np.percentile(decision_scores_, 100 * (1 - c)), labels = score > threshold_;
  pyod_lof asserts that PyOD's LOF itself gives those scores.
scikit-learn clamps n_neighbors to n - 1 on small data. On continuous random data there
are no distance ties and the kd_tree results are used as they are. The salary data are
integers, so several rows tie at the k-th distance and scikit-learn's result depends on
its internal visiting order (it changes when the rows are permuted). There the reference
is LOF computed from an explicit distance matrix with ties taken by lower row index
(`lof_lexicographic`), and the script asserts that scikit-learn's LocalOutlierFactor
(algorithm="brute") gives the same numbers for the stored case.
"""
from common import pyod_outcome, salary_data, uniform_data, write_fixture  # first: see common.py
import numpy as np
import sklearn
from pyod.models.lof import LOF
from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors


def search_case(X, X_new, k, data=None):
    nn = NearestNeighbors(n_neighbors=k, algorithm="kd_tree").fit(X)
    self_distances, self_indices = nn.kneighbors()
    new_distances, new_indices = nn.kneighbors(X_new)
    return {
        "k": k, **({"data": data} if data else {"X": X.tolist(), "XNew": X_new.tolist()}),
        "selfDistances": self_distances.tolist(), "selfIndices": self_indices.tolist(),
        "newDistances": new_distances.tolist(), "newIndices": new_indices.tolist(),
    }


def pyod_lof(X, X_new, k, contamination, data=None):
    lof = LocalOutlierFactor(n_neighbors=k, novelty=True, algorithm="kd_tree").fit(X)
    scores = -lof.negative_outlier_factor_
    new_scores = -lof.score_samples(X_new)
    pyod = LOF(n_neighbors=k, contamination=contamination, algorithm="kd_tree").fit(X)  # PyOD itself: the same scores
    assert np.array_equal(pyod.decision_scores_, scores) and np.array_equal(pyod.decision_function(X_new), new_scores)
    return lof_record(X, X_new, k, contamination, scores, new_scores, lof.n_neighbors_, data)


def lof_record(X, X_new, k, contamination, scores, new_scores, effective, data=None):
    return {
        "k": k, "effectiveNeighbors": int(effective), "contamination": contamination,
        **({"data": data} if data else {"X": X.tolist(), "XNew": X_new.tolist()}),
        **pyod_outcome(scores, new_scores, contamination),
    }


def lexicographic_neighbours(A, B, k, exclude_self):
    distances = np.sqrt(((B[:, None, :] - A[None, :, :]) ** 2).sum(-1))
    if exclude_self:
        np.fill_diagonal(distances, np.inf)
    order = np.array([np.lexsort((np.arange(A.shape[0]), row))[:k] for row in distances])
    return np.take_along_axis(distances, order, 1), order


def lof_lexicographic(X, X_new, k):
    """scikit-learn's LOF formulas, neighbours ordered by (distance, row index)."""
    distances, indices = lexicographic_neighbours(X, X, k, True)
    k_distance = distances[:, -1]
    lrd = 1.0 / (np.mean(np.maximum(distances, k_distance[indices]), axis=1) + 1e-10)
    scores = np.mean(lrd[indices] / lrd[:, np.newaxis], axis=1)
    new_distances, new_indices = lexicographic_neighbours(X, X_new, k, False)
    new_lrd = 1.0 / (np.mean(np.maximum(new_distances, k_distance[new_indices]), axis=1) + 1e-10)
    new_scores = np.mean(lrd[new_indices] / new_lrd[:, np.newaxis], axis=1)
    return scores, new_scores


def main():
    searches = []
    for seed, n, d, k in ((1, 200, 2, 5), (2, 300, 5, 10), (3, 250, 20, 7), (4, 120, 30, 10), (5, 600, 3, 3)):
        spec = {"seed": seed, "n": n, "d": d, "outliers": 5}
        X, X_new = uniform_data(**spec)
        searches.append(search_case(X, X_new, k, spec))

    # Duplicated rows: distances only (scikit-learn's order among equal distances is unspecified).
    X_dup = np.array([[0.0, 0.0]] * 6 + [[1.0, 1.0], [2.0, 0.5], [5.0, 5.0], [0.5, 0.25], [1.0, 1.0]])
    dup = search_case(X_dup, np.array([[0.0, 0.0], [1.0, 1.0], [4.0, 4.0]]), 4)
    duplicates = {"k": 4, "X": dup["X"], "XNew": dup["XNew"], "selfDistances": dup["selfDistances"],
                  "newDistances": dup["newDistances"]}

    salary = salary_data()
    salary_new = np.array([[37.0], [1256.0], [2600.0], [1000.0], [17.0]])
    scores, new_scores = lof_lexicographic(salary, salary_new, 20)
    brute = LocalOutlierFactor(n_neighbors=20, novelty=True, algorithm="brute").fit(salary)
    assert np.allclose(-brute.negative_outlier_factor_, scores, rtol=0, atol=1e-12)
    assert np.allclose(-brute.score_samples(salary_new), new_scores, rtol=0, atol=1e-12)
    salary_lof = lof_record(salary, salary_new, 20, 0.02, scores, new_scores, 20)
    del salary_lof["X"]  # the test regenerates it with salaryData()
    salary_lof["XNew"] = salary_new.tolist()

    lof_cases = []
    for seed, n, d, outliers, k, contamination in (
        (11, 200, 2, 8, 20, 0.1), (12, 300, 5, 10, 20, 0.1), (12, 300, 5, 10, 7, 0.05), (13, 150, 20, 6, 12, 0.1),
    ):
        spec = {"seed": seed, "n": n, "d": d, "outliers": outliers}
        X, X_new = uniform_data(**spec)
        lof_cases.append(pyod_lof(X, X_new, k, contamination, spec))
    # More than k duplicates (density 1e10 via the 1e-10 guard) next to ordinary points.
    rs = np.random.RandomState(14)
    X_group = np.vstack([np.tile([[1.0, 2.0]], (25, 1)), rs.standard_normal((40, 2)) * 2])
    lof_cases.append(pyod_lof(X_group, np.array([[1.0, 2.0], [1.5, 2.0], [8.0, -8.0]]), 20, 0.1))
    # Fewer rows than n_neighbors: scikit-learn uses n - 1 (with a warning).
    small = {"seed": 15, "n": 12, "d": 3, "outliers": 1, "n_new": 4}
    X_small, X_small_new = uniform_data(**small)
    lof_cases.append(pyod_lof(X_small, X_small_new, 20, 0.1, small))

    fixture = {
        "versions": {"numpy": np.__version__, "sklearn": sklearn.__version__},
        "searches": searches,
        "duplicates": duplicates,
        "salaryLof": salary_lof,
        "lof": lof_cases,
    }
    write_fixture("detectors_neighbors.json", fixture)


if __name__ == "__main__":
    main()
