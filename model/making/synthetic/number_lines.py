"""Lines of digits to teach the number model: MNIST digits written side by side, apart or into
each other, for the number model to learn from
(``model/recognition/number_reader.line_input`` turns each into the model's input).

A line is 1 to MAX_DIGITS training digits, each at its own size and height on the line; each gap
is drawn on its own, so one line mixes neighbours apart, touching and overlapping (up to 40 % of
the narrower digit, more than fast writing does). The whole line is then written with some pen
(MNIST's soft pencil, a hard-edged pen, a marker, a thin pen) and perhaps slanted. Some lines
hold no digit at all - letters, symbols, scribbles (``negatives.py``) - and teach the model to
read nothing there.
"""

import numpy as np
from PIL import Image
from scipy import ndimage

from model.recognition.number_reader import INK_HEIGHT, LINE_HEIGHT, line_input

MAX_DIGITS = 5  # the longest line taught; longer groups of touching digits are rare
NOT_DIGIT_LINES = 0.1  # of the lines, those made of things that are not digits (nothing to read)
TRAINING_WIDTH = 192  # lines are padded (or, rarely, squeezed) to this width to be batched


def make_lines(images_uint8, labels, count, seed=0, not_digits=None):
    """``count`` lines of digits -> (inputs (count, LINE_HEIGHT, TRAINING_WIDTH) uint8,
    targets (count, MAX_DIGITS) int32 with digit + 1 and 0 as padding, as Keras' CTC loss wants).

    ``not_digits``: uint8 images (white on black) holding no digit; NOT_DIGIT_LINES of the lines
    are then 1-3 of them side by side, with nothing to read (a target of padding only)."""
    rng = np.random.default_rng(seed)
    inputs = np.zeros((count, LINE_HEIGHT, TRAINING_WIDTH), np.uint8)
    targets = np.zeros((count, MAX_DIGITS), np.int32)
    for index in range(count):
        ink = np.zeros((1, 1))
        while not ink.any():  # a thin pen can wipe out a faint mark: draw another line
            if not_digits is not None and rng.random() < NOT_DIGIT_LINES:
                ink = _written_with_some_pen(
                    _compose(not_digits[rng.integers(0, len(not_digits), size=rng.integers(1, 4))], rng), rng
                )
                targets[index] = 0
            else:
                length = int(rng.choice(np.arange(1, MAX_DIGITS + 1), p=[0.1, 0.2, 0.25, 0.25, 0.2]))
                chosen = rng.integers(0, len(images_uint8), size=length)
                ink = _written_with_some_pen(_compose(images_uint8[chosen], rng), rng)
                targets[index] = 0
                targets[index, :length] = labels[chosen] + 1
        line, _, _ = line_input(ink, max_width=TRAINING_WIDTH - (LINE_HEIGHT - INK_HEIGHT))
        inputs[index, :, : line.shape[1]] = np.round(line * 255)
    return inputs, targets


def not_digit_images(count, seed=0, held_out=False):
    """Up to ``count`` images holding no digit (``negatives.negative_pictures``) as uint8 ink,
    56x56, for ``make_lines``' ``not_digits``: made with the training fonts and written
    characters, or with ``held_out`` ones, which only the benchmark uses."""
    from model.making.synthetic.negatives import (
        HELD_OUT_FONTS,
        HELD_OUT_WRITTEN,
        TRAINING_FONTS,
        TRAINING_WRITTEN,
        negative_pictures,
    )
    from model.recognition.preprocess import to_ink

    fonts, written = (HELD_OUT_FONTS, HELD_OUT_WRITTEN) if held_out else (TRAINING_FONTS, TRAINING_WRITTEN)
    images = []
    for _, picture in negative_pictures(count, seed, fonts=fonts, written=written):
        ink = to_ink(picture)
        if (ink > 0.1).sum() < 20:
            continue  # nothing left to draw
        image = Image.fromarray(np.round(ink * 255).astype(np.uint8)).resize((56, 56), Image.Resampling.BOX)
        if (np.asarray(image) > 30).any():
            images.append(np.asarray(image))
    return np.stack(images)


def _compose(digits_uint8, rng):
    """MNIST digits side by side on one line, each gap drawn on its own: apart, touching or overlapping."""
    height = int(rng.integers(28, 64))
    placed, x, previous_width = [], 4, None
    for image in digits_uint8:
        rows, columns = np.nonzero(image > 30)
        crop = image[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]
        digit_height = max(6, int(height * rng.uniform(0.8, 1.15)))
        digit_width = max(3, round(crop.shape[1] * digit_height / crop.shape[0] * rng.uniform(0.85, 1.15)))
        digit = (
            np.asarray(Image.fromarray(crop).resize((digit_width, digit_height), Image.Resampling.BICUBIC), np.float32)
            / 255
        )
        if previous_width is not None:
            kind = rng.random()
            if kind < 0.4:  # apart
                gap = rng.uniform(0.05, 0.5) * height
            elif kind < 0.6:  # just touching
                gap = rng.uniform(-0.08, 0.02) * min(digit_width, previous_width)
            else:  # written into each other
                gap = -rng.uniform(0.0, 0.4) * min(digit_width, previous_width)
            x = max(placed[-1][1] + 2, int(round(x + gap)))
        top = 8 + int(rng.uniform(-0.1, 0.1) * height)
        placed.append((digit, x, max(0, top)))
        x += digit_width
        previous_width = digit_width
    canvas = np.zeros((height * 2 + 16, x + 8), np.float32)
    for digit, left, top in placed:
        region = canvas[top : top + digit.shape[0], left : left + digit.shape[1]]
        np.maximum(region, digit, out=region)
    return canvas


def _written_with_some_pen(ink, rng):
    """MNIST's pencil as it is, or a hard-edged pen of some width, perhaps slanted and blurred."""
    kind = rng.random()
    if kind < 0.55:
        ink = (ink > rng.uniform(0.25, 0.6)).astype(np.float32)
        if kind < 0.2:
            ink = ndimage.maximum_filter(ink, size=int(rng.integers(2, 4)))  # a marker
        elif kind < 0.3 and ink.shape[0] > 50:
            ink = ndimage.minimum_filter(ink, size=2)  # a thin pen
    if rng.random() < 0.4:
        shear = rng.uniform(-0.35, 0.35)  # slant, either way
        height, width = ink.shape
        image = Image.fromarray(ink, mode="F")
        extra = int(abs(shear) * height) + 1
        offset = -shear * height if shear > 0 else 0.0
        ink = np.asarray(
            image.transform(
                (width + extra, height), Image.Transform.AFFINE, (1, shear, offset, 0, 1, 0), Image.Resampling.BILINEAR
            )
        )
    if rng.random() < 0.25:
        ink = ndimage.gaussian_filter(ink, rng.uniform(0.5, 1.2))
    ink = np.clip(ink, 0.0, 1.0)
    return np.where(ink > 0.05, ink, 0.0)
