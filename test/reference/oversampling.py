"""Reference results for test/oversampling.test.ts, from imbalanced-learn.

Run: bash test/reference/regenerate.sh oversampling
Writes test/fixtures/oversampling.json.

RandomOverSampler and SMOTE resample small data sets that the test regenerates from the stored seed
(uniform in [-1, 1) by numpy's legacy RandomState, see `data`), with integer and shared RandomState
random_state and every sampling_strategy kind. The resampled X, y (and RandomOverSampler's
sample_indices_) are stored; the test expects the same rows in the same order.
"""
from common import write_fixture  # first: see common.py
import imblearn
import numpy as np
from imblearn.over_sampling import SMOTE, RandomOverSampler


def data(seed, counts, d):
    """X: uniform [-1, 1) rows from RandomState(seed).random_sample; y: counts[c] rows of class c,
    shuffled by the same generator (so classes are interleaved)."""
    rs = np.random.RandomState(seed)
    n = sum(counts)
    X = rs.random_sample(n * d).reshape(n, d) * 2 - 1
    y = np.repeat(np.arange(len(counts)), counts)
    rs.shuffle(y)
    return X, y


def case(name, sampler_name, options, seed, counts, d, random_state, sampler):
    X, y = data(seed, counts, d)
    X_res, y_res = sampler.fit_resample(X, y)
    out = {
        "name": name, "sampler": sampler_name, "options": options, "dataSeed": seed, "counts": counts, "d": d,
        "randomState": random_state, "X": X_res.tolist(), "y": y_res.tolist(),
    }
    if hasattr(sampler, "sample_indices_"):
        out["sampleIndices"] = sampler.sample_indices_.tolist()
    return out


def main():
    cases = []
    for strategy in ["auto", "minority", "not minority", "all"]:  # imblearn 0.10 rejected "minority"; 0.14 takes it
        cases.append(case(f"ROS {strategy}, 3 classes", "ros", {"samplingStrategy": strategy}, 1, [20, 7, 3], 3,
                          {"seed": 0}, RandomOverSampler(sampling_strategy=strategy, random_state=0)))
    cases.append(case("ROS ratio 0.5, 2 classes", "ros", {"samplingStrategy": 0.5}, 2, [40, 6], 2,
                      {"seed": 42}, RandomOverSampler(sampling_strategy=0.5, random_state=42)))
    cases.append(case("ROS dict", "ros", {"samplingStrategy": {"1": 12, "2": 9}}, 1, [20, 7, 3], 3,
                      {"seed": 7}, RandomOverSampler(sampling_strategy={1: 12, 2: 9}, random_state=7)))
    cases.append(case("ROS shared RandomState(3)", "ros", {}, 3, [25, 5, 4], 2,
                      {"random": 3}, RandomOverSampler(random_state=np.random.RandomState(3))))
    cases.append(case("SMOTE k=5, 2 classes", "smote", {"kNeighbors": 5}, 4, [50, 9], 4,
                      {"seed": 0}, SMOTE(k_neighbors=5, random_state=0)))
    cases.append(case("SMOTE k=3, 3 classes (each class restarts from the seed)", "smote", {"kNeighbors": 3}, 5, [30, 8, 6], 3,
                      {"seed": 11}, SMOTE(k_neighbors=3, random_state=11)))
    cases.append(case("SMOTE k=2 ratio 0.8, shared RandomState(9)", "smote", {"kNeighbors": 2, "samplingStrategy": 0.8}, 6, [30, 5], 2,
                      {"random": 9}, SMOTE(k_neighbors=2, sampling_strategy=0.8, random_state=np.random.RandomState(9))))
    write_fixture("oversampling.json", {"imblearn": imblearn.__version__, "cases": cases})


if __name__ == "__main__":
    main()
