import gzip
import pickle
import struct

import numpy as np
import pytest

from model.data import load_mnist, load_mnist_file

RNG = np.random.default_rng(0)
X_TRAIN = RNG.integers(0, 256, size=(12, 28, 28), dtype=np.uint8)
Y_TRAIN = np.arange(12, dtype=np.uint8) % 10
X_TEST = RNG.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
Y_TEST = np.array([3, 1, 4, 1, 5], dtype=np.uint8)


def _assert_round_trip(data):
    np.testing.assert_array_equal(data.x_train, X_TRAIN)
    np.testing.assert_array_equal(data.y_train, Y_TRAIN)
    np.testing.assert_array_equal(data.x_test, X_TEST)
    np.testing.assert_array_equal(data.y_test, Y_TEST)
    assert data.x_train.dtype == np.uint8 and len(data.sha256) == 64


def test_reads_keras_npz(tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez_compressed(path, x_train=X_TRAIN, y_train=Y_TRAIN, x_test=X_TEST, y_test=Y_TEST)
    _assert_round_trip(load_mnist_file(path))


def test_reads_tutorial_pickle_and_keeps_all_training_images(tmp_path):
    # The tutorials' file: floats value/256, 784 flat, and a train/valid split of the training set.
    def flat(images):
        return (images.reshape(len(images), 784) / 256.0).astype(np.float32)

    splits = (
        (flat(X_TRAIN[:8]), Y_TRAIN[:8].astype(np.int64)),
        (flat(X_TRAIN[8:]), Y_TRAIN[8:]),
        (flat(X_TEST), Y_TEST),
    )
    path = tmp_path / "mnist.pkl.gz"
    with gzip.open(path, "wb") as file:
        pickle.dump(splits, file, protocol=2)
    _assert_round_trip(load_mnist_file(path))


def _write_idx(path, array, compress):
    if array.ndim == 3:
        header = struct.pack(">IIII", 2051, len(array), 28, 28)
    else:
        header = struct.pack(">II", 2049, len(array))
    opener = gzip.open if compress else open
    with opener(path, "wb") as file:
        file.write(header + array.tobytes())


@pytest.mark.parametrize("compress", [True, False])
def test_reads_idx_folder(tmp_path, compress):
    suffix = ".gz" if compress else ""
    _write_idx(tmp_path / f"train-images-idx3-ubyte{suffix}", X_TRAIN, compress)
    _write_idx(tmp_path / f"train-labels-idx1-ubyte{suffix}", Y_TRAIN, compress)
    _write_idx(tmp_path / f"t10k-images-idx3-ubyte{suffix}", X_TEST, compress)
    _write_idx(tmp_path / f"t10k-labels-idx1-ubyte{suffix}", Y_TEST, compress)
    _assert_round_trip(load_mnist_file(tmp_path))


def _corrupt_files(tmp_path):
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"this is not an archive")
    truncated = tmp_path / "truncated.pkl.gz"
    truncated.write_bytes(gzip.compress(pickle.dumps(((1, 2), (3, 4), (5, 6))))[:20])
    missing_arrays = tmp_path / "partial.npz"
    np.savez(missing_arrays, x_train=X_TRAIN, y_train=Y_TRAIN)
    bad_labels = tmp_path / "labels.npz"
    np.savez(bad_labels, x_train=X_TRAIN, y_train=Y_TRAIN + 10, x_test=X_TEST, y_test=Y_TEST)
    wrong_shape = tmp_path / "shape.npz"
    np.savez(wrong_shape, x_train=X_TRAIN[:, :20], y_train=Y_TRAIN, x_test=X_TEST, y_test=Y_TEST)
    short_idx = tmp_path / "idx"
    short_idx.mkdir()
    for name, array in [
        ("train-images-idx3-ubyte", X_TRAIN),
        ("train-labels-idx1-ubyte", Y_TRAIN),
        ("t10k-images-idx3-ubyte", X_TEST),
        ("t10k-labels-idx1-ubyte", Y_TEST),
    ]:
        _write_idx(short_idx / name, array, compress=False)
    (short_idx / "t10k-images-idx3-ubyte").write_bytes((short_idx / "t10k-images-idx3-ubyte").read_bytes()[:100])
    return [garbage, truncated, missing_arrays, bad_labels, wrong_shape, short_idx, tmp_path / "absent.npz"]


def test_corrupt_or_missing_files_name_the_path_and_the_formats(tmp_path):
    for path in _corrupt_files(tmp_path):
        with pytest.raises(ValueError) as error:
            load_mnist_file(path)
        message = str(error.value)
        assert str(path) in message and "mnist.npz" in message and "IDX" in message, message


def test_mnist_path_wins_over_other_sources(tmp_path, monkeypatch):
    path = tmp_path / "mine.npz"
    np.savez(path, x_train=X_TRAIN, y_train=Y_TRAIN, x_test=X_TEST, y_test=Y_TEST)
    monkeypatch.setenv("MNIST_PATH", str(path))
    data = load_mnist()
    assert data.source == str(path) and not data.is_sample
    _assert_round_trip(data)


def test_falls_back_to_the_bundled_sample_with_a_notice(monkeypatch):
    monkeypatch.delenv("MNIST_PATH", raising=False)
    data = load_mnist(use_keras=False)
    assert data.is_sample and "sample" in data.notice


def test_when_keras_cannot_download_the_log_says_once_which_mnist_is_used(monkeypatch, caplog):
    from model import data as data_module

    monkeypatch.delenv("MNIST_PATH", raising=False)
    monkeypatch.setattr(data_module, "_load_from_keras", lambda: None)  # as on a machine offline
    monkeypatch.setattr(data_module, "_said", set())
    with caplog.at_level("WARNING", logger="model.data"):
        first, second = load_mnist(), load_mnist()
    assert first.is_sample and second.is_sample
    said = [record.getMessage() for record in caplog.records if record.name == "model.data"]
    assert len(said) == 1 and "bundled sample" in said[0] and "MNIST_PATH" in said[0]


def test_mnist_path_to_the_bundled_sample_is_marked_as_the_sample(monkeypatch):
    from model.data import SAMPLE_PATH

    monkeypatch.setenv("MNIST_PATH", str(SAMPLE_PATH))
    assert load_mnist().is_sample


def test_bundled_sample_is_real_balanced_and_small(sample):
    assert sample.x_train.shape == (5000, 28, 28) and sample.x_test.shape == (2000, 28, 28)
    assert np.bincount(sample.y_train, minlength=10).tolist() == [500] * 10
    # Real MNIST: white ink on black, mean pixel near the full set's 33.3.
    assert 25 < sample.x_train.mean() < 42


def test_extra_digits_are_read_from_a_rooms_npz_and_bad_files_are_refused():
    import io

    from model.data import load_extra_digits

    buffer = io.BytesIO()
    np.savez_compressed(buffer, x=X_TEST, y=Y_TEST)
    x, y = load_extra_digits(buffer.getvalue())
    np.testing.assert_array_equal(x, X_TEST)
    np.testing.assert_array_equal(y, Y_TEST)
    floats = io.BytesIO()
    np.savez(floats, x=X_TEST / 255.0, y=Y_TEST)
    np.testing.assert_array_equal(load_extra_digits(floats.getvalue())[0], X_TEST)
    for bad, reason in (
        (b"not a zip", "not an .npz"),
        (_npz(x=X_TEST), "two arrays"),
        (_npz(x=X_TEST, y=Y_TRAIN), "must match"),
        (_npz(x=X_TEST, y=Y_TEST + 10), "outside 0-9"),
    ):
        with pytest.raises(ValueError, match=reason):
            load_extra_digits(bad)


def _npz(**arrays):
    import io

    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()
