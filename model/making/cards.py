"""A model card's measured part: what the test split said, on which data, and when. Training and
the ensemble both write it, so every card is read the same way (the sidebar, the Gallery, the CLI)."""

import datetime
from typing import Any

import numpy as np

from model.data import MnistData
from model.metrics import record_answers, test_report


def measured_on_test_split(data: MnistData, predicted_labels: np.ndarray) -> dict[str, Any]:
    """The card's fields from a model's answers (``predicted_labels``) on ``data``'s test split:
    ``metrics.test_report``'s figures and the answers themselves."""
    report = test_report(data, predicted_labels)
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
        "test_answers": record_answers(data, predicted_labels),
    }


def created_now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
