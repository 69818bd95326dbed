"""Reference data for test/synthetic.test.ts: scikit-learn's make_classification and PyOD's generate_data.

Run: bash test/reference/regenerate.sh synthetic
Writes test/fixtures/synthetic.json.

Both are the libraries' own functions (PyOD: pyod.utils.data.generate_data, behaviour="new").
"""
from common import write_fixture  # first: see common.py
import numpy as np
import sklearn
import pyod
from pyod.utils.data import generate_data
from sklearn.datasets import make_classification


# (our option names, sklearn keyword arguments): every branch of the generator.
CLASSIFICATION = [
    ({"seed": 0}, {"random_state": 0}),
    ({"nSamples": 300, "nFeatures": 8, "nInformative": 3, "nRedundant": 1, "nRepeated": 2, "nClasses": 3,
      "nClustersPerClass": 1, "weights": [0.7, 0.2], "flipY": 0.05, "seed": 42},
     {"n_samples": 300, "n_features": 8, "n_informative": 3, "n_redundant": 1, "n_repeated": 2, "n_classes": 3,
      "n_clusters_per_class": 1, "weights": [0.7, 0.2], "flip_y": 0.05, "random_state": 42}),
    # 2**5 = 32 vertices for 4 clusters: the permutation branch of sample_without_replacement; random shift and scale.
    ({"nSamples": 120, "nFeatures": 6, "nInformative": 5, "nRedundant": 0, "hypercube": False, "shift": None,
      "scale": None, "classSep": 2.0, "seed": 7},
     {"n_samples": 120, "n_features": 6, "n_informative": 5, "n_redundant": 0, "hypercube": False, "shift": None,
      "scale": None, "class_sep": 2.0, "random_state": 7}),
    # 2**10 vertices for 4 clusters: tracking selection; no shuffle, weights for every class.
    ({"nSamples": 50, "nFeatures": 12, "nInformative": 10, "nRedundant": 2, "weights": [0.9, 0.1], "shuffle": False, "seed": 3},
     {"n_samples": 50, "n_features": 12, "n_informative": 10, "n_redundant": 2, "weights": [0.9, 0.1], "shuffle": False,
      "random_state": 3}),
    # more than 30 informative columns: random bits, then a 30-D hypercube.
    ({"nSamples": 40, "nFeatures": 33, "nInformative": 32, "nRedundant": 0, "seed": 5},
     {"n_samples": 40, "n_features": 33, "n_informative": 32, "n_redundant": 0, "random_state": 5}),
]

GENERATE_DATA = [
    {"nTrain": 60, "nTest": 30, "nFeatures": 2, "contamination": 0.1, "seed": 42},
    {"nTrain": 45, "nTest": 20, "nFeatures": 3, "contamination": 0.2, "offset": 5, "seed": 0},
]


def main():
    classification = []
    for ours, theirs in CLASSIFICATION:
        X, y = make_classification(**theirs)
        classification.append({"options": ours, "X": X.tolist(), "y": y.tolist()})
    generated = []
    for options in GENERATE_DATA:
        X_train, X_test, y_train, y_test = generate_data(
            n_train=options["nTrain"], n_test=options["nTest"], n_features=options["nFeatures"],
            contamination=options["contamination"], offset=options.get("offset", 10), behaviour="new",
            random_state=options["seed"])
        generated.append({"options": options, "XTrain": X_train.tolist(), "XTest": X_test.tolist(),
                          "yTrain": y_train.astype(int).tolist(), "yTest": y_test.astype(int).tolist()})
    write_fixture("synthetic.json", {"sklearn": sklearn.__version__, "pyod": pyod.__version__,
                                     "makeClassification": classification,
                                     "generateData": generated})


if __name__ == "__main__":
    main()
