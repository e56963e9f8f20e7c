"""Reading a whole number ("2026"): split the ink into digits, and let the classifier say where
digits that touch should part.

1. Blobs of ink that overlap horizontally are one group, so a 4 or a 5 drawn in two strokes
   stays one digit.
2. A group may still hold several digits written into each other. Candidate cuts are straight
   lines, upright or slanted, that cross little ink. Every way of cutting the group at some of
   them is scored by the classifier: each piece scores its top probability times the gate's
   belief that it is a digit at all, a piece much wider than a digit is unlikely, and each extra
   piece must earn its place (``EXTRA_PIECE_COST``). Dynamic programming over the cuts finds the
   best way; every candidate piece is classified once, all in one batch.

This is the only number reader: the Draw page's number mode and ``predict --number`` call it.
"""

import dataclasses

import numpy as np
from PIL import Image
from scipy import ndimage

from model.gate import NOT_A_DIGIT
from model.preprocess import NoDigitError, NotADigitError, clean_ink, fit_to_mnist, to_ink

WORK_HEIGHT = 48  # a group is searched for cuts at this height: plenty for a 20 px digit box
SLANTS = (-0.4, -0.2, 0.0, 0.2, 0.4)  # a cut line's shift in x per row: upright, and as slanted writing leans
MAX_CUTS = 12  # candidate cuts per group, the ones crossing the least ink ...
UPRIGHT_STEP = 0.15  # ... and upright ones every 15 % of the height,
MAX_UPRIGHT_CUTS = 30  # at most this many: a long line of ink costs a bounded amount of work
SMALLEST_PIECE = 0.12  # no piece narrower than this fraction of the group's height ...
SMALLEST_INK = 0.04  # ... or holding less than this fraction of its ink
MAX_PIECE_WIDTH = 1.8  # no piece spans more than this many times the height (MNIST's widest 2s: 1.7)
WIDEST_DIGIT = 1.1  # pieces wider than this many times the height are penalised ...
TOO_WIDE_COST = 4.0  # ... by this much (in log-probability) per unit of extra width
GATE_WEIGHT = 2.0  # how much the gate's "a whole digit?" counts against the classifier's confidence
EXTRA_PIECE_COST = 2.0  # log-probability a split must gain to be taken over one digit


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


def read_number(predictor, image):
    """Any image holding a number -> NumberReading. No ink, or ink like text, gives no digits and a reason."""
    try:
        ink = clean_ink(to_ink(image))
    except NotADigitError as error:
        return NumberReading([], [], reason=str(error))
    pieces = []
    for group in _groups(ink):
        pieces.extend(_best_pieces(predictor, group))
    if not pieces:
        reason = "no digit: the ink could not be cut into digits" if ink.any() else "no digit: the image holds no ink"
        return NumberReading([], [], reason=reason)
    predictions = [predictor.predict(piece) for piece in pieces]
    return NumberReading(pieces, predictions)


def _groups(ink):
    """The ink cut into groups of blobs that overlap horizontally, left to right, each cropped."""
    labelled, count = ndimage.label(ink > 0, structure=np.ones((3, 3)))
    groups = []  # each: [left, right, [labels]]
    boxes = ndimage.find_objects(labelled)
    for label, (_, columns) in sorted(enumerate(boxes, start=1), key=lambda item: item[1][1].start):
        left, right = columns.start, columns.stop
        for group in groups:
            overlap = min(right, group[1]) - max(left, group[0])
            if overlap > 0.5 * min(right - left, group[1] - group[0]):
                group[0], group[1] = min(left, group[0]), max(right, group[1])
                group[2].append(label)
                break
        else:
            groups.append([left, right, [label]])
    cropped = []
    for _, _, labels in sorted(groups, key=lambda group: group[0]):
        group_ink = np.where(np.isin(labelled, labels), ink, 0.0).astype(np.float32)
        rows, columns = np.nonzero(group_ink)
        cropped.append(group_ink[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1])
    return cropped


def _best_pieces(predictor, group):
    """A group of ink -> the 28x28 digits it holds, cut where the classifier likes the pieces best."""
    height, width = group.shape
    scale = WORK_HEIGHT / height
    small = np.asarray(Image.fromarray(group).resize((max(1, round(width * scale)), WORK_HEIGHT), Image.Resampling.BOX))
    small = np.clip(small, 0.0, 1.0)
    edges = [(-1.0, 0.0), (small.shape[1] + 1.0, 0.0)]  # upright lines just outside the ink
    cuts = [edges[0], *_candidate_cuts(small), edges[1]]  # (x at the middle row, slant)
    pieces, images = {}, []
    for start in range(len(cuts)):
        for end in range(start + 1, len(cuts)):
            if cuts[end][0] - cuts[start][0] > MAX_PIECE_WIDTH * WORK_HEIGHT:
                break  # the cuts are sorted: every later one is farther still
            piece = _piece_between(small, cuts[start], cuts[end])
            if piece is None:
                continue
            try:
                image = fit_to_mnist(piece)
            except NoDigitError:
                continue
            pieces[start, end] = (len(images), _columns_spanned(piece) / WORK_HEIGHT)
            images.append(image)
    if not images:
        return []
    images = np.stack(images)
    probabilities = predictor.predict_probabilities(images).max(axis=1)
    digit_like = predictor.gate.whole_digit_probability(images) if predictor.gate is not None else np.ones(len(images))
    scores = np.log(probabilities + 1e-9) + GATE_WEIGHT * np.log(digit_like + 1e-9)
    best = {0: (0.0, [])}  # cut index -> (score, pieces as (left cut, right cut)) of the best way to reach it
    for end in range(1, len(cuts)):
        options = []
        for start in range(end):
            if start in best and (start, end) in pieces:
                index, relative_width = pieces[start, end]
                score = best[start][0] + scores[index] - TOO_WIDE_COST * max(0.0, relative_width - WIDEST_DIGIT)
                score -= EXTRA_PIECE_COST if start > 0 else 0.0
                options.append((score, best[start][1] + [(cuts[start], cuts[end])]))
        if options:
            best[end] = max(options, key=lambda option: option[0])
    # The chosen pieces are cut again from the full-size ink, so a digit standing alone in a
    # number becomes exactly the 28x28 it would be if it were drawn alone.
    to_full_size = [[(position / scale, slant) for position, slant in piece] for piece in best.get(len(cuts) - 1, (0.0, []))[1]]
    digits = []
    for left, right in to_full_size:
        try:
            digits.append(fit_to_mnist(_piece_between(group, left, right, check=False)))
        except NoDigitError:  # the full-size cut kept no ink where the small one had a trace
            continue
    return digits


def _candidate_cuts(ink):
    """Straight lines through the group that cross the least ink: (x at the middle row, slant)."""
    height, width = ink.shape
    margin = SMALLEST_PIECE * height
    if width < 2 * margin:
        return []
    rows = np.arange(height) - (height - 1) / 2
    candidates = []
    for slant in SLANTS:
        starts = np.arange(width)
        columns = np.rint(starts[:, None] + slant * rows[None, :]).astype(int)
        inside = (columns >= 0) & (columns < width)
        crossed = np.where(inside, ink[np.arange(height)[None, :], np.clip(columns, 0, width - 1)], 0.0).sum(axis=1)
        crossed = ndimage.uniform_filter1d(crossed, 3)
        is_minimum = (crossed <= np.roll(crossed, 1)) & (crossed <= np.roll(crossed, -1))
        for start in np.nonzero(is_minimum)[0]:
            if margin <= start <= width - margin:
                candidates.append((float(crossed[start]), float(start), slant))
    chosen = []
    for crossed, start, slant in sorted(candidates):
        if all(abs(start - other) >= margin / 2 for other, _ in chosen):
            chosen.append((start, slant))
        if len(chosen) == MAX_CUTS:
            break
    # Where digits overlap, no line crosses little ink: upright cuts at even steps as well.
    step = max(UPRIGHT_STEP * height, (width - 2 * margin) / MAX_UPRIGHT_CUTS)
    chosen += [(float(start), 0.0) for start in np.arange(margin, width - margin + 1, step)
               if all(abs(start - other) >= step / 2 for other, _ in chosen)]
    return sorted(chosen)


def _piece_between(ink, left_cut, right_cut, check=True):
    """The ink between two cut lines; with ``check``, None when the lines cross or the piece is too small."""
    height, width = ink.shape
    rows = np.arange(height) - (height - 1) / 2
    left = left_cut[0] + left_cut[1] * rows
    right = right_cut[0] + right_cut[1] * rows
    if check and np.any(right - left < SMALLEST_PIECE * height):
        return None
    columns = np.arange(width)[None, :]
    piece = np.where((columns >= left[:, None]) & (columns < right[:, None]), ink, 0.0).astype(np.float32)
    if check and piece.sum() < SMALLEST_INK * ink.sum():
        return None
    return piece


def _columns_spanned(piece):
    columns = np.nonzero(piece.any(axis=0))[0]
    return columns[-1] - columns[0] + 1
