"""A model card's measured part: what the test split said, on which data, and when. Training and
the ensemble both write it, so every card is read the same way (the sidebar, the Gallery, the CLI)."""

import datetime
from typing import Any

from model.data import MnistData


def measured_on_test_split(report: dict[str, Any], data: MnistData) -> dict[str, Any]:
    """The card's fields from ``metrics.evaluate``'s report on ``data``'s test split."""
    return {
        "test_accuracy": report["accuracy"],
        "test_images": report["n"],
        # The card's readers ask for per-class accuracy by that name; for a class it is its recall.
        "per_class_accuracy": report["recall"],
        "precision": report["precision"],
        "recall": report["recall"],
        "f1": report["f1"],
        "confusion_matrix": report["confusion_matrix"],
        "data_source": data.source,
        "data_sha256": data.sha256,
    }


def created_now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
