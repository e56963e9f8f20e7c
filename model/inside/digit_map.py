"""Where a drawing lands: the 10,000 MNIST test digits as a 2-D map of what the shipped network
sees, and a drawing placed among them with its nearest test digits.

The map is made offline (``python -m model map``, ``model/making/digit_map.py``): the input of the
network's final Dense layer(s) for every test digit (the ensemble's three members: 3 x 128 values),
PCA down to a few dozen dimensions, then t-SNE to two. It ships as ``model/mnist_map.npz`` with the
test images themselves, since the page shows the neighbours. At runtime a drawing costs one traced
call for its features and a brute-force search over the 10,000 reduced vectors: a few
milliseconds, so the page can place it on every stroke.
"""

import dataclasses
import functools
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from model.language import _
from model.recognition.features import penultimate_model
from model.recognition.forward import DIGIT_SHAPE, traced_forward
from model.storage import PACKAGE_DIR

log = logging.getLogger(__name__)

MAP_PATH = PACKAGE_DIR / "mnist_map.npz"
ARRAYS = ("coordinates", "labels", "predicted", "features", "projection_mean", "projection", "images")
BACKGROUNDS = {True: "#0d1117", False: "#ffffff"}  # dark and light, as the Present page's rooms
FOREGROUNDS = {True: (240, 246, 252), False: (17, 17, 17)}


@dataclasses.dataclass(frozen=True)
class Placement:
    """A drawing on the map: where it lands and the test digits nearest to it, nearest first."""

    position: tuple[float, float]  # in the map's coordinates
    neighbour_indices: np.ndarray  # (k,) into the map's arrays
    neighbour_labels: np.ndarray  # (k,) their true digits
    distances: np.ndarray  # (k,) in the reduced feature space


@dataclasses.dataclass(frozen=True, eq=False)  # eq=False: hashed by identity, so a map can key a cache
class DigitMap:
    """The test digits' map and what placing a new drawing on it needs."""

    coordinates: np.ndarray  # (n, 2) float32: t-SNE's map
    labels: np.ndarray  # (n,) uint8: the true digits
    predicted: np.ndarray  # (n,) uint8: the shipped model's answers; mistakes are where they differ
    features: np.ndarray  # (n, d) float16: penultimate features, PCA-reduced
    projection_mean: np.ndarray  # (D,) float32: PCA's mean of the D penultimate features
    projection: np.ndarray  # (D, d) float32: PCA's components, so new features reduce the same way
    images: np.ndarray  # (n, 28, 28) uint8: the test digits, for the neighbours' pictures
    card: dict[str, Any]  # how it was made: command, model file and sha256, created, perplexity, n
    _pictures: dict[Any, Any] = dataclasses.field(default_factory=dict, repr=False)  # rendered bases

    @classmethod
    def load(cls, path: Path | str = MAP_PATH) -> "DigitMap | None":
        """The map at ``path``, or None (logged) when it is missing or damaged: the page then
        shows no map rather than an error."""
        path = Path(path)
        if not path.is_file():
            log.info("No digit map at %s", path)
            return None
        try:
            with np.load(path, allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in ARRAYS}
                card = json.loads(str(archive["card"]))
            digit_map = cls(**arrays, card=card)
            digit_map.check()
        except Exception as error:  # numpy, zipfile and json raise many types for a damaged file
            log.warning("Could not load the digit map %s: %s: %s", path, type(error).__name__, error)
            return None
        return digit_map

    def check(self) -> None:
        """ValueError unless the arrays agree with one another."""
        count, dimensions = len(self.coordinates), self.projection.shape[-1]
        expected = {
            "coordinates": (count, 2),
            "labels": (count,),
            "predicted": (count,),
            "features": (count, dimensions),
            "projection_mean": (self.projection.shape[0],),
            "images": (count, 28, 28),
        }
        wrong = {
            name: getattr(self, name).shape for name, shape in expected.items() if getattr(self, name).shape != shape
        }
        if wrong or self.projection.ndim != 2 or count == 0:
            raise ValueError(f"the map's arrays do not fit together: {wrong or self.projection.shape}")

    @property
    def mistakes(self) -> np.ndarray:
        """Indices of the test digits the shipped model reads wrong."""
        return np.flatnonzero(self.predicted != self.labels)

    @functools.cached_property
    def _reduced(self) -> tuple[np.ndarray, np.ndarray]:
        features = self.features.astype(np.float32)
        return features, np.einsum("ij,ij->i", features, features)

    def reduce(self, features: np.ndarray) -> np.ndarray:
        """Penultimate features (D,) or (n, D) projected as the map's were: (d,) or (n, d)."""
        features = np.asarray(features, dtype=np.float32)
        if features.shape[-1] != len(self.projection_mean):
            raise ValueError(f"the map was made from {len(self.projection_mean)} features, got {features.shape[-1]}")
        return (features - self.projection_mean) @ self.projection

    def place(self, features: np.ndarray, neighbours: int = 8) -> Placement:
        """Place one drawing by its penultimate features (D,): its ``neighbours`` nearest test
        digits, and a position at their coordinates' mean weighted by closeness.

        t-SNE has no transform for new points; placing one among its nearest neighbours in the
        space the map was made from is the usual out-of-sample placement.
        """
        if not 1 <= neighbours <= len(self.labels):
            raise ValueError(f"neighbours must be 1..{len(self.labels)}, got {neighbours}")
        query = self.reduce(np.asarray(features).reshape(-1))
        reduced, squared_norms = self._reduced
        squared = np.maximum(squared_norms - 2 * (reduced @ query) + query @ query, 0)
        nearest = np.argpartition(squared, neighbours - 1)[:neighbours]
        nearest = nearest[np.argsort(squared[nearest], kind="stable")]
        distances = np.sqrt(squared[nearest])
        # Inverse distances; the small floor lets a test digit's own features (distance ~0) land on it.
        weights = 1 / (distances + 1e-3 * (distances.max() + 1e-6))
        position = weights @ self.coordinates[nearest] / weights.sum()
        return Placement(
            position=(float(position[0]), float(position[1])),
            neighbour_indices=nearest,
            neighbour_labels=self.labels[nearest],
            distances=distances,
        )


class MapPlacer:
    """A network's penultimate features through one traced call, and a drawing placed on a map
    made from that network's features (the map's card names the model it was made from)."""

    def __init__(self, keras_model: Any, digit_map: DigitMap) -> None:
        self.digit_map = digit_map
        self.model = penultimate_model(keras_model)
        if self.model.output_shape[-1] != len(digit_map.projection_mean):
            raise ValueError(
                f"the map was made from {len(digit_map.projection_mean)} features; "
                f"{keras_model.name} has {self.model.output_shape[-1]}"
            )
        self._forward = traced_forward(self.model)

    def features(self, image: np.ndarray) -> np.ndarray:
        """(D,) penultimate features of one 28x28 image, floats in [0, 1]."""
        return self._forward(np.asarray(image, dtype=np.float32).reshape(1, *DIGIT_SHAPE)).numpy()[0]

    def place(self, image: np.ndarray, neighbours: int = 8) -> Placement:
        return self.digit_map.place(self.features(image), neighbours)


def neighbour_pictures(digit_map: DigitMap, placement: Placement) -> tuple[list[np.ndarray], list[str]]:
    """The neighbours' 28x28 uint8 images and captions ("7", or "4, read as 9" for a mistake),
    nearest first: ready for ``st.image(images, caption=captions)``."""
    images = [digit_map.images[index] for index in placement.neighbour_indices]
    mistaken = _("{digit}, read as {answer}")
    captions = [
        f"{label}" if label == predicted else mistaken.format(digit=label, answer=predicted)
        for label, predicted in zip(
            digit_map.labels[placement.neighbour_indices].tolist(),
            digit_map.predicted[placement.neighbour_indices].tolist(),
            strict=True,
        )
    ]
    return images, captions
