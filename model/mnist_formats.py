"""MNIST's file formats, read into the four arrays (x_train, y_train, x_test, y_test): a Keras
.npz, the tutorials' pickle, LeCun's IDX files. ``data.load_mnist_file`` chooses and checks."""

import gzip
import pickle
import struct

import numpy as np

ARRAY_NAMES = ("x_train", "y_train", "x_test", "y_test")


def read_npz(path):
    with np.load(path, allow_pickle=False) as archive:
        missing = [name for name in ARRAY_NAMES if name not in archive.files]
        if missing:
            raise ValueError(f"the .npz lacks {', '.join(missing)}")
        return [archive[name] for name in ARRAY_NAMES]


def read_pickle(path):
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as file:
        # The tutorials' file was pickled by Python 2; latin1 is how it must be read.
        splits = pickle.load(file, encoding="latin1")
    if not (isinstance(splits, (tuple, list)) and len(splits) == 3):
        raise ValueError("the pickle does not hold (train, valid, test)")
    (x_train, y_train), (x_valid, y_valid), (x_test, y_test) = splits
    # The tutorials split the 60,000 training images into 50,000 + 10,000; we keep all 60,000.
    x_train = np.concatenate([np.asarray(x_train), np.asarray(x_valid)])
    y_train = np.concatenate([np.asarray(y_train), np.asarray(y_valid)])
    return [_float_pixels_to_uint8(x_train), y_train, _float_pixels_to_uint8(np.asarray(x_test)), y_test]


def _float_pixels_to_uint8(pixels):
    pixels = np.asarray(pixels, dtype=np.float64)
    if pixels.size and (pixels.min() < 0 or pixels.max() > 1):
        raise ValueError("the pickle's pixels are not floats in [0, 1]")
    # mnist.pkl.gz stores value/256 (its maximum is 255/256), other copies value/255.
    scale = 256.0 if pixels.size and pixels.max() < 1.0 else 255.0
    return np.clip(np.rint(pixels * scale), 0, 255).astype(np.uint8)


_IDX_FILES = {
    "x_train": ("train-images", 2051),
    "y_train": ("train-labels", 2049),
    "x_test": ("t10k-images", 2051),
    "y_test": ("t10k-labels", 2049),
}


def read_idx_folder(folder):
    arrays = []
    for name in ARRAY_NAMES:
        prefix, magic = _IDX_FILES[name]
        # The files come as "train-images-idx3-ubyte", "train-images.idx3-ubyte", with or without .gz.
        candidates = sorted(p for p in folder.iterdir() if p.name.startswith(prefix) and "idx" in p.name)
        if not candidates:
            raise ValueError(f"the folder has no {prefix} IDX file")
        arrays.append(_read_idx_file(candidates[0], magic))
    return arrays


def _read_idx_file(path, expected_magic):
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as file:
        content = file.read()
    magic, count = struct.unpack(">II", content[:8])
    if magic != expected_magic:
        raise ValueError(f"{path.name} has magic number {magic}, expected {expected_magic}")
    if magic == 2051:
        rows, columns = struct.unpack(">II", content[8:16])
        pixels = np.frombuffer(content, dtype=np.uint8, offset=16)
        if pixels.size != count * rows * columns:
            raise ValueError(f"{path.name} is truncated")
        return pixels.reshape(count, rows, columns)
    labels = np.frombuffer(content, dtype=np.uint8, offset=8)
    if labels.size != count:
        raise ValueError(f"{path.name} is truncated")
    return labels
