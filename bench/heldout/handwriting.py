"""Digits written as pen strokes in the styles people use, made here: held-out "other hands".

MNIST was written by American census staff and students; people elsewhere write 1s with a long
flag and a foot, cross their 7s, leave 4s open, curl their 2s. Each digit here has several
styles (strokes in a unit box, x right, y down); every drawing moves each point a little, picks
its own size, width, slant and pen, and is rendered as the canvas sends it (transparent RGBA) or
as a photo of ink on paper (RGB, uneven light, blur, noise), at full or at low resolution.

No network trains on these: ``bench/drawings_robustness.py`` reads them to measure how well the
shipped model reads hands that are not MNIST's.
"""

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from model.making.synthetic.strokes import arc, draw_stroke

SIZE = 280


def _arc(centre_x, centre_y, radius_x, radius_y, start_degrees, end_degrees):
    return arc(centre_x, centre_y, radius_x, radius_y, start_degrees, end_degrees, points=16)


STYLES = {
    0: {"oval": [_arc(0.5, 0.5, 0.32, 0.46, -90, 270)], "overlapping start": [_arc(0.5, 0.5, 0.3, 0.46, -110, 280)]},
    1: {
        "stroke": [[(0.5, 0.03), (0.5, 0.97)]],
        "short flag": [[(0.35, 0.2), (0.55, 0.03), (0.55, 0.97)]],
        "long flag": [[(0.3, 0.38), (0.6, 0.03), (0.6, 0.97)]],
        "flag and foot": [[(0.25, 0.25), (0.55, 0.03), (0.55, 0.97)], [(0.25, 0.97), (0.85, 0.97)]],
    },
    2: {
        "plain": [
            [(0.2, 0.25), (0.3, 0.1), (0.5, 0.04), (0.7, 0.1), (0.78, 0.27), (0.7, 0.45), (0.2, 0.95), (0.85, 0.95)]
        ],
        "curled": [
            [
                (0.2, 0.22),
                (0.45, 0.03),
                (0.75, 0.15),
                (0.7, 0.45),
                (0.25, 0.85),
                (0.2, 0.97),
                (0.35, 0.85),
                (0.55, 0.95),
                (0.85, 0.95),
            ]
        ],
    },
    3: {
        "round": [
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
        "flat top": [[(0.2, 0.05), (0.8, 0.05), (0.45, 0.42), *_arc(0.5, 0.68, 0.3, 0.28, -80, 150)]],
    },
    4: {
        "closed": [[(0.6, 0.03), (0.15, 0.65), (0.88, 0.65)], [(0.66, 0.3), (0.66, 0.97)]],
        "open": [[(0.25, 0.03), (0.2, 0.6), (0.85, 0.6)], [(0.68, 0.15), (0.68, 0.97)]],
        "one stroke": [[(0.25, 0.03), (0.2, 0.6), (0.7, 0.6), (0.7, 0.15), (0.7, 0.97)]],
    },
    5: {
        "bar apart": [
            [(0.3, 0.05), (0.25, 0.45), (0.55, 0.38), (0.78, 0.52), (0.8, 0.78), (0.55, 0.96), (0.2, 0.9)],
            [(0.3, 0.05), (0.82, 0.05)],
        ],
        "one stroke": [
            [(0.82, 0.05), (0.3, 0.05), (0.25, 0.45), (0.55, 0.38), (0.78, 0.52), (0.8, 0.78), (0.55, 0.96), (0.2, 0.9)]
        ],
    },
    6: {
        "curved": [
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
        "straight back": [[(0.6, 0.03), (0.3, 0.55), *_arc(0.5, 0.74, 0.25, 0.23, 180, 540)]],
    },
    7: {
        "plain": [[(0.15, 0.05), (0.85, 0.05), (0.6, 0.5), (0.42, 0.95)]],
        "crossed": [[(0.15, 0.05), (0.85, 0.05), (0.6, 0.5), (0.42, 0.95)], [(0.4, 0.5), (0.82, 0.5)]],
        "hooked": [[(0.15, 0.2), (0.15, 0.05), (0.85, 0.05), (0.5, 0.97)]],
    },
    8: {
        "two loops": [_arc(0.5, 0.26, 0.2, 0.22, 90, 450), _arc(0.5, 0.72, 0.26, 0.25, -90, 270)],
        "one stroke": [
            [
                (0.7, 0.12),
                (0.5, 0.03),
                (0.3, 0.15),
                (0.35, 0.35),
                (0.7, 0.6),
                (0.75, 0.85),
                (0.5, 0.97),
                (0.25, 0.85),
                (0.3, 0.6),
                (0.65, 0.35),
                (0.7, 0.12),
            ]
        ],
    },
    9: {
        "straight stem": [_arc(0.5, 0.28, 0.24, 0.24, 0, 360), [(0.74, 0.28), (0.7, 0.97)]],
        "curved stem": [[*_arc(0.5, 0.28, 0.24, 0.24, 0, 360), (0.72, 0.6), (0.6, 0.9), (0.4, 0.97)]],
    },
}

RENDERINGS = ("canvas", "photo")


def written_digit(digit, style, rng, rendering="canvas", low_resolution=False):
    """One drawing of ``digit`` in ``style``: RGBA (canvas) or RGB (photo), 280x280."""
    slant = rng.uniform(-0.45, 0.45)  # up to a 24 degree lean either way
    height = rng.uniform(110, 220)
    width = height * rng.uniform(0.55, 0.85)
    lean = abs(slant) * height / 2  # how far the top and bottom move sideways
    left = rng.uniform(10 + lean, max(10 + lean, SIZE - 10 - width - lean))
    top = rng.uniform(10, SIZE - 10 - height)
    pen = int(rng.choice([4, 8, 14, 22, 32]))  # a fine pen to a fat marker
    image = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(image)
    for stroke in STYLES[digit][style]:
        points = []
        for x, y in stroke:
            x, y = x + rng.normal(0, 0.025), y + rng.normal(0, 0.025)
            points.append((left + x * width - slant * (y - 0.5) * height, top + y * height))
        draw_stroke(draw, points, pen)
    if low_resolution:  # a small photo or a thumbnail: 40 px across, then back up
        image = image.resize((40, 40), Image.Resampling.BILINEAR).resize((SIZE, SIZE), Image.Resampling.BILINEAR)
    if rendering == "photo":
        return np.repeat(on_paper(image, rng)[..., None], 3, axis=2)
    return on_canvas(image)


def on_canvas(strokes):
    """White strokes on black (a PIL "L" image) -> RGBA as the canvas sends it: white ink, the
    strokes in the alpha channel, the rest transparent."""
    rgba = np.zeros((strokes.size[1], strokes.size[0], 4), np.uint8)
    rgba[..., :3] = 255
    rgba[..., 3] = np.asarray(strokes)
    return rgba


def on_paper(strokes, rng, blur=1.5, light=225, shading=(-30, 20), grain=6):
    """White strokes on black (a PIL "L" image) -> a grey photo of dark ink on paper: the pen's
    edge blurred, the light falling off across the page, the paper's grain."""
    ink = np.asarray(strokes.filter(ImageFilter.GaussianBlur(blur)), np.float32) / 255
    paper = light + np.linspace(*shading, ink.shape[1])[None, :] + rng.normal(0, grain, ink.shape)
    return np.clip(paper * (1 - 0.85 * ink), 0, 255).astype(np.uint8)


def on_board(strokes, rng, blur=1.2, board=30, lit=(20, 110), grain=5):
    """White strokes on black (a PIL "L" image) -> a grey photo of chalk on a blackboard: the chalk
    leaving gaps, the board lit from one side (up to ``lit`` grey levels brighter across the
    photo, from any side), its grain."""
    ink = np.asarray(strokes.filter(ImageFilter.GaussianBlur(blur)), np.float32) / 255
    light = np.linspace(0, rng.uniform(*lit), ink.shape[1])[None, :] * np.ones_like(ink)
    light = np.rot90(light, int(rng.integers(4))) if ink.shape[0] == ink.shape[1] else light
    ground = board + light + rng.normal(0, grain, ink.shape)
    chalk = 0.55 + 0.45 * rng.random(ink.shape)
    return np.clip(ground + ink * chalk * (235 - ground), 0, 255).astype(np.uint8)


def written_digits(count, seed=0, rendering="canvas"):
    """``count`` (digit, style, low_resolution, picture): every digit and style in turn, a fifth at low resolution."""
    rng = np.random.default_rng(seed)
    every_style = [(digit, style) for digit in STYLES for style in STYLES[digit]]
    for index in range(count):
        digit, style = every_style[index % len(every_style)]
        low_resolution = index % 5 == 4
        yield digit, style, low_resolution, written_digit(digit, style, rng, rendering, low_resolution)
