"""Reading a whole number ("2026"): find the digits in the ink, even where they touch.

1. Blobs of ink that overlap horizontally are one group, so a 4 or a 5 drawn in two strokes
   stays one digit, and digits standing apart are groups of their own.
2. Every group is read as a whole by the number model (``number_model.py``): a network trained
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
from scipy import ndimage

from model.gate import NOT_A_DIGIT
from model.inference import Prediction
from model.number_lines import line_input
from model.number_model import shipped_number_model
from model.preprocess import NoDigitError, clean_ink, fit_to_mnist, to_ink

SLANTS = (-0.4, -0.2, 0.0, 0.2, 0.4)  # a cut line's shift in x per row: upright, and as slanted writing leans
SMALL_MARK = 0.4  # a group less than this fraction as tall as the tallest is part of a neighbour
CUT_SEARCH = 0.2  # a cut may move this fraction of the group's height from where the number model put it


@dataclasses.dataclass(frozen=True)
class NumberReading:
    images: list  # one 28x28 float image per digit, left to right
    predictions: list  # one model.inference.Prediction per image
    reason: str = None  # why there is no number, when there is none

    @property
    def number(self):
        """The digits as a string ("2026"), or None when there is no digit or a piece is not one."""
        if not self.predictions or any(not prediction.is_digit for prediction in self.predictions):
            return None
        return "".join(str(prediction.digit) for prediction in self.predictions)

    @property
    def why_no_number(self):
        if self.reason or self.number is not None:
            return self.reason
        refused = [index for index, prediction in enumerate(self.predictions, start=1) if not prediction.is_digit]
        return f"mark {', '.join(map(str, refused))} of {len(self.predictions)}: {NOT_A_DIGIT}"


def read_number(predictor, image, number_model=None):
    """Any image holding a number -> NumberReading. No ink, or ink like text, gives no digits and a reason."""
    number_model = number_model or shipped_number_model()
    if number_model is None:
        return NumberReading([], [], reason="numbers cannot be read: the number model file is missing")
    try:
        ink = clean_ink(to_ink(image))
    except NoDigitError as error:  # also NotADigitError: ink scattered like text
        return NumberReading([], [], reason=str(error))
    groups = _groups(ink)
    if not groups:
        return NumberReading([], [], reason="no digit: the image holds no ink")
    lines = [line_input(group) for group in groups]
    readings = number_model.read_lines([line for line, _, _ in lines])
    images, predictions = [], []
    for group, (_, scale, left), read_digits in zip(groups, lines, readings):
        if len(read_digits) <= 1:
            try:
                image = fit_to_mnist(group)
            except NoDigitError:  # too faint to make a 28x28 of
                continue
            images.append(image)
            predictions.append(predictor.predict(image))
            continue
        boundaries = [left + (before.last_column + after.first_column) / 2 / scale
                      for before, after in zip(read_digits, read_digits[1:])]
        for piece, read_digit in zip(_cut(group, boundaries), read_digits):
            try:
                images.append(fit_to_mnist(piece))
            except NoDigitError:  # the cut left this digit no ink of its own: the reading still stands
                images.append(np.zeros((28, 28), np.float32))
            # No gate here: it judges whole digits, and a cut piece keeps a chunk of its
            # neighbour. The number model, which also learned lines of letters and scribbles,
            # is the judge of a run of touching marks.
            predictions.append(Prediction(digit=read_digit.digit, confidence=float(read_digit.probabilities[read_digit.digit]),
                                          probabilities=read_digit.probabilities))
    if not images:
        return NumberReading([], [], reason="no digit: the ink is too faint")
    return NumberReading(images, predictions)


def _groups(ink):
    """The ink cut into groups of blobs that overlap horizontally, left to right, each cropped.
    A mark much shorter than the tallest group (the bar of a 5 lifted off and drawn to its
    right) joins the group nearest to it instead of standing as a digit of its own."""
    labelled, count = ndimage.label(ink > 0, structure=np.ones((3, 3)))
    groups = []  # each: [left, right, top, bottom, [labels]]
    boxes = ndimage.find_objects(labelled)
    for label, (rows, columns) in sorted(enumerate(boxes, start=1), key=lambda item: item[1][1].start):
        left, right = columns.start, columns.stop
        for group in groups:
            overlap = min(right, group[1]) - max(left, group[0])
            if overlap > 0.5 * min(right - left, group[1] - group[0]):
                group[:4] = min(left, group[0]), max(right, group[1]), min(rows.start, group[2]), max(rows.stop, group[3])
                group[4].append(label)
                break
        else:
            groups.append([left, right, rows.start, rows.stop, [label]])
    tallest = max((group[3] - group[2] for group in groups), default=0)
    for mark in [group for group in groups if group[3] - group[2] < SMALL_MARK * tallest]:
        others = [group for group in groups if group is not mark]
        if others:
            # the horizontal gap between the boxes, negative where they overlap
            nearest = min(others, key=lambda group: max(group[0], mark[0]) - min(group[1], mark[1]))
            nearest[:4] = min(mark[0], nearest[0]), max(mark[1], nearest[1]), min(mark[2], nearest[2]), max(mark[3], nearest[3])
            nearest[4].extend(mark[4])
            groups.remove(mark)
    cropped = []
    for _, _, _, _, labels in sorted(groups, key=lambda group: group[0]):
        group_ink = np.where(np.isin(labelled, labels), ink, 0.0).astype(np.float32)
        rows, columns = np.nonzero(group_ink)
        cropped.append(group_ink[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1])
    return cropped


def _cut(group, boundaries):
    """The group's ink cut at each boundary column, along the straight line near it that crosses the least ink."""
    height, width = group.shape
    rows = np.arange(height) - (height - 1) / 2
    columns = np.arange(width)
    lines = [np.full(height, -1.0)]
    for boundary in boundaries:
        best = None
        for slant in SLANTS:
            for start in np.arange(boundary - CUT_SEARCH * height, boundary + CUT_SEARCH * height + 1):
                line = start + slant * rows
                at = np.rint(line).astype(int)
                inside = (at >= 0) & (at < width)
                crossed = group[np.arange(height)[inside], at[inside]].sum()
                # Ties (no ink crossed, or the same) go to the line nearest where the number model put the cut.
                key = (crossed, abs(start - boundary), abs(slant))
                if best is None or key < best[0]:
                    best = (key, line)
        lines.append(np.maximum(best[1], lines[-1] + 1))  # never cross the previous cut
    lines.append(np.full(height, width + 1.0))
    return [np.where((columns[None, :] >= left[:, None]) & (columns[None, :] < right[:, None]), group, 0.0).astype(np.float32)
            for left, right in zip(lines, lines[1:])]
