"""What a kind of picture nobody generated gets: ``MNIST_PATH=... python -m bench.leave_one_out``

For each training kind X of ``model/making/synthetic/negatives.py`` (and the near-digits), a
gate is trained on every other kind and measured on pictures of X from a fresh seed; a gate
trained on all kinds, the same way, is the reference. The gap between the two columns is what
leaving a family out costs, so the left-out column predicts what a family no generator here
makes gets. Both gates are also measured on the held-out families of ``bench/heldout/wild.py``.

These gates are smaller than the shipped one (fewer images and epochs, ``--negatives`` and
``--epochs``) so that all of them train in one sitting: compare the columns with each other, not
with the shipped gate's figures.
"""

import argparse
import time

import numpy as np

from bench.common import machine, print_json, print_table
from bench.heldout import wild
from model.data import as_floats, load_mnist
from model.making.gate import train_gate
from model.making.synthetic.near_digits import near_digits
from model.making.synthetic.negatives import KINDS, negative_pictures
from model.recognition.gate import Gate
from model.recognition.preprocess import preprocess
from model.recognition.refusal import NoDigitError

NEAR = "near digits"
DEFAULT_LEFT_OUT = ("written glyph", "doodle", "glyph", "written letter or symbol", NEAR)


def preprocessed(pictures: list[object]) -> tuple[np.ndarray, int]:
    """The pictures preprocessing lets through (as a stack), and how many it refused itself."""
    kept, refused = [], 0
    for picture in pictures:
        try:
            kept.append(preprocess(picture))
        except NoDigitError:
            refused += 1
    return (np.stack(kept) if kept else np.zeros((0, 28, 28), np.float32)), refused


def refused_share(gate: Gate, images: np.ndarray, refused_before: int) -> float:
    total = len(images) + refused_before
    return (int(gate.refuses(images).sum()) + refused_before) / total if total else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--left-out", nargs="+", default=list(DEFAULT_LEFT_OUT), choices=[*KINDS, NEAR])
    parser.add_argument("--negatives", type=int, default=16_000)
    parser.add_argument("--near", type=int, default=6_000)
    parser.add_argument("--pieces", type=int, default=6_000)
    parser.add_argument("--digits", type=int, default=15_000, help="MNIST training digits each gate learns")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--count", type=int, default=300, help="pictures of each left-out kind measured")
    parser.add_argument("--wild-count", type=int, default=40, help="pictures per held-out wild family")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    started = time.perf_counter()
    data = load_mnist()
    mnist_test = as_floats(data.x_test)

    # Fresh pictures of each kind (seed 99; training uses seed 0), made once for every gate.
    measured: dict[str, tuple[np.ndarray, int]] = {}
    for kind in arguments.left_out:
        if kind == NEAR:
            measured[kind] = (as_floats(near_digits(data.x_test, data.y_test, arguments.count, seed=99)), 0)
        else:
            measured[kind] = preprocessed(
                [picture for _, picture in negative_pictures(arguments.count, seed=99, kinds=(kind,))]
            )
    wild_families = [name for name, holds_digits in wild.families().items() if not holds_digits]
    wild_images = {
        name: preprocessed([picture for _, _, picture in wild.make(name, arguments.wild_count, seed=2026)])
        for name in wild_families
    }

    def measure(gate: Gate) -> dict[str, float]:
        figures = {kind: refused_share(gate, *measured[kind]) for kind in arguments.left_out}
        wild_refused = [refused_share(gate, *wild_images[name]) for name in wild_families]
        figures["wild families (mean)"] = float(np.mean(wild_refused))
        figures["wild kinds no training makes (mean)"] = float(
            np.mean([r for name, r in zip(wild_families, wild_refused, strict=True) if name not in wild.TRAINED_KIND])
        )
        figures["MNIST test refused"] = float(gate.refuses(mnist_test).mean())
        return figures

    def trained(without: str | None) -> Gate:
        kinds = tuple(kind for kind in KINDS if kind != without)
        model, card = train_gate(
            data,
            negatives=arguments.negatives,
            pieces=arguments.pieces,
            near=0 if without == NEAR else arguments.near,
            epochs=arguments.epochs,
            kinds=kinds,
            digits=arguments.digits,
        )
        return Gate(model, card["threshold"])

    reference = measure(trained(None))
    left_out = {kind: measure(trained(kind)) for kind in arguments.left_out}
    result = {
        "machine": machine(),
        "settings": {k: v for k, v in vars(arguments).items() if k != "json"},
        "seconds": round(time.perf_counter() - started),
        "trained on all kinds": reference,
        "trained without": left_out,
    }
    if arguments.json:
        print_json(result)
        return
    print_table(
        "Leave one kind out: refused of that kind, trained with it and without it",
        ["kind", "trained with it", "left out", "wild (all, with / without)", "MNIST test refused (without)"],
        [
            [
                kind,
                f"{reference[kind]:.1%}",
                f"{left_out[kind][kind]:.1%}",
                f"{reference['wild families (mean)']:.1%} / {left_out[kind]['wild families (mean)']:.1%}",
                f"{left_out[kind]['MNIST test refused']:.2%}",
            ]
            for kind in arguments.left_out
        ],
    )
    print(
        f"\nreference gate: MNIST test refused {reference['MNIST test refused']:.2%}; "
        f"wild kinds no training makes {reference['wild kinds no training makes (mean)']:.1%}"
    )
    print(f"{result['seconds']} s")


if __name__ == "__main__":
    main()
