"""Is the gate's threshold what holds it back? ``MNIST_PATH=... python -m bench.gate_thresholds [--json]``.

The shipped gate's digit probability on its calibration digits, kind by kind (MNIST training
digits it never trained on: plain, thicker by 3 and 5 pixels, redrawn with an even pen, small and
blurred), and what thresholds from the shipped one up to 0.7 would refuse: calibration digits,
MNIST's test digits, and the wild families of ``bench/heldout/wild.py`` (non-digits and digits).
If one kind of calibration digit set the threshold alone, a threshold per kind of picture could
be stricter for the others; if the wild digits fall with the wild non-digits, no threshold can
part them and only a better gate can.

It also measures what the gate was taught, kind by kind of ``negatives.py``: the first pictures
of the stream its spatial member trained on (seed 0) and as many fresh ones (seed 99). A gate
that lets through much of its own training pictures at the shipped threshold is held back by
how it ranks digits against non-digits, not by how far those pictures are from what it saw.
"""

from typing import Any

import numpy as np

from bench.common import print_table
from bench.feature_scores import measured_from_arguments, wild_pictures
from bench.leave_one_out import preprocessed, refused_share
from model.data import as_floats, load_mnist
from model.making.gate import VALIDATION_DIGITS, calibration_digits
from model.making.synthetic.negatives import negative_pictures
from model.recognition.gate import Gate, shipped_gate

KINDS = ("plain", "thicker by 3", "thicker by 5", "redrawn with an even pen", "small and blurred")
THRESHOLDS = (0.1, 0.2, 0.3, 0.5, 0.7)
TRAINING_SEED, FRESH_SEED = 0, 99  # the gate's training stream (model/making/gate.py), and a new one


def taught(gate: Gate, count: int) -> dict[str, dict[str, float]]:
    """Per kind of generated non-digit: the share refused of ``count`` pictures (all kinds in
    turn) from the training stream and from a fresh one; preprocessing's own refusals count."""
    shares: dict[str, dict[str, float]] = {}
    for name, seed in (("training stream", TRAINING_SEED), ("fresh seed", FRESH_SEED)):
        by_kind: dict[str, list[object]] = {}
        for kind, picture in negative_pictures(count, seed=seed):
            by_kind.setdefault(kind, []).append(picture)
        for kind, pictures in by_kind.items():
            shares.setdefault(kind, {})[name] = refused_share(gate, *preprocessed(pictures))
    return shares


def measure(count: int, digit_count: int, seed: int) -> dict[str, Any]:
    gate = shipped_gate()
    if gate is None:
        raise ValueError("no shipped gate")
    data = load_mnist()
    calibration = gate.digit_probability(calibration_digits(data))
    test = gate.digit_probability(as_floats(data.x_test)[..., None])
    wild_set = wild_pictures(count, digit_count, seed)
    wild = gate.digit_probability(wild_set["images"])
    is_digit, preprocess_refused = wild_set["truth"] >= 0, wild_set["preprocess_refused"]
    kinds = {
        kind: {
            "quantile 0.1 %": float(np.quantile(part, 0.001)),
            "refused at the shipped threshold": float(np.mean(part < gate.threshold)),
        }
        for kind, part in zip(KINDS, np.split(calibration, len(KINDS)), strict=True)
    }
    assert len(calibration) == len(KINDS) * VALIDATION_DIGITS
    sweep = {}
    for threshold in (gate.threshold, *THRESHOLDS):
        refused = (wild < threshold) | preprocess_refused
        sweep[f"{threshold:.3f}"] = {
            "calibration digits refused": float(np.mean(calibration < threshold)),
            "MNIST test refused": float(np.mean(test < threshold)),
            "wild non-digits refused": float(refused[~is_digit].mean()),
            "wild digits refused": float(refused[is_digit].mean()),
        }
    return {
        "shipped threshold": gate.threshold,
        "calibration kinds": kinds,
        "thresholds": sweep,
        "taught": taught(gate, 20 * count),
    }


def main() -> None:
    result = measured_from_arguments(__doc__, measure)
    if result is None:
        return
    print_table(
        f"The gate's calibration digits, by kind (shipped threshold {result['shipped threshold']:.4f})",
        ["kind", "quantile 0.1 %", "refused at the shipped threshold"],
        [
            [kind, f"{row['quantile 0.1 %']:.4f}", f"{row['refused at the shipped threshold']:.2%}"]
            for kind, row in result["calibration kinds"].items()
        ],
    )
    measures = list(next(iter(result["thresholds"].values())))
    print_table(
        "What a threshold refuses",
        ["threshold", *measures],
        [[threshold, *(f"{row[key]:.2%}" for key in measures)] for threshold, row in result["thresholds"].items()],
    )
    print_table(
        "What it was taught: generated non-digits refused at the shipped threshold",
        ["kind", "training stream (seed 0)", "fresh seed (99)"],
        [[kind, f"{row['training stream']:.1%}", f"{row['fresh seed']:.1%}"] for kind, row in result["taught"].items()],
    )


if __name__ == "__main__":
    main()
