"""Not a digit: how much the gate refuses, of what. ``MNIST_PATH=... python -m bench.not_a_digit [--json]``

Refused should be high for images that hold no digit and near zero for digits:
- held-out non-digits made by ``model/making/synthetic/negatives.py`` with fonts and random draws the gate never
  trained on (letters and symbols, scribbles, made-up doodles, shapes, textures, pages, faces; not its
  glyphs, which only the training fonts draw). New draws of trained generators: for kinds nobody
  generated see ``bench/in_the_wild.py`` and ``bench/leave_one_out.py``;
- all 10,000 MNIST test digits (the shipped model's accuracy counting a refusal as a mistake);
- MNIST test digits redrawn as canvas drawings and photos (``bench/drawings_robustness.py``).
"""

import argparse

import numpy as np

from bench.common import print_json, print_table
from bench.drawings_robustness import VARIANTS, as_drawing
from model.data import as_floats, load_mnist
from model.making.synthetic.negatives import HELD_OUT_FONTS, HELD_OUT_WRITTEN, KINDS, negative_pictures
from model.recognition.predictor import Predictor
from model.recognition.preprocess import preprocess
from model.recognition.refusal import NoDigitError


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--negatives", type=int, default=1400)
    parser.add_argument("--drawings", type=int, default=200, help="per variant")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    predictor = Predictor.with_checks()
    if predictor.gate is None:
        parser.error("no gate: train it with python -m model gate")
    result = {}
    kinds, refused = [], []
    for kind, picture in negative_pictures(
        arguments.negatives,
        seed=12345,
        fonts=HELD_OUT_FONTS,
        written=HELD_OUT_WRITTEN,
        kinds=tuple(kind for kind in KINDS if kind != "glyph"),
    ):
        kinds.append(kind)
        try:  # the whole path a picture takes: preprocessing may refuse it before the gate does
            refused.append(not predictor.predict(preprocess(picture)).is_digit)
        except NoDigitError:
            refused.append(True)
    kinds, refused = np.array(kinds), np.array(refused)
    for kind in dict.fromkeys(kinds):
        result[f"non-digits: {kind}"] = float(refused[kinds == kind].mean())
    result["non-digits: all"] = float(refused.mean())

    data = load_mnist()
    images = as_floats(data.x_test)
    gate_refused = predictor.refuses(images)
    read = np.argmax(predictor.predict_probabilities(images), axis=1)
    result["MNIST test refused"] = float(gate_refused.mean())
    result["MNIST test accuracy, refusal = mistake"] = float(np.mean((read == data.y_test) & ~gate_refused))
    rng = np.random.default_rng(0)
    for variant in VARIANTS:
        chosen = rng.choice(len(data.y_test), arguments.drawings, replace=False)
        drawings = np.stack([preprocess(as_drawing(data.x_test[index], variant, rng)) for index in chosen])
        result[f"drawings refused: {variant}"] = float(predictor.refuses(drawings).mean())
    result["threshold"] = predictor.gate.threshold
    result["familiarity"] = "fitted for this model" if predictor.familiarity is not None else "none"
    if arguments.json:
        print_json(result)
        return
    print_table(
        "Refused by the 'is it a digit?' gate and the familiarity check (held-out images)",
        ["images", "refused"],
        [
            [name, value if isinstance(value, str) else f"{value:.2%}" if name != "threshold" else f"{value:.4f}"]
            for name, value in result.items()
        ],
    )


if __name__ == "__main__":
    main()
