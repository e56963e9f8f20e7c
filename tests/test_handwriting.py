"""The held-out written digits: well-formed pictures, every style, and read by the shipped model."""

import numpy as np

from bench.heldout.handwriting import STYLES, written_digits
from model.recognition.preprocess import preprocess


def test_written_digits_cover_every_digit_and_style_as_canvas_and_photo():
    canvas = list(written_digits(len(sum(map(list, STYLES.values()), [])), seed=1))
    assert {(digit, style) for digit, style, _, _ in canvas} == {
        (digit, style) for digit in STYLES for style in STYLES[digit]
    }
    for _, _, _, picture in canvas:
        assert picture.shape == (280, 280, 4) and picture.dtype == np.uint8 and picture[..., 3].max() > 0
    [(_, _, _, photo)] = list(written_digits(1, seed=1, rendering="photo"))
    assert photo.shape == (280, 280, 3)
    again = [picture for *_, picture in written_digits(5, seed=1)]
    assert all(np.array_equal(first[3], second) for first, second in zip(canvas, again, strict=False))


def test_the_shipped_model_reads_other_hands(shipped_predictor):
    # A regression guard on the whole reading path (bench/drawings_robustness.py measures 2,000).
    drawings = list(written_digits(150, seed=9)) + list(written_digits(50, seed=10, rendering="photo"))
    predictions = [shipped_predictor.predict(preprocess(picture)) for *_, picture in drawings]
    right = [
        prediction.is_digit and prediction.digit == digit
        for (digit, *_), prediction in zip(drawings, predictions, strict=False)
    ]
    assert np.mean(right) >= 0.97, f"{sum(right)} of {len(right)}"
