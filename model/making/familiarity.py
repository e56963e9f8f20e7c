"""Fit the familiarity check (``model/recognition/familiarity.py``) for a model file:
``python -m model familiarity [--model PATH] [--data PATH]``.

Each digit's mean of the model's penultimate features and one covariance shared by the ten,
fitted on MNIST's training digits but the last VALIDATION_DIGITS; its threshold refuses
ALLOWED_REFUSALS of those held-back digits as people send them (the gate's calibration digits),
so the two checks together refuse at most twice the gate's share of digits. No picture of a
non-digit is used.
"""

from pathlib import Path
from typing import Any

import numpy as np

from model.data import MnistData, as_floats
from model.making.cards import created_now
from model.making.gate import ALLOWED_REFUSALS, VALIDATION_DIGITS, calibration_digits
from model.recognition.familiarity import Familiarity
from model.recognition.features import features_reader
from model.storage import sha256_of_files

SHRINKAGE = 1e-3  # of the covariance's mean variance, added to its diagonal: well-conditioned to invert


def fit_gaussians(features: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(means (10, D), precision (D, D)): each digit's mean, and the inverse of the covariance of
    every digit's features about its own mean, lightly shrunk towards a multiple of the identity."""
    features = np.asarray(features, dtype=np.float64)
    missing = sorted(set(range(10)) - set(np.unique(labels).tolist()))
    if missing:
        raise ValueError(f"every digit needs examples to fit its mean; none for {missing}")
    means = np.stack([features[labels == digit].mean(axis=0) for digit in range(10)])
    centred = features - means[labels]
    covariance = centred.T @ centred / len(features)
    covariance += SHRINKAGE * np.trace(covariance) / len(covariance) * np.eye(len(covariance))
    return means.astype(np.float32), np.linalg.inv(covariance).astype(np.float32)


def make_familiarity(keras_model: Any, model_path: Path | str, data: MnistData) -> Familiarity:
    features_of = features_reader(keras_model)
    fitted = len(data.x_train) - VALIDATION_DIGITS
    if fitted < 1000:
        raise ValueError(f"the familiarity needs a full MNIST ({len(data.x_train):,} training digits given)")
    means, precision = fit_gaussians(features_of(as_floats(data.x_train[:fitted])), data.y_train[:fitted])
    unfitted = Familiarity(means, precision, threshold=np.inf, card={})
    distances = unfitted.distances(features_of(calibration_digits(data)))
    threshold = float(np.quantile(distances, 1 - ALLOWED_REFUSALS))
    card = {
        "model_file": Path(model_path).name,
        "model_sha256": sha256_of_files([Path(model_path)]),
        "fitted_digits": fitted,
        "shrinkage": SHRINKAGE,
        "calibration_digits": len(distances),
        "calibration_refused": float(np.mean(distances > threshold)),
        "data_source": data.source,
        "created": created_now(),
        "command": "python -m model familiarity",
    }
    return Familiarity(means, precision, threshold, card)
