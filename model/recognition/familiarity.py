"""Familiarity: how far a drawing's features lie from every digit the network learned from.

The gate learned "not a digit" from pictures made here, and refuses less of kinds nobody
generated. This check learned from digits alone: each digit's mean of the network's penultimate
features (``features.py``), with one covariance shared by the ten, fitted on MNIST's training
digits (a class-conditional Gaussian). A drawing is refused when its squared Mahalanobis distance
to the nearest digit's mean is over a threshold calibrated on digits only (``model/making/
familiarity.py``): no family of non-digits can have been tuned to. It belongs to one model file
(its card names the file's sha256); a model trained on the Train page has none, and is read
with the gate alone. Measured in BENCHMARKS.md section 16 (``bench/feature_scores.py``).
"""

import dataclasses
import functools
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from model.recognition.gate import GATE_PATH
from model.recognition.joint import JointRule
from model.storage import PACKAGE_DIR, sha256_of_files

log = logging.getLogger(__name__)

FAMILIARITY_PATH = PACKAGE_DIR / "mnist_familiarity.npz"


@dataclasses.dataclass(frozen=True, eq=False)
class Familiarity:
    means: np.ndarray  # (10, D) float32: each digit's mean features
    precision: np.ndarray  # (D, D) float32: the inverse of the covariance the ten digits share
    threshold: float  # squared distances over it are refused
    card: dict[str, Any]  # the model file's sha256, how it was fitted and calibrated
    # With the gate it was fitted beside: one rule over both checks, used instead of each alone
    joint: JointRule | None = None

    def distances(self, features: np.ndarray) -> np.ndarray:
        """(n,) squared Mahalanobis distance of each of ``features`` (n, D) to the nearest digit's mean."""
        features = np.asarray(features, dtype=np.float32).reshape(-1, self.precision.shape[0])
        projected = features @ self.precision
        to_means = np.einsum("ij,ij->i", projected, features)[:, None] - 2 * projected @ self.means.T + self._means_term
        return to_means.min(axis=1)

    @functools.cached_property
    def _means_term(self) -> np.ndarray:
        """(1, 10): each mean's own m P m, the same for every drawing."""
        return np.einsum("ij,jk,ik->i", self.means, self.precision, self.means)[None]

    def refuses_distance(self, distances: np.ndarray) -> np.ndarray:
        """The check's own rule (without a joint rule): over the calibrated threshold, too far."""
        return np.asarray(distances) > self.threshold

    def refuses(self, features: np.ndarray) -> np.ndarray:
        return self.refuses_distance(self.distances(features))

    def save(self, path: Path | str) -> None:
        card = {**self.card, "threshold": self.threshold}
        if self.joint is not None:  # the card's "joint" also names the gate it was fitted beside
            card["joint"] = {**self.card.get("joint", {}), **self.joint.as_card()}
        np.savez(path, means=self.means, precision=self.precision, card=json.dumps(card))

    @classmethod
    def load(
        cls, model_path: Path | str, path: Path | str = FAMILIARITY_PATH, gate_path: Path | str = GATE_PATH
    ) -> "Familiarity | None":
        """The familiarity fitted for the model file at ``model_path``, or None (logged) when there
        is none, it is damaged, or it was fitted for another file. Its joint rule comes with it only
        when it was fitted beside the gate at ``gate_path``."""
        path = Path(path)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as archive:
                means, precision = archive["means"].astype(np.float32), archive["precision"].astype(np.float32)
                card = json.loads(str(archive["card"]))
            if means.shape[0] != 10 or precision.shape != (means.shape[1], means.shape[1]):
                raise ValueError(f"means {means.shape} and precision {precision.shape} do not fit together")
            threshold = float(card["threshold"])
            joint = JointRule.from_card(card["joint"]) if "joint" in card else None
        except Exception as error:  # numpy, zipfile and json raise many types for a damaged file
            log.warning("Could not load the familiarity %s: %s: %s", path, type(error).__name__, error)
            return None
        try:
            fitted_for_this_model = card.get("model_sha256") == sha256_of_files([Path(model_path)])
            beside_this_gate = joint is not None and card["joint"].get("gate_sha256") == _sha256_or_none(gate_path)
        except OSError:
            return None
        if not fitted_for_this_model:
            return None  # fitted for another model: its features mean something else
        return cls(means, precision, threshold, card, joint if beside_this_gate else None)


def _sha256_or_none(path: Path | str) -> str | None:
    return sha256_of_files([Path(path)]) if Path(path).is_file() else None
