"""Augmentation: what makes a model read real drawings, not only MNIST.

Preprocessing already normalises size and position, so these stay moderate: they cover what
preprocessing cannot undo (slant, how a person's proportions differ from MNIST's) and the thick
or thin strokes a canvas brush makes.
"""

import keras
import numpy as np
import tensorflow as tf


def make_augmenter(seed=0):
    """A function from a batch of (n, 28, 28, 1) images in [0, 1] to a randomly altered batch:
    rotation, slant, zoom, shift, and strokes made thicker or thinner."""
    geometry = keras.Sequential(
        [
            keras.layers.RandomRotation(0.035, fill_mode="constant", seed=seed),  # +-12.6 degrees
            keras.layers.RandomShear(x_factor=0.25, fill_mode="constant", seed=seed + 1),
            keras.layers.RandomZoom((-0.15, 0.15), fill_mode="constant", seed=seed + 2),
            keras.layers.RandomTranslation(0.08, 0.08, fill_mode="constant", seed=seed + 3),
        ]
    )

    def augment(images):
        images = geometry(images, training=True)
        thicker = tf.nn.max_pool2d(images, ksize=3, strides=1, padding="SAME")  # a 1-px wider stroke
        thinner = tf.clip_by_value((images - 0.45) / 0.55, 0.0, 1.0)  # the soft edge removed
        choice = tf.random.uniform([tf.shape(images)[0], 1, 1, 1])
        images = tf.where(choice < 0.25, thicker, tf.where(choice < 0.4, thinner, images))
        return tf.clip_by_value(images, 0.0, 1.0)

    return augment


def written_styles(images_uint8, labels, count, seed=0):
    """``count`` more training digits in styles MNIST rarely has: 1s given a flag, a foot or both,
    and 7s given a crossbar, as many people write them. Returns uint8 (count, 28, 28) and labels.

    Each is drawn onto a real MNIST 1 or 7 (at 4x size, the pen as wide as the digit's own
    stroke) and brought back to MNIST's format by ``fit_to_mnist``, like any drawing.
    """
    from PIL import Image, ImageDraw

    from model.making.synthetic.strokes import draw_stroke
    from model.recognition.preprocess import fit_to_mnist

    rng = np.random.default_rng(seed)
    by_digit = {digit: np.nonzero(labels == digit)[0] for digit in (1, 7)}
    images, new_labels = [], []
    while len(images) < count:
        digit = 7 if len(images) % 3 == 2 else 1
        big = Image.fromarray(images_uint8[rng.choice(by_digit[digit])]).resize((112, 112), Image.Resampling.BICUBIC)
        ink = np.asarray(big) > 100
        rows, columns = np.nonzero(ink)
        if rows.size == 0:
            continue
        top, bottom = rows.min(), rows.max()
        height = bottom - top + 1
        pen = int(np.clip(ink.sum() / height * (0.5 if digit == 7 else 1.0), 6, 20))
        lines = []
        if digit == 7:  # a crossbar through the stem, about half-way down
            row = int(top + rng.uniform(0.4, 0.6) * height)
            stem = columns[rows == row].mean() if np.any(rows == row) else columns.mean()
            reach = rng.uniform(0.12, 0.22) * height
            lines.append([(stem - reach, row + rng.uniform(-3, 3)), (stem + reach, row + rng.uniform(-3, 3))])
        else:
            style = rng.integers(3)  # 0 a flag, 1 a foot, 2 both
            if style in (0, 2):
                tip = columns[rows == top].mean()
                # Up to the long, steep up-stroke most of Europe writes (still no 7: the stem stays upright).
                length, angle = rng.uniform(0.2, 0.7) * height, np.radians(rng.uniform(20, 65))
                lines.append([(tip, top), (tip - length * np.cos(angle), top + length * np.sin(angle))])
            if style in (1, 2):
                base, half = columns[rows == bottom].mean(), rng.uniform(0.12, 0.3) * height
                lines.append([(base - half, bottom), (base + half, bottom)])
        draw = ImageDraw.Draw(big)
        for line in lines:
            draw_stroke(draw, line, pen)
        images.append(np.round(fit_to_mnist(np.asarray(big, np.float32) / 255) * 255).astype(np.uint8))
        new_labels.append(digit)
    return np.stack(images), np.array(new_labels, dtype=labels.dtype)


def as_pen_strokes(images_uint8, count, seed=0):
    """``count`` MNIST digits redrawn as a canvas pen or a marker draws them: at 8x size, made
    one hard-edged, even stroke (thin to fat), and brought back by ``fit_to_mnist``. MNIST's own
    strokes are soft pencil; a network that only saw those would learn that even, hard-edged
    strokes are not digits - and those are what the canvas sends. Returns (count, 28, 28) uint8
    and the indices of the digits used."""
    from PIL import Image, ImageFilter

    from model.recognition.preprocess import fit_to_mnist

    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(images_uint8), size=count, replace=len(images_uint8) < count)
    redrawn = []
    for index in chosen:
        big = Image.fromarray(images_uint8[index]).resize((224, 224), Image.Resampling.BICUBIC)
        level = int(rng.integers(60, 160))
        stroke = big.point([255 if value > level else 0 for value in range(256)])
        pen = int(rng.choice([0, 0, 5, 9, 13]))
        if pen:
            stroke = stroke.filter(ImageFilter.MaxFilter(pen) if rng.random() < 0.7 else ImageFilter.MinFilter(pen))
        ink = np.asarray(stroke, np.float32) / 255
        if ink.sum() < 0.3 * (np.asarray(big) > 60).sum():  # a faint digit the level or the thin pen wiped out
            ink = np.asarray(big, np.float32) / 255
        redrawn.append(np.round(fit_to_mnist(ink) * 255).astype(np.uint8))
    return np.stack(redrawn), chosen


def low_resolution(images_uint8, count, seed=0):
    """``count`` MNIST digits as a small, blurred photo or scan shows them: shrunk so the digit
    is 7-13 px tall, blown up again (bilinear) and brought back by ``fit_to_mnist``. Returns
    (count, 28, 28) uint8 and the indices of the digits used."""
    from PIL import Image

    from model.recognition.preprocess import DIGIT_BOX, fit_to_mnist

    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(images_uint8), size=count, replace=len(images_uint8) < count)
    blurred = []
    for index in chosen:
        side = round(28 * rng.uniform(7, 13) / DIGIT_BOX)
        small = Image.fromarray(images_uint8[index]).resize((side, side), Image.Resampling.BOX)
        big = small.resize((224, 224), Image.Resampling.BILINEAR)
        blurred.append(np.round(fit_to_mnist(np.asarray(big, np.float32) / 255) * 255).astype(np.uint8))
    return np.stack(blurred), chosen
