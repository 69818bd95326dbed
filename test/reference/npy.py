"""Fixtures for test/data-npy.test.ts: small .npy / .npz files written by numpy itself, and numpy's
reading of ADBench files from the dataset mirror.

Run with the reference venv:  /work/venv-ref/bin/python test/reference/npy.py
Writes test/fixtures/data/npy/*.npy, *.npz and test/fixtures/data/npy.json (dtype, shape, order and the
values in C order of every small file; shape, first and last rows, outlier count and a position-weighted
sum of X for the ADBench files).
"""
import io
import math
import os

from common import FIXTURES, mirror_path, write_fixture  # first: common.py keeps this folder from shadowing numpy's imports
import numpy as np

OUT = os.path.join(FIXTURES, "data", "npy")


def weighted_sum(x):
    """Sum of x[k] * (k % 97) over the C-order values: catches transposed or shifted values."""
    flat = np.asarray(x, dtype=np.float64).ravel(order="C")
    return math.fsum(flat * (np.arange(flat.size) % 97))


def describe(array):
    return {
        "dtype": array.dtype.str,
        "shape": list(array.shape),
        "fortranOrder": bool(array.flags.f_contiguous and not array.flags.c_contiguous),
        "values": np.asarray(array, dtype=np.float64).ravel(order="C").tolist(),
    }


def small_arrays():
    base = np.arange(6, dtype=np.float64).reshape(2, 3) * 1.5 - 2.25
    arrays = {
        "f8_c": base,
        "f8_fortran": np.asfortranarray(base),
        "f8_big_endian": base.astype(">f8"),
        "f4": (base / 7).astype("<f4"),
        "i8": np.array([[-(2**53) + 1, 0, 7], [2**53 - 1, -5, 3]], dtype="<i8"),
        "i4_fortran": np.asfortranarray(np.array([[1, -2], [3, -4], [5, -6]], dtype="<i4")),
        "i2": np.array([-32768, -1, 0, 32767], dtype="<i2"),
        "i1": np.array([-128, 127], dtype="i1"),
        "u1_fortran": np.asfortranarray(np.array([[0, 255, 7], [1, 2, 3]], dtype="u1")),
        "u2": np.array([0, 65535], dtype="<u2"),
        "u4": np.array([4294967295, 1], dtype="<u4"),
        "u8": np.array([2**53 - 1, 0], dtype="<u8"),
        "i4_big_endian": np.array([1, -70000], dtype=">i4"),
        "b1": np.array([True, False, True]),
        "f8_3d_fortran": np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4)),
        "f8_scalar": np.array(3.5),
        "f8_empty": np.zeros((0, 3)),
    }
    for name, array in arrays.items():
        np.save(os.path.join(OUT, f"{name}.npy"), array)
    # Format versions 2.0 and 3.0, which numpy writes only when asked (or for huge / non-latin-1 headers).
    for version in [(2, 0), (3, 0)]:
        with open(os.path.join(OUT, f"f8_v{version[0]}.npy"), "wb") as handle:
            np.lib.format.write_array(handle, base, version=version)
        arrays[f"f8_v{version[0]}"] = base
    return {name: describe(array) for name, array in arrays.items()}


def archives():
    X = np.asfortranarray(np.array([[0.5, 1.0], [2.0, -3.0], [4.25, 5.0]]))
    y = np.array([0, 1, 0], dtype="<i8")
    np.savez(os.path.join(OUT, "stored.npz"), X=X, y=y)
    np.savez_compressed(os.path.join(OUT, "compressed.npz"), X=X, y=y)
    np.savez_compressed(os.path.join(OUT, "bad_labels.npz"), X=X, y=np.array([0, 2, 1]))
    np.savez_compressed(os.path.join(OUT, "no_y.npz"), X=X)
    # Labels as Python objects: numpy pickles them, which a reader must refuse rather than unpickle.
    np.savez_compressed(os.path.join(OUT, "object_labels.npz"), X=X, y=np.array([0, "1", 0], dtype=object))
    return {"X": describe(X), "y": describe(y)}


def adbench():
    result = {}
    for name in ["6_cardio", "20_letter", "24_mnist", "32_shuttle", "14_glass"]:
        data = np.load(mirror_path("adbench_classical", f"{name}.npz"))
        X, y = data["X"], data["y"]
        result[name] = {
            "dtype": X.dtype.str,
            "shape": list(X.shape),
            "nOutliers": int(np.count_nonzero(y)),
            "firstRow": X[0].astype(np.float64).tolist(),
            "lastRow": X[-1].astype(np.float64).tolist(),
            "weightedSum": weighted_sum(X),
            "firstLabels": y[:20].tolist(),
        }
    return result


def main():
    os.makedirs(OUT, exist_ok=True)
    fixture = {"numpy": np.__version__, "small": small_arrays(), "npz": archives(), "adbench": adbench()}
    write_fixture(os.path.join("data", "npy.json"), fixture)


if __name__ == "__main__":
    main()
