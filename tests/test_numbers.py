"""Reading whole numbers: digits apart, digits touching, two-stroke digits, and no number at all."""

import numpy as np
from scipy import ndimage

from bench.numbers import make_not_numbers, make_numbers
from model.making.synthetic.negatives import page
from model.recognition.numbers import read_number
from model.recognition.preprocess import preprocess
from model.recognition.refusal import GATE_REFUSAL
from tests.support.drawings import render, strokes_in_box

NOT_NUMBERS_REFUSED = 0.8  # 36 of 40 (90 %) when written


def number_strokes(digits, step, size=120):
    strokes = []
    for position, digit in enumerate(digits):
        strokes += strokes_in_box(digit, left=20 + position * step, top=40, size=size)
    return strokes


def blobs(drawing):
    return ndimage.label(drawing[..., 3] > 0, structure=np.ones((3, 3)))[1]


def test_digits_apart_read_left_to_right_as_each_alone(shipped_predictor):
    number = render(number_strokes([2, 0, 2, 6], step=150), canvas_size=640, stroke_width=12)
    reading = read_number(shipped_predictor, number)
    assert reading.number == "2026"
    for image, digit in zip(reading.images, [2, 0, 2, 6], strict=False):
        alone = preprocess(render(strokes_in_box(digit, 20, 40, 120), canvas_size=640, stroke_width=12))
        assert np.abs(image - alone).mean() < 0.02


def test_touching_digits_are_read_and_cut_apart(shipped_predictor):
    # Written fast: each digit runs into the next, so the whole number is one blob of ink.
    for digits, step in (([4, 7, 1], 60), ([3, 5, 8], 70), ([5, 2, 3, 9], 75)):
        number = render(number_strokes(digits, step=step), canvas_size=640, stroke_width=18)
        assert blobs(number) == 1
        reading = read_number(shipped_predictor, number)
        assert reading.number == "".join(map(str, digits))
        # one 28x28 piece per digit, each holding ink, shown left to right as the digits stand
        assert len(reading.images) == len(digits) and all(
            image.shape == (28, 28) and image.max() > 0.5 for image in reading.images
        )


def test_digits_drawn_in_two_strokes_stay_one_digit(shipped_predictor):
    # The 4's stem and the 5's bar are separate strokes that do not touch everything else.
    strokes = strokes_in_box(4, 20, 40, 120) + strokes_in_box(5, 170, 40, 120)
    assert read_number(shipped_predictor, render(strokes, canvas_size=320, stroke_width=10)).number == "45"
    apart = [[(200, 40), (260, 40)], [(200, 60), (200, 100), (250, 110), (250, 150), (195, 160)]]  # a 5, bar lifted off
    assert read_number(shipped_predictor, render(apart, canvas_size=320, stroke_width=10)).number == "5"


def test_no_ink_and_text_are_no_number_with_a_reason(shipped_predictor):
    empty = read_number(shipped_predictor, np.zeros((100, 300, 4), np.uint8))
    assert empty.number is None and empty.images == [] and "no digit" in empty.why_no_number
    no_pixels = read_number(shipped_predictor, np.zeros((0, 0, 4), np.uint8))
    assert no_pixels.number is None and "empty" in no_pixels.why_no_number
    # A screenshot: scattered text is refused as such; one with a window's bar reaches the gate.
    for seed in range(3):
        text = read_number(shipped_predictor, page(np.random.default_rng(seed)))
        why = text.why_no_number or ""
        assert text.number is None and ("not a digit" in why or GATE_REFUSAL.detail in why), why


def test_most_held_out_touching_numbers_are_read(shipped_predictor, sample):
    # MNIST test digits written into each other (bench/numbers.py's generator, few of them):
    # reading blobs alone gets 2 % of these; the number model must read nearly all
    # (bench/numbers.py measures 300).
    numbers = [number for number in make_numbers(sample.x_test, sample.y_test, 60, seed=5) if number[2]]
    read = [read_number(shipped_predictor, picture).number == truth for picture, truth, _, _ in numbers]
    assert len(numbers) >= 20 and np.mean(read) >= 0.85, f"{sum(read)} of {len(read)} touching numbers read"


def test_most_held_out_lines_of_letters_and_marks_are_no_number(shipped_predictor):
    # Fonts and written characters the number model and the gate never trained on, side by side.
    lines = make_not_numbers(40, seed=3)
    refused = [read_number(shipped_predictor, picture).number is None for picture, _ in lines]
    assert np.mean(refused) >= NOT_NUMBERS_REFUSED, f"{sum(refused)} of {len(refused)} lines got no number"
