"""The map of the test digits as a picture: drawn once per look and size with matplotlib, and
a drawing's marker (a ring with lines to its nearest test digits) placed on it.

The Inside page shows the picture once and draws the marker over it in the browser (its
geometry, ``marker``), so a stroke sends a few numbers instead of a new picture; the projector's
slide draws the marker into the pixels (``map_picture``).
"""

import dataclasses

import numpy as np

from model.inside.digit_map import BACKGROUNDS, FOREGROUNDS, DigitMap, Placement

KEPT_LOOKS = 8  # (dark, size) pictures kept per map: a page asks for one or two, a few MB each


@dataclasses.dataclass(frozen=True)
class BaseMap:
    """The map rendered once, and where its data coordinates fall in its pixels."""

    pixels: np.ndarray  # (size, size, 3) uint8
    lower: np.ndarray  # (2,) data coordinates of the picture's bottom-left corner
    span: float  # data units across the square picture

    def to_pixels(self, points: np.ndarray) -> np.ndarray:
        size = self.pixels.shape[0]
        scaled = (np.asarray(points, dtype=np.float64) - self.lower) / self.span * size
        return np.stack([scaled[..., 0], size - scaled[..., 1]], axis=-1)


@dataclasses.dataclass(frozen=True)
class Marker:
    """A drawing's marker in a picture's pixels: its ring, and lines out to its neighbours."""

    centre: tuple[float, float]
    ends: list[tuple[float, float]]  # the neighbours, nearest first
    line: int  # stroke width
    radius: int  # the ring's


def base_map(digit_map: DigitMap, dark: bool = False, size_px: int = 640) -> BaseMap:
    """(size_px, size_px) picture of the test digits coloured by their true digit, each digit's
    name at its cluster's middle, the model's mistakes crossed; drawn once per look and size."""
    if not 120 <= size_px <= 4000:
        raise ValueError(f"size_px must be 120..4000, got {size_px}")
    key = (bool(dark), int(size_px))
    base = digit_map._pictures.get(key)
    if base is None:
        if len(digit_map._pictures) >= KEPT_LOOKS:
            digit_map._pictures.clear()
        base = digit_map._pictures[key] = _render_base(digit_map, dark, size_px)
    return base


def marker(digit_map: DigitMap, placement: Placement, size_px: int) -> Marker:
    """Where the drawing's marker goes on a ``size_px`` picture of the map."""
    base = base_map(digit_map, size_px=size_px)  # the geometry is the same in both looks
    centre = base.to_pixels(np.array(placement.position))
    ends = base.to_pixels(digit_map.coordinates[placement.neighbour_indices])
    return Marker(
        centre=(float(centre[0]), float(centre[1])),
        ends=[(float(x), float(y)) for x, y in ends],
        line=max(2, size_px // 240),
        radius=max(8, size_px // 32),
    )


def map_picture(
    digit_map: DigitMap, placement: Placement | None = None, dark: bool = False, size_px: int = 640
) -> np.ndarray:
    """(size_px, size_px, 3) uint8: the map (``base_map``) with the drawing's marker drawn in,
    when it is placed."""
    base = base_map(digit_map, dark, size_px)
    if placement is None:
        return base.pixels.copy()
    from PIL import Image, ImageDraw

    picture = Image.fromarray(base.pixels)
    draw = ImageDraw.Draw(picture)
    foreground, background = FOREGROUNDS[dark], BACKGROUNDS[dark]
    where = marker(digit_map, placement, size_px)
    line, radius = where.line, where.radius
    for end in where.ends:
        draw.line([where.centre, end], fill=foreground, width=line)
        draw.ellipse(_box(end, line * 2.5), outline=foreground, width=line)
    draw.ellipse(_box(where.centre, radius + line * 1.5), outline=background, width=line * 5)
    draw.ellipse(_box(where.centre, radius), outline=foreground, width=line * 2)
    draw.ellipse(_box(where.centre, line * 1.5), fill=foreground)
    return np.asarray(picture)


def _box(centre: tuple[float, float], radius: float) -> list[float]:
    return [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius]


def _render_base(digit_map: DigitMap, dark: bool, size_px: int) -> BaseMap:
    from matplotlib import colormaps
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from model.plots import new_figure

    coordinates, labels = digit_map.coordinates, digit_map.labels
    # A square picture over the map's larger extent, so distances look alike in both directions.
    low, high = coordinates.min(axis=0), coordinates.max(axis=0)
    span = float((high - low).max()) * 1.06 + 1e-6
    lower = (low + high) / 2 - span / 2
    dpi, scale = 100, size_px / 640
    figure = new_figure(figsize=(size_px / dpi, size_px / dpi), dpi=dpi, facecolor=BACKGROUNDS[dark])
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
    return BaseMap(pixels=pixels, lower=lower.astype(np.float64), span=span)
