"""Made-up drawings: parts joined as people draw things, no two alike, none a digit.

No list of objects is drawn (a cloud, a house): a gate taught a list learns the list. Instead
each doodle is three to seven parts (lines, zigzags, arcs, rings, polygons, dots, filled blobs),
each starting on a part drawn before, so they hang together like a drawing; half are mirrored
about a vertical axis, as most drawn things are and digits almost never. Three or more parts in
random places rarely make a digit's shape; the few that do are outweighed by MNIST's digits.
"""

import math
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw

from model.making.synthetic.strokes import SIZE, Point, arc, draw_stroke, slant_and_turn

Stroke = list[Point]


def _line(rng: np.random.Generator, start: Point, size: float) -> Stroke:
    angle, length = rng.uniform(0, 2 * math.pi), size * rng.uniform(0.4, 1.2)
    return [start, (start[0] + length * math.cos(angle), start[1] + length * math.sin(angle))]


def _zigzag(rng: np.random.Generator, start: Point, size: float) -> Stroke:
    points = [start]
    heading = rng.uniform(0, 2 * math.pi)
    for _ in range(int(rng.integers(3, 7))):
        heading += rng.choice([-1, 1]) * rng.uniform(1.5, 2.6)
        step = size * rng.uniform(0.2, 0.5)
        points.append((points[-1][0] + step * math.cos(heading), points[-1][1] + step * math.sin(heading)))
    return points


def _arc(rng: np.random.Generator, start: Point, size: float) -> Stroke:
    radius, begin = size * rng.uniform(0.2, 0.6), rng.uniform(0, 360)
    centre = (start[0] - radius * math.cos(math.radians(begin)), start[1] - radius * math.sin(math.radians(begin)))
    sweep = rng.choice([-1, 1]) * rng.uniform(70, 240)
    return arc(*centre, radius, radius * rng.uniform(0.6, 1.4), begin, begin + sweep, points=14)


def _ring(rng: np.random.Generator, start: Point, size: float) -> Stroke:
    radius_x, radius_y = size * rng.uniform(0.1, 0.45), size * rng.uniform(0.1, 0.45)
    return arc(start[0] + radius_x, start[1], radius_x, radius_y, 180, 540, points=20)


def _polygon(rng: np.random.Generator, start: Point, size: float) -> Stroke:
    corners, radius = int(rng.integers(3, 7)), size * rng.uniform(0.15, 0.5)
    turn = rng.uniform(0, 2 * math.pi)
    centre = (start[0] - radius * math.cos(turn), start[1] - radius * math.sin(turn))
    points = [
        (
            centre[0] + radius * math.cos(turn + 2 * math.pi * k / corners),
            centre[1] + radius * math.sin(turn + 2 * math.pi * k / corners),
        )
        for k in range(corners)
    ]
    return [*points, points[0]]


PARTS: tuple[Callable[[np.random.Generator, Point, float], Stroke], ...] = (_line, _zigzag, _arc, _ring, _polygon)


def doodle(rng: np.random.Generator) -> Image.Image:
    """One made-up drawing, white on black, SIZE x SIZE."""
    size = rng.uniform(0.35, 0.6)
    mirrored = rng.random() < 0.5
    strokes: list[Stroke] = [PARTS[int(rng.integers(len(PARTS)))](rng, (0.5, rng.uniform(0.3, 0.6)), size)]
    filled: list[Stroke] = []
    dots: list[Point] = []
    for _ in range(int(rng.integers(2, 7))):
        on = strokes[int(rng.integers(len(strokes)))]
        start = on[int(rng.integers(len(on)))]
        choice = rng.random()
        if choice < 0.1:
            dots.append(start)
        elif choice < 0.18:
            filled.append(_polygon(rng, start, size * 0.6))
        else:
            strokes.append(PARTS[int(rng.integers(len(PARTS)))](rng, start, size * rng.uniform(0.5, 1.0)))
    if mirrored:
        strokes += [[(1 - x, y) for x, y in stroke] for stroke in strokes]
        filled += [[(1 - x, y) for x, y in shape] for shape in filled]
        dots += [(1 - x, y) for x, y in dots]
    image = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(image)
    pen = int(rng.integers(5, 26))
    every = np.array([point for stroke in strokes + filled for point in stroke] + dots)
    low, high = every.min(axis=0), every.max(axis=0)
    scale = (SIZE - 40) / max(float((high - low).max()), 1e-6)

    def placed(points: list[Point]) -> list[Point]:
        return [(20 + (x - low[0]) * scale, 20 + (y - low[1]) * scale) for x, y in points]

    for stroke in strokes:
        draw_stroke(draw, placed(stroke), pen)
    for shape in filled:
        draw.polygon(placed(shape), fill=255)
    for x, y in placed(dots):
        radius = pen * rng.uniform(0.6, 1.5)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    return slant_and_turn(image, rng)
