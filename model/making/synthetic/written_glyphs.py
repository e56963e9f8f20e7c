"""Characters of many scripts and symbol blocks as a hand would write them, for teaching "not a digit".

``glyphs.py`` draws its characters as a font prints them; people draw with one pen line. Each
character here is printed, thinned to its centre line (``skimage.morphology.skeletonize``), bent
a little by a smooth random field (a hand is never exact) and inked again with a pen whose width
swells and thins along the page. That turns every printed shape of the pool into a written one,
so the gate learns pen drawings of thousands of shapes rather than two dozen hand-made letters.

Half come from ``glyphs.py``'s pool (DejaVu Sans), half from East Asian scripts in Debian's Noto
Sans CJK (``fonts-noto-cjk``): kana, Hangul letters, Bopomofo and the simpler of the 3,755 most
common Chinese characters (GB 2312 level 1), whose few strokes are as simple as a doodle's.
``EAST_ASIAN_FILE`` lists those used, made by ``python -m model.making.synthetic.written_glyphs``
with ``glyphs.txt``'s rules and a margin: no numeral, nothing that lies among MNIST's digits (a
written shape drifts towards one), and no pictograph of a doodle subject that
``bench/heldout/wild.py`` measures and no training draws.
"""

import functools
from pathlib import Path

import numpy as np
from PIL import Image, ImageFont
from scipy import ndimage

from model.making.synthetic.glyphs import (
    DIGIT_LIKENESS,
    GLYPH_FONTS,
    digit_likeness,
    glyph_font,
    printed,
    usable_characters,
)
from model.making.synthetic.strokes import SIZE, slant_and_turn
from model.recognition.preprocess import preprocess
from model.recognition.refusal import NoDigitError

WOBBLE = 6.0  # pixels: how far the smooth random field moves a point of the centre line
WOBBLE_SMOOTHNESS = 30.0  # pixels: the field's Gaussian; larger bends whole strokes, not pixels
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_FONT_INDEX = 2  # Noto Sans CJK SC in the collection
EAST_ASIAN_FILE = Path(__file__).with_name("written_glyphs.txt")
MAX_CENTRE_LINE = 700  # pixels at a 200-pixel font: about six strokes (a kana 200-400, 口 552)
# A bent, written shape drifts towards a digit: the written pool keeps a margin below the printed
# one's DIGIT_LIKENESS, and drops by hand the few a hand writes as a 7, 2 or 3 (as glyphs.py does a Z).
WRITTEN_DIGIT_LIKENESS = DIGIT_LIKENESS - 0.05
EAST_ASIAN_LOOKALIKES = "了乙ㄱㄹフㄋ"
NUMERALS = "〇一二三四五六七八九十百千万亿零壹贰叁肆伍陆柒捌玖拾两"
# Trees, forests, flowers, people, suns, clouds, houses: bench/heldout/wild.py's untrained subjects.
HELD_OUT_PICTOGRAPHS = "木林森本末未朱果禾花华草人从众大夫天日旦早晶云雲家宀"


def centre_line_of(ink: np.ndarray) -> np.ndarray:
    """Bool ink -> bool, the same shape thinned to one pixel wide along its middle."""
    from skimage.morphology import skeletonize

    return np.asarray(skeletonize(ink))


@functools.lru_cache(maxsize=64)
def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    if not CJK_FONT.exists():
        raise ValueError(f"written glyphs need Debian's Noto Sans CJK ({CJK_FONT}): apt-get install fonts-noto-cjk")
    return ImageFont.truetype(str(CJK_FONT), size, index=CJK_FONT_INDEX)


def east_asian_candidates() -> list[str]:
    """Kana, Hangul letters, Bopomofo and GB 2312's level-1 Chinese characters, less numerals,
    the held-out pictographs and the lookalikes."""
    ranges = ((0x3041, 0x3096), (0x30A1, 0x30FA), (0x3105, 0x312F), (0x3131, 0x3163))
    characters = [chr(code) for first, last in ranges for code in range(first, last + 1)]
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                characters.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:  # the row's unused cells
                continue
    return [c for c in characters if c not in NUMERALS + HELD_OUT_PICTOGRAPHS + EAST_ASIAN_LOOKALIKES]


def find_east_asian_characters(digits: np.ndarray) -> str:
    """The candidates with a centre line no longer than MAX_CENTRE_LINE that lie no closer than
    WRITTEN_DIGIT_LIKENESS to ``digits`` (MNIST training digits, as floats): ``EAST_ASIAN_FILE``'s text."""
    font = cjk_font(200)
    simple, images = [], []
    for character in east_asian_candidates():
        ink = printed(character, font)
        if not ink.any() or centre_line_of(ink > 127).sum() > MAX_CENTRE_LINE:
            continue
        try:
            images.append(preprocess(ink))
        except NoDigitError:
            continue
        simple.append(character)
    likeness = digit_likeness(np.stack(images), digits)
    return "".join(c for c, score in zip(simple, likeness, strict=True) if score <= WRITTEN_DIGIT_LIKENESS)


@functools.cache
def east_asian_characters() -> str:
    return EAST_ASIAN_FILE.read_text(encoding="utf-8").strip()


def centre_line(text: str, font_size: int, east_asian: bool = False) -> np.ndarray:
    """(SIZE, SIZE) bool: ``text`` printed at ``font_size`` (DejaVu Sans, or Noto Sans CJK for
    ``east_asian``), thinned to its centre line."""
    font = cjk_font(font_size) if east_asian else glyph_font(GLYPH_FONTS[0], font_size)
    return centre_line_of(printed(text, font) > 127)


def smooth_field(rng: np.random.Generator, scale: float) -> np.ndarray:
    """(SIZE, SIZE) smooth random values with a standard deviation of about ``scale``."""
    field = ndimage.gaussian_filter(rng.normal(size=(SIZE, SIZE)), WOBBLE_SMOOTHNESS)
    return field * (scale / max(float(field.std()), 1e-9))


def written_glyph(rng: np.random.Generator) -> Image.Image:
    """One character of the pool, written with an uneven pen, white on black, SIZE x SIZE."""
    east_asian = rng.random() < 0.5
    characters = east_asian_characters() if east_asian else usable_characters()
    font_size = int(rng.integers(140, 230))
    line = centre_line(characters[int(rng.integers(len(characters)))], font_size, east_asian)
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


def main() -> None:
    """Writes ``EAST_ASIAN_FILE`` from the MNIST at MNIST_PATH (training digits only)."""
    from model.data import as_floats, load_mnist

    characters = find_east_asian_characters(as_floats(load_mnist().x_train[:10_000]))
    EAST_ASIAN_FILE.write_text(characters + "\n", encoding="utf-8")
    print(f"{len(characters)} characters written to {EAST_ASIAN_FILE.name}")


if __name__ == "__main__":
    main()
