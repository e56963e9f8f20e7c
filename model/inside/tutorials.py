"""The four tutorials' networks, trained with their tutorials' recipes and shipped beside the model.

Each is ``model/tutorials/<architecture>.keras`` with its card (``.json``), made by
``python -m model train --arch <architecture> --seed 0 --data mnist.npz --out model/tutorials/<architecture>.keras``
on the full MNIST. They read drawings side by side with the shipped model on the Inside page.
"""

from pathlib import Path

import numpy as np

from model.recognition.forward import DIGIT_SHAPE
from model.recognition.predictor import ModelLoadError, Predictor
from model.storage import PACKAGE_DIR

TUTORIALS_DIR = PACKAGE_DIR / "tutorials"
# In the order the tutorials teach them: a sigmoid network, a deeper MLP, then two CNNs.
TUTORIAL_ARCHITECTURES = ("sigmoid", "mlp", "tensorflow_tutorial_cnn", "keras_tutorial_cnn")


def tutorial_path(architecture: str) -> Path:
    if architecture not in TUTORIAL_ARCHITECTURES:
        raise ValueError(
            f"{architecture!r} is not a tutorial network: choose one of {', '.join(TUTORIAL_ARCHITECTURES)}"
        )
    return TUTORIALS_DIR / f"{architecture}.keras"


def load_tutorials() -> dict[str, Predictor]:
    """Architecture -> Predictor (no gate: each network answers for itself), for those shipped
    and readable; a missing or damaged file leaves its network out."""
    loaded = {}
    for architecture in TUTORIAL_ARCHITECTURES:
        try:
            loaded[architecture] = Predictor.load(tutorial_path(architecture))
        except ModelLoadError:
            continue
    return loaded


class TutorialNetworks:
    """The loaded tutorials' networks, read together: one traced call runs all of them on a
    drawing (one dispatch a stroke instead of four)."""

    def __init__(self, predictors: dict[str, Predictor]) -> None:
        import tensorflow as tf

        self.predictors = predictors
        models = [predictor.model for predictor in predictors.values()]
        self._read_all = tf.function(
            lambda images: [model(images, training=False) for model in models],
            input_signature=[tf.TensorSpec(shape=(None, *DIGIT_SHAPE), dtype=tf.float32)],
        )

    def read(self, image: np.ndarray) -> dict[str, np.ndarray]:
        """Architecture -> the ten probabilities (summing to one) each network gives the 28x28 ``image``."""
        if not self.predictors:
            return {}
        batch = np.asarray(image, dtype=np.float32).reshape(1, *DIGIT_SHAPE)
        outputs = [output.numpy()[0] for output in self._read_all(batch)]
        # Nielsen's sigmoid outputs do not sum to one: normalised as the Predictor does.
        return {
            architecture: output / max(float(output.sum()), 1e-12)
            for architecture, output in zip(self.predictors, outputs, strict=True)
        }
