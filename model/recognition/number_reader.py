"""The number reader: reads a run of digits written into each other, as a whole, left to right.

A small convolutional network (made by ``model/making/number_model.py``) looks at the line
(``line_input``) and gives, for every 4 columns, eleven scores: "no digit here" and the ten
digits; a recurrent layer lets each column see its neighbours. It was trained with the CTC loss
(Graves et al., 2006), which needs only the digits of each line, not where one ends and the next
begins - which is exactly what nobody knows about touching digits. Reading takes the best label
per column, merges repeats and drops "no digit"; the columns each digit won say where it stands,
so the reader can cut the ink there.

``line_input`` is shared by training and reading: crop to the ink, scale to LINE_HEIGHT.
"""

import dataclasses
import functools
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from model.recognition.forward import traced_forward
from model.storage import PACKAGE_DIR

NUMBER_MODEL_PATH = PACKAGE_DIR / "mnist_numbers.keras"
LINE_HEIGHT = 32  # the number model's input height; the ink fills INK_HEIGHT of it
INK_HEIGHT = 28
MAX_INPUT_WIDTH = 1024  # a wider group is squeezed: a visitor's endless scribble costs bounded work
COLUMNS_PER_STEP = 4  # the network pools the width by 4: one set of scores per 4 input columns
BLANK = 0  # Keras' CTC loss reserves label 0 for "no digit here"; digit d is label d + 1


@dataclasses.dataclass(frozen=True)
class ReadDigit:
    digit: int
    probabilities: np.ndarray  # ten floats summing to 1, at the step where the digit was surest
    first_column: float  # input columns the digit's steps cover
    last_column: float


def line_input(ink: np.ndarray, max_width: int = MAX_INPUT_WIDTH) -> tuple[np.ndarray, float, float]:
    """Ink (any size, floats in [0, 1]) -> (LINE_HEIGHT, width) float32: cropped to the ink,
    scaled to INK_HEIGHT keeping the aspect ratio, with a margin above and below.
    Also returns the scale (input columns per ink column) and the crop's left column."""
    ink = np.asarray(ink, dtype=np.float32)
    rows, columns = np.nonzero(ink > 0)
    if rows.size == 0:
        raise ValueError("line_input needs some ink")
    crop = ink[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]
    scale = INK_HEIGHT / crop.shape[0]
    width = int(np.clip(round(crop.shape[1] * scale), 1, max_width))
    resized = np.asarray(
        Image.fromarray(crop, mode="F").resize((width, INK_HEIGHT), Image.Resampling.BILINEAR, reducing_gap=2.0)
    )
    resized = np.clip(resized, 0.0, None)
    resized = resized / max(float(resized.max()), 1e-6)
    margin = (LINE_HEIGHT - INK_HEIGHT) // 2
    line = np.zeros((LINE_HEIGHT, width + 2 * margin), np.float32)
    line[margin : margin + INK_HEIGHT, margin : margin + width] = resized
    return line, width / crop.shape[1], int(columns.min()) - margin / (width / crop.shape[1])


def pad_lines(lines: list[np.ndarray], width: int | None = None) -> np.ndarray:
    """A list of (LINE_HEIGHT, w) lines -> one (n, LINE_HEIGHT, width, 1) batch, padded on the right."""
    width = width or max(line.shape[1] for line in lines)
    width = int(np.ceil(width / 8) * 8)  # the model pools width by 4; a multiple of 8 keeps traces few
    batch = np.zeros((len(lines), LINE_HEIGHT, width, 1), np.float32)
    for index, line in enumerate(lines):
        batch[index, :, : min(width, line.shape[1]), 0] = line[:, :width]
    return batch


class NumberModel:
    def __init__(self, keras_model: Any) -> None:
        self.model = keras_model
        self._forward = traced_forward(keras_model, input_shape=(LINE_HEIGHT, None, 1))

    @classmethod
    def load(cls, path: Path = NUMBER_MODEL_PATH) -> "NumberModel | None":
        """The number model at ``path``, or None when there is none."""
        if not (path.is_file() and zipfile.is_zipfile(path)):
            return None
        import keras

        return cls(keras.saving.load_model(path, compile=False, safe_mode=True))

    def read_lines(self, lines: list[np.ndarray], batch_size: int = 256) -> list[list[ReadDigit]]:
        """Lines from ``line_input`` -> for each, the ReadDigits left to right (greedy CTC reading)."""
        readings = []
        for start in range(0, len(lines), batch_size):
            chunk = lines[start : start + batch_size]
            scores = self._forward(pad_lines(chunk)).numpy()
            for line, line_scores in zip(chunk, scores, strict=False):
                steps = int(np.ceil(line.shape[1] / COLUMNS_PER_STEP))
                readings.append(_greedy_reading(line_scores[:steps]))
        return readings


def _greedy_reading(scores: np.ndarray) -> list[ReadDigit]:
    """Scores (steps, 11) -> ReadDigits: the best label per step, repeats merged, blanks dropped.
    (``keras.ops.ctc_decode`` gives the digits too, but not the steps where each one stands.)"""
    probabilities = np.exp(scores - scores.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    best = probabilities.argmax(axis=1)
    digits, step = [], 0
    while step < len(best):
        label, end = best[step], step
        while end + 1 < len(best) and best[end + 1] == label:
            end += 1
        if label != BLANK:
            surest = step + int(np.argmax(probabilities[step : end + 1, label]))
            digit_probabilities = probabilities[surest, 1:] / probabilities[surest, 1:].sum()
            digits.append(
                ReadDigit(int(label) - 1, digit_probabilities, step * COLUMNS_PER_STEP, (end + 1) * COLUMNS_PER_STEP)
            )
        step = end + 1
    return digits


@functools.lru_cache(maxsize=1)
def shipped_number_model() -> NumberModel | None:
    """The shipped number model, loaded once per process."""
    return NumberModel.load(NUMBER_MODEL_PATH)
