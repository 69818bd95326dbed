"""scikit-learn side of scripts/bench/neighbors-iforest.ts (run by it; prints JSON).

The PyOD detectors' calls, rebuilt from scikit-learn (PyOD is not installable here):
  knn     PyOD KNN(n_neighbors=5): NearestNeighbors(5).fit(X) + kneighbors() (fit) ; kneighbors(X) (score)
  lof     PyOD LOF(n_neighbors=20): LocalOutlierFactor(20, novelty=True).fit(X) (fit) ; score_samples(X) (score)
  iforest PyOD IForest(): IsolationForest(contamination=0.1).fit(X) + decision_function(X) (fit) ;
          decision_function(X) (score)
Data: np.random.RandomState(seed).standard_normal((n, d)).
Usage: /usr/bin/python3 neighbors_iforest.py N D SEED detector [detector ...]
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors


def timed(run):
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def main():
    n, d, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    X = np.random.RandomState(seed).standard_normal((n, d))
    results = {}
    for detector in sys.argv[4:]:
        if detector == "knn":
            fit, nn = timed(lambda: NearestNeighbors(n_neighbors=5).fit(X))
            fit2, _ = timed(lambda: nn.kneighbors())
            score, _ = timed(lambda: nn.kneighbors(X, 5))
            results[detector] = {"fit": fit + fit2, "score": score, "algorithm": nn._fit_method}
        elif detector == "lof":
            fit, lof = timed(lambda: LocalOutlierFactor(n_neighbors=20, novelty=True, contamination=0.1).fit(X))
            score, _ = timed(lambda: lof.score_samples(X))
            results[detector] = {"fit": fit, "score": score, "algorithm": lof._fit_method}
        elif detector == "iforest":
            fit, forest = timed(lambda: IsolationForest(contamination=0.1, random_state=seed).fit(X))
            fit2, _ = timed(lambda: forest.decision_function(X))
            score, _ = timed(lambda: forest.decision_function(X))
            results[detector] = {"fit": fit + fit2, "score": score, "algorithm": "trees"}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
