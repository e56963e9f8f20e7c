"""Characters of many scripts and symbol blocks as a hand would write them, for teaching "not a digit".

``glyphs.py`` draws its characters as a font prints them; people draw with one pen line. Each
character here is printed, thinned to its centre line (``skimage.morphology.skeletonize``), bent
a little by a smooth random field (a hand is never exact) and inked again with a pen whose width
swells and thins along the page. That turns every printed shape of the pool into a written one,
so the gate learns pen drawings of hundreds of shapes rather than two dozen hand-made letters.
"""

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from model.making.synthetic.glyphs import GLYPH_FONTS, glyph_font, usable_characters
from model.making.synthetic.strokes import SIZE, slant_and_turn

WOBBLE = 6.0  # pixels: how far the smooth random field moves a point of the centre line
WOBBLE_SMOOTHNESS = 30.0  # pixels: the field's Gaussian; larger bends whole strokes, not pixels


def centre_line_of(ink: np.ndarray) -> np.ndarray:
    """Bool ink -> bool, the same shape thinned to one pixel wide along its middle."""
    from skimage.morphology import skeletonize

    return np.asarray(skeletonize(ink))


def centre_line(text: str, font_size: int) -> np.ndarray:
    """(SIZE, SIZE) bool: ``text`` in DejaVu Sans at ``font_size``, thinned to its centre line."""
    image = Image.new("L", (SIZE, SIZE), 0)
    font = glyph_font(GLYPH_FONTS[0], font_size)
    ImageDraw.Draw(image).text((SIZE / 2, SIZE / 2), text, fill=255, font=font, anchor="mm")
    return centre_line_of(np.asarray(image) > 127)


def smooth_field(rng: np.random.Generator, scale: float) -> np.ndarray:
    """(SIZE, SIZE) smooth random values with a standard deviation of about ``scale``."""
    field = ndimage.gaussian_filter(rng.normal(size=(SIZE, SIZE)), WOBBLE_SMOOTHNESS)
    return field * (scale / max(float(field.std()), 1e-9))


def written_glyph(rng: np.random.Generator) -> Image.Image:
    """One character of the glyph pool, written with an uneven pen, white on black, SIZE x SIZE."""
    characters = usable_characters()
    line = centre_line(characters[int(rng.integers(len(characters)))], int(rng.integers(140, 230)))
    rows, columns = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    bent = ndimage.map_coordinates(
        line.astype(np.float32),
        [rows + smooth_field(rng, WOBBLE), columns + smooth_field(rng, WOBBLE)],
        order=1,
    )
    # The pen's half width at each point: a base width that swells and thins smoothly.
    half_width = rng.uniform(2.5, 13.0) * np.exp(smooth_field(rng, 0.3))
    distance = ndimage.distance_transform_edt(bent < 0.3)
    ink = np.clip(half_width + 0.5 - distance, 0.0, 1.0)
    return slant_and_turn(Image.fromarray(np.round(ink * 255).astype(np.uint8)), rng)
