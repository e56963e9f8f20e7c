"""What each unit of the first layer learned, as pictures: a convolution's kernels, or each hidden
unit's 784 incoming weights drawn as a 28x28 image (the picture in chapter 1 of Nielsen's book).

The pictures are the weights themselves, read off the layer; the grid colours them red where a
weight is positive and blue where it is negative. Pure numpy: the Inside page redraws the grid
on every pen stroke, and the Train page with every training report.
"""

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from model.inside.pictures import tiled

CONVOLUTION, DENSE = "convolution", "dense"
SNAPSHOT_UNITS = 32  # units in a training snapshot: 32 x 28 x 28 float16 weights are 49 KB


@dataclasses.dataclass(frozen=True, eq=False)
class FirstLayer:
    """The first weighted layer's units as pictures: ``pictures`` is (units, height, width),
    one kernel (``kind`` "convolution") or one hidden unit's weights over the image ("dense")
    per unit. ``units`` is how many the layer has; a snapshot may hold only the first few."""

    kind: str
    layer_name: str
    pictures: np.ndarray
    units: int

    def snapshot(self, units: int = SNAPSHOT_UNITS) -> "FirstLayer":
        """The first ``units`` pictures in float16: small enough to travel with every training report
        (the MLP's 512 hidden units would be 1.6 MB in float32; 32 in float16 are 49 KB)."""
        if units < 1:
            raise ValueError(f"a snapshot needs at least one unit, not {units}")
        return dataclasses.replace(self, pictures=self.pictures[:units].astype(np.float16))


def first_layer_weights(keras_model: Any) -> FirstLayer | None:
    """The first weighted layer of ``keras_model`` as pictures, or None when it is neither a Conv2D
    over a one-channel image nor a Dense layer over the whole image.

    An ensemble (a model whose layers are models) answers with its first member; pass a member
    itself for the others.
    """
    import keras

    for layer in keras_model.layers:
        if isinstance(layer, keras.Model):
            return first_layer_weights(layer)
        if isinstance(layer, keras.layers.Conv2D):
            kernel = keras.ops.convert_to_numpy(layer.kernel)  # (height, width, channels, filters)
            if kernel.shape[2] != 1:
                return None
            pictures = np.moveaxis(kernel[:, :, 0, :], -1, 0)
            return FirstLayer(CONVOLUTION, layer.name, np.ascontiguousarray(pictures, np.float32), len(pictures))
        if isinstance(layer, keras.layers.Dense):
            kernel = keras.ops.convert_to_numpy(layer.kernel)  # (inputs, units)
            height, width = _image_size(keras_model)
            if kernel.shape[0] != height * width:
                return None  # a Dense layer over something other than the image's pixels
            pictures = kernel.T.reshape(-1, height, width)
            return FirstLayer(DENSE, layer.name, np.ascontiguousarray(pictures, np.float32), len(pictures))
        if layer.trainable_weights:
            return None  # another kind of layer comes first (batch normalisation, an embedding)
    return None


def weights_grid(
    pictures: np.ndarray,
    order: Sequence[int] | np.ndarray | None = None,
    limit: int = 32,
    tile_px: int = 56,
    columns: int = 8,
) -> np.ndarray:
    """An RGB uint8 image of the units' pictures, ``columns`` to a row, in ``order`` (unit indices;
    None: as they come) and at most ``limit`` of them. Each weight is a square of about
    ``tile_px / picture side`` pixels (nearest neighbour: a 3x3 kernel stays nine squares), coloured
    as ``plots.attribution_picture`` colours: red positive, blue negative, white near zero.
    """
    pictures = np.asarray(pictures, dtype=np.float32)
    if pictures.ndim != 3 or 0 in pictures.shape:
        raise ValueError(f"pictures must be (units, height, width) with at least one unit, not {pictures.shape}")
    if limit < 1 or tile_px < 1 or columns < 1:
        raise ValueError(f"limit, tile_px and columns must be at least 1, not {limit}, {tile_px}, {columns}")
    chosen = np.arange(len(pictures)) if order is None else np.asarray(order, dtype=np.int64).reshape(-1)
    if len(chosen) == 0 or chosen.min() < 0 or chosen.max() >= len(pictures):
        raise ValueError(f"order must name units between 0 and {len(pictures) - 1}")
    shown = np.nan_to_num(pictures[chosen[:limit]])  # a diverged run's NaN weights draw as zero
    # Each picture on its own scale: what a unit learned is the pattern of its weights, and units
    # differ several times over in size, so a shared scale would wash the weaker ones out to white.
    largest = np.abs(shown).max(axis=(1, 2), keepdims=True)
    tiles = _red_white_blue(shown / np.where(largest > 0, largest, 1.0))
    return tiled(tiles, columns, scale=max(1, tile_px // max(pictures.shape[1:])))


def _red_white_blue(values: np.ndarray) -> np.ndarray:
    """Values in [-1, 1] as uint8 RGB: matplotlib's "bwr" map (``attribution_picture``'s colours),
    worked out here so that drawing the grid never loads matplotlib."""
    fade = 1.0 - np.abs(values)
    red = np.where(values < 0, fade, 1.0)
    blue = np.where(values > 0, fade, 1.0)
    colours = np.stack([red, fade, blue], axis=-1)
    return np.rint(colours * 255).astype(np.uint8)


def _image_size(keras_model: Any) -> tuple[int, int]:
    """(height, width) of the model's one-channel input images, the shape a Dense unit's weights are
    drawn in; (0, 0) when its input is not such an image (a flat vector, colour channels)."""
    inputs = getattr(keras_model, "inputs", None) or [None]
    shape = tuple(getattr(inputs[0], "shape", ())[1:])
    if len(shape) == 2 or (len(shape) == 3 and shape[2] == 1):
        return int(shape[0] or 0), int(shape[1] or 0)
    return 0, 0
