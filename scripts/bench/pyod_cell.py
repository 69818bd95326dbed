"""One cell of `npm run bench:pyod` with PyOD in isolation (twin of scripts/bench/pyod-cell.ts), for profiling.

Same split, scaler and detector as pyod_benchmark.py; fit + decision_function timed by time.process_time (CPU time
of every thread, robust on a loaded machine) and time.perf_counter. --profile prints cProfile's top functions by
own time; --threads N limits BLAS/OpenMP threads (threadpoolctl).

Usage: python pyod_cell.py --file /path/24_mnist.npz --detector CBLOF [--iterations 2] [--repeat 3] [--profile]
"""
import argparse
import cProfile
import json
import pstats
import time
import warnings

warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from pyod.utils.utility import standardizer  # noqa: E402

from pyod_benchmark import make  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", required=True)
    parser.add_argument("--detector", required=True)
    parser.add_argument("--iterations", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--threads", type=int)
    args = parser.parse_args()
    if args.threads is not None:
        from threadpoolctl import threadpool_limits
        threadpool_limits(args.threads)
    data = np.load(args.file)
    X, y = data["X"], data["y"]
    fraction = np.count_nonzero(y) / len(y)
    profiler = cProfile.Profile() if args.profile else None
    for r in range(args.repeat):
        cpu = wall = 0.0
        for i in range(args.iterations):
            random_state = np.random.RandomState(i)
            X_train, X_test, _, _ = train_test_split(X, y, test_size=0.4, random_state=random_state)
            X_train_norm, X_test_norm = standardizer(X_train, X_test)
            clf = make(args.detector, fraction, random_state)
            c0, w0 = time.process_time(), time.perf_counter()
            if profiler is not None:
                profiler.enable()
            clf.fit(X_train_norm)
            clf.decision_function(X_test_norm)
            if profiler is not None:
                profiler.disable()
            cpu += time.process_time() - c0
            wall += time.perf_counter() - w0
            extra = {}
            est = getattr(clf, "clustering_estimator_", None)
            if est is not None and hasattr(est, "n_iter_"):
                extra["kmeans_n_iter"] = int(est.n_iter_)
            neigh = getattr(clf, "neigh_", None) or getattr(getattr(clf, "detector_", None), "_fit_method", None)
            if hasattr(neigh, "_fit_method"):
                extra["fit_method"] = neigh._fit_method
            elif isinstance(neigh, str):
                extra["fit_method"] = neigh
            svm = getattr(clf, "detector_", None)
            if hasattr(svm, "n_support_"):  # OCSVM: libsvm's SMO iterations and support vectors
                extra["svm_n_iter"] = int(np.ravel(svm.n_iter_)[0])
                extra["svm_n_support"] = int(svm.n_support_.sum())
            if extra and r == 0:
                print(json.dumps({"iteration": i, **extra}))
        print(json.dumps({"file": args.file, "detector": args.detector, "repeat": r, "iterations": args.iterations,
                          "cpuSeconds": round(cpu / args.iterations, 4), "wallSeconds": round(wall / args.iterations, 4)}))
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
