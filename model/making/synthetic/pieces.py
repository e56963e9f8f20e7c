"""Pieces a cut through touching digits makes, right and wrong.

A digit classifier trained on whole digits is confidently wrong about a half 0 (it says 1) or
two digits squeezed into one box (it says 8). The gate's second head learns what a wrong cut
makes (which sharpens the trunk its digit head shares), and the digit networks' training takes
digits with a sliver, which is what a right cut leaves:

- **fragments** (not a digit): a digit cut by a line through its middle, one side kept;
- **pairs** (not a digit): two digits written into each other, both kept whole;
- **digits with a chunk** (not a digit): a digit cut from its neighbour too far into the
  neighbour, so a large part of it comes along (a 5 with the left half of the 8 after it);
- **digits with a sliver** (a digit): a digit cut from its touching neighbour where they meet,
  with the bit of the neighbour that a straight cut leaves on its side.

All are made from MNIST *training* digits, passed through ``fit_to_mnist`` like any piece.
"""

from typing import NamedTuple

import numpy as np
from PIL import Image

from model.recognition.preprocess import fit_to_mnist
from model.recognition.refusal import NoDigitError


class Pieces(NamedTuple):
    images: np.ndarray  # uint8 (n, 28, 28), in MNIST's format like every generator here
    is_digit: np.ndarray  # float32 (n,): 1 for a whole digit (with a sliver), 0 for a wrong cut
    labels: np.ndarray  # (n,): the digit a piece shows, -1 where it is not one or no labels were given


def make_pieces(
    digits_uint8: np.ndarray,
    count: int,
    seed: int = 0,
    labels: np.ndarray | None = None,
    kinds: tuple[str, ...] = ("fragment", "pair", "digit with a sliver", "digit with a chunk", "digit with a sliver"),
) -> Pieces:
    """``count`` pieces of the ``kinds`` in turn, made from ``digits_uint8`` (with their ``labels``
    when each whole piece should say which digit it is)."""
    rng = np.random.default_rng(seed)
    images: list[np.ndarray] = []
    is_digit: list[bool] = []
    piece_labels: list[int] = []
    makers = [
        {
            "fragment": _fragment,
            "pair": _pair,
            "digit with a chunk": _digit_with_chunk,
            "digit with a sliver": _digit_with_sliver,
        }[kind]
        for kind in kinds
    ]
    while len(images) < count:
        maker = makers[len(images) % len(makers)]
        first, second = rng.integers(len(digits_uint8), size=2)
        piece = maker(_cropped(digits_uint8[first]), _cropped(digits_uint8[second]), rng)
        if piece is None:
            continue
        try:
            images.append(fit_to_mnist(piece))
        except NoDigitError:
            continue
        is_digit.append(maker is _digit_with_sliver)
        piece_labels.append(labels[first] if labels is not None and is_digit[-1] else -1)
    return Pieces(
        np.round(np.stack(images) * 255).astype(np.uint8), np.array(is_digit, np.float32), np.array(piece_labels)
    )


def _cropped(image: np.ndarray) -> np.ndarray:
    floats = np.asarray(image, np.float32) / 255
    rows, columns = np.nonzero(floats > 0.1)
    return floats[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]


def _fragment(digit: np.ndarray, _: np.ndarray, rng: np.random.Generator) -> np.ndarray | None:
    height, width = digit.shape
    if width < 0.45 * height:  # a 1: any part of it is still a 1
        return None
    keep_left = rng.random() < 0.5
    cut = rng.uniform(0.35, 0.65) * width + rng.uniform(-0.3, 0.3) * (np.arange(height) - height / 2)[:, None]
    columns = np.arange(width)[None, :]
    piece = np.where(columns < cut if keep_left else columns >= cut, digit, 0.0)
    inked = np.nonzero(piece.max(axis=0) > 0.1)[0]
    # A thin upright piece is a 1 to anyone: never teach that a 1 is not a digit.
    if piece.sum() < 0.2 * digit.sum() or inked.size == 0 or inked[-1] - inked[0] < 0.4 * height:
        return None
    return piece


def _side_by_side(first: np.ndarray, second: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, int, int]:
    """The two digits at one height, the second pushed into the first by up to 30 % of the narrower."""
    height = first.shape[0]
    second = np.asarray(
        Image.fromarray(second).resize(
            (max(2, round(second.shape[1] * height / second.shape[0])), height), Image.Resampling.BILINEAR
        )
    )
    overlap = int(rng.uniform(0.0, 0.3) * min(first.shape[1], second.shape[1])) + 1
    width = first.shape[1] + second.shape[1] - overlap
    joined = np.zeros((height, width), np.float32)
    joined[:, : first.shape[1]] = first
    start = first.shape[1] - overlap
    joined[:, start:] = np.maximum(joined[:, start:], second)
    return joined, start, first.shape[1]  # the overlap spans columns [start, first's right edge)


def _pair(first: np.ndarray, second: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return _side_by_side(first, second, rng)[0]


def _digit_with_chunk(first: np.ndarray, second: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    joined, _, overlap_end = _side_by_side(first, second, rng)
    second_width = joined.shape[1] - overlap_end
    cut = overlap_end + rng.uniform(0.35, 0.7) * second_width
    return np.where(np.arange(joined.shape[1])[None, :] < cut, joined, 0.0)


def _digit_with_sliver(first: np.ndarray, second: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    joined, overlap_start, overlap_end = _side_by_side(first, second, rng)
    cut = (overlap_start + overlap_end) / 2 + rng.uniform(-1.5, 1.5)
    return np.where(np.arange(joined.shape[1])[None, :] < cut, joined, 0.0)
