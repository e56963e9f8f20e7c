"""Digits as pen strokes, the way a person draws them on the canvas.

Each digit is a list of strokes; each stroke a list of (x, y) points in a unit box (x to the
right, y down). ``render`` draws them like the canvas does (round brush, RGBA); the browser
tests replay the same strokes with the mouse.
"""

import math

import numpy as np
from PIL import Image, ImageDraw


def _loop(centre_x, centre_y, radius_x, radius_y, start_degrees=-90, points=20):
    return [
        (
            centre_x + radius_x * math.cos(math.radians(start_degrees + 360 * step / points)),
            centre_y + radius_y * math.sin(math.radians(start_degrees + 360 * step / points)),
        )
        for step in range(points + 1)
    ]


DIGIT_STROKES = {
    0: [_loop(0.5, 0.5, 0.3, 0.45)],
    1: [[(0.42, 0.15), (0.55, 0.03), (0.55, 0.97)]],
    2: [[(0.2, 0.25), (0.3, 0.1), (0.5, 0.04), (0.7, 0.1), (0.78, 0.27), (0.7, 0.45), (0.2, 0.95), (0.85, 0.95)]],
    3: [
        [
            (0.2, 0.12),
            (0.5, 0.03),
            (0.75, 0.13),
            (0.75, 0.34),
            (0.45, 0.48),
            (0.78, 0.6),
            (0.78, 0.85),
            (0.5, 0.97),
            (0.2, 0.9),
        ]
    ],
    4: [[(0.6, 0.03), (0.15, 0.65), (0.88, 0.65)], [(0.66, 0.3), (0.66, 0.97)]],
    5: [
        [(0.3, 0.05), (0.25, 0.45), (0.55, 0.38), (0.78, 0.52), (0.8, 0.78), (0.55, 0.96), (0.2, 0.9)],
        [(0.3, 0.05), (0.82, 0.05)],
    ],
    6: [
        [
            (0.72, 0.04),
            (0.4, 0.3),
            (0.22, 0.62),
            (0.28, 0.9),
            (0.52, 0.97),
            (0.74, 0.83),
            (0.72, 0.6),
            (0.48, 0.52),
            (0.25, 0.66),
        ]
    ],
    7: [[(0.15, 0.05), (0.85, 0.05), (0.6, 0.5), (0.42, 0.95)]],
    8: [_loop(0.5, 0.26, 0.2, 0.22, start_degrees=90), _loop(0.5, 0.72, 0.26, 0.25, start_degrees=-90)],
    9: [_loop(0.5, 0.28, 0.24, 0.24, start_degrees=0), [(0.74, 0.28), (0.7, 0.97)]],
}


def strokes_in_box(digit, left, top, size):
    """The digit's strokes in pixel coordinates, drawn in a size x size box at (left, top)."""
    return [[(left + x * size, top + y * size) for x, y in stroke] for stroke in DIGIT_STROKES[digit]]


def render(strokes, canvas_size=280, stroke_width=20, background=None, colour=(255, 255, 255)):
    """Strokes (pixel coordinates) -> RGBA uint8 array, like the canvas' ``image_data``.

    ``background=None`` leaves it transparent (ink only in the alpha channel);
    an RGB tuple paints an opaque background.
    """
    fill = (0, 0, 0, 0) if background is None else (*background, 255)
    image = Image.new("RGBA", (canvas_size, canvas_size), fill)
    draw = ImageDraw.Draw(image)
    radius = stroke_width / 2
    for stroke in strokes:
        draw.line(stroke, fill=(*colour, 255), width=stroke_width, joint="curve")
        for x, y in (stroke[0], stroke[-1]):
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*colour, 255))
    return np.asarray(image)


def draw_digit(digit, left=60, top=40, size=200, **render_options):
    return render(strokes_in_box(digit, left, top, size), **render_options)
