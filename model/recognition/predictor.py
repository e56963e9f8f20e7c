"""Predictor: load a model once, then read digits fast, with the gate's "not a digit" if it has one."""

import dataclasses
import functools
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from model.data import as_floats
from model.recognition.familiarity import Familiarity
from model.recognition.features import reading_model, readings_reader
from model.recognition.forward import DIGIT_SHAPE, in_batches, traced_forward
from model.recognition.gate import DIGIT_HEAD, Gate, shipped_gate
from model.recognition.refusal import GATE_REFUSAL, UNFAMILIAR_REFUSAL, Refusal
from model.storage import SHIPPED_MODEL_PATH, read_card


class ModelLoadError(ValueError):
    """The model file is missing or is not a Keras model we can read."""


@dataclasses.dataclass(frozen=True)
class Prediction:
    digit: int
    confidence: float
    probabilities: np.ndarray  # ten floats summing to 1
    refusal: Refusal | None = None  # why the gate refused the image; None when it holds a digit
    doubted: bool = False  # read, but the checks half doubt that it holds a digit at all

    @property
    def is_digit(self) -> bool:
        return self.refusal is None

    @property
    def runner_up(self) -> int:
        return int(np.argsort(self.probabilities)[-2])

    @property
    def is_uncertain(self) -> bool:
        """Low confidence, or a runner-up close behind: the page says "a 4 or a 9?"."""
        return self.confidence < 0.7 or self.probabilities[self.runner_up] > 0.25


def traced_reading(keras_model: Any, gate: Gate, with_features: bool = False) -> Callable[[Any], Any]:
    """The model and the gate's digit head in one traced call, for one drawing (1, 28, 28, 1):
    TensorFlow runs the two graphs side by side and the call is dispatched once (1.3 ms here,
    against 2.0 ms for two calls; bench/latency.py). ``with_features``: the model's penultimate
    features and each member's probabilities come too, from the same pass
    (``features.reading_model``), for the familiarity check and the joint rule.
    Returns (probabilities, digit probability[, features, members' probabilities]).

    A concrete function of the one shape skips tf.function's matching of each call's arguments:
    4.7 -> 4.0 ms a reading here (BENCHMARKS.md section 25). Compiling it with XLA saved 0.4-0.6 ms
    more but kept 60-120 MB more in the server, which a small instance needs more."""
    import tensorflow as tf

    if with_features:
        reader = reading_model(keras_model)

        def read(images: Any) -> Any:
            outputs = reader(images, training=False)
            digit = gate.model(images, training=False)[DIGIT_HEAD]
            return outputs["probabilities"], digit, outputs["features"], outputs["members"]
    else:

        def read(images: Any) -> Any:
            return keras_model(images, training=False), gate.model(images, training=False)[DIGIT_HEAD]

    return tf.function(read).get_concrete_function(tf.TensorSpec(shape=(1, *DIGIT_SHAPE), dtype=tf.float32))


class Predictor:
    def __init__(
        self,
        keras_model: Any,
        card: dict[str, Any] | None = None,
        path: Path | str | None = None,
        gate: Gate | None = None,
        familiarity: Familiarity | None = None,
    ) -> None:
        self.gate = gate  # "is it a digit at all?", asked before naming one; None: every image is a digit
        # "is it like the digits this network learned from?", asked with the gate; only with one
        self.familiarity = familiarity if gate is not None else None
        self.model = keras_model
        self.card = card or {}
        self.path = Path(path) if path else None
        self._forward = traced_forward(keras_model)

    @classmethod
    def load(
        cls, path: Path | str = SHIPPED_MODEL_PATH, gate: Gate | None = None, familiarity: Familiarity | None = None
    ) -> "Predictor":
        """Load a .keras file in safe mode; ModelLoadError with the path if that fails."""
        path = Path(path)
        if not path.is_file():
            raise ModelLoadError(f"Model file not found: {path}")
        if not zipfile.is_zipfile(path):
            raise ModelLoadError(f"{path} is not a Keras model file (a .keras zip archive); it may be corrupt.")
        import keras

        from model import losses  # noqa: F401 - registers Nielsen's cost, which sigmoid models name

        try:
            keras_model = keras.saving.load_model(path, compile=False, safe_mode=True)
        except Exception as error:  # Keras raises many types for a damaged archive
            raise ModelLoadError(f"Could not load the model {path}: {type(error).__name__}: {error}") from None
        if tuple(keras_model.input_shape[1:]) != DIGIT_SHAPE or keras_model.output_shape[-1] != 10:
            raise ModelLoadError(
                f"{path} is not a digit model: it maps {keras_model.input_shape} to {keras_model.output_shape}"
            )
        return cls(keras_model, read_card(path), path, gate=gate, familiarity=familiarity)

    @classmethod
    def with_checks(cls, path: Path | str = SHIPPED_MODEL_PATH) -> "Predictor":
        """The model at ``path`` as the app reads drawings with it: with the shipped gate, and with
        the familiarity fitted for that very file when there is one."""
        return cls.load(path, gate=shipped_gate(), familiarity=Familiarity.load(path))

    def warm_up(self) -> "Predictor":
        """Trace both paths (a batch, and one drawing with the gate) before the first visitor waits on them."""
        self.predict_probabilities(np.zeros((1, 28, 28), dtype=np.float32))
        self.predict(np.zeros((28, 28), dtype=np.float32))
        return self

    def predict_probabilities(self, images: np.ndarray) -> np.ndarray:
        """Probabilities (n, 10) for images (n, 28, 28) or (28, 28), floats in [0, 1]."""
        images = np.asarray(images, dtype=np.float32)
        if images.ndim == 2:
            images = images[None]
        images = images.reshape(-1, *DIGIT_SHAPE)
        outputs = in_batches(lambda batch: self._forward(batch).numpy(), images, np.zeros((0, 10), np.float32))
        return _normalised(outputs)

    @functools.cached_property
    def _read(self) -> Callable[[Any], Any]:
        """One drawing's reading with the checks' numbers, traced on first use."""
        if self.gate is None:
            raise ValueError("a predictor without a gate reads through predict_probabilities")
        return traced_reading(self.model, self.gate, self.familiarity is not None)

    @functools.cached_property
    def _readings_of(self) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
        return readings_reader(self.model)  # built once: a Keras model and its trace

    def refuses(self, images: np.ndarray) -> np.ndarray:
        """(n,) which of many images (n, 28, 28) the checks refuse, as ``predict`` would one by one.
        None refused without a gate."""
        return self.refuses_and_doubts(images)[0]

    def refuses_and_doubts(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(refused, doubted), each (n,), for many images (n, 28, 28), as ``predict`` would say
        one by one. Nothing refused or doubted without a gate."""
        images = np.asarray(images, dtype=np.float32).reshape(-1, *DIGIT_SHAPE)
        if self.gate is None:
            return np.zeros(len(images), dtype=bool), np.zeros(len(images), dtype=bool)
        features, members = self._readings_of(images) if self.familiarity is not None else (None, None)
        refusals, doubted = self._verdicts(self.gate, self.gate.digit_probability(images), features, members)
        return np.array([refusal is not None for refusal in refusals], dtype=bool), doubted

    def joint_scores(self, images: np.ndarray) -> np.ndarray:
        """(n,) the joint rule's score for many images (n, 28, 28): under its ``threshold`` an
        image is refused, under its ``doubt_threshold`` doubted. ValueError without a joint rule."""
        if self.gate is None or self.familiarity is None or self.familiarity.joint is None:
            raise ValueError("this predictor has no joint rule to score with (it needs a gate and a familiarity)")
        images = np.asarray(images, dtype=np.float32).reshape(-1, *DIGIT_SHAPE)
        features, members = self._readings_of(images)
        distances = self.familiarity.distances(features)
        return self.familiarity.joint.digit_scores(self.gate.digit_probability(images), distances, members)

    def _verdicts(
        self, gate: Gate, gate_probability: np.ndarray, features: np.ndarray | None, members: np.ndarray | None
    ) -> tuple[list[Refusal | None], np.ndarray]:
        """Per image, the checks' verdict and whether a reading is doubted: with a joint rule, it
        alone decides both; else the gate and the familiarity, each at its own threshold, doubting
        nothing. The familiarity's sentence when its distance alone is past its own threshold, else
        the gate's."""
        gate_refuses = gate.refuses_probability(gate_probability)
        doubted = np.zeros(len(gate_refuses), dtype=bool)
        if self.familiarity is None or features is None:
            return [GATE_REFUSAL if refused else None for refused in gate_refuses], doubted
        distances = self.familiarity.distances(features)
        far = self.familiarity.refuses_distance(distances)
        if self.familiarity.joint is None:
            refused = gate_refuses | far
        else:
            refused, doubted = self.familiarity.joint.verdicts(gate_probability, distances, members)
        refusals = [
            (UNFAMILIAR_REFUSAL if is_far and not by_gate else GATE_REFUSAL) if is_refused else None
            for is_refused, by_gate, is_far in zip(refused, gate_refuses, far, strict=True)
        ]
        return refusals, doubted

    def predict(self, image: np.ndarray) -> Prediction:
        """One preprocessed 28x28 image -> Prediction (with the checks' refusal, if they have one)."""
        refusal, doubted = None, False
        if self.gate is None:
            probabilities = self.predict_probabilities(image)[0]
        else:
            outputs = self._read(np.asarray(image, dtype=np.float32).reshape(1, *DIGIT_SHAPE))
            probabilities = _normalised(outputs[0].numpy())[0]
            features, members = None, None
            if self.familiarity is not None:
                features, members = outputs[2].numpy(), outputs[3].numpy()
            refusals, doubts = self._verdicts(self.gate, outputs[1].numpy()[:, 0], features, members)
            refusal, doubted = refusals[0], bool(doubts[0])
        digit = int(np.argmax(probabilities))
        return Prediction(
            digit=digit,
            confidence=float(probabilities[digit]),
            probabilities=probabilities,
            refusal=refusal,
            doubted=doubted,
        )

    def explain(self, image: np.ndarray, digit: int) -> np.ndarray:
        """Gradient x input over a 28x28 image: how much each pixel raised (+) or lowered (-)
        the model's log-probability of ``digit``. Computed only when asked for."""
        import tensorflow as tf

        pixels = tf.constant(np.asarray(image, np.float32).reshape(1, *DIGIT_SHAPE))
        with tf.GradientTape() as tape:
            tape.watch(pixels)
            # The log keeps the gradient alive when the probability is saturated near 1.
            score = tf.math.log(self.model(pixels, training=False)[0, digit] + 1e-7)
        return (tape.gradient(score, pixels) * pixels).numpy()[0, :, :, 0]

    def predict_uint8(self, images: np.ndarray) -> np.ndarray:
        """Digits for MNIST-format uint8 images (n, 28, 28): the evaluation path."""
        return np.argmax(self.predict_probabilities(as_floats(images)), axis=1)


def _normalised(probabilities: np.ndarray) -> np.ndarray:
    # Nielsen's sigmoid outputs do not sum to one; normalising makes every model speak alike.
    return probabilities / np.maximum(probabilities.sum(axis=1, keepdims=True), 1e-12)
