"""Reference results for test/preprocessing.test.ts, from scikit-learn.

Run: bash test/reference/regenerate.sh preprocessing
Writes test/fixtures/preprocessing.json.

Covers StandardScaler / MinMaxScaler / RobustScaler (fit on one matrix, transform another; a constant
and a near-constant column exercise sklearn's "zero scale -> 1" rule) and train_test_split's exact index
selection (ShuffleSplit and StratifiedShuffleSplit, seeded with an int random_state, i.e. numpy's legacy
RandomState). Splits are taken on row numbers so the exact rows, in order, can be compared.
"""
from common import write_fixture  # first: see common.py
import numpy as np
import sklearn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler


def matrices():
    rs = np.random.RandomState(11)
    train = np.column_stack([
        rs.standard_normal(40) * 3.5 + 10,        # ordinary column
        rs.exponential(2.0, 40) * 1e4,            # skewed, large values
        np.full(40, 7.25),                        # constant: scale 1 in every scaler
        np.full(40, 0.1),                         # constant, but its computed variance is ~1e-34, not 0: still scale 1
        rs.randint(-5, 5, 40).astype(float),      # ties (quantiles on repeated values)
    ])
    test = np.column_stack([
        rs.standard_normal(9) * 5,
        rs.exponential(2.0, 9) * 1e4,
        np.array([7.25, 0, 1, 2, 3, 4, 5, 6, 7.5]),
        np.linspace(0, 0.2, 9),
        rs.randint(-10, 10, 9).astype(float),
    ])
    return train, test


def scaler_case(name, scaler, train, test, attributes):
    scaler.fit(train)
    return {
        "name": name,
        "attributes": {key: getattr(scaler, attr).tolist() for key, attr in attributes.items()},
        "trainTransformed": scaler.transform(train).tolist(),
        "testTransformed": scaler.transform(test).tolist(),
        "inverse": scaler.inverse_transform(test).tolist(),
    }


def split_case(n, stratify=None, **kwargs):
    rows = np.arange(n)
    train, test = train_test_split(rows, stratify=stratify, **kwargs)
    return {
        "n": n,
        "options": kwargs,
        "stratify": None if stratify is None else np.asarray(stratify).tolist(),
        "train": train.tolist(),
        "test": test.tolist(),
    }


def main():
    train, test = matrices()
    scalers = [
        scaler_case("standard", StandardScaler(), train, test, {"mean": "mean_", "variance": "var_", "scale": "scale_"}),
        scaler_case("minmax", MinMaxScaler(), train, test,
                    {"dataMin": "data_min_", "dataMax": "data_max_", "scale": "scale_", "min": "min_"}),
        scaler_case("minmax(-1, 3)", MinMaxScaler(feature_range=(-1, 3)), train, test,
                    {"dataMin": "data_min_", "dataMax": "data_max_", "scale": "scale_", "min": "min_"}),
        scaler_case("robust", RobustScaler(), train, test, {"center": "center_", "scale": "scale_"}),
        scaler_case("robust(10, 90)", RobustScaler(quantile_range=(10, 90)), train, test,
                    {"center": "center_", "scale": "scale_"}),
    ]

    rs = np.random.RandomState(5)
    imbalanced = (rs.random_sample(103) < 0.09).astype(int)
    three = rs.choice(["a", "b", "c"], size=61, p=[0.5, 0.3, 0.2])
    ties = np.array([0] * 7 + [1] * 7 + [2] * 7)  # equal remainders: ties broken by rng.choice
    splits = [
        split_case(4998, test_size=0.2, random_state=21),  # the TensorFlow ECG tutorial
        split_case(10, random_state=0),                    # default test_size 0.25
        split_case(10, test_size=0.3, random_state=1),     # ceil(0.30000000000000004 * 10) = 4
        split_case(57, test_size=13, random_state=2),      # an integer count
        split_case(57, test_size=0.2, train_size=0.5, random_state=3),
        split_case(30, train_size=0.7, random_state=4),
        split_case(12, test_size=0.25, shuffle=False),
        split_case(103, stratify=imbalanced, test_size=0.3, random_state=42),
        split_case(61, stratify=three, test_size=0.25, random_state=7),
        split_case(21, stratify=ties, test_size=0.5, random_state=9),
        split_case(21, stratify=ties, test_size=5, train_size=10, random_state=10),
    ]

    fixture = {
        "sklearnVersion": sklearn.__version__,
        "train": train.tolist(),
        "test": test.tolist(),
        "scalers": scalers,
        "splits": splits,
    }
    write_fixture("preprocessing.json", fixture)


if __name__ == "__main__":
    main()
