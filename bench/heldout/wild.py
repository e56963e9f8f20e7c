"""Drawings in the wild, by family, made by code no network or threshold here learns from.

Every family is made by code written only for this benchmark, with a pen model of its own (a
brush whose width swells and thins along the stroke, drawn as overlapping discs along a smooth
curve):

- non-digits a visitor tries when testing a demo: doodles (clouds, hearts, stars, arrows, ticks,
  crosses, houses, trees, flowers, stick figures, spirals, waves, suns, question marks), letters
  written with the pen (Latin, Greek and Cyrillic forms), printed letters and symbols in a font
  family the training never used (Liberation Sans, Serif and Mono), filled blobs, smooth
  photos, and screenshots;
- digits: the held-out handwriting styles (``handwriting.py``) redrawn with this pen on a canvas and
  photographed on paper, digits printed in the Liberation fonts, and small low-resolution digits
  (a 9-13 pixel scan, blown up).

Held out is not the same as unlike training: some families are kinds that the gate's training
generators (``model/making/synthetic/negatives.py``) also make, with other code, fonts and pens.
``TRAINED_KIND`` names that kind for each such family; the others are kinds no training generator
makes at all, and only they say what a kind nobody generated gets.

``families()`` names them; ``make(family, count, seed)`` yields (truth, rendering, picture): truth is
the digit or None, the picture a canvas RGBA array or a photo (RGB array) of ink on paper or,
when asked for, of chalk on a blackboard in uneven light, as the app receives them.
"""

import math
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from bench.heldout.handwriting import STYLES, on_board, on_canvas, on_paper

SIZE = 280
LIBERATION = Path("/usr/share/fonts/truetype/liberation")
LIBERATION_FONTS = (
    "LiberationSans-Regular.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationMono-Bold.ttf",
    "LiberationSerif-Regular.ttf",
    "LiberationSans-BoldItalic.ttf",
)
# Printed letters and symbols: nothing a person would read as a digit (no O, o, l, I, S, Z, B, g, q).
PRINTED = "ACEFGHJKLMNPRTUVWXYacdefhjkmnprtuvwxyΓΔΛΞΠΣΦΨΩαβγεηθλμπρστφψωБГДЖИЛПФЦШЩЭЮЯжилфшщюя@&%?!*#$€£¥§¶©®™→←↑↓♥♦♣♠☺"

Stroke = list[tuple[float, float]]


# --- the pen ---------------------------------------------------------------------------------


def _smooth(points: Stroke, steps: int = 8) -> Stroke:
    """A Catmull-Rom curve through the points: a hand's stroke, not a polyline."""
    if len(points) < 3:
        return [
            tuple(np.add(points[0], np.multiply(np.subtract(points[-1], points[0]), t))) for t in np.linspace(0, 1, 12)
        ]
    padded = [points[0], *points, points[-1]]
    curve = []
    for p0, p1, p2, p3 in zip(padded, padded[1:], padded[2:], padded[3:], strict=False):
        for t in np.linspace(0, 1, steps, endpoint=False):
            t2, t3 = t * t, t * t * t
            curve.append(
                tuple(
                    0.5
                    * (
                        (2 * np.array(p1))
                        + (-np.array(p0) + p2) * t
                        + (2 * np.array(p0) - 5 * np.array(p1) + 4 * np.array(p2) - p3) * t2
                        + (-np.array(p0) + 3 * np.array(p1) - 3 * np.array(p2) + p3) * t3
                    )
                )
            )
    curve.append(points[-1])
    return curve


def _brush(draw: ImageDraw.ImageDraw, stroke: Stroke, width: float, rng: np.random.Generator) -> None:
    """Discs along the curve, close enough to merge, their width swelling and thinning like
    pressure on a brush pen."""
    curve = np.array(_smooth(stroke))
    lengths = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(curve, axis=0).T))])
    spacing = max(0.5, width / 6)
    along = np.arange(0.0, lengths[-1] + spacing, spacing)
    xs, ys = np.interp(along, lengths, curve[:, 0]), np.interp(along, lengths, curve[:, 1])
    phase, swell = rng.uniform(0, 2 * math.pi), rng.uniform(0.0, 0.45)
    for index, (x, y) in enumerate(zip(xs, ys, strict=True)):
        radius = width / 2 * (1 + swell * math.sin(phase + index / max(1, len(xs)) * 2 * math.pi))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)


def _drawn(strokes: list[Stroke], rng: np.random.Generator, jitter: float = 0.03) -> Image.Image:
    """Strokes in a unit box drawn at a random size, place, slant and pen width: white on black."""
    height = rng.uniform(120, 230)
    width = height * rng.uniform(0.7, 1.2)
    left, top = rng.uniform(10, max(11, SIZE - 10 - width)), rng.uniform(10, SIZE - 10 - height)
    slant, pen = rng.uniform(-0.3, 0.3), rng.uniform(5, 30)
    image = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        points = [
            (
                left + (x + rng.normal(0, jitter)) * width - slant * (y - 0.5) * height,
                top + (y + rng.normal(0, jitter)) * height,
            )
            for x, y in stroke
        ]
        _brush(draw, points, pen, rng)
    return image


def _ellipse(cx: float, cy: float, rx: float, ry: float, start: float = 0, end: float = 360, n: int = 24) -> Stroke:
    return [
        (cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a))) for a in np.linspace(start, end, n)
    ]


# --- doodles: strokes in a unit box (x right, y down) ------------------------------------------


def _cloud(rng: np.random.Generator) -> list[Stroke]:
    bumps, points = int(rng.integers(5, 9)), []
    for index in range(bumps):
        angle = 2 * math.pi * index / bumps
        cx, cy = 0.5 + 0.32 * math.cos(angle), 0.55 + 0.22 * math.sin(angle)
        points += _ellipse(cx, cy, 0.14, 0.12, math.degrees(angle) - 90, math.degrees(angle) + 90, 8)
    return [points + points[:1]]


def _heart(rng: np.random.Generator) -> list[Stroke]:
    t = np.linspace(0, 2 * math.pi, 40)
    x, y = 16 * np.sin(t) ** 3, 13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t)
    return [list(zip(0.5 + x / 36, 0.45 - y / 36, strict=True))]


def _star(rng: np.random.Generator) -> list[Stroke]:
    corners = int(rng.choice([5, 6, 8]))
    points = [
        (
            0.5 + (0.48 if i % 2 == 0 else 0.2) * math.sin(math.pi * i / corners),
            0.5 - (0.48 if i % 2 == 0 else 0.2) * math.cos(math.pi * i / corners),
        )
        for i in range(2 * corners)
    ]
    return [[*points, points[0]]]


def _arrow(rng: np.random.Generator) -> list[Stroke]:
    angle = rng.uniform(0, 2 * math.pi)
    dx, dy = math.cos(angle), math.sin(angle)
    tail, head = (0.5 - 0.45 * dx, 0.5 - 0.45 * dy), (0.5 + 0.45 * dx, 0.5 + 0.45 * dy)
    wing = [
        (head[0] - 0.25 * (dx * math.cos(s) - dy * math.sin(s)), head[1] - 0.25 * (dy * math.cos(s) + dx * math.sin(s)))
        for s in (0.5, -0.5)
    ]
    return [[tail, head], [wing[0], head, wing[1]]]


def _tick_or_cross(rng: np.random.Generator) -> list[Stroke]:
    if rng.random() < 0.5:
        return [[(0.1, 0.55), (0.38, 0.9), (0.95, 0.08)]]
    return [[(0.1, 0.1), (0.9, 0.9)], [(0.9, 0.1), (0.1, 0.9)]]


def _house(rng: np.random.Generator) -> list[Stroke]:
    return [
        [(0.15, 0.45), (0.15, 0.95), (0.85, 0.95), (0.85, 0.45), (0.15, 0.45)],
        [(0.05, 0.5), (0.5, 0.05), (0.95, 0.5)],
        [(0.42, 0.95), (0.42, 0.7), (0.58, 0.7), (0.58, 0.95)],
    ]


def _tree(rng: np.random.Generator) -> list[Stroke]:
    top = (
        _ellipse(0.5, 0.35, 0.38, 0.3, 0, 360, 20)
        if rng.random() < 0.5
        else [(0.5, 0.02), (0.1, 0.65), (0.9, 0.65), (0.5, 0.02)]
    )
    return [top, [(0.45, 0.65), (0.45, 0.98)], [(0.55, 0.65), (0.55, 0.98)]]


def _flower(rng: np.random.Generator) -> list[Stroke]:
    petals = int(rng.integers(5, 8))
    strokes = [_ellipse(0.5, 0.3, 0.08, 0.08)]
    for index in range(petals):
        angle = 360 * index / petals
        cx, cy = 0.5 + 0.18 * math.cos(math.radians(angle)), 0.3 + 0.18 * math.sin(math.radians(angle))
        strokes.append(_ellipse(cx, cy, 0.09, 0.09, 0, 360, 12))
    return [*strokes, [(0.5, 0.5), (0.48, 0.98)], [(0.49, 0.8), (0.7, 0.65)]]


def _stick_figure(rng: np.random.Generator) -> list[Stroke]:
    return [
        _ellipse(0.5, 0.15, 0.12, 0.12),
        [(0.5, 0.27), (0.5, 0.65)],
        [(0.2, 0.4), (0.5, 0.35), (0.8, 0.4)],
        [(0.25, 0.98), (0.5, 0.65), (0.75, 0.98)],
    ]


def _spiral(rng: np.random.Generator) -> list[Stroke]:
    turns = rng.uniform(2, 3.5)
    t = np.linspace(0, turns * 2 * math.pi, 80)
    r = 0.04 + 0.44 * t / t[-1]
    return [list(zip(0.5 + r * np.cos(t), 0.5 + r * np.sin(t), strict=True))]


def _wave(rng: np.random.Generator) -> list[Stroke]:
    x = np.linspace(0.02, 0.98, 40)
    if rng.random() < 0.5:
        return [list(zip(x, 0.5 + 0.25 * np.sin(x * rng.uniform(3, 5) * math.pi), strict=True))]
    return [[(v, 0.3 if i % 2 else 0.7) for i, v in enumerate(np.linspace(0.02, 0.98, int(rng.integers(5, 9))))]]


def _sun(rng: np.random.Generator) -> list[Stroke]:
    rays = [
        [(0.5 + 0.28 * math.cos(a), 0.5 + 0.28 * math.sin(a)), (0.5 + 0.48 * math.cos(a), 0.5 + 0.48 * math.sin(a))]
        for a in np.linspace(0, 2 * math.pi, int(rng.integers(6, 11)), endpoint=False)
    ]
    return [_ellipse(0.5, 0.5, 0.2, 0.2), *rays]


def _question_mark(rng: np.random.Generator) -> list[Stroke]:
    return [[*_ellipse(0.5, 0.25, 0.28, 0.22, 190, 400, 14), (0.5, 0.65)], _ellipse(0.5, 0.92, 0.03, 0.03, 0, 360, 6)]


DOODLES: dict[str, Callable[[np.random.Generator], list[Stroke]]] = {
    "cloud": _cloud,
    "heart": _heart,
    "star": _star,
    "arrow": _arrow,
    "tick or cross": _tick_or_cross,
    "house": _house,
    "tree": _tree,
    "flower": _flower,
    "stick figure": _stick_figure,
    "spiral": _spiral,
    "wave": _wave,
    "sun": _sun,
    "question mark": _question_mark,
}

# Letters as a hand writes them, Latin, Greek and Cyrillic forms (none reads as a digit).
LETTERS: dict[str, list[Stroke]] = {
    "A": [[(0.05, 0.98), (0.5, 0.02), (0.95, 0.98)], [(0.25, 0.6), (0.75, 0.6)]],
    "H": [[(0.1, 0.02), (0.1, 0.98)], [(0.9, 0.02), (0.9, 0.98)], [(0.1, 0.5), (0.9, 0.5)]],
    "C": [_ellipse(0.55, 0.5, 0.45, 0.48, 40, 320, 18)],
    "U": [[(0.1, 0.02), *_ellipse(0.5, 0.6, 0.4, 0.38, 180, 0, 14), (0.9, 0.02)]],
    "G": [[*_ellipse(0.55, 0.5, 0.45, 0.48, 30, 330, 16), (0.95, 0.55), (0.6, 0.55)]],
    "J": [[(0.3, 0.02), (0.9, 0.02)], [(0.7, 0.02), (0.7, 0.75), *_ellipse(0.45, 0.75, 0.25, 0.22, 0, 180, 8)]],
    "T": [[(0.02, 0.05), (0.98, 0.05)], [(0.5, 0.05), (0.5, 0.98)]],
    "Q": [_ellipse(0.5, 0.48, 0.42, 0.46), [(0.6, 0.75), (0.98, 0.98)]],
    "W": [[(0.02, 0.05), (0.25, 0.95), (0.5, 0.35), (0.75, 0.95), (0.98, 0.05)]],
    "λ": [[(0.15, 0.02), (0.85, 0.98)], [(0.5, 0.45), (0.1, 0.98)]],
    "Ж": [
        [(0.5, 0.02), (0.5, 0.98)],
        [(0.05, 0.05), (0.5, 0.5), (0.05, 0.95)],
        [(0.95, 0.05), (0.5, 0.5), (0.95, 0.95)],
    ],
    "Ш": [[(0.05, 0.02), (0.05, 0.95), (0.95, 0.95), (0.95, 0.02)], [(0.5, 0.02), (0.5, 0.95)]],
    "Ф": [_ellipse(0.5, 0.45, 0.45, 0.25), [(0.5, 0.02), (0.5, 0.98)]],
    "Ω": [[(0.05, 0.95), (0.3, 0.95), *_ellipse(0.5, 0.45, 0.4, 0.42, 120, -60, 18)[::-1], (0.7, 0.95), (0.95, 0.95)]],
    "&": [
        [
            (0.9, 0.95),
            *_ellipse(0.4, 0.22, 0.18, 0.18, 0, -300, 12),
            (0.15, 0.8),
            *_ellipse(0.4, 0.75, 0.25, 0.22, 180, 20, 8),
            (0.9, 0.5),
        ]
    ],
}


def _doodle(kind: str) -> Callable[[np.random.Generator], Image.Image]:
    return lambda rng: _drawn(DOODLES[kind](rng), rng)


def _letter(rng: np.random.Generator) -> Image.Image:
    names = list(LETTERS)
    return _drawn(LETTERS[names[int(rng.integers(len(names)))]], rng, jitter=0.025)


def _printed(text: str) -> Callable[[np.random.Generator], Image.Image]:
    def make(rng: np.random.Generator) -> Image.Image:
        font = ImageFont.truetype(
            str(LIBERATION / LIBERATION_FONTS[int(rng.integers(len(LIBERATION_FONTS)))]), int(rng.integers(140, 230))
        )
        image = Image.new("L", (SIZE, SIZE), 0)
        ImageDraw.Draw(image).text(
            (SIZE / 2, SIZE / 2), text[int(rng.integers(len(text)))], fill=255, font=font, anchor="mm"
        )
        return image.rotate(rng.uniform(-12, 12), resample=Image.Resampling.BILINEAR)

    return make


def _filled_blob(rng: np.random.Generator) -> Image.Image:
    angles = np.linspace(0, 2 * math.pi, 60, endpoint=False)
    radius = 0.3 + sum(rng.uniform(0, 0.08) * np.sin(k * angles + rng.uniform(0, 6)) for k in range(2, 6))
    points = [
        (SIZE / 2 + SIZE * r * math.cos(a), SIZE / 2 + SIZE * r * math.sin(a))
        for a, r in zip(angles, radius, strict=True)
    ]
    image = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(image).polygon(points, fill=255)
    return image


def _smooth_photo(rng: np.random.Generator) -> np.ndarray:
    """A smooth colour photo: soft light and colour blobs (a wall, the sky, a blurred room)."""
    small = rng.uniform(0, 255, (4, 4, 3)).astype(np.uint8)
    photo = np.asarray(Image.fromarray(small).resize((SIZE, SIZE), Image.Resampling.BICUBIC), np.float32)
    photo += rng.normal(0, rng.uniform(1, 6), photo.shape)
    return np.clip(photo, 0, 255).astype(np.uint8)


def _screenshot(rng: np.random.Generator) -> np.ndarray:
    """A screenshot: a title bar, buttons, a picture, lines of text (Liberation fonts)."""
    image = Image.new("RGB", (SIZE * 2, SIZE), tuple(int(v) for v in rng.integers(225, 256, 3)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, SIZE * 2, 28), fill=tuple(int(v) for v in rng.integers(20, 120, 3)))
    font = ImageFont.truetype(str(LIBERATION / "LiberationSans-Regular.ttf"), int(rng.integers(13, 20)))
    y = 40
    while y < SIZE - 20:
        if rng.random() < 0.2:
            draw.rounded_rectangle((12, y, 130, y + 26), 6, fill=tuple(int(v) for v in rng.integers(40, 200, 3)))
            y += 34
        words = " ".join(
            "".join(rng.choice(list("abcdefghijkmnoprstuvwxyz"), int(rng.integers(2, 9)))) for _ in range(9)
        )
        draw.text((12, y), words, fill=(30, 30, 30), font=font)
        y += int(rng.integers(20, 30))
    return np.asarray(image)


NON_DIGIT_FAMILIES: dict[str, Callable[[np.random.Generator], Image.Image | np.ndarray]] = {
    **{f"doodle: {kind}": _doodle(kind) for kind in DOODLES},
    "written letters (Latin, Greek, Cyrillic)": _letter,
    "printed letters and symbols (Liberation)": _printed(PRINTED),
    "filled blobs": _filled_blob,
    "smooth photos": _smooth_photo,
    "screenshots": _screenshot,
}


# --- digits ------------------------------------------------------------------------------------


def _written_digit(rng: np.random.Generator) -> tuple[int, Image.Image]:
    digit = int(rng.integers(10))
    styles = list(STYLES[digit])
    return digit, _drawn(STYLES[digit][styles[int(rng.integers(len(styles)))]], rng, jitter=0.02)


def _printed_digit(rng: np.random.Generator) -> tuple[int, Image.Image]:
    digit = int(rng.integers(10))
    return digit, _printed(str(digit))(rng)


def _small_scan(rng: np.random.Generator) -> tuple[int, Image.Image]:
    digit, image = _written_digit(rng)
    side = int(rng.integers(9, 14))  # a digit a few millimetres tall in a phone photo
    return digit, image.resize((side, side), Image.Resampling.BOX).resize((SIZE, SIZE), Image.Resampling.BILINEAR)


DIGIT_FAMILIES: dict[str, Callable[[np.random.Generator], tuple[int, Image.Image]]] = {
    "written digits (brush pen)": _written_digit,
    "printed digits (Liberation)": _printed_digit,
    "small scans (9-13 px)": _small_scan,
}
RENDERINGS = ("canvas", "paper")  # what a visitor sends most; ``make`` can also draw on a "board"
EVERY_RENDERING = (*RENDERINGS, "board")

# Families of a kind that negatives.py also draws for the gate's training (other code, fonts and
# pens). Its made-up doodles (doodles.py) draw no object on purpose, so the doodles not named here
# stay kinds no training makes; glyphs.py leaves out the symbols of those subjects for that reason.
TRAINED_KIND = {
    "doodle: heart": "shape (a filled heart-like blob); glyph (heart symbols)",
    "doodle: star": "shape (stars and polygons); glyph (star symbols)",
    "doodle: arrow": "written letter or symbol (an arrow); glyph (the arrows block)",
    "doodle: tick or cross": "shape (a cross or a grid); glyph (check marks and crosses)",
    "doodle: wave": "letter or symbol (a tilde)",
    "doodle: question mark": "letter or symbol (a printed question mark)",
    "written letters (Latin, Greek, Cyrillic)": "written letter or symbol; glyph",
    "printed letters and symbols (Liberation)": "letter or symbol and glyph (DejaVu and Computer Modern fonts)",
    "filled blobs": "shape (filled discs and squares)",
    "smooth photos": "texture (smooth colour fields)",
    "screenshots": "page",
}


def families() -> dict[str, bool]:
    """Family name -> whether it holds digits."""
    return {**{name: False for name in NON_DIGIT_FAMILIES}, **{name: True for name in DIGIT_FAMILIES}}


def check_renderings(renderings: tuple[str, ...]) -> None:
    """ValueError unless ``renderings`` names one or more of ``EVERY_RENDERING``."""
    if not renderings or not set(renderings) <= set(EVERY_RENDERING):
        raise ValueError(f"renderings must be some of {', '.join(EVERY_RENDERING)}, not {list(renderings)}")


def make(
    family: str, count: int, seed: int = 0, renderings: tuple[str, ...] = RENDERINGS
) -> Iterator[tuple[int | None, str, object]]:
    """``count`` (truth, rendering, picture) of ``family``, each of ``renderings`` in turn: canvas
    RGBA, a photo of ink on paper, or a photo of chalk on a blackboard (both RGB)."""
    check_renderings(renderings)
    rng = np.random.default_rng([seed, sum(map(ord, family))])
    for index in range(count):
        rendering = renderings[index % len(renderings)]
        if family in DIGIT_FAMILIES:
            truth, strokes = DIGIT_FAMILIES[family](rng)
        else:
            truth, strokes = None, NON_DIGIT_FAMILIES[family](rng)
        if isinstance(strokes, np.ndarray):  # already a photo
            yield truth, "photo", strokes
            continue
        if rendering == "canvas":
            yield truth, rendering, on_canvas(strokes)
        elif rendering == "board":
            yield truth, rendering, np.repeat(on_board(strokes, rng)[..., None], 3, axis=2)
        else:
            yield (
                truth,
                rendering,
                np.repeat(on_paper(strokes.filter(ImageFilter.GaussianBlur(0.6)), rng)[..., None], 3, axis=2),
            )
