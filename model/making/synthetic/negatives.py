"""Images that hold no digit, made here, for teaching and measuring "not a digit".

Letters and symbols (from the fonts matplotlib ships, slanted, thickened, thinned), letters and
symbols written as pen strokes with a shaky hand, characters of many scripts and symbol blocks
(``glyphs.py``), made-up drawings (``doodles.py``), scribbles, shapes, textures, screenshot-like
pages and faces - each passed through ``preprocess`` exactly
like a drawing or a photo, so they arrive in MNIST's format as the network would see them.
Characters a person could not tell from a digit (O, I, l, S, Z, ...) are never made: refusing
them would teach the gate to refuse real 0s, 1s, 5s and 2s.

The fonts and the written letters are each split in two, so the held-out measure uses fonts and
letters the gate never saw.
"""

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from model.making.synthetic.doodles import doodle
from model.making.synthetic.glyphs import glyph
from model.making.synthetic.strokes import FONT_DIR, SIZE, arc, draw_stroke, slant_and_turn, vary_pen
from model.making.synthetic.written_glyphs import written_glyph
from model.recognition.preprocess import preprocess
from model.recognition.refusal import NoDigitError

TRAINING_FONTS = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSansMono-Bold.ttf",
    "cmr10.ttf",
    "cmss10.ttf",
    "cmtt10.ttf",
)
HELD_OUT_FONTS = (
    "DejaVuSerif.ttf",
    "DejaVuSerif-Italic.ttf",
    "DejaVuSerif-Bold.ttf",
    "STIXGeneral.ttf",
    "STIXGeneralItalic.ttf",
    "cmti10.ttf",
)
# Letters and symbols that do not look like any digit in anyone's hand.
CHARACTERS = "AaEeFfHhKkMmNnPpRrUuVvWwXxYydhknpruvwxy" + "+=#@&%?!*<>~^{}[]ΣΩπλ€£¥"


def _arc(centre_x, centre_y, radius_x, radius_y, start_degrees, end_degrees):
    return arc(centre_x, centre_y, radius_x, radius_y, start_degrees, end_degrees, points=12)


# Letters and symbols as a hand writes them: strokes in a unit box (x right, y down). None
# looks like a digit in anyone's hand (no O, I, l, S, Z, b, g, q, T, C, !).
WRITTEN_CHARACTERS = {
    "A": [[(0.1, 1), (0.5, 0), (0.9, 1)], [(0.27, 0.6), (0.73, 0.6)]],
    "E": [[(0.8, 0), (0.2, 0), (0.2, 1), (0.8, 1)], [(0.2, 0.5), (0.7, 0.5)]],
    "F": [[(0.8, 0), (0.2, 0), (0.2, 1)], [(0.2, 0.5), (0.7, 0.5)]],
    "H": [[(0.2, 0), (0.2, 1)], [(0.8, 0), (0.8, 1)], [(0.2, 0.5), (0.8, 0.5)]],
    "K": [[(0.2, 0), (0.2, 1)], [(0.8, 0), (0.2, 0.55)], [(0.35, 0.45), (0.85, 1)]],
    "L": [[(0.25, 0), (0.25, 1), (0.85, 1)]],
    "M": [[(0.1, 1), (0.15, 0), (0.5, 0.6), (0.85, 0), (0.9, 1)]],
    "N": [[(0.2, 1), (0.2, 0), (0.8, 1), (0.8, 0)]],
    "P": [[(0.2, 1), (0.2, 0), (0.6, 0), (0.8, 0.15), (0.8, 0.35), (0.6, 0.5), (0.2, 0.5)]],
    "R": [[(0.2, 1), (0.2, 0), (0.6, 0), (0.8, 0.15), (0.8, 0.35), (0.6, 0.5), (0.2, 0.5)], [(0.45, 0.5), (0.85, 1)]],
    "U": [[(0.2, 0), (0.2, 0.75), (0.35, 0.97), (0.65, 0.97), (0.8, 0.75), (0.8, 0)]],
    "V": [[(0.1, 0), (0.5, 1), (0.9, 0)]],
    "W": [[(0.05, 0), (0.25, 1), (0.5, 0.3), (0.75, 1), (0.95, 0)]],
    "X": [[(0.15, 0), (0.85, 1)], [(0.85, 0), (0.15, 1)]],
    "Y": [[(0.15, 0), (0.5, 0.5), (0.85, 0)], [(0.5, 0.5), (0.5, 1)]],
    "a": [_arc(0.45, 0.68, 0.28, 0.3, -30, 330), [(0.75, 0.4), (0.78, 1)]],
    "e": [[(0.2, 0.6), (0.8, 0.6), *_arc(0.5, 0.65, 0.3, 0.32, 0, -280)]],
    "h": [[(0.2, 0), (0.2, 1)], [(0.2, 0.6), (0.4, 0.45), (0.65, 0.45), (0.8, 0.6), (0.8, 1)]],
    "k": [[(0.2, 0), (0.2, 1)], [(0.75, 0.4), (0.2, 0.7)], [(0.35, 0.62), (0.8, 1)]],
    "m": [
        [(0.1, 1), (0.1, 0.4)],
        [(0.1, 0.5), (0.25, 0.4), (0.45, 0.5), (0.45, 1)],
        [(0.45, 0.5), (0.65, 0.4), (0.85, 0.5), (0.85, 1)],
    ],
    "n": [[(0.2, 1), (0.2, 0.4)], [(0.2, 0.5), (0.4, 0.4), (0.7, 0.45), (0.8, 0.6), (0.8, 1)]],
    "r": [[(0.3, 1), (0.3, 0.4)], [(0.3, 0.6), (0.5, 0.42), (0.75, 0.42)]],
    "u": [[(0.2, 0.4), (0.2, 0.85), (0.4, 1), (0.65, 0.95), (0.8, 0.8)], [(0.8, 0.4), (0.8, 1)]],
    "w": [[(0.05, 0.4), (0.25, 1), (0.5, 0.5), (0.75, 1), (0.95, 0.4)]],
    "y": [[(0.15, 0.3), (0.5, 0.7)], [(0.85, 0.3), (0.3, 1.1)]],
    "+": [[(0.5, 0.1), (0.5, 0.9)], [(0.1, 0.5), (0.9, 0.5)]],
    "=": [[(0.1, 0.35), (0.9, 0.35)], [(0.1, 0.65), (0.9, 0.65)]],
    "#": [
        [(0.35, 0.05), (0.3, 0.95)],
        [(0.7, 0.05), (0.65, 0.95)],
        [(0.1, 0.35), (0.9, 0.35)],
        [(0.1, 0.65), (0.9, 0.65)],
    ],
    "*": [[(0.5, 0.1), (0.5, 0.9)], [(0.15, 0.3), (0.85, 0.7)], [(0.85, 0.3), (0.15, 0.7)]],
    "<": [[(0.85, 0.1), (0.15, 0.5), (0.85, 0.9)]],
    ">": [[(0.15, 0.1), (0.85, 0.5), (0.15, 0.9)]],
    "π": [[(0.1, 0.2), (0.9, 0.2)], [(0.3, 0.2), (0.3, 1)], [(0.7, 0.2), (0.7, 1)]],
    "√": [[(0.1, 0.55), (0.35, 0.95), (0.9, 0.05)]],
    "→": [[(0.1, 0.5), (0.9, 0.5)], [(0.65, 0.25), (0.9, 0.5), (0.65, 0.75)]],
    "%": [_arc(0.25, 0.2, 0.14, 0.15, 0, 360), [(0.85, 0.05), (0.15, 0.95)], _arc(0.75, 0.8, 0.14, 0.15, 0, 360)],
}
KINDS = (
    "letter or symbol",
    "written letter or symbol",
    "glyph",
    "written glyph",
    "doodle",
    "scribble",
    "shape",
    "texture",
    "page",
    "face",
)
WEIGHTS = {"written letter or symbol": 3, "glyph": 3, "doodle": 4, "page": 2}
HELD_OUT_WRITTEN = ("K", "h", "w", "#", "π", "R")  # written letters only the held-out measure uses
TRAINING_WRITTEN = tuple(name for name in WRITTEN_CHARACTERS if name not in HELD_OUT_WRITTEN)


def negative_pictures(count, seed=0, fonts=TRAINING_FONTS, written=TRAINING_WRITTEN, kinds=None):
    """``count`` (kind, picture) pairs, one at a time: raw images holding no digit, the kinds in
    turn (``kinds``: only these of ``KINDS``, to measure a kind that training never saw)."""
    rng = np.random.default_rng(seed)
    loaded = [ImageFont.truetype(str(FONT_DIR / name), 200) for name in fonts]
    makers = {
        "letter or symbol": lambda: character(rng, loaded),
        "written letter or symbol": lambda: written_character(rng, written),
        "glyph": lambda: glyph(rng),
        "written glyph": lambda: written_glyph(rng),
        "doodle": lambda: doodle(rng),
        "scribble": lambda: scribble(rng),
        "shape": lambda: shape(rng),
        "texture": lambda: texture(rng),
        "page": lambda: page(rng),
        "face": lambda: face(rng),
    }
    chosen = [kind for kind in KINDS if kinds is None or kind in kinds]
    unknown = set(kinds or ()) - set(KINDS)
    if unknown or not chosen:
        raise ValueError(f"kinds must be some of {', '.join(KINDS)}; got {sorted(kinds or ())}")
    # Written letters, glyphs and doodles weigh more: what people draw most, and the broadest kinds.
    turns = [kind for kind in chosen for _ in range(WEIGHTS.get(kind, 1))]
    for index in range(count):
        kind = turns[index % len(turns)]
        yield kind, makers[kind]()


def make_negatives(count, seed=0, fonts=TRAINING_FONTS, written=TRAINING_WRITTEN, kinds=None):
    """Preprocessed 28x28 uint8 images (MNIST's format) holding no digit: of ``count`` pictures,
    those that preprocessing does not already refuse (no ink, or scattered marks like text)."""
    images = []
    for _, picture in negative_pictures(count, seed, fonts, written, kinds):
        try:
            images.append(preprocess(picture))
        except NoDigitError:
            continue
    return np.round(np.stack(images) * 255).astype(np.uint8)


def character(rng, fonts):
    """One letter or symbol, white on black, slanted and thickened or thinned like a pen would."""
    image = Image.new("L", (SIZE, SIZE), 0)
    font = fonts[rng.integers(len(fonts))]
    text = CHARACTERS[rng.integers(len(CHARACTERS))]
    ImageDraw.Draw(image).text((SIZE / 2, SIZE / 2), text, fill=255, font=font, anchor="mm")
    image = slant_and_turn(image, rng)
    return vary_pen(image, rng)


def written_character(rng, names):
    """One letter or symbol as pen strokes: every point moved a little, its own size, width and pen."""
    strokes = WRITTEN_CHARACTERS[names[rng.integers(len(names))]]
    height = rng.uniform(110, 230)
    width = height * rng.uniform(0.55, 1.1)
    left, top = rng.uniform(10, SIZE - 10 - width), rng.uniform(10, SIZE - 10 - height)
    pen = int(rng.integers(6, 30))
    image = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        points = [
            (left + (x + rng.normal(0, 0.04)) * width, top + (y + rng.normal(0, 0.04)) * height) for x, y in stroke
        ]
        draw_stroke(draw, points, pen)
    return slant_and_turn(image, rng)


def scribble(rng):
    """A few random strokes: a doodle, a signature, a crossed-out mess."""
    image = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.integers(2, 5)):
        points = [tuple(rng.uniform(20, SIZE - 20, 2)) for _ in range(rng.integers(5, 12))]
        draw.line(points, fill=255, width=int(rng.integers(6, 24)), joint="curve")
    return image


def shape(rng):
    """A filled or outlined polygon, star, cross or blob (never an open ring: that is a 0)."""
    image = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(image)
    width = int(rng.integers(8, 24))
    kind = rng.integers(5)
    centre, radius = SIZE / 2, rng.uniform(60, 120)
    if kind == 0:  # filled disc or square: all ink
        box = (centre - radius, centre - radius * rng.uniform(0.6, 1), centre + radius, centre + radius)
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=255)
    elif kind in (1, 2):  # polygon or star, filled or outlined
        corners = int(rng.integers(3, 7)) * (2 if kind == 2 else 1)
        points = []
        for index in range(corners):
            reach = radius * (0.45 if kind == 2 and index % 2 else 1.0)
            angle = 2 * math.pi * index / corners + rng.uniform(0, 0.3)
            points.append((centre + reach * math.cos(angle), centre + reach * math.sin(angle)))
        if rng.random() < 0.5:
            draw.polygon(points, fill=255)
        else:
            draw.line(points + points[:1], fill=255, width=width, joint="curve")
    elif kind == 3:  # a cross or a grid
        for offset in np.linspace(-radius, radius, int(rng.integers(2, 5))):
            draw.line((centre + offset, 20, centre + offset, SIZE - 20), fill=255, width=width)
            draw.line((20, centre + offset, SIZE - 20, centre + offset), fill=255, width=width)
    else:  # a heart-like blob: two discs and a triangle
        draw.ellipse((centre - radius, centre - radius / 2, centre, centre + radius / 3), fill=255)
        draw.ellipse((centre, centre - radius / 2, centre + radius, centre + radius / 3), fill=255)
        draw.polygon([(centre - radius, centre), (centre + radius, centre), (centre, centre + radius)], fill=255)
    return slant_and_turn(image, rng)


def texture(rng):
    """A photo of a surface (RGB): noise or stripes on paper-like grey, or a smooth colour field
    lit from one side with a soft spot of light (a wall, a table, the sky)."""
    if rng.random() < 0.4:
        rows, columns = np.mgrid[0:SIZE, 0:SIZE] / SIZE
        angle = rng.uniform(0, 2 * math.pi)
        light = math.cos(angle) * columns + math.sin(angle) * rows
        spot = np.exp(-((rows - rng.uniform()) ** 2 + (columns - rng.uniform()) ** 2) / rng.uniform(0.02, 0.3))
        colours = rng.uniform(0, 255, (3, 3))
        field = colours[0] + light[..., None] * (colours[1] - colours[0]) + spot[..., None] * (colours[2] - colours[0])
        field += rng.normal(0, rng.uniform(1, 8), field.shape)
        return Image.fromarray(np.clip(field, 0, 255).astype(np.uint8), "RGB")
    base = rng.uniform(120, 230)
    noise = rng.normal(0, rng.uniform(10, 60), (SIZE, SIZE))
    if rng.random() < 0.5:
        period = rng.uniform(8, 40)
        noise += 40 * np.sin(np.arange(SIZE)[None, :] * 2 * math.pi / period + rng.uniform(0, 6))
    smooth = Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(rng.uniform(0, 3))
    )
    return smooth.convert("RGB")


def page(rng):
    """A screenshot-like page: lines of text, boxes and buttons, dark on light; often a window's
    dark title bar or a filled panel, which outweighs the text (so preprocessing lets it through)."""
    image = Image.new("RGB", (SIZE * 2, SIZE), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), int(rng.integers(12, 22)))
    y = 10
    if rng.random() < 0.5:
        bar = int(rng.integers(16, 40))
        draw.rectangle((0, 0, SIZE * 2, bar), fill=tuple(int(v) for v in rng.integers(10, 140, 3)))
        y = bar + 10
    if rng.random() < 0.3:
        left, top = int(rng.integers(200, 420)), int(rng.integers(y, SIZE - 60))
        draw.rectangle(
            (left, top, left + int(rng.integers(60, 130)), top + int(rng.integers(40, 100))), fill=(60, 60, 60)
        )
    while y < SIZE - 20:
        words = " ".join(
            "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), int(rng.integers(2, 9)))) for _ in range(8)
        )
        draw.text((10, y), words, fill=(20, 20, 20), font=font)
        if rng.random() < 0.3:
            draw.rectangle((10, y + 24, int(rng.integers(80, 300)), y + 50), outline=(40, 40, 40), width=2)
            y += 30
        y += int(rng.integers(22, 34))
    return image


def face(rng):
    """A drawn face: a head, two eyes, a mouth."""
    image = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(image)
    width = int(rng.integers(8, 18))
    draw.ellipse((40, 30, 240, 250), outline=255, width=width)
    for x in (105, 175):
        draw.ellipse((x - 12, 100, x + 12, 124), fill=255)
    draw.arc((90, 130, 190, 210), 20, 160, fill=255, width=width)
    return slant_and_turn(image, rng)
