"""Reading a whole number ("2026"): find the digits in the ink, even where they touch.

1. Blobs of ink that overlap horizontally are one group, so a 4 or a 5 drawn in two strokes
   stays one digit, and digits standing apart are groups of their own.
2. Every group is read as a whole by the number model (``number_reader.py``): a network trained
   with the CTC loss on lines of MNIST digits written into each other, which says how many
   digits a group holds and which, and where each one stands, without being told where to cut.
3. A group of one digit (or of none: the number model learned to read nothing in letters and
   scribbles) is read exactly as if it were drawn alone: the digit model names it and the gate
   may say it is not a digit. A group of several digits is cut between the digits the number
   model found, along the straight line (upright or slanted) that crosses the least ink near
   where one digit ends and the next begins; each piece shows the 28x28 the number model's
   answer is about, with the number model's probabilities.

This is the only number reader: the Draw page's number mode and ``predict --number`` call it.
"""

import dataclasses

import numpy as np
from PIL import Image
from scipy import ndimage

from model.recognition.number_reader import NumberModel, line_input, shipped_number_model
from model.recognition.predictor import Prediction, Predictor
from model.recognition.preprocess import clean_ink, fit_to_mnist, to_ink
from model.recognition.refusal import NO_INK, NO_NUMBER_READER, TOO_FAINT, NoDigitError, Refusal

SLANTS = (-0.4, -0.2, 0.0, 0.2, 0.4)  # a cut line's shift in x per row: upright, and as slanted writing leans
SMALL_MARK = 0.4  # a group less than this fraction as tall as the tallest is part of a neighbour
CUT_SEARCH = 0.2  # a cut may move this fraction of the group's height from where the number model put it


@dataclasses.dataclass(frozen=True)
class NumberReading:
    images: list[np.ndarray]  # one 28x28 float image per digit, left to right
    predictions: list[Prediction]  # one per image
    refusal: Refusal | None = None  # why there are no digits at all, when there are none

    @property
    def number(self) -> str | None:
        """The digits as a string ("2026"), or None when there is no digit or a piece is not one."""
        if not self.predictions or any(not prediction.is_digit for prediction in self.predictions):
            return None
        return "".join(str(prediction.digit) for prediction in self.predictions)

    @property
    def refused_marks(self) -> list[int]:
        """The marks (counted from 1, left to right) the gate said are not digits."""
        return [index for index, prediction in enumerate(self.predictions, start=1) if not prediction.is_digit]

    @property
    def why_no_number(self) -> str | None:
        """One line: why there is no number (None when there is one)."""
        if self.refusal is not None:
            return str(self.refusal)
        if self.number is not None:
            return None
        refusal = next(prediction.refusal for prediction in self.predictions if prediction.refusal is not None)
        return f"mark {', '.join(map(str, self.refused_marks))} of {len(self.predictions)}: {refusal.detail}"


def read_number(
    predictor: Predictor, image: Image.Image | np.ndarray, number_model: NumberModel | None = None
) -> NumberReading:
    """Any image holding a number -> NumberReading. No ink, or ink like text, gives no digits and a refusal."""
    number_model = number_model or shipped_number_model()
    if number_model is None:
        return NumberReading([], [], refusal=NO_NUMBER_READER)
    try:
        ink = clean_ink(to_ink(image))
    except NoDigitError as error:  # also ink scattered like text
        return NumberReading([], [], refusal=error.refusal)
    groups = _groups(ink)
    if not groups:
        return NumberReading([], [], refusal=NO_INK)
    lines = [line_input(group) for group in groups]
    readings = number_model.read_lines([line for line, _, _ in lines])
    images: list[np.ndarray] = []
    predictions: list[Prediction] = []
    for group, (_, scale, left), read_digits in zip(groups, lines, readings, strict=True):
        if len(read_digits) <= 1:
            try:
                image = fit_to_mnist(group)
            except NoDigitError:  # too faint to make a 28x28 of
                continue
            images.append(image)
            predictions.append(predictor.predict(image))
            continue
        boundaries = [
            left + (before.last_column + after.first_column) / 2 / scale
            for before, after in zip(read_digits, read_digits[1:], strict=False)
        ]
        for piece, read_digit in zip(_cut(group, boundaries), read_digits, strict=True):
            try:
                images.append(fit_to_mnist(piece))
            except NoDigitError:  # the cut left this digit no ink of its own: the reading still stands
                images.append(np.zeros((28, 28), np.float32))
            # No gate here: it judges whole digits, and a cut piece keeps a chunk of its
            # neighbour. The number model, which also learned lines of letters and scribbles,
            # is the judge of a run of touching marks.
            predictions.append(
                Prediction(
                    digit=read_digit.digit,
                    confidence=float(read_digit.probabilities[read_digit.digit]),
                    probabilities=read_digit.probabilities,
                )
            )
    if not images:
        return NumberReading([], [], refusal=TOO_FAINT)
    return NumberReading(images, predictions)


@dataclasses.dataclass
class _Group:
    """Blobs of ink read as one: their bounding box and their labels in the labelled ink."""

    left: int
    right: int
    top: int
    bottom: int
    labels: list[int]

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def take(self, left: int, right: int, top: int, bottom: int, labels: list[int]) -> None:
        """Grow the box to hold another blob or group, and take its labels."""
        self.left, self.right = min(left, self.left), max(right, self.right)
        self.top, self.bottom = min(top, self.top), max(bottom, self.bottom)
        self.labels.extend(labels)


def _groups(ink: np.ndarray) -> list[np.ndarray]:
    """The ink cut into groups of blobs that overlap horizontally, left to right, each cropped.
    A mark much shorter than the tallest group (the bar of a 5 lifted off and drawn to its
    right) joins the group nearest to it instead of standing as a digit of its own."""
    labelled, _ = ndimage.label(ink > 0, structure=np.ones((3, 3)))
    groups: list[_Group] = []
    boxes = ndimage.find_objects(labelled)
    for label, (rows, columns) in sorted(enumerate(boxes, start=1), key=lambda item: item[1][1].start):
        left, right = columns.start, columns.stop
        for group in groups:
            overlap = min(right, group.right) - max(left, group.left)
            if overlap > 0.5 * min(right - left, group.right - group.left):
                group.take(left, right, rows.start, rows.stop, [label])
                break
        else:
            groups.append(_Group(left, right, rows.start, rows.stop, [label]))
    tallest = max((group.height for group in groups), default=0)
    for mark in [group for group in groups if group.height < SMALL_MARK * tallest]:
        others = [group for group in groups if group is not mark]
        if others:
            # the horizontal gap between the boxes, negative where they overlap
            nearest = min(others, key=lambda group: max(group.left, mark.left) - min(group.right, mark.right))
            nearest.take(mark.left, mark.right, mark.top, mark.bottom, mark.labels)
            groups.remove(mark)
    cropped = []
    for group in sorted(groups, key=lambda group: group.left):
        group_ink = np.where(np.isin(labelled, group.labels), ink, 0.0).astype(np.float32)
        rows, columns = np.nonzero(group_ink)
        cropped.append(group_ink[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1])
    return cropped


def _cut(group: np.ndarray, boundaries: list[float]) -> list[np.ndarray]:
    """The group's ink cut at each boundary column, along the straight line near it that crosses the least ink."""
    height, width = group.shape
    rows = np.arange(height) - (height - 1) / 2
    columns = np.arange(width)
    lines = [np.full(height, -1.0)]

    def scored(start: float, slant: float, boundary: float) -> tuple[tuple[float, float, float], np.ndarray]:
        line = start + slant * rows
        at = np.rint(line).astype(int)
        inside = (at >= 0) & (at < width)
        crossed = float(group[np.arange(height)[inside], at[inside]].sum())
        # Ties (no ink crossed, or the same) go to the line nearest where the number model put the cut.
        return (crossed, abs(start - boundary), abs(slant)), line

    for boundary in boundaries:
        starts = np.arange(boundary - CUT_SEARCH * height, boundary + CUT_SEARCH * height + 1)
        _, best = min(
            (scored(start, slant, boundary) for slant in SLANTS for start in starts),
            key=lambda candidate: candidate[0],
        )
        lines.append(np.maximum(best, lines[-1] + 1))  # never cross the previous cut
    lines.append(np.full(height, width + 1.0))
    return [
        np.where((columns[None, :] >= left[:, None]) & (columns[None, :] < right[:, None]), group, 0.0).astype(
            np.float32
        )
        for left, right in zip(lines, lines[1:], strict=False)
    ]
