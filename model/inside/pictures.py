"""A layer's activations as one picture: a grid of feature maps, or a strip of units.

Plain numpy and a colour table, no figure: the Inside page draws one picture per layer on every
pen stroke. A picture has one pixel per value (the browser enlarges it with square pixels), so
it costs little to make and to send. Each is scaled to its own strongest value, so a layer's
pattern is visible whatever its range; the caption gives the range.
"""

import dataclasses

import numpy as np
from matplotlib import colormaps

from model.inside.activations import LayerActivation
from model.language import _

SHOWN_MAPS = 16  # feature maps shown per layer: the strongest, so a 128-map layer stays readable
GAP = 1  # pixels between tiles
UNITS_PER_ROW = 32
LEVELS = 255  # colours per table; a picture's palette adds the background grey as entry 255
BACKGROUND_INDEX = LEVELS
_BACKGROUND = np.array([128, 128, 128], dtype=np.uint8)


def _palette(name: str) -> np.ndarray:
    colours = (colormaps[name](np.linspace(0.0, 1.0, LEVELS))[:, :3] * 255).astype(np.uint8)
    return np.vstack([colours, _BACKGROUND[None]])


_FIRING = _palette("magma")  # dark = silent, bright = firing: reads on light and dark pages
_SIGNED = _palette("RdBu_r")  # a layer before its activation function can be negative (blue)


@dataclasses.dataclass(frozen=True)
class IndexedPicture:
    """A picture as indices into a 256-colour palette: a third of the pixels of its RGB, so the
    page encodes and sends it in a third of the time (a palette PNG)."""

    indices: np.ndarray  # (height, width) uint8
    palette: np.ndarray  # (256, 3) uint8

    def rgb(self) -> np.ndarray:
        return self.palette[self.indices]


def strongest_maps(values: np.ndarray, count: int = SHOWN_MAPS) -> np.ndarray:
    """Indices of the ``count`` feature maps (last axis) with the largest mean |activation|, strongest first."""
    strength = np.abs(values).reshape(-1, values.shape[-1]).mean(axis=0)
    return np.argsort(-strength, kind="stable")[:count]


def colour_indices(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values -> (uint8 indices, palette): magma from 0 to the largest value, or blue-white-red
    around 0 if any is negative."""
    values = np.asarray(values, dtype=np.float32)
    largest = float(np.abs(values).max()) if values.size else 0.0
    if largest == 0.0:
        return np.zeros(values.shape, dtype=np.uint8), _FIRING
    if values.min() < 0:
        return np.round((0.5 + 0.5 * values / largest) * (LEVELS - 1)).astype(np.uint8), _SIGNED
    return np.round(values / largest * (LEVELS - 1)).astype(np.uint8), _FIRING


def coloured(values: np.ndarray) -> np.ndarray:
    """Values -> RGB uint8, coloured as ``colour_indices`` says."""
    indices, palette = colour_indices(values)
    return palette[indices]


def tiled(tiles: np.ndarray, columns: int, scale: int, background: np.ndarray | int = _BACKGROUND) -> np.ndarray:
    """Tiles (n, h, w, 3) of RGB, or (n, h, w) of palette indices, in a grid ``columns`` wide,
    each enlarged ``scale`` times, ``background`` in the gaps between."""
    count, height, width = tiles.shape[:3]
    rows = -(-count // columns)
    columns = min(columns, count)
    tile_height, tile_width = height * scale, width * scale
    grid = np.empty(
        (rows * (tile_height + GAP) - GAP, columns * (tile_width + GAP) - GAP, *tiles.shape[3:]), dtype=np.uint8
    )
    grid[:] = background
    for index, tile in enumerate(tiles):
        row, column = divmod(index, columns)
        top, left = row * (tile_height + GAP), column * (tile_width + GAP)
        grid[top : top + tile_height, left : left + tile_width] = tile.repeat(scale, axis=0).repeat(scale, axis=1)
    return grid


def activation_picture(activation: LayerActivation, units_per_row: int = UNITS_PER_ROW) -> np.ndarray:
    """One layer as an RGB picture (``indexed_activation_picture``'s colours)."""
    return indexed_activation_picture(activation, units_per_row).rgb()


def indexed_activation_picture(activation: LayerActivation, units_per_row: int = UNITS_PER_ROW) -> IndexedPicture:
    """One layer as a picture, one pixel per value: its strongest feature maps in a grid four
    wide, or its units as cells in rows of ``units_per_row``, in the order of the network."""
    values = activation.values
    if activation.is_spatial:
        shown = strongest_maps(values)
        indices, palette = colour_indices(np.moveaxis(values[..., shown], -1, 0))  # (maps, height, width)
        return IndexedPicture(tiled(indices, columns=min(4, len(shown)), scale=1, background=BACKGROUND_INDEX), palette)
    units = values.reshape(-1)
    columns = min(units_per_row, len(units))
    rows = -(-len(units) // columns)
    indices, palette = colour_indices(units)
    cells = np.full(rows * columns, BACKGROUND_INDEX, dtype=np.uint8)
    cells[: len(units)] = indices
    return IndexedPicture(cells.reshape(rows, columns), palette)


def value_range(activation: LayerActivation) -> str:
    """The range a picture's colours span, for its caption."""
    values = activation.values
    return _("{low:.2f} to {high:.2f}").format(low=float(values.min()), high=float(values.max()))
