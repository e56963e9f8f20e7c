"""Any image -> 28x28 float32 in MNIST's own format (a number's digits: ``numbers.py``).

MNIST digits are white ink on black, scaled so their long side is 20 px (aspect kept,
anti-aliased) and centred by centre of mass in a 28x28 field. A canvas drawing or a photo
of ink on paper only reads well once it is made exactly like that:

1. one channel of "ink" in [0, 1]: from the alpha channel where the image is transparent,
   otherwise from brightness with the polarity detected (paper is light, the canvas dark),
   against the background around it (light falls unevenly on a page or a board), or against
   the one value of a drawn ground;
2. the noise floor removed, and specks far smaller than the digit dropped;
3. cropped to the ink, scaled so the long side is 20 px, centred by mass at (14, 14).

An image with no digit to read raises ``NoDigitError`` carrying a ``Refusal`` (no ink, or ink
scattered like text): "no digit" is an answer, never a guess.
"""

import io
import re
import threading
from pathlib import Path
from typing import IO

import numpy as np
from PIL import Image, ImageOps
from scipy import ndimage

from model.language import _
from model.recognition.refusal import EMPTY_IMAGE, NO_INK, TOO_FAINT, NoDigitError, scattered_marks

MNIST_SIZE = 28
DIGIT_BOX = 20  # MNIST's long side
MNIST_CENTRE = 14.0  # where MNIST's centres of mass sit (measured: 13.99, 14.00)
MAX_SIDE = 1024  # larger images are downscaled before any other work
MAX_PIXELS = 40_000_000  # refuse anything bigger than a 40-megapixel photo outright
# A JPEG is decoded at 1/2, 1/4 or 1/8 scale; any other format only in full (4 bytes a pixel), so
# it is held to less: 12 megapixels (a 4K screenshot is 8) is at most ~48 MB while decoding.
MAX_PIXELS_DECODED_IN_FULL = 12_000_000
# Decoding is the one step whose memory grows with the upload: two at a time per process.
DECODING_AT_ONCE = threading.BoundedSemaphore(2)
NOISE_FLOOR = 0.2  # ink weaker than this fraction of the strongest ink is background
GRAIN_BLUR = 1.0  # pixels: the Gaussian that smooths a photo's grain (paper or board)
GRAIN_SCALE = 2.0  # pixels: detail finer than this on a levelled photo is grain, not ink
# A border this much of one exact value is a drawn ground: a photo's grain and light vary it.
FLAT_GROUND = 0.9
SPECK_FRACTION = 0.03  # a blob with less than 3 % of the ink is noise, not part of a digit


class UnreadableImageError(ValueError):
    """The bytes or file are not an image we can read, or the image is too large."""


def open_image(source: str | Path | bytes | bytearray | IO[bytes]) -> Image.Image:
    """A PIL image from a path, bytes or a file object; UnreadableImageError with a reason if not.

    The size is checked from the header before any pixel is decoded, so a decompression bomb
    (a small file claiming 30000x30000 pixels) is refused without using the memory. A big image
    is decoded small (JPEG) or reduced right after decoding, and at most two are decoded at once.
    """
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    try:
        image: Image.Image = Image.open(source)
        width, height = image.size
        limit = MAX_PIXELS if image.format == "JPEG" else MAX_PIXELS_DECODED_IN_FULL
        if width * height > limit:
            if image.format == "JPEG":
                message = _(
                    "the image is {width}x{height} pixels, more than the {megapixels} megapixels accepted "
                    "for a JPEG photo"
                )
            else:
                message = _(
                    "the image is {width}x{height} pixels, more than the {megapixels} megapixels accepted "
                    "for a {format} image"
                )
            raise UnreadableImageError(
                message.format(
                    width=width, height=height, megapixels=limit // 1_000_000, format=image.format or "non-JPEG"
                )
            )
        with DECODING_AT_ONCE:
            if image.format == "JPEG":
                # JPEG can decode at 1/2, 1/4 or 1/8 scale for free: big photos never load in full.
                image.draft("RGB" if image.mode not in ("L", "1") else "L", (MAX_SIDE, MAX_SIDE))
            image.load()
            if max(image.size) > 2 * MAX_SIDE:  # keep no more than the work below needs
                image = image.reduce(max(image.size) // MAX_SIDE)
    except UnreadableImageError:
        raise
    except Image.DecompressionBombError:
        raise UnreadableImageError(
            _("the image is larger than the {megapixels} megapixels accepted").format(
                megapixels=MAX_PIXELS // 1_000_000
            )
        ) from None
    except (OSError, ValueError, SyntaxError, Image.UnidentifiedImageError, EOFError) as error:
        raise UnreadableImageError(_("not a readable image ({reason})").format(reason=_one_line(error))) from None
    return image


def to_ink(image: Image.Image | np.ndarray) -> np.ndarray:
    """One channel of ink in [0, 1] (1 = full ink) from a PIL image or an array.

    Arrays may be (H, W) grey, (H, W, 3) RGB or (H, W, 4) RGBA, uint8 or floats in [0, 1]:
    the canvas gives RGBA uint8.
    """
    image = _as_pil(image)
    if min(image.size) == 0:
        raise NoDigitError(EMPTY_IMAGE)
    image = ImageOps.exif_transpose(image)  # a phone photo taken sideways is turned upright
    if max(image.size) > MAX_SIDE:
        image = image.copy()
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.BOX)
    alpha = _alpha_channel(image)
    if alpha is not None and alpha.min() < 0.5 and alpha.max() - alpha.min() > 0.1:
        # Transparent background: the strokes are whatever is opaque, whatever their colour.
        return _remove_noise_floor(alpha)
    grey = np.asarray(image.convert("L"), dtype=np.float32) / 255.0
    # The border's median says which the background is (a digit rarely fills the border). Light
    # paper means dark ink, which is inverted; a dark canvas or board means light ink, kept.
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    background = float(np.median(border))
    if np.mean(border == background) >= FLAT_GROUND:
        # A ground of one exact value is drawn, not photographed (a phone's canvas sent opaque, a
        # screenshot): no light to level, no grain to smooth. Its ink is what differs from the
        # ground, as a transparent canvas's is its alpha, and it reads as that canvas would.
        return _remove_noise_floor(np.abs(grey - background))
    return _remove_noise_floor(_against_local_background(1.0 - grey if background > 0.5 else grey))


def preprocess(image: Image.Image | np.ndarray) -> np.ndarray:
    """Any image -> (28, 28) float32 in [0, 1], white digit on black, as MNIST made its digits."""
    return fit_to_mnist(to_ink(image))


def clean_ink(ink: np.ndarray) -> np.ndarray:
    """Ink map -> the same without specks; NoDigitError when the ink is scattered like text."""
    ink = np.asarray(ink, dtype=np.float32)
    blobs = ndimage.label(ink > 0, structure=np.ones((3, 3)))
    _refuse_scattered_marks(ink, blobs)
    return _drop_specks(ink, blobs)


def fit_to_mnist(ink: np.ndarray) -> np.ndarray:
    """Ink map -> 28x28: crop to the ink, long side 20 px keeping aspect, centre of mass at (14, 14)."""
    ink = clean_ink(ink)
    rows, columns = np.nonzero(ink > 0)
    if rows.size == 0:
        raise NoDigitError(NO_INK)
    digit = ink[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]
    height, width = digit.shape
    scale = DIGIT_BOX / max(height, width)
    new_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # Pillow's resampling on float images averages over the whole source footprint when it
    # shrinks, which is the anti-aliasing MNIST's scaling had.
    resized = np.asarray(Image.fromarray(digit, mode="F").resize(new_size, Image.Resampling.LANCZOS))
    resized = np.clip(resized, 0.0, None)
    if resized.max() <= 0:
        raise NoDigitError(TOO_FAINT)
    resized = resized / resized.max()  # a thin stroke shrunk a lot must still reach full ink
    return _centre_by_mass(resized)


def _as_pil(image: Image.Image | np.ndarray) -> Image.Image:
    if isinstance(image, Image.Image):
        return image
    array = np.asarray(image)
    if array.dtype != np.uint8:
        if array.size and array.max() <= 1.0:
            array = array * 255.0
        array = np.clip(array, 0, 255).astype(np.uint8)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim == 2:
        return Image.fromarray(array, mode="L")
    if array.ndim == 3 and array.shape[2] in (3, 4):
        return Image.fromarray(array, mode="RGB" if array.shape[2] == 3 else "RGBA")
    raise ValueError(f"expected an image array of shape (H, W), (H, W, 3) or (H, W, 4), got {array.shape}")


def _alpha_channel(image: Image.Image) -> np.ndarray | None:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        return np.asarray(image.convert("RGBA").getchannel("A"), dtype=np.float32) / 255.0
    return None


def _against_local_background(ink: np.ndarray) -> np.ndarray:
    """Ink (light on dark) against the background around it: the ink of a photo of a page, inverted,
    or of chalk on a board. Light falls unevenly across a photo, so a single level for the
    background would cut the ink where it is dim and keep the ground where it is bright."""
    # The grain is smoothed away first, or the noise floor set above it cuts a faint or blurred
    # stroke into pieces. Grain is per pixel at any size; a wider blur would join a page's letters
    # into lines that no longer look like text.
    ink = ndimage.gaussian_filter(ink, GRAIN_BLUR)
    # The window is far wider than a stroke, so inside a thick stroke it still reaches the ground.
    window = max(9, max(ink.shape) // 4)
    local_background = ndimage.uniform_filter(ndimage.minimum_filter(ink, size=window), size=window)
    return np.clip(ink - local_background, 0.0, 1.0)


def _grain(ink: np.ndarray) -> float:
    """The grain alone: what is left of the ink map after a blur wider than a grain. The light is
    levelled already (or an alpha channel has none), and a digit blown up from a small scan covers
    so much of the picture that its own strokes would count as grain if every pixel's spread did,
    lifting the floor above its faint strokes (a third of such 8s were cut apart)."""
    detail = ink - ndimage.gaussian_filter(ink, GRAIN_SCALE)
    return 1.4826 * float(np.median(np.abs(detail - np.median(detail))))  # a spread that ignores the strokes


def _remove_noise_floor(ink: np.ndarray) -> np.ndarray:
    peak = float(ink.max())
    if peak < 0.08:  # nothing stands out from the background: an empty canvas or blank paper
        return np.zeros_like(ink)
    # Most pixels are background: their spread is the photo's grain. A faint pencil line on
    # grainy paper needs the floor above the grain, not only above a fifth of the peak.
    if np.count_nonzero(ink) * 2 < ink.size:  # mostly exact zeros (a canvas): median and MAD are 0
        background = grain = 0.0
    else:
        background = float(np.median(ink))
        grain = _grain(ink)
    floor = min(max(NOISE_FLOOR * peak, background + 5 * grain), 0.6 * peak)
    return np.clip((ink - floor) / (peak - floor), 0.0, 1.0).astype(np.float32)


MAX_MARKS = 25  # a digit is one to four strokes; a page of text or a texture is hundreds of marks
DOMINANT_MARK = 0.5  # ... and in a digit photo with dust, the digit itself holds most of the ink


def _refuse_scattered_marks(ink: np.ndarray, blobs: tuple[np.ndarray, int]) -> None:
    labelled, count = blobs
    if count <= MAX_MARKS:
        return
    masses = ndimage.sum_labels(ink, labelled, index=np.arange(1, count + 1))
    if masses.max() < DOMINANT_MARK * masses.sum():
        raise NoDigitError(scattered_marks(count))


def _drop_specks(ink: np.ndarray, blobs: tuple[np.ndarray, int] | None = None) -> np.ndarray:
    """Zero the blobs that hold under SPECK_FRACTION of the ink: dust, paper grain, a stray tap.
    ``blobs``: the ink's connected components when the caller has labelled them already."""
    labelled, count = blobs if blobs is not None else ndimage.label(ink > 0, structure=np.ones((3, 3)))
    if count <= 1:
        return ink
    masses = ndimage.sum_labels(ink, labelled, index=np.arange(1, count + 1))
    keep = np.concatenate([[False], masses >= SPECK_FRACTION * masses.sum()])
    return np.where(keep[labelled], ink, 0.0).astype(np.float32)


def _centre_by_mass(digit: np.ndarray) -> np.ndarray:
    """Place ``digit`` in 28x28 so its centre of mass is at (14, 14), staying inside the frame."""
    height, width = digit.shape
    centre_row, centre_column = ndimage.center_of_mass(digit)
    top = int(round(MNIST_CENTRE - centre_row))
    left = int(round(MNIST_CENTRE - centre_column))
    top = min(max(top, 0), MNIST_SIZE - height)
    left = min(max(left, 0), MNIST_SIZE - width)
    canvas = np.zeros((MNIST_SIZE, MNIST_SIZE), dtype=np.float32)
    canvas[top : top + height, left : left + width] = digit
    return canvas


def _one_line(error: BaseException) -> str:
    # Pillow names a file object by its repr ("<_io.BytesIO object at 0x7f...>"): say "the data".
    text = re.sub(r"<[^<>]* at 0x[0-9a-fA-F]+>", "the data", str(error))
    return " ".join(text.split()) or type(error).__name__
