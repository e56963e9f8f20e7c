"""Where models live and how they are written: the shipped model, run files, model cards.

A model is a ``.keras`` file with its JSON card beside it (same name, ``.json``). Both are
written atomically, so a reader never sees half a file and two runs never mix their bytes.
Nothing here imports TensorFlow: the tools can check their arguments before paying for it.
"""

import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
SHIPPED_MODEL_PATH = PACKAGE_DIR / "mnist_cnn.keras"
# Trained models: runs/ beside the app, or wherever DIGITS_RUNS_DIR points (the tests use a
# temporary folder). The command line writes to runs/ in the current folder.
DEFAULT_RUNS_DIR = PACKAGE_DIR.parent / "runs"


def runs_dir() -> Path:
    return Path(os.environ.get("DIGITS_RUNS_DIR", DEFAULT_RUNS_DIR))


def new_run_path(folder: str | Path, architecture: str) -> Path:
    """A unique ``<architecture>-<date>-<time>-<random>.keras`` in ``folder``: runs never collide."""
    return Path(folder) / f"{architecture}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}.keras"


def check_model_path(path: str | Path) -> Path:
    """``path`` as a Path; ValueError unless it ends in .keras (Keras 3 saves nothing else)."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"A model path must end in .keras, got {path}")
    return path


def card_path_for(model_path: str | Path) -> Path:
    return Path(model_path).with_suffix(".json")


def read_card(model_path: str | Path) -> dict[str, Any]:
    """The model card beside a model file, or {} when there is none or it is unreadable."""
    try:
        return json.loads(card_path_for(model_path).read_text())
    except (OSError, ValueError):
        return {}


def update_card(model_path: str | Path, fields: dict[str, Any]) -> dict[str, Any]:
    """Add ``fields`` to the card beside ``model_path`` (a temporary file, then a rename)."""
    card = {**read_card(model_path), **fields}
    card_path = card_path_for(check_model_path(model_path))
    temporary_card = card_path.with_name(f".{card_path.stem}.{uuid.uuid4().hex}.tmp.json")
    try:
        temporary_card.write_text(json.dumps(card, indent=1))
        os.replace(temporary_card, card_path)
    finally:
        temporary_card.unlink(missing_ok=True)
    return card


def save_model(model: Any, card: dict[str, Any], path: str | Path) -> Path:
    """Write ``path`` (.keras) and its JSON card atomically: a temporary file, then a rename."""
    path = check_model_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    unique = uuid.uuid4().hex
    temporary_model = path.with_name(f".{path.stem}.{unique}.tmp.keras")
    temporary_card = path.with_name(f".{path.stem}.{unique}.tmp.json")
    try:
        model.save(temporary_model)
        temporary_card.write_text(json.dumps(card, indent=1))
        os.replace(temporary_model, path)
        os.replace(temporary_card, card_path_for(path))
    finally:
        for leftover in (temporary_model, temporary_card):
            leftover.unlink(missing_ok=True)
    return path


def sha256_of_files(paths: Iterable[str | Path]) -> str:
    """One SHA-256 over the files' bytes, in the order given (an IDX folder is four files)."""
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()
