"""How well drawings in other hands are read: ``python -m bench.drawings_robustness [--json]``.

First, held-out digits written in the styles people use (``bench/heldout/handwriting.py``: flagged and
footed 1s, crossed and hooked 7s, open and closed 4s, curled 2s, strong slant, fine pens to fat
markers, a fifth at low resolution), drawn on the canvas and photographed on paper. No network
trains on them. Read the whole way a drawing is read (preprocess, the model, the gate): a
refusal counts as a mistake.

Second, real MNIST test digits are turned into what people make: redrawn on a 280x280 canvas as
uniform pen strokes (thin or thick), small or large, anywhere on the canvas, slanted, or as
dark ink photographed on uneven paper with noise. Each is read twice by the shipped model:
through ``preprocess`` and through the naive path most public demos use (the whole canvas
resized to 28x28).
"""

import argparse

import numpy as np
from PIL import Image, ImageFilter

from bench.common import print_json, print_table
from bench.heldout.handwriting import RENDERINGS, on_canvas, on_paper, written_digits
from model.data import load_sample
from model.recognition.predictor import Predictor
from model.recognition.preprocess import preprocess
from model.recognition.refusal import NoDigitError

VARIANTS = ("thin pen", "thick pen", "small, off-centre", "large", "slanted", "photo of ink on paper")


def as_drawing(mnist_image, variant, rng):
    """One MNIST digit redrawn as a 280x280 canvas (RGBA, transparent) or a photo (RGB)."""
    size = {"small, off-centre": int(rng.integers(60, 100)), "large": 270}.get(variant, int(rng.integers(150, 230)))
    digit = Image.fromarray(mnist_image).resize((size, size), Image.Resampling.BICUBIC)
    # A pen draws uniform strokes: binarise the soft MNIST stroke, then thin or thicken it.
    stroke = digit.point(lambda value: 255 if value > 110 else 0)
    pen = {"thin pen": ImageFilter.MinFilter(9), "thick pen": ImageFilter.MaxFilter(15)}.get(variant)
    if pen is not None:
        stroke = stroke.filter(pen)
    canvas = Image.new("L", (280, 280), 0)
    left, top = (int(rng.integers(0, 281 - size)) for _ in range(2))
    canvas.paste(stroke, (left, top))
    if variant == "slanted":
        shear = float(rng.uniform(0.25, 0.4)) * rng.choice([-1, 1])
        canvas = canvas.transform(canvas.size, Image.Transform.AFFINE, (1, shear, -shear * 140, 0, 1, 0))
    return on_paper(canvas, rng) if variant == "photo of ink on paper" else on_canvas(canvas)


def naive(drawing):
    """What most demos do: the whole canvas to 28x28, one channel, and that is all."""
    picture = Image.fromarray(drawing)
    grey = picture.getchannel("A") if picture.mode == "RGBA" else picture.convert("L")
    return np.asarray(grey.resize((28, 28), Image.Resampling.BILINEAR), np.float32) / 255


def read_written_digits(predictor, count, rendering, seed):
    """Accuracy on ``count`` held-out written digits, and the styles most often misread."""
    right, mistakes = [], {}
    for digit, style, _, picture in written_digits(count, seed=seed, rendering=rendering):
        try:
            prediction = predictor.predict(preprocess(picture))
            correct = prediction.is_digit and prediction.digit == digit
        except NoDigitError:
            correct = False
        right.append(correct)
        if not correct:
            mistakes[f"{digit} {style}"] = mistakes.get(f"{digit} {style}", 0) + 1
    return float(np.mean(right)), dict(sorted(mistakes.items(), key=lambda item: -item[1]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--written", type=int, default=2000, help="held-out written digits per rendering")
    parser.add_argument("--count", type=int, default=300, help="redrawn MNIST digits per variant")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    predictor = Predictor.with_checks()
    result = {"written": {}, "redrawn_mnist": {}}
    for seed, rendering in enumerate(RENDERINGS, start=101):
        accuracy, mistakes = read_written_digits(predictor, arguments.written, rendering, seed)
        result["written"][rendering] = {"accuracy": accuracy, "digits": arguments.written, "mistakes": mistakes}
    sample = load_sample()
    rng = np.random.default_rng(0)
    rows = []
    for variant in VARIANTS:
        indices = rng.choice(len(sample.y_test), arguments.count, replace=False)
        drawings = [as_drawing(sample.x_test[index], variant, rng) for index in indices]
        labels = sample.y_test[indices]
        ours = np.argmax(predictor.predict_probabilities(np.stack([preprocess(d) for d in drawings])), axis=1)
        plain = np.argmax(predictor.predict_probabilities(np.stack([naive(d) for d in drawings])), axis=1)
        result["redrawn_mnist"][variant] = {
            "preprocessed": float(np.mean(ours == labels)),
            "naive_resize": float(np.mean(plain == labels)),
        }
        rows.append(
            [
                variant,
                f"{result['redrawn_mnist'][variant]['preprocessed']:.1%}",
                f"{result['redrawn_mnist'][variant]['naive_resize']:.1%}",
            ]
        )
    if arguments.json:
        print_json(result)
        return
    print_table(
        f"Held-out written digits read right ({arguments.written} per rendering; a refusal is a mistake)",
        ["rendering", "read right", "most misread styles"],
        [
            [
                rendering,
                f"{values['accuracy']:.2%}",
                ", ".join(f"{name} x{times}" for name, times in list(values["mistakes"].items())[:5]),
            ]
            for rendering, values in result["written"].items()
        ],
    )
    print_table(
        f"MNIST test digits redrawn, read right, {arguments.count} per variant",
        ["variant", "our preprocessing", "naive resize"],
        rows,
    )


if __name__ == "__main__":
    main()
