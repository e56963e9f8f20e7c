"""The "is it a digit at all?" gate: a network that answers before the digit is named.

It was trained (``model/making/gate.py``) on MNIST's digits against images that hold no digit,
and its threshold calibrated on MNIST training digits it never trained on. What it refuses of
kinds nobody here generated is measured by ``bench/in_the_wild.py`` and ``bench/leave_one_out.py``.
"""

import functools
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from model.recognition.forward import in_batches, traced_forward
from model.storage import PACKAGE_DIR, read_card

GATE_PATH = PACKAGE_DIR / "mnist_gate.keras"
DIGIT_HEAD = "digit_probability"  # the head that answers "a digit at all?"


class Gate:
    """The trained gate and its calibrated threshold: ``refuses(images)`` says which hold no digit."""

    def __init__(self, keras_model: Any, threshold: float) -> None:
        self.threshold = float(threshold)
        self.model = keras_model
        self._forward = traced_forward(keras_model)

    @classmethod
    def load(cls, path: Path = GATE_PATH) -> "Gate | None":
        """The gate at ``path``, or None when there is none (every image then counts as a digit)."""
        if not (path.is_file() and zipfile.is_zipfile(path)):
            return None
        import keras

        card = read_card(path)
        return cls(keras.saving.load_model(path, compile=False, safe_mode=True), card.get("threshold", 0.5))

    def digit_probability(self, images: np.ndarray) -> np.ndarray:
        """(n,): how sure the gate is that each image holds a digit at all."""
        images = np.asarray(images, dtype=np.float32).reshape(-1, 28, 28, 1)
        return in_batches(
            lambda batch: self._forward(batch)[DIGIT_HEAD].numpy()[:, 0], images, np.zeros((0,), np.float32)
        )

    def refuses_probability(self, digit_probability: np.ndarray) -> np.ndarray:
        """The one refusal rule: under the calibrated threshold, the image holds no digit."""
        return np.asarray(digit_probability) < self.threshold

    def refuses(self, images: np.ndarray) -> np.ndarray:
        return self.refuses_probability(self.digit_probability(images))


@functools.lru_cache(maxsize=1)
def shipped_gate() -> Gate | None:
    """The shipped gate, loaded once per process: every Predictor that is handed it shares it."""
    return Gate.load(GATE_PATH)
