"""Characters and symbols of many scripts and Unicode blocks, for teaching "not a digit".

A broad pool carries over to kinds nobody generated better than a few hand-picked letters do:
thousands of shapes (Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew, Arabic, IPA letters,
mathematical and technical symbols, geometric shapes, dingbats, box drawing) drawn by the
DejaVu Sans fonts matplotlib ships. Two kinds of character are never used:

- those a person could not tell from a digit (an O, a Cyrillic З, a Roman numeral, a
  superscript two): named digits are skipped, and every other candidate is preprocessed like a
  drawing and dropped when it lies closer than ``DIGIT_LIKENESS`` to MNIST's training digits;
- those depicting the doodle kinds that ``bench/heldout/wild.py`` measures and no training
  generator draws (clouds, houses, trees, flowers, people, spirals, suns): a symbol of one would
  make that measure a trained kind.
"""

import functools
import unicodedata
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

from model.making.synthetic.strokes import FONT_DIR, SIZE, slant_and_turn, vary_pen
from model.recognition.preprocess import preprocess
from model.recognition.refusal import NoDigitError

GLYPH_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSansMono.ttf")
BLOCKS = (
    (0x0041, 0x007E),  # Basic Latin letters and punctuation
    (0x00A1, 0x024F),  # Latin-1 supplement, Latin extended A and B
    (0x0250, 0x02AF),  # IPA
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x0531, 0x058A),  # Armenian
    (0x05D0, 0x05EA),  # Hebrew
    (0x0621, 0x064A),  # Arabic letters
    (0x10A0, 0x10FF),  # Georgian
    (0x2100, 0x214F),  # letter-like symbols
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators
    (0x2300, 0x23FF),  # miscellaneous technical
    (0x2500, 0x259F),  # box drawing and blocks
    (0x25A0, 0x25FF),  # geometric shapes
    (0x2600, 0x26FF),  # miscellaneous symbols
    (0x2700, 0x27BF),  # dingbats
    (0x2A00, 0x2AFF),  # supplemental mathematical operators
)
# Names of what bench/heldout/wild.py draws as doodles that no training generator makes.
HELD_OUT_SUBJECTS = ("CLOUD", "HOUSE", "TREE", "FLOWER", "FLORAL", "FLORETTE", "PERSON", "MAN ", "SPIRAL", "SUN")
# Names of characters that are digits by another name, or rings a person reads as 0.
DIGIT_NAMES = ("DIGIT", "NUMBER", "NUMERAL", "FRACTION", "VULGAR", "SUPERSCRIPT", "SUBSCRIPT", "CIRCLE", "RING")
# Latin letters some hands write exactly like a digit (a Z-like 2, a b-like 6, a T-like 7).
LOOKALIKES = "OoQDIlLJ|SsZzbgqGTtƟɵ"
DIGIT_LIKENESS = 0.85  # above it a character lies among MNIST digits (O 0.87, I 0.98, S 0.89; A 0.76, H 0.76)
GLYPHS_FILE = Path(__file__).with_name("glyphs.txt")


def _named(code_point: int) -> str:
    return unicodedata.name(chr(code_point), "")


def _base(character: str) -> str:
    """The letter under the accents: an Ö is an O with marks a preprocessed picture may drop."""
    return unicodedata.normalize("NFD", character)[0]


def candidate_characters() -> list[str]:
    """Every character of ``BLOCKS`` with a name that is neither a digit's nor a held-out subject's."""
    characters = []
    for first, last in BLOCKS:
        for code_point in range(first, last + 1):
            name = _named(code_point)
            if not name or unicodedata.category(chr(code_point)).startswith(("Z", "C", "M")):
                continue
            if any(word in name for word in DIGIT_NAMES + HELD_OUT_SUBJECTS) or _base(chr(code_point)) in LOOKALIKES:
                continue
            characters.append(chr(code_point))
    return characters


def printed(text: str, font: ImageFont.FreeTypeFont) -> np.ndarray:
    """(SIZE, SIZE) uint8: ``text`` in ``font``, white on black, centred."""
    image = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(image).text((SIZE / 2, SIZE / 2), text, fill=255, font=font, anchor="mm")
    return np.asarray(image)


def drawn_character(text: str, font: ImageFont.FreeTypeFont) -> np.ndarray | None:
    """``text`` in ``font``, preprocessed like a drawing; None where preprocessing finds no digit's ink."""
    try:
        return preprocess(printed(text, font))
    except NoDigitError:
        return None


def digit_likeness(images: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """(n,): how close each 28x28 image lies to MNIST's digits: the fifth-highest correlation
    with ``digits`` after both are blurred (shape, not pen width, decides)."""

    def blurred_units(batch: np.ndarray) -> np.ndarray:
        flat = ndimage.gaussian_filter(np.asarray(batch, np.float32), (0, 1, 1)).reshape(len(batch), -1)
        flat -= flat.mean(axis=1, keepdims=True)
        return flat / np.maximum(np.linalg.norm(flat, axis=1, keepdims=True), 1e-6)

    correlations = blurred_units(images) @ blurred_units(digits).T
    return np.sort(correlations, axis=1)[:, -5]


def find_usable_characters(digits: np.ndarray) -> str:
    """The characters of ``candidate_characters`` that DejaVu Sans draws and that lie no closer
    than ``DIGIT_LIKENESS`` to ``digits`` (MNIST training digits, as floats): ``GLYPHS_FILE``'s text."""
    font = ImageFont.truetype(str(FONT_DIR / GLYPH_FONTS[0]), 200)
    missing = font.getmask(chr(0x10FFFD)).getbbox()  # what the font draws for a character it lacks
    drawn = {
        c: image
        for c in candidate_characters()
        if font.getmask(c).getbbox() != missing
        if (image := drawn_character(c, font)) is not None
    }
    likeness = digit_likeness(np.stack(list(drawn.values())), digits)
    return "".join(c for c, score in zip(drawn, likeness, strict=True) if score <= DIGIT_LIKENESS)


@functools.cache
def usable_characters() -> str:
    """The characters glyphs are drawn from (made by ``python -m model.making.synthetic.glyphs``)."""
    return GLYPHS_FILE.read_text(encoding="utf-8").strip()


def glyph(rng: np.random.Generator) -> Image.Image:
    """One character of another script or a symbol, in one of the fonts, slanted, turned and inked
    with a thinner or thicker pen."""
    characters = usable_characters()
    font = glyph_font(GLYPH_FONTS[int(rng.integers(len(GLYPH_FONTS)))], int(rng.integers(140, 230)))
    image = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(image).text(
        (SIZE / 2, SIZE / 2), characters[int(rng.integers(len(characters)))], fill=255, font=font, anchor="mm"
    )
    return vary_pen(slant_and_turn(image, rng), rng)


@functools.lru_cache(maxsize=64)
def glyph_font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """One of the fonts matplotlib ships, at ``size`` pixels (loaded once)."""
    return ImageFont.truetype(str(FONT_DIR / name), size)


def main() -> None:
    """Writes ``GLYPHS_FILE`` from the MNIST at MNIST_PATH (training digits only)."""
    from model.data import as_floats, load_mnist

    digits = as_floats(load_mnist().x_train[:10_000])
    characters = find_usable_characters(digits)
    GLYPHS_FILE.write_text(characters + "\n", encoding="utf-8")
    print(f"{len(characters)} characters written to {GLYPHS_FILE.name}")


if __name__ == "__main__":
    main()
