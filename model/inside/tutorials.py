"""The four tutorials' networks, trained with their tutorials' recipes and shipped beside the model.

Each is ``model/tutorials/<architecture>.keras`` with its card (``.json``), made by
``python -m model train --arch <architecture> --seed 0 --data mnist.npz --out model/tutorials/<architecture>.keras``
on the full MNIST. They read drawings side by side with the shipped model on the Inside page.
"""

from pathlib import Path

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
