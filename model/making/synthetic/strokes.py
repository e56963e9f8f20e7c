"""Pen strokes, as every generator of drawings here writes them: points on an arc, and a line
drawn with a round pen tip (like the canvas' brush) in white on black."""

import math

import numpy as np
from PIL import ImageDraw

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
