"""How well whole numbers are read, digits apart and digits touching: ``python -m bench.numbers``.

``MNIST_PATH=... python -m bench.numbers [--count 300] [--json]``

Held-out numbers made here, never trained on: 3 to 5 MNIST *test* digits (other writers than
the training set's) written side by side on a line, each at its own height and baseline, the
spacing drawn so that about half the numbers have neighbours apart and half have neighbours that
touch or overlap. Each number is rendered as a canvas drawing (pen strokes, thin or thick, on a
transparent canvas) or as dark ink photographed on uneven paper, and some are slanted. Whether
two neighbours touch is measured on the rendered ink (they share a connected blob), not assumed
from the spacing.

A number counts as read only when every digit is right and none is missing or extra; a refusal
("not a digit") counts as a mistake.

Lines that hold no number are measured too: 2-4 held-out non-digits (letters and symbols in the
fonts and written shapes the training never used, scribbles, shapes, textures) side by side,
apart or touching, rendered the same ways. Each should get no number.
"""

import argparse
import time

import numpy as np
from PIL import Image, ImageFilter
from scipy import ndimage

from bench.common import machine, print_json, print_table
from bench.heldout.handwriting import on_canvas, on_paper
from model.data import load_mnist
from model.recognition.predictor import Predictor

RENDERINGS = ("canvas, thin pen", "canvas, thick pen", "photo of ink on paper")


def compose_number(digit_images, rng, touching):
    """MNIST digits (28x28 uint8) side by side on one line -> (ink in [0, 1], digits' column spans).

    ``touching``: neighbours are pushed into each other (a small negative gap) instead of apart.
    """
    height = int(rng.integers(70, 110))
    pieces, spans, x = [], [], 10
    for image in digit_images:
        rows, columns = np.nonzero(image > 30)
        crop = image[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]
        digit_height = int(height * rng.uniform(0.85, 1.1))
        digit_width = max(4, round(crop.shape[1] * digit_height / crop.shape[0]))
        digit = (
            np.asarray(Image.fromarray(crop).resize((digit_width, digit_height), Image.Resampling.BICUBIC), np.float32)
            / 255
        )
        if pieces:
            # Touching: pushed into the previous digit by up to 30 % of the narrower one's width,
            # as fast writing does; apart: a gap of 12-35 % of the line's height.
            narrower = min(digit_width, spans[-1][1] - spans[-1][0])
            gap = -rng.uniform(0.0, 0.3) * narrower - 1 if touching else rng.uniform(0.12, 0.35) * height
            x = max(pieces[-1][1] + 2, int(x + gap))  # never start left of the previous digit's start
        top = 20 + int(rng.uniform(-0.08, 0.08) * height)
        pieces.append((digit, x, top))
        spans.append((x, x + digit_width))
        x += digit_width
    canvas = np.zeros((height + 60, x + 20), np.float32)
    for digit, left, top in pieces:
        region = canvas[top : top + digit.shape[0], left : left + digit.shape[1]]
        np.maximum(region, digit, out=region)
    return canvas, spans


def render(ink, rendering, rng, slant):
    """Ink in [0, 1] -> what the app receives: a transparent RGBA canvas or an RGB photo."""
    stroke = Image.fromarray((ink > 0.45).astype(np.uint8) * 255)
    if rendering == "canvas, thick pen":
        stroke = stroke.filter(ImageFilter.MaxFilter(3))
    if slant:
        width, height = stroke.size
        shear = float(rng.uniform(0.15, 0.3))
        stroke = stroke.transform(
            (width + int(shear * height), height), Image.Transform.AFFINE, (1, -shear, 0, 0, 1, 0)
        )
    if rendering == "photo of ink on paper":
        return on_paper(stroke, rng, blur=1.2, light=220, shading=(-25, 20), grain=5)
    return on_canvas(stroke)


def neighbours_touch(picture, spans):
    """Whether some neighbouring digits share a blob of ink in the rendered picture."""
    ink = picture[..., 3] > 0 if picture.ndim == 3 else picture < 150
    labelled, _ = ndimage.label(ink, structure=np.ones((3, 3)))
    for (left_start, left_end), (right_start, right_end) in zip(spans, spans[1:], strict=False):
        left = set(np.unique(labelled[:, left_start : max(left_start + 1, min(left_end, right_start))])) - {0}
        right = set(np.unique(labelled[:, max(right_start, left_end) : right_end])) - {0}
        if left & right:
            return True
    return False


def make_numbers(images, labels, count, seed=0):
    """``count`` held-out numbers: (picture, true number, whether neighbours touch, rendering)."""
    rng = np.random.default_rng(seed)
    numbers = []
    for index in range(count):
        length = int(rng.integers(3, 6))
        chosen = rng.choice(len(images), size=length, replace=False)
        rendering = RENDERINGS[index % len(RENDERINGS)]
        ink, spans = compose_number(images[chosen], rng, touching=bool(index % 2))
        slant = rng.random() < 0.3
        picture = render(ink, rendering, rng, slant)
        # After a slant the spans move; measure touching on the unslanted rendering instead.
        touching = neighbours_touch(render(ink, rendering, np.random.default_rng(index), False), spans)
        numbers.append((picture, "".join(str(label) for label in labels[chosen]), touching, rendering))
    return numbers


def make_not_numbers(count, seed=0):
    """``count`` held-out lines of 2-4 things that are not digits: (picture, whether they touch)."""
    from model.making.synthetic.number_lines import not_digit_images

    marks = not_digit_images(4 * count, seed=seed + 1000, held_out=True)
    rng = np.random.default_rng(seed)
    lines = []
    for index in range(count):
        chosen = rng.choice(len(marks), size=int(rng.integers(2, 5)), replace=False)
        ink, _ = compose_number(marks[chosen], rng, touching=bool(index % 2))
        lines.append((render(ink, RENDERINGS[index % len(RENDERINGS)], rng, rng.random() < 0.3), bool(index % 2)))
    return lines


def read(predictor, picture):
    from model.recognition.numbers import read_number

    return read_number(predictor, picture).number


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()

    data = load_mnist()
    predictor = Predictor.with_checks().warm_up()
    numbers = make_numbers(data.x_test, data.y_test, arguments.count, seed=arguments.seed)
    right = {"apart": [], "touching": []}
    by_rendering = {rendering: [] for rendering in RENDERINGS}
    started = time.perf_counter()
    for picture, truth, touching, rendering in numbers:
        correct = read(predictor, picture) == truth
        right["touching" if touching else "apart"].append(correct)
        by_rendering[rendering].append(correct)
    seconds = time.perf_counter() - started
    not_numbers = make_not_numbers(arguments.count // 2, seed=arguments.seed)
    refused = [read(predictor, picture) is None for picture, _ in not_numbers]
    result = {
        "machine": machine(),
        "numbers": len(numbers),
        "touching_numbers": len(right["touching"]),
        "all": float(np.mean(right["apart"] + right["touching"])),
        "apart": float(np.mean(right["apart"])),
        "touching": float(np.mean(right["touching"])),
        **{rendering: float(np.mean(values)) for rendering, values in by_rendering.items()},
        "ms_per_number": 1000 * seconds / len(numbers),
        "not_numbers": len(not_numbers),
        "not_numbers_refused": float(np.mean(refused)),
    }
    if arguments.json:
        print_json(result)
        return
    columns = ["all", "apart", "touching", *RENDERINGS]
    print_table(
        f"Numbers read exactly: {result['numbers']} held-out numbers, "
        f"{result['touching_numbers']} with touching digits",
        [*columns, "ms per number"],
        [[*(f"{100 * result[column]:.1f} %" for column in columns), f"{result['ms_per_number']:.0f}"]],
    )
    print(
        f"\nNo number: {100 * result['not_numbers_refused']:.1f} % of {result['not_numbers']} held-out lines of "
        "letters, symbols, scribbles, shapes and textures got no number"
    )


if __name__ == "__main__":
    main()
