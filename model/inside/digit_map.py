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

from model.recognition.forward import DIGIT_SHAPE, traced_forward
from model.storage import PACKAGE_DIR

log = logging.getLogger(__name__)

MAP_PATH = PACKAGE_DIR / "mnist_map.npz"
ARRAYS = ("coordinates", "labels", "predicted", "features", "projection_mean", "projection", "images")
BACKGROUNDS = {True: "#0d1117", False: "#ffffff"}  # dark and light, as the Present page's rooms
FOREGROUNDS = {True: (240, 246, 252), False: (17, 17, 17)}


def penultimate_model(keras_model: Any) -> Any:
    """A Keras model from the image to the input of ``keras_model``'s final Dense layer: what the
    network has made of the image just before it names a digit. For an ensemble (members averaged,
    ``model.making.ensemble``) the members' inputs joined, in member order."""
    import keras

    inputs = keras.Input(shape=tuple(keras_model.input_shape[1:]), name="image")
    return keras.Model(inputs, _penultimate(keras_model, inputs), name=f"{keras_model.name}_features")


def _penultimate(keras_model: Any, tensor: Any) -> Any:
    import keras

    last = keras_model.layers[-1] if keras_model.layers else None
    if isinstance(last, keras.layers.Dense):
        if isinstance(keras_model, keras.Sequential):  # its graph is rebuilt from its layers
            for layer in keras_model.layers[:-1]:
                tensor = layer(tensor)
            return tensor
        return keras.Model(keras_model.inputs[0], last.input)(tensor)  # digit models have one input
    # An ensemble: each member reads the image itself (``average`` wires them so).
    members = [layer for layer in keras_model.layers if isinstance(layer, keras.Model)]
    if not members:
        raise ValueError(
            f"{keras_model.name} ends in {type(last).__name__}, not a Dense layer or an ensemble's members"
        )
    features = [_penultimate(member, tensor) for member in members]
    return features[0] if len(features) == 1 else keras.layers.Concatenate(name="features")(features)


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
    captions = [
        f"{label}" if label == predicted else f"{label}, read as {predicted}"
        for label, predicted in zip(
            digit_map.labels[placement.neighbour_indices].tolist(),
            digit_map.predicted[placement.neighbour_indices].tolist(),
            strict=True,
        )
    ]
    return images, captions


@dataclasses.dataclass(frozen=True)
class _BaseMap:
    """The map rendered once, and where its data coordinates fall in its pixels."""

    pixels: np.ndarray  # (size, size, 3) uint8
    lower: np.ndarray  # (2,) data coordinates of the picture's bottom-left corner
    span: float  # data units across the square picture

    def to_pixels(self, points: np.ndarray) -> np.ndarray:
        size = self.pixels.shape[0]
        scaled = (np.asarray(points, dtype=np.float64) - self.lower) / self.span * size
        return np.stack([scaled[..., 0], size - scaled[..., 1]], axis=-1)


def map_picture(
    digit_map: DigitMap, placement: Placement | None = None, dark: bool = False, size_px: int = 640
) -> np.ndarray:
    """(size_px, size_px, 3) uint8: the test digits coloured by their true digit, each digit's
    name at its cluster's middle, the model's mistakes crossed, and the drawing (when placed) as
    a ring with lines to its neighbours. The map itself is drawn once per look and size; each
    call draws only the marker, so a page can redraw it on every stroke."""
    if not 120 <= size_px <= 4000:
        raise ValueError(f"size_px must be 120..4000, got {size_px}")
    key = (bool(dark), int(size_px))
    base = digit_map._pictures.get(key)
    if base is None:
        if len(digit_map._pictures) >= 8:  # a page asks for one or two sizes; a few megabytes each
            digit_map._pictures.clear()
        base = digit_map._pictures[key] = _render_base(digit_map, dark, size_px)
    if placement is None:
        return base.pixels.copy()
    from PIL import Image, ImageDraw

    picture = Image.fromarray(base.pixels)
    draw = ImageDraw.Draw(picture)
    foreground, background = FOREGROUNDS[dark], BACKGROUNDS[dark]
    centre = base.to_pixels(np.array(placement.position))
    ends = base.to_pixels(digit_map.coordinates[placement.neighbour_indices])
    line, radius = max(2, size_px // 240), max(8, size_px // 32)
    for end in ends:
        draw.line([tuple(centre), tuple(end)], fill=foreground, width=line)
        draw.ellipse(_box(end, line * 2.5), outline=foreground, width=line)
    draw.ellipse(_box(centre, radius + line * 1.5), outline=background, width=line * 5)
    draw.ellipse(_box(centre, radius), outline=foreground, width=line * 2)
    draw.ellipse(_box(centre, line * 1.5), fill=foreground)
    return np.asarray(picture)


def _box(centre: np.ndarray, radius: float) -> list[float]:
    return [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius]


def _render_base(digit_map: DigitMap, dark: bool, size_px: int) -> _BaseMap:
    from matplotlib import colormaps
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    coordinates, labels = digit_map.coordinates, digit_map.labels
    # A square picture over the map's larger extent, so distances look alike in both directions.
    low, high = coordinates.min(axis=0), coordinates.max(axis=0)
    span = float((high - low).max()) * 1.06 + 1e-6
    lower = (low + high) / 2 - span / 2
    dpi, scale = 100, size_px / 640
    figure = Figure(figsize=(size_px / dpi, size_px / dpi), dpi=dpi, facecolor=BACKGROUNDS[dark])
    axis = figure.add_axes((0, 0, 1, 1))
    axis.set_axis_off()
    axis.set_xlim(lower[0], lower[0] + span)
    axis.set_ylim(lower[1], lower[1] + span)
    palette = colormaps["tab10"]
    x, y = coordinates[:, 0], coordinates[:, 1]
    axis.scatter(x, y, s=3 * scale**2, c=palette(labels % 10), linewidths=0)
    foreground, mistakes = ("white" if dark else "black"), digit_map.mistakes
    axis.scatter(x[mistakes], y[mistakes], s=60 * scale**2, marker="x", c=foreground, linewidths=1.8 * scale)
    for digit in np.unique(labels).tolist():
        red, green, blue, _ = palette(digit)
        middle_x, middle_y = np.median(coordinates[labels == digit], axis=0).tolist()
        axis.text(
            middle_x,
            middle_y,
            str(digit),
            fontsize=26 * scale,
            fontweight="bold",
            color="black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.6 else "white",  # legible on its colour
            ha="center",
            va="center",
            bbox={"boxstyle": "circle,pad=0.25", "facecolor": palette(digit), "edgecolor": foreground},
        )
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[..., :3].copy()
    return _BaseMap(pixels=pixels, lower=lower.astype(np.float64), span=span)
