"""How well drawings are read, with our preprocessing against naive resizing of the canvas.

``python -m bench.drawings_robustness [--count 1000] [--json]``

Real MNIST test digits are turned into what people make: redrawn on a 280x280 canvas as
uniform pen strokes (thin or thick), small or large, anywhere on the canvas, slanted, or as
dark ink photographed on uneven paper with noise. Each is read twice by the shipped model:
through ``preprocess`` and through the naive path most public demos use (the whole canvas
resized to 28x28).
"""

import argparse

import numpy as np
from bench.common import print_json, print_table
from PIL import Image, ImageFilter

from model.data import load_sample
from model.inference import Predictor
from model.preprocess import preprocess

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
    if variant == "photo of ink on paper":
        ink = np.asarray(canvas.filter(ImageFilter.GaussianBlur(1.5)), np.float32) / 255
        paper = 225 + np.linspace(-30, 20, 280)[None, :] + rng.normal(0, 6, (280, 280))
        return np.clip(paper * (1 - 0.85 * ink), 0, 255).astype(np.uint8)
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[..., :3] = 255
    rgba[..., 3] = np.asarray(canvas)
    return rgba


def naive(drawing):
    """What most demos do: the whole canvas to 28x28, one channel, and that is all."""
    picture = Image.fromarray(drawing)
    grey = picture.getchannel("A") if picture.mode == "RGBA" else picture.convert("L")
    return np.asarray(grey.resize((28, 28), Image.Resampling.BILINEAR), np.float32) / 255


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300, help="digits per variant")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    predictor = Predictor.load()
    sample = load_sample()
    rng = np.random.default_rng(0)
    rows, result = [], {}
    for variant in VARIANTS:
        indices = rng.choice(len(sample.y_test), arguments.count, replace=False)
        drawings = [as_drawing(sample.x_test[index], variant, rng) for index in indices]
        labels = sample.y_test[indices]
        ours = np.argmax(predictor.predict_probabilities(np.stack([preprocess(d) for d in drawings])), axis=1)
        plain = np.argmax(predictor.predict_probabilities(np.stack([naive(d) for d in drawings])), axis=1)
        result[variant] = {"preprocessed": float(np.mean(ours == labels)), "naive_resize": float(np.mean(plain == labels))}
        rows.append([variant, f"{result[variant]['preprocessed']:.1%}", f"{result[variant]['naive_resize']:.1%}"])
    if arguments.json:
        print_json(result)
        return
    print_table(f"Drawings read right, {arguments.count} per variant (shipped model)", ["variant", "our preprocessing", "naive resize"], rows)


if __name__ == "__main__":
    main()
