"""Predictor: load a model once, then predict probabilities fast.

``keras.Model.predict`` sets up a data pipeline on every call (about 36 ms for one image here);
a traced ``tf.function`` over the model costs well under 2 ms, which is what a page that
reruns on every stroke needs.
"""

import dataclasses
import zipfile
from pathlib import Path

import numpy as np

from model.data import as_floats
from model.gate import NOT_A_DIGIT
from model.storage import SHIPPED_MODEL_PATH, read_card


# Images per call when many are read (the Gallery's 10,000): as fast as 1,024 here, but the
# server's memory after the test set stays at 830 MB instead of 1,310 MB (three members), which
# leaves a small instance room to admit a training run.
EVALUATION_BATCH = 256


class ModelLoadError(ValueError):
    """The model file is missing or is not a Keras model we can read."""


@dataclasses.dataclass(frozen=True)
class Prediction:
    digit: int
    confidence: float
    probabilities: np.ndarray  # ten floats summing to 1
    not_a_digit: str = None  # why the gate refused the image; None when it holds a digit

    @property
    def is_digit(self):
        return self.not_a_digit is None

    @property
    def runner_up(self):
        return int(np.argsort(self.probabilities)[-2])

    @property
    def is_uncertain(self):
        """Low confidence, or a runner-up close behind: the page says "a 4 or a 9?"."""
        return self.confidence < 0.7 or self.probabilities[self.runner_up] > 0.25


def traced_forward(keras_model, input_shape=(28, 28, 1)):
    """The model as a traced tf.function over batches of ``input_shape`` floats (28x28x1, or a
    line of any width for the number model): no per-call set-up."""
    import tensorflow as tf

    return tf.function(
        lambda images: keras_model(images, training=False),
        input_signature=[tf.TensorSpec(shape=(None, *input_shape), dtype=tf.float32)],
        reduce_retracing=True,
    )


def traced_reading(keras_model, gate):
    """The model and the gate's digit head in one traced call, for one drawing at a time:
    TensorFlow runs the two graphs side by side and the call is dispatched once (1.3 ms here,
    against 2.0 ms for two calls; bench/latency.py)."""
    import tensorflow as tf

    return tf.function(
        lambda images: (keras_model(images, training=False), gate.model(images, training=False)["digit_probability"]),
        input_signature=[tf.TensorSpec(shape=(None, 28, 28, 1), dtype=tf.float32)],
        reduce_retracing=True,
    )


class Predictor:
    def __init__(self, keras_model, card=None, path=None, gate=None):
        self.gate = gate  # model.gate.Gate: "is it a digit at all?", asked before naming one
        self.model = keras_model
        self.card = card or {}
        self.path = Path(path) if path else None
        self._forward = traced_forward(keras_model)
        self._read = traced_reading(keras_model, gate) if gate is not None else None

    @classmethod
    def load(cls, path=SHIPPED_MODEL_PATH):
        """Load a .keras file in safe mode; ModelLoadError with the path if that fails."""
        path = Path(path)
        if not path.is_file():
            raise ModelLoadError(f"Model file not found: {path}")
        if not zipfile.is_zipfile(path):
            raise ModelLoadError(f"{path} is not a Keras model file (a .keras zip archive); it may be corrupt.")
        import keras

        from model import networks  # noqa: F401  registers Nielsen's cost, which sigmoid models name

        try:
            keras_model = keras.saving.load_model(path, compile=False, safe_mode=True)
        except Exception as error:  # Keras raises many types for a damaged archive
            raise ModelLoadError(f"Could not load the model {path}: {type(error).__name__}: {error}") from None
        if tuple(keras_model.input_shape[1:]) != (28, 28, 1) or keras_model.output_shape[-1] != 10:
            raise ModelLoadError(f"{path} is not a digit model: it maps {keras_model.input_shape} to {keras_model.output_shape}")
        from model.gate import shipped_gate

        return cls(keras_model, read_card(path), path, gate=shipped_gate())

    def warm_up(self):
        """Trace both paths (a batch, and one drawing with the gate) before the first visitor waits on them."""
        self.predict_probabilities(np.zeros((1, 28, 28), dtype=np.float32))
        self.predict(np.zeros((28, 28), dtype=np.float32))
        return self

    def predict_probabilities(self, images, batch_size=EVALUATION_BATCH):
        """Probabilities (n, 10) for images (n, 28, 28) or (28, 28), floats in [0, 1]."""
        images = np.asarray(images, dtype=np.float32)
        if images.ndim == 2:
            images = images[None]
        images = images.reshape(-1, 28, 28, 1)
        outputs = [self._forward(images[start : start + batch_size]).numpy() for start in range(0, len(images), batch_size)]
        return _normalised(np.concatenate(outputs) if outputs else np.zeros((0, 10), np.float32))

    def predict(self, image):
        """One preprocessed 28x28 image -> Prediction (with the gate's refusal, if it has one)."""
        if self._read is None:
            probabilities, refused = self.predict_probabilities(image)[0], False
        else:
            outputs, digit_probability = self._read(np.asarray(image, dtype=np.float32).reshape(1, 28, 28, 1))
            probabilities = _normalised(outputs.numpy())[0]
            refused = bool(digit_probability.numpy()[0, 0] < self.gate.threshold)  # as Gate.refuses decides
        digit = int(np.argmax(probabilities))
        return Prediction(digit=digit, confidence=float(probabilities[digit]), probabilities=probabilities,
                          not_a_digit=NOT_A_DIGIT if refused else None)

    def explain(self, image, digit):
        """Gradient x input over a 28x28 image: how much each pixel raised (+) or lowered (-)
        the model's log-probability of ``digit``. Computed only when asked for."""
        import tensorflow as tf

        pixels = tf.constant(np.asarray(image, np.float32).reshape(1, 28, 28, 1))
        with tf.GradientTape() as tape:
            tape.watch(pixels)
            # The log keeps the gradient alive when the probability is saturated near 1.
            score = tf.math.log(self.model(pixels, training=False)[0, digit] + 1e-7)
        return (tape.gradient(score, pixels) * pixels).numpy()[0, :, :, 0]

    def predict_uint8(self, images):
        """Digits for MNIST-format uint8 images (n, 28, 28): the evaluation path."""
        return np.argmax(self.predict_probabilities(as_floats(images)), axis=1)


def _normalised(probabilities):
    # Nielsen's sigmoid outputs do not sum to one; normalising makes every model speak alike.
    return probabilities / np.maximum(probabilities.sum(axis=1, keepdims=True), 1e-12)
