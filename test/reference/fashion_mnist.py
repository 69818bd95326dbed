"""Reference figures of Fashion-MNIST read by numpy alone (gzip + np.frombuffer, the way the dataset's own
utils/mnist_reader.py reads it), for test/data-idx.test.ts: per-split label counts, pixel sums and a few pixels.
Reads Debian's dataset-fashion-mnist copy (/usr/share/datasets/fashion-mnist/).

Run: bash test/reference/regenerate.sh fashion_mnist  -> test/fixtures/fashion_mnist.json
"""
import gzip
import os

from common import write_fixture  # first: common.py keeps this folder from shadowing numpy's imports
import numpy as np

FOLDER = "/usr/share/datasets/fashion-mnist"


def read(split):
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(os.path.join(FOLDER, f"{prefix}-labels-idx1-ubyte.gz"), "rb") as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    with gzip.open(os.path.join(FOLDER, f"{prefix}-images-idx3-ubyte.gz"), "rb") as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(len(labels), 784)
    return images, labels


def main():
    out = {}
    for split in ("train", "test"):
        images, labels = read(split)
        out[split] = {
            "nImages": int(len(labels)),
            "labelCounts": np.bincount(labels, minlength=10).tolist(),
            "firstLabels": labels[:10].tolist(),
            "pixelSum": int(images.sum(dtype=np.int64)),
            "imageSums": images[:5].sum(axis=1, dtype=np.int64).tolist(),
            "lastImageSum": int(images[-1].sum(dtype=np.int64)),
            "image0Row14": images[0].reshape(28, 28)[14].tolist(),
        }
    write_fixture("fashion_mnist.json", out)


if __name__ == "__main__":
    main()
