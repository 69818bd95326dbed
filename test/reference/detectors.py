"""Reference results for test/detectors*.test.ts: PyOD's KNN semantics and scipy's k-means.

Run: bash test/reference/regenerate.sh detectors
Writes test/fixtures/detectors.json.

PyOD's KNN detector is written out with the scikit-learn primitives it uses (pyod/models/knn.py and
pyod/models/base.py), so that the fixture can hold the training rows' own decision_function; each case
asserts that PyOD's KNN itself gives the same scores:
  * fit: NearestNeighbors(n_neighbors=k, metric="minkowski", p=2).fit(X), then
    kneighbors() without X, which excludes each training point from its own
    neighbours; the score is the k-th distance ("largest") or the mean / median of the k.
  * decision_function(X_new): the k nearest training points (query of the fitted tree).
  * threshold_ = np.percentile(decision_scores_, 100 * (1 - contamination));
    labels_ = decision_scores_ > threshold_; predict(X) = decision_function(X) > threshold_.
PyOD's algorithm="auto" picks a KDTree for these small, low-dimensional inputs
(n_features <= 15 and k < n / 2); it is named explicitly here so that distances are
computed as sqrt(sum of squared differences), as the tree does.

k-means calls scipy.cluster.vq.kmeans / vq directly. Seeding np.random.seed(s) before
kmeans(obs, k) is what the tutorial does (without a seed); kmeans(..., seed=s) is equivalent.
"""
from common import SALARY_OUTLIER_ROWS, pyod_outcome, salary_data, write_fixture  # first: see common.py
import numpy as np
import scipy
import sklearn
from scipy.cluster.vq import kmeans, vq
from pyod.models.knn import KNN
from sklearn.neighbors import NearestNeighbors


def aggregate(distances, method):
    if method == "largest":
        return distances[:, -1]
    if method == "mean":
        return np.mean(distances, axis=1)
    return np.median(distances, axis=1)


def pyod_knn(X, X_new, k, method, contamination):
    nn = NearestNeighbors(n_neighbors=k, algorithm="kd_tree", metric="minkowski", p=2).fit(X)
    train_distances, _ = nn.kneighbors()
    scores = aggregate(train_distances, method)
    new_distances, _ = nn.kneighbors(X_new, n_neighbors=k)
    new_scores = aggregate(new_distances, method)
    # decision_function on the training rows themselves: each row is its own nearest neighbour.
    train_again = aggregate(nn.kneighbors(X, n_neighbors=k)[0], method)
    pyod = KNN(n_neighbors=k, method=method, contamination=contamination).fit(X)
    assert np.array_equal(pyod.decision_scores_, scores) and np.array_equal(pyod.decision_function(X_new), new_scores)
    return {
        "k": k, "method": method, "contamination": contamination,
        "X": X.tolist(), "XNew": X_new.tolist(),
        **pyod_outcome(scores, new_scores, contamination),
        "trainDecisionScores": train_again.tolist(),
    }


def pyod_predict_proba(train_scores, scores):
    """PyOD BaseDetector.predict_proba(X)[:, 1] for method 'linear' and 'unify' (pyod/models/base.py)."""
    from scipy.special import erf
    from sklearn.preprocessing import MinMaxScaler
    linear = MinMaxScaler().fit(train_scores.reshape(-1, 1)).transform(scores.reshape(-1, 1)).ravel().clip(0, 1)
    unify = erf((scores - np.mean(train_scores)) / (np.std(train_scores) * np.sqrt(2))).clip(0, 1)
    return {"linear": linear.tolist(), "unify": unify.tolist()}


def blobs(seed, n, d, outliers):
    rs = np.random.RandomState(seed)
    X = rs.standard_normal((n, d))
    X[:outliers] += 6.0
    X_new = rs.uniform(-5, 8, (12, d))
    return X, X_new


def kmeans_case(obs, k, seed, **kwargs):
    np.random.seed(seed)
    codebook, distortion = kmeans(obs, k, **kwargs)
    codes, distances = vq(obs, codebook)
    return {
        "k": k, "seed": seed, **kwargs,
        "codebook": np.atleast_2d(codebook.T).T.tolist() if codebook.ndim == 1 else codebook.tolist(),
        "distortion": float(distortion), "codes": codes.tolist(), "distances": distances.tolist(),
    }


def main():
    X_salary = salary_data()
    salary = X_salary.ravel()  # one-dimensional obs: scipy's kmeans returns a flat codebook
    classes = np.zeros(len(salary), dtype=int)
    classes[SALARY_OUTLIER_ROWS] = 1
    salary_knn = pyod_knn(X_salary, np.array([[37.0], [1256.0], [2600.0], [1000.0]]), 5, "largest", 0.02)
    del salary_knn["X"]  # the test regenerates it with salaryData()
    salary_knn["predictProba"] = pyod_predict_proba(np.array(salary_knn["trainingScores"]), np.array(salary_knn["newScores"]))
    from scipy.special import erf
    erf_points = [-3.0, -1.3, -0.2, 0.0, 1e-8, 0.1, 0.5, 1.0, 1.5, 2.0, 2.4999, 2.5, 3.0, 4.0, 6.0]
    erf_reference = {"x": erf_points, "erf": [float(erf(x)) for x in erf_points]}

    knn_cases = []
    X2, X2_new = blobs(0, 60, 2, 3)
    for method in ("largest", "mean", "median"):
        knn_cases.append(pyod_knn(X2, X2_new, 5, method, 0.1))
    knn_cases.append(pyod_knn(X2, X2_new, 4, "median", 0.05))
    X3, X3_new = blobs(1, 80, 3, 4)
    knn_cases.append(pyod_knn(X3, X3_new, 10, "mean", 0.05))  # k >= 8: numpy's pairwise mean

    # Duplicated rows: a point's duplicates are its neighbours at distance 0.
    X_dup = np.array([[0.0, 0.0]] * 4 + [[1.0, 1.0], [2.0, 0.5], [5.0, 5.0], [0.5, 0.25]])
    knn_cases.append(pyod_knn(X_dup, np.array([[0.0, 0.0], [4.0, 4.0]]), 3, "mean", 0.25))

    salary_kmeans = [kmeans_case(salary, 4, seed) for seed in (7, 0, 42)]

    rs = np.random.RandomState(5)
    centres = np.array([[0.0, 0.0], [5.0, 5.0], [0.0, 6.0]])
    X_clusters = np.vstack([c + rs.standard_normal((30, 2)) for c in centres])
    cluster_kmeans = [kmeans_case(X_clusters, 3, 3, iter=5), kmeans_case(X_clusters, 5, 11, thresh=1e-3)]
    guess = X_clusters[[0, 1, 2]]
    guess_book, guess_distortion = kmeans(X_clusters, guess)
    X_codebook = rs.uniform(-2, 7, (4, 2))
    codes, distances = vq(X_clusters, X_codebook)

    # numpy's summation order and percentile interpolation, on values the test regenerates
    # with RandomState(seed).random_sample(n) * 1000 - 500 (bit-exact in both languages).
    sums = []
    for seed, n in ((1, 5), (2, 8), (3, 100), (4, 129), (5, 1000), (6, 8192), (7, 20000)):
        values = np.random.RandomState(seed).random_sample(n) * 1000 - 500
        sums.append({"seed": seed, "n": n, "sum": float(np.sum(values)), "mean": float(np.mean(values))})
    percentiles = []
    for seed, n in ((8, 1), (9, 2), (10, 7), (11, 100), (12, 1001)):
        values = np.random.RandomState(seed).random_sample(n) * 1000 - 500
        for q in (0, 2.5, 50, 90, 100 * (1 - 0.02), 100 * (1 - 0.1), 99.9, 100):
            percentiles.append({"seed": seed, "n": n, "q": q, "value": float(np.percentile(values, q))})
    tied = [3.0, 1.0, 3.0, 3.0, 2.0, 1.0, 3.0]
    for q in (10, 50, 100 * (1 - 0.1), 100 * (1 - 0.3)):
        percentiles.append({"values": tied, "q": q, "value": float(np.percentile(tied, q))})

    fixture = {
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__},
        "sums": sums,
        "percentiles": percentiles,
        "salaryClasses": classes.tolist(),
        "salaryKnn": salary_knn,
        "erf": erf_reference,
        "knn": knn_cases,
        "salaryKmeans": salary_kmeans,
        "clusters": X_clusters.tolist(),
        "clusterKmeans": cluster_kmeans,
        "guess": {"guess": guess.tolist(), "codebook": guess_book.tolist(), "distortion": float(guess_distortion)},
        "vq": {"codebook": X_codebook.tolist(), "codes": codes.tolist(), "distances": distances.tolist()},
    }
    write_fixture("detectors.json", fixture)


if __name__ == "__main__":
    main()
