"""Making the four tutorials' networks that ship beside the model (``model/inside/tutorials.py`` reads them).

``python -m model tutorials --data mnist.npz`` trains each with its tutorial's recipe
(``recipes.py``, seed 0, the full MNIST) and ships a slim copy: the weights without the
optimizer's state (which doubles a file), and the card without the training curve drawn at
every report (18,000 points for Nielsen's network, a megabyte of JSON); the per-epoch history,
the test figures and the answers stay.
"""

from pathlib import Path
from typing import Any

from model.inside.tutorials import TUTORIAL_ARCHITECTURES, tutorial_path
from model.storage import read_card, save_model

PER_REPORT_HISTORY = ("seen_epochs", "running_loss", "running_accuracy")


def slim_card(card: dict[str, Any]) -> dict[str, Any]:
    """The card without the per-report training curve."""
    history = {key: values for key, values in card.get("history", {}).items() if key not in PER_REPORT_HISTORY}
    return {**card, "history": history}


def ship_tutorial(trained_path: str | Path, architecture: str) -> Path:
    """Copy the network trained at ``trained_path`` to its place in model/tutorials/, slim."""
    import keras

    from model import losses  # noqa: F401 - Nielsen's network names its cost

    card = read_card(trained_path)
    if card.get("architecture") != architecture:
        raise ValueError(f"{trained_path} holds a {card.get('architecture')!r} network, not {architecture!r}")
    model = keras.saving.load_model(trained_path, compile=False, safe_mode=True)  # without the optimizer
    made_by = f"python -m model tutorials (train --arch {architecture} --seed 0 on {Path(card['data_source']).name})"
    return save_model(model, {**slim_card(card), "made_by": made_by}, tutorial_path(architecture))


def make_tutorials(data_path: str | None, architectures: tuple[str, ...] = TUTORIAL_ARCHITECTURES) -> list[Path]:
    """Train every tutorial network with its recipe on ``data_path`` and ship it; the paths written."""
    import tempfile

    from model.data import load_mnist
    from model.making.training import train

    data = load_mnist(data_path)
    if data.is_sample:
        raise ValueError("the tutorials' networks ship trained on the full MNIST: give --data or MNIST_PATH")
    shipped = []
    with tempfile.TemporaryDirectory() as folder:
        for architecture in architectures:
            trained = Path(folder) / f"{architecture}.keras"
            result = train(architecture, data, seed=0)
            save_model(result.model, result.card, trained)
            shipped.append(ship_tutorial(trained, architecture))
    return shipped
