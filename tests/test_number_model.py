"""The number model: lines of digits made to teach it, the greedy CTC reading, and the shipped model."""

import json

import numpy as np
import pytest

from model.making.synthetic.number_lines import MAX_DIGITS, TRAINING_WIDTH, make_lines
from model.recognition.number_reader import (
    BLANK,
    COLUMNS_PER_STEP,
    INK_HEIGHT,
    LINE_HEIGHT,
    _greedy_reading,
    line_input,
    shipped_number_model,
)
from tests.test_cli import ROOT, run


def scores_for(labels):
    """Scores (steps, 11) whose best label per step is ``labels``."""
    scores = np.zeros((len(labels), 11), np.float32)
    scores[np.arange(len(labels)), labels] = 5.0
    return scores


def test_greedy_reading_merges_repeats_and_keeps_a_digit_repeated_across_a_blank():
    # labels are digit + 1: steps read "2 2 (blank) 2 4 4" -> the digits 1, 1, 3
    digits = _greedy_reading(scores_for([BLANK, 2, 2, BLANK, 2, 4, 4, BLANK]))
    assert [digit.digit for digit in digits] == [1, 1, 3]
    assert [(digit.first_column, digit.last_column) for digit in digits] == [
        (1 * COLUMNS_PER_STEP, 3 * COLUMNS_PER_STEP),
        (4 * COLUMNS_PER_STEP, 5 * COLUMNS_PER_STEP),
        (5 * COLUMNS_PER_STEP, 7 * COLUMNS_PER_STEP),
    ]
    for digit in digits:
        assert abs(digit.probabilities.sum() - 1) < 1e-6 and digit.probabilities.argmax() == digit.digit
    assert _greedy_reading(scores_for([BLANK, BLANK])) == []


def test_line_input_scales_the_ink_to_the_line_and_maps_columns_back():
    ink = np.zeros((200, 500), np.float32)
    ink[50:150, 100:300] = 1.0  # 100 rows high, 200 columns wide
    line, scale, left = line_input(ink)
    assert line.shape[0] == LINE_HEIGHT and scale == INK_HEIGHT / 100
    assert line.shape[1] == round(200 * scale) + (LINE_HEIGHT - INK_HEIGHT)
    ink_columns = np.nonzero(line.any(axis=0))[0]
    # an input column c stands for the ink column left + c / scale
    assert (
        abs(left + ink_columns[0] / scale - 100) <= 1 / scale
        and abs(left + (ink_columns[-1] + 1) / scale - 300) <= 1 / scale
    )
    wide = np.ones((10, 5000), np.float32)
    assert line_input(wide)[0].shape[1] <= 1024 + LINE_HEIGHT  # an endless scribble costs bounded work


def test_lines_hold_one_to_five_digits_labelled_for_the_ctc_loss(sample):
    inputs, targets = make_lines(sample.x_train, sample.y_train, 300, seed=2)
    assert inputs.shape == (300, LINE_HEIGHT, TRAINING_WIDTH) and inputs.dtype == np.uint8
    lengths = (targets > 0).sum(axis=1)
    assert set(lengths) == set(range(1, MAX_DIGITS + 1))
    for target, length in zip(targets, lengths, strict=False):
        assert np.all(target[:length] >= 1) and np.all(target[length:] == 0)  # digit + 1, then padding
    assert all(line.any() for line in inputs)
    again, _ = make_lines(sample.x_train, sample.y_train, 300, seed=2)
    assert np.array_equal(inputs, again)


def test_the_shipped_number_model_reads_lines_of_test_digits_it_never_saw(sample):
    inputs, targets = make_lines(sample.x_test, sample.y_test, 400, seed=7)
    readings = shipped_number_model().read_lines([line.astype(np.float32) / 255 for line in inputs])
    truths = [[int(label) - 1 for label in target if label] for target in targets]
    read = np.mean(
        [[digit.digit for digit in reading] == truth for reading, truth in zip(readings, truths, strict=False)]
    )
    assert read >= 0.85, f"{read:.1%} of lines read exactly"  # 88.5 % when written (no classifier, no groups)


@pytest.mark.slow
def test_numbers_cli_trains_and_saves_the_number_model(tmp_path):
    out = tmp_path / "numbers.keras"
    result = run(
        "model",
        "numbers",
        "--lines",
        "300",
        "--epochs",
        "1",
        "--data",
        str(ROOT / "model" / "mnist_sample.npz"),
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    card = json.loads(out.with_suffix(".json").read_text())
    assert card["architecture"] == "number_model" and card["lines_trained_on"] == 300
    assert "check lines exactly" in result.stdout
