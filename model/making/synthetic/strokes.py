"""Pens and the canvas, as every generator of drawings here uses them: points on an arc, a line
drawn with a round pen tip (like the canvas' brush) in white on black, a hand's slant and turn,
a thinner or thicker pen, and the fonts matplotlib ships."""

import math
from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SIZE = 280  # the side of the square every generator draws on, as big as the Draw page's canvas
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"

Point = tuple[float, float]


def arc(
    centre_x: float,
    centre_y: float,
    radius_x: float,
    radius_y: float,
    start_degrees: float,
    end_degrees: float,
    points: int,
) -> list[Point]:
    """``points`` points along an elliptical arc, from ``start_degrees`` to ``end_degrees`` (y down)."""
    return [
        (centre_x + radius_x * math.cos(math.radians(angle)), centre_y + radius_y * math.sin(math.radians(angle)))
        for angle in np.linspace(start_degrees, end_degrees, points)
    ]


def draw_stroke(draw: ImageDraw.ImageDraw, points: list[Point], pen: int) -> None:
    """One stroke through ``points``, ``pen`` pixels wide, with round ends as a pen tip makes."""
    draw.line(points, fill=255, width=pen, joint="curve")
    for x, y in (points[0], points[-1]):
        draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=255)


def slant_and_turn(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The picture slanted (sheared) and turned a little, as hands do."""
    shear = rng.uniform(-0.35, 0.35)
    image = image.transform(image.size, Image.Transform.AFFINE, (1, shear, -shear * SIZE / 2, 0, 1, 0))
    return image.rotate(rng.uniform(-20, 20), resample=Image.Resampling.BILINEAR)


def vary_pen(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """White-on-black ink drawn again with a thicker pen (30 %), a thinner one (15 %) or as it is."""
    choice = rng.random()
    if choice < 0.3:
        return image.filter(ImageFilter.MaxFilter(int(rng.choice([3, 5, 7]))))
    if choice < 0.45:
        return image.filter(ImageFilter.MinFilter(3))
    return image
