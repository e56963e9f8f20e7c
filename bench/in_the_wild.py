"""Drawings in the wild, by family: ``MNIST_PATH=... python -m bench.in_the_wild [--count N] [--json]``
(``--renderings board``: every picture photographed on a blackboard in uneven light instead)

Every family comes from ``bench/heldout/wild.py``, code written for this measure only and never
trained or calibrated on (its own doodles, letters, fonts, photos and pen). Families marked
"kind trained" are kinds the gate's training also draws, with other code; the rest are kinds
no training generator makes, the honest figure for what a new kind of drawing gets. Each picture takes
the whole path a drawing takes (preprocess, then the predictor with its gate and the familiarity
check fitted for the model, decided by their joint rule; ``--no-joint``: each check at its own
threshold; ``--no-familiarity``: the gate alone):

- a non-digit counts as refused when preprocessing, the gate or the familiarity says it holds no digit;
- a digit counts as read when it is not refused and the digit is right (a refusal is a mistake);
- "doubted": read, but shown with "it may not be a digit" (the joint rule's second threshold).

Also MNIST's 10,000 test digits: how many the checks refuse (the digit side's false alarms).
"""

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np

from bench.common import machine, print_json, print_table
from bench.heldout import wild
from model.data import as_floats, load_mnist
from model.recognition.familiarity import Familiarity
from model.recognition.gate import GATE_PATH, Gate
from model.recognition.predictor import Predictor
from model.recognition.preprocess import preprocess
from model.recognition.refusal import NoDigitError
from model.storage import SHIPPED_MODEL_PATH


def outcome(predictor: Predictor, picture: object) -> tuple[bool, bool, int | None]:
    """(refused, doubted, digit read) for one picture, as the Draw page reads it."""
    try:
        prediction = predictor.predict(preprocess(picture))
    except NoDigitError:
        return True, False, None
    return not prediction.is_digit, prediction.doubted, prediction.digit


def measure(
    predictor: Predictor, count: int, digit_count: int, seed: int, renderings: tuple[str, ...] = wild.RENDERINGS
) -> dict[str, dict[str, float]]:
    result: dict[str, dict[str, float]] = {}
    for family, holds_digits in wild.families().items():
        rows = []
        for truth, rendering, picture in wild.make(
            family, digit_count if holds_digits else count, seed=seed, renderings=renderings
        ):
            refused, doubted, digit = outcome(predictor, picture)
            rows.append((rendering, refused, doubted, (not refused) and digit == truth))
        drawn_as = np.array([row[0] for row in rows])
        refused = np.array([row[1] for row in rows])
        doubted = np.array([row[2] for row in rows])
        read = np.array([row[3] for row in rows])
        figures = {"n": len(rows), "refused": float(refused.mean()), "doubted": float(doubted.mean())}
        if holds_digits:
            figures["read"] = float(read.mean())
            for rendering in dict.fromkeys(drawn_as):
                figures[f"read on {rendering}"] = float(read[drawn_as == rendering].mean())
        result[family] = figures
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=80, help="pictures per non-digit family")
    parser.add_argument("--digits", type=int, default=400, help="pictures per digit family")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--model", type=Path, default=SHIPPED_MODEL_PATH, help="default: the shipped model")
    parser.add_argument("--gate", type=Path, default=GATE_PATH, help="default: the shipped gate")
    parser.add_argument("--no-familiarity", action="store_true", help="the gate alone, without the familiarity check")
    parser.add_argument("--no-joint", action="store_true", help="each check at its own threshold, not the joint rule")
    parser.add_argument(
        "--renderings",
        default=",".join(wild.RENDERINGS),
        help=f"drawn in turn, some of {','.join(wild.EVERY_RENDERING)} (default: %(default)s)",
    )
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    familiarity = None if arguments.no_familiarity else Familiarity.load(arguments.model, gate_path=arguments.gate)
    if familiarity is not None and arguments.no_joint:
        familiarity = dataclasses.replace(familiarity, joint=None)
    predictor = Predictor.load(arguments.model, gate=Gate.load(arguments.gate), familiarity=familiarity)
    started = time.perf_counter()
    renderings = tuple(arguments.renderings.split(","))
    try:
        wild.check_renderings(renderings)
    except ValueError as error:
        parser.error(f"--{error}")
    families = measure(predictor, arguments.count, arguments.digits, arguments.seed, renderings)
    non_digit = [figures for name, figures in families.items() if not wild.families()[name]]
    digit = [figures for name, figures in families.items() if wild.families()[name]]
    data = load_mnist()
    mnist_refused, mnist_doubted = predictor.refuses_and_doubts(as_floats(data.x_test))
    summary = {
        "non-digits refused (all families)": float(
            np.average([f["refused"] for f in non_digit], weights=[f["n"] for f in non_digit])
        ),
        "non-digits refused (kinds no training makes)": float(
            np.mean(
                [
                    f["refused"]
                    for name, f in families.items()
                    if not wild.families()[name] and name not in wild.TRAINED_KIND
                ]
            )
        ),
        "non-digits refused (worst family)": float(min(f["refused"] for f in non_digit)),
        "non-digits refused or doubted (all families)": float(
            np.average([f["refused"] + f["doubted"] for f in non_digit], weights=[f["n"] for f in non_digit])
        ),
        "digits read (all families)": float(np.average([f["read"] for f in digit], weights=[f["n"] for f in digit])),
        "held-out digits refused": float(np.average([f["refused"] for f in digit], weights=[f["n"] for f in digit])),
        "held-out digits doubted": float(np.average([f["doubted"] for f in digit], weights=[f["n"] for f in digit])),
        "MNIST test refused": float(mnist_refused.mean()),
        "MNIST test doubted": float(mnist_doubted.mean()),
    }
    result = {
        "machine": machine(),
        "seconds": round(time.perf_counter() - started, 1),
        "familiarity": "none"
        if predictor.familiarity is None
        else "fitted for this model, "
        + ("the joint rule decides" if predictor.familiarity.joint is not None else "each check at its own threshold"),
        "families": families,
        "summary": summary,
    }
    if arguments.json:
        print_json(result)
        return
    print_table(
        "Held-out families (bench/heldout/wild.py): refused, and digits read right",
        ["family", "kind trained", "n", "refused", "doubted", "read", *renderings],
        [
            [
                name,
                "yes" if name in wild.TRAINED_KIND else "",
                f["n"],
                f"{f['refused']:.1%}",
                f"{f['doubted']:.1%}",
                f"{f['read']:.1%}" if "read" in f else "",
                *[
                    f"{f[f'read on {rendering}']:.1%}" if f"read on {rendering}" in f else ""
                    for rendering in renderings
                ],
            ]
            for name, f in families.items()
        ],
    )
    print_table("Summary", ["measure", "value"], [[name, f"{value:.2%}"] for name, value in summary.items()])
    print(f"familiarity check: {result['familiarity']}")


if __name__ == "__main__":
    main()
