"""Load MNIST from any supported source; the bundled real-MNIST sample.

Sources are tried in this order:
1. an explicit path (``--data PATH``) or the ``MNIST_PATH`` environment variable;
2. Keras' own ``keras.datasets.mnist.load_data()`` (downloads once, cached in ~/.keras);
3. the small real-MNIST sample shipped inside this package, with a notice that it is a sample.

Every loader returns the same ``MnistData``: uint8 images of shape (n, 28, 28), white ink on
black as in the original set, and uint8 labels 0-9.
"""

import contextlib
import dataclasses
import functools
import hashlib
import io
import logging
import os
import pickle
import struct
import zipfile
from pathlib import Path

import numpy as np

from model.language import _
from model.mnist_formats import ARRAY_NAMES, read_idx_folder, read_npz, read_pickle
from model.storage import PACKAGE_DIR, sha256_of_files

SAMPLE_PATH = PACKAGE_DIR / "mnist_sample.npz"
log = logging.getLogger(__name__)
SAMPLE_SOURCE, KERAS_SOURCE = "bundled sample", "keras"
ACCEPTED_FORMATS = (
    "a Keras mnist.npz (x_train, y_train, x_test, y_test), "
    "the tutorials' mnist.pkl.gz (train/valid/test tuples of flat float arrays), "
    "or a folder holding the four LeCun IDX files (gzipped or not)"
)


@dataclasses.dataclass(frozen=True)
class MnistData:
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str  # where the data came from, for people: a path, "keras", or "bundled sample"
    sha256: str  # checksum of the file read, recorded in model cards
    is_sample: bool = False

    @property
    def notice(self):
        if not self.is_sample:
            return ""
        return _(
            "Using the bundled MNIST sample ({training:,} training and {test:,} test images of the real MNIST), "
            "not the full set: set MNIST_PATH to a full mnist.npz for the real figures."
        ).format(training=len(self.y_train), test=len(self.y_test))

    @functools.cached_property
    def test_split_id(self) -> str:
        """Names the test split by its content (images and labels), whatever file it came from: a
        model's recorded answers (``metrics.record_answers``) are for exactly this split."""
        digest = hashlib.sha256(np.ascontiguousarray(self.x_test).tobytes())
        digest.update(np.ascontiguousarray(self.y_test).tobytes())
        return digest.hexdigest()[:16]

    @property
    def public_name(self):
        """Where the data came from, for a public page: never a server path."""
        if self.source in (SAMPLE_SOURCE, KERAS_SOURCE):
            return _("the bundled sample") if self.is_sample else _("Keras' MNIST download")
        return _("the full MNIST ({file})").format(file=Path(self.source).name)


def as_floats(images_uint8):
    """MNIST's uint8 pixels (0-255) as float32 in [0, 1]: what every network and plot takes."""
    return np.asarray(images_uint8, dtype=np.float32) / np.float32(255)


def load_mnist(path=None, use_keras=True):
    """Load MNIST from the first source that is available (see the module docstring).

    A path that is given but unreadable is an error, never a silent fallback: the
    person asked for that file.
    """
    path = path or os.environ.get("MNIST_PATH")
    if path and Path(path).resolve() == SAMPLE_PATH.resolve():
        return load_sample()
    if path:
        return load_mnist_file(path)
    if use_keras:
        keras_data = _load_from_keras()
        if keras_data is not None:
            _say_once("MNIST: Keras' copy in ~/.keras/datasets (set MNIST_PATH to use another file).")
            return keras_data
        sample = load_sample()
        _say_once(
            f"MNIST: Keras' download failed (no network here?), so the bundled sample is used: "
            f"{len(sample.y_train):,} training and {len(sample.y_test):,} test images. Set MNIST_PATH to a full "
            "mnist.npz for the real figures."
        )
        return sample
    return load_sample()


_said: set[str] = set()


def _say_once(message):
    """Which MNIST a process uses, said once in its log: a fallback must never be silent."""
    if message not in _said:
        _said.add(message)
        log.warning(message)


def load_sample():
    data = load_mnist_file(SAMPLE_PATH)
    return dataclasses.replace(data, source=SAMPLE_SOURCE, is_sample=True)


def load_from_source(source):
    """Load again what an MnistData's ``source`` names: a training child process loads its own
    copy this way instead of receiving the server's arrays."""
    if source == SAMPLE_SOURCE:
        return load_sample()
    if source == KERAS_SOURCE:
        data = _load_from_keras()
        if data is None:
            raise ValueError(_("Keras' MNIST is no longer available"))
        return data
    return load_mnist_file(source)


def load_mnist_file(path):
    """Read MNIST from a .npz, a .pkl.gz or an IDX folder; ValueError if it is none of them."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"MNIST not found at {path}: expected {ACCEPTED_FORMATS}.")
    try:
        if path.is_dir():
            arrays = read_idx_folder(path)
            checksum = sha256_of_files(sorted(p for p in path.iterdir() if p.is_file()))
        elif path.name.endswith((".pkl.gz", ".pkl")):
            arrays = read_pickle(path)
            checksum = sha256_of_files([path])
        else:
            arrays = read_npz(path)
            checksum = sha256_of_files([path])
        arrays = [_validated(name, array) for name, array in zip(ARRAY_NAMES, arrays, strict=False)]
        _check_lengths_match(arrays)
    except ValueError as error:
        raise ValueError(f"Cannot read MNIST from {path}: {error}. Expected {ACCEPTED_FORMATS}.") from None
    except (OSError, EOFError, KeyError, pickle.UnpicklingError, zipfile.BadZipFile, struct.error) as error:
        raise ValueError(
            f"Cannot read MNIST from {path} ({type(error).__name__}: {error}). Expected {ACCEPTED_FORMATS}."
        ) from None
    return MnistData(*arrays, source=str(path), sha256=checksum)


def _load_from_keras():
    """Keras' loader downloads on a normal machine; offline it fails fast, and we fall back."""
    try:
        import keras

        # Keras announces its download on stdout, where our tools print their JSON; the outcome
        # is said once, plainly, by load_mnist.
        with contextlib.redirect_stdout(io.StringIO()):
            (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception:  # no network, no cache: the bundled sample is the answer
        return None
    cached = Path(os.path.expanduser("~/.keras/datasets/mnist.npz"))
    checksum = sha256_of_files([cached]) if cached.exists() else ""
    return MnistData(x_train, y_train, x_test, y_test, source=KERAS_SOURCE, sha256=checksum)


def _validated(name, array):
    array = np.asarray(array)
    if name.startswith("x"):
        if array.ndim == 2 and array.shape[1] == 784:
            array = array.reshape(-1, 28, 28)
        if array.ndim != 3 or array.shape[1:] != (28, 28):
            raise ValueError(_("{name} has shape {shape}, expected (n, 28, 28)").format(name=name, shape=array.shape))
        if array.dtype != np.uint8:
            if array.min() < 0 or array.max() > 255:
                raise ValueError(_("{name} holds values outside 0-255").format(name=name))
            array = array.astype(np.uint8)
        return array
    if array.ndim != 1:
        raise ValueError(_("{name} has shape {shape}, expected (n,)").format(name=name, shape=array.shape))
    if array.size and (array.min() < 0 or array.max() > 9):
        raise ValueError(_("{name} holds labels outside 0-9").format(name=name))
    return array.astype(np.uint8)


def _check_lengths_match(arrays):
    x_train, y_train, x_test, y_test = arrays
    if len(x_train) != len(y_train) or len(x_test) != len(y_test):
        raise ValueError("image and label counts differ")
    if len(x_train) == 0 or len(x_test) == 0:
        raise ValueError("a split is empty")


MAX_EXTRA_DIGITS = 10_000  # a room holds hundreds; more than this is not a room's download


def load_extra_digits(source):
    """Digits to add to the training set: an ``.npz`` (a path, bytes or file) with ``x``
    (n, 28, 28) in MNIST's format - uint8 0-255 or floats 0-1, white ink on black - and ``y``
    (n,) digits 0-9, as the Present page's audience room downloads them. ValueError if not."""
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    if not zipfile.is_zipfile(source):  # np.load would take anything else for a pickle
        raise ValueError(_("not an .npz file"))
    try:
        with np.load(source, allow_pickle=False) as archive:
            if "x" not in archive.files or "y" not in archive.files:
                raise ValueError(_("the file needs two arrays, x (images) and y (digits)"))
            x, y = archive["x"], archive["y"]
    except ValueError:
        raise
    except (OSError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(_("not an .npz file ({kind})").format(kind=type(error).__name__)) from None
    if x.ndim == 3 and x.dtype != np.uint8 and x.size and x.min() >= 0 and x.max() <= 1:
        x = np.rint(x * 255)
    x, y = _validated("x", x), _validated("y", y)
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(
            _("x holds {images} images and y {digits} digits: they must match and not be empty").format(
                images=len(x), digits=len(y)
            )
        )
    if len(x) > MAX_EXTRA_DIGITS:
        raise ValueError(
            _("{count:,} images is more than the {allowed:,} accepted").format(count=len(x), allowed=MAX_EXTRA_DIGITS)
        )
    return x, y


def make_sample(full, train_per_digit=500, test_count=2000):
    """The bundled sample: the first ``train_per_digit`` training images of each digit (in the
    original order) and the first ``test_count`` test images. Written by ``python -m model sample``."""
    train_indices = np.sort(
        np.concatenate([np.flatnonzero(full.y_train == digit)[:train_per_digit] for digit in range(10)])
    )
    return {
        "x_train": full.x_train[train_indices],
        "y_train": full.y_train[train_indices],
        "x_test": full.x_test[:test_count],
        "y_test": full.y_test[:test_count],
    }
