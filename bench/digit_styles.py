"""Each held-out handwriting style, read: ``python -m bench.digit_styles [--count N] [--model PATH] [--json]``

The styles of ``bench/heldout/handwriting.py`` (a European 1 with its long up-stroke, open and
closed 4s, 7s with and without a bar, ...), each drawn ``count`` times with the brush pen of
``bench/heldout/wild.py`` on a canvas, the way the Draw page receives them. Every drawing takes
the whole path (preprocess, then the predictor with its checks); a refusal counts as a mistake.
The table gives each style's figure for the model, and what each member of an ensemble alone
answers, so a style that one member misreads stands out. Held out is not the same as unlike
training: 1s with a flag and crossed 7s are kinds the networks' written styles also make
(``model/making/augment.written_styles``), with other code and another pen.
"""

import argparse
from pathlib import Path

import numpy as np

from bench.common import print_json, print_table
from bench.heldout import wild
from bench.heldout.handwriting import STYLES
from model.inside.activations import networks_inside
from model.recognition.predictor import Predictor
from model.recognition.preprocess import preprocess
from model.storage import SHIPPED_MODEL_PATH


def measure(predictor: Predictor, count: int, seed: int) -> dict[str, dict[str, float | list[float]]]:
    rng = np.random.default_rng(seed)
    networks = list(networks_inside(predictor.model).values())
    members = networks if len(networks) > 1 else []  # a single network has no members to compare
    result: dict[str, dict[str, float | list[float]]] = {}
    for digit, styles in STYLES.items():
        for style, strokes in styles.items():
            images = np.stack(
                [preprocess(wild.on_canvas(wild._drawn(strokes, rng, jitter=0.02))) for _ in range(count)]
            )
            readings = [predictor.predict(image) for image in images]
            read = np.mean([reading.is_digit and reading.digit == digit for reading in readings])
            member_read = [float(np.mean(member(images[..., None]).numpy().argmax(1) == digit)) for member in members]
            result[f"{digit} {style}"] = {"read": float(read), "members": member_read}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100, help="drawings per style")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--model", type=Path, default=SHIPPED_MODEL_PATH, help="default: the shipped model")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    predictor = Predictor.with_checks(arguments.model)
    styles = measure(predictor, arguments.count, arguments.seed)
    if arguments.json:
        print_json({"model": str(arguments.model), "styles": styles})
        return
    rows = [
        [name, f"{figures['read']:.0%}", " ".join(f"{value:.0%}" for value in figures["members"]) or "-"]
        for name, figures in styles.items()
    ]
    print_table(
        f"Held-out handwriting styles on a canvas, {arguments.count} each, read right (a refusal is a mistake)",
        ["style", "read", "each member alone"],
        rows,
    )


if __name__ == "__main__":
    main()
