"""Scores on the digit networks' own features as a second "not a digit" test beside the gate:
``MNIST_PATH=... python -m bench.feature_scores [--count 80] [--json]``

Issue 19 names scores that need no picture of a non-digit to learn from, so cannot have learned
a family: a class-conditional Gaussian on the shipped ensemble's penultimate features (3 x 128;
Mahalanobis distance to the nearest digit's mean, one covariance shared by the ten digits), the
cosine distance to the 5th nearest training digit, the energy of the members' logits, and the
ensemble's doubt (1 - its probability for its answer). Each is fitted on MNIST's first 55,000
training digits, and its threshold set so that it alone refuses 1 in 1,000 of the gate's
calibration digits (the last 5,000 training digits as people send them,
``model.making.gate.calibration_digits``). A picture is then refused when the gate or the score
says so. Measured on the wild families (``bench/heldout/wild.py``: never trained or calibrated
on) and MNIST's test digits.
"""

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np

from bench.common import machine, print_json, print_table
from bench.heldout import wild
from model.data import as_floats, load_mnist
from model.making.familiarity import fit_gaussians
from model.making.gate import VALIDATION_DIGITS, calibration_digits
from model.recognition.familiarity import Familiarity
from model.recognition.features import features_reader
from model.recognition.gate import GATE_PATH, Gate
from model.recognition.predictor import Predictor
from model.recognition.preprocess import preprocess
from model.recognition.refusal import NoDigitError
from model.storage import SHIPPED_MODEL_PATH

ALLOWED = 1 / 1_000  # of the calibration digits, refused by the score alone
NEIGHBOUR = 5


def member_heads(keras_model: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each member's final Dense layer (kernel, bias): its logits from its penultimate features."""
    import keras

    members = [layer for layer in keras_model.layers if isinstance(layer, keras.Model)] or [keras_model]
    return [tuple(member.layers[-1].get_weights()) for member in members]  # type: ignore[misc]


def logits_of(features: np.ndarray, heads: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    width = features.shape[1] // len(heads)
    return [
        features[:, index * width : (index + 1) * width] @ kernel + bias for index, (kernel, bias) in enumerate(heads)
    ]


def softmax(logits: np.ndarray) -> np.ndarray:
    exponentials = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exponentials / exponentials.sum(axis=1, keepdims=True)


class Scores:
    """The four scores, fitted on reference features of known digits; larger = less like a digit."""

    def __init__(self, features: np.ndarray, labels: np.ndarray, heads: list[tuple[np.ndarray, np.ndarray]]) -> None:
        self.heads = heads
        self.gaussians = Familiarity(*fit_gaussians(features, labels), threshold=np.inf, card={})  # as shipped
        self.reference = (features / np.linalg.norm(features, axis=1, keepdims=True))[::2]  # 27,500 digits

    def __call__(self, features: np.ndarray) -> dict[str, np.ndarray]:
        unit = features / (np.linalg.norm(features, axis=1, keepdims=True) + 1e-6)
        nearest = np.concatenate(
            [
                -np.sort(unit[start : start + 2000] @ self.reference.T, axis=1)[:, -NEIGHBOUR]
                for start in range(0, len(unit), 2000)
            ]
        )
        logits = logits_of(features, self.heads)
        energy = -np.mean([np.log(np.exp(z - z.max(1, keepdims=True)).sum(1)) + z.max(1) for z in logits], axis=0)
        averaged = np.mean([softmax(z) for z in logits], axis=0)
        return {
            "Mahalanobis (nearest digit's Gaussian)": self.gaussians.distances(features),
            f"cosine distance to the {NEIGHBOUR}th nearest digit": nearest,
            "energy of the members' logits": energy,
            "1 - the members' mean probability of the answer": 1 - averaged.max(axis=1),
        }


def wild_pictures(count: int, digit_count: int, seed: int) -> dict[str, np.ndarray]:
    """Every wild family's pictures as the Draw page reads them (preprocessed 28x28)."""
    families, images, truths, preprocess_refused = [], [], [], []
    for family, holds_digits in wild.families().items():
        for truth, _, picture in wild.make(family, digit_count if holds_digits else count, seed=seed):
            try:
                image, refused = preprocess(picture), False
            except NoDigitError:
                image, refused = np.zeros((28, 28), np.float32), True
            families.append(family)
            images.append(image)
            truths.append(-1 if truth is None else truth)
            preprocess_refused.append(refused)
    return {
        "family": np.array(families),
        "images": np.array(images, np.float32)[..., None],
        "truth": np.array(truths),
        "preprocess_refused": np.array(preprocess_refused),
    }


def figures_of(refused: dict[str, np.ndarray], answers: np.ndarray, wild_set: dict[str, np.ndarray]) -> dict[str, Any]:
    """What a rule refuses, from its verdicts on the calibration digits, MNIST's test digits and
    the wild pictures; ``answers`` are the model's readings of the wild pictures."""
    wild_refused, is_digit, family = refused["wild"], wild_set["truth"] >= 0, wild_set["family"]
    return {
        "calibration digits refused": float(refused["calibration"].mean()),
        "MNIST test refused": float(refused["test"].mean()),
        "wild non-digits refused": float(wild_refused[~is_digit].mean()),
        "wild digits refused": float(wild_refused[is_digit].mean()),
        "wild digits read": float(((~wild_refused) & (answers == wild_set["truth"]))[is_digit].mean()),
        "families": {name: float(wild_refused[family == name].mean()) for name in dict.fromkeys(family[~is_digit])},
    }


def measure(count: int, digit_count: int, seed: int) -> dict[str, Any]:
    predictor, gate = Predictor.load(SHIPPED_MODEL_PATH), Gate.load(GATE_PATH)  # the gate alone, as the baseline
    if gate is None:
        raise ValueError(f"no gate at {GATE_PATH}")
    features_of = features_reader(predictor.model)
    data = load_mnist()
    reference = len(data.x_train) - VALIDATION_DIGITS  # the gate's calibration digits stay out of the fit
    scores = Scores(
        features_of(as_floats(data.x_train[:reference])), data.y_train[:reference], member_heads(predictor.model)
    )
    calibration = calibration_digits(data)
    test = as_floats(data.x_test)
    wild_set = wild_pictures(count, digit_count, seed)
    gate_refuses = {
        "calibration": gate.refuses(calibration),
        "test": gate.refuses(test),
        "wild": gate.refuses(wild_set["images"]) | wild_set["preprocess_refused"],
    }
    answers = predictor.predict_probabilities(wild_set["images"]).argmax(axis=1)
    by_score = scores(features_of(calibration))
    test_scores, wild_scores = scores(features_of(test)), scores(features_of(wild_set["images"]))

    def figures(score_refuses: dict[str, np.ndarray]) -> dict[str, Any]:
        refused = {part: gate_refuses[part] | score_refuses[part] for part in gate_refuses}
        return figures_of(refused, answers, wild_set)

    nothing = {part: np.zeros_like(refuses) for part, refuses in gate_refuses.items()}
    result = {"the gate alone": figures(nothing)}
    for name, calibration_scores in by_score.items():
        threshold = np.quantile(calibration_scores, 1 - ALLOWED)
        result[f"the gate or {name}"] = figures(
            {
                "calibration": calibration_scores > threshold,
                "test": test_scores[name] > threshold,
                "wild": wild_scores[name] > threshold,
            }
        )
    return result


def add_wild_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every wild-family score benchmark takes: how many pictures, the seed, --json."""
    parser.add_argument("--count", type=int, default=80, help="pictures per non-digit family")
    parser.add_argument("--digits", type=int, default=200, help="pictures per digit family")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true")


def measured_from_arguments(
    description: str | None, measure: Callable[[int, int, int], dict[str, Any]]
) -> dict[str, Any] | None:
    """Parses ``add_wild_arguments``' options, runs ``measure(count, digits, seed)``, and prints
    its result as JSON (then None) when --json asks; otherwise returns it to print as tables."""
    parser = argparse.ArgumentParser(description=description)
    add_wild_arguments(parser)
    arguments = parser.parse_args()
    result = measure(arguments.count, arguments.digits, arguments.seed)
    if arguments.json:
        print_json({"machine": machine(), **result})
        return None
    return result


def print_rules(title: str, result: dict[str, dict[str, Any]]) -> None:
    """Rules' ``figures_of`` as two tables: the headline figures, then each wild family's refusals."""
    measures = [key for key in next(iter(result.values())) if key != "families"]
    print_table(
        title,
        ["rule", *measures],
        [[rule, *(f"{figures[key]:.2%}" for key in measures)] for rule, figures in result.items()],
    )
    families = list(next(iter(result.values()))["families"])
    print_table(
        "Wild non-digits refused, by family",
        ["family", *result],
        [[name, *(f"{figures['families'][name]:.1%}" for figures in result.values())] for name in families],
    )


def main() -> None:
    result = measured_from_arguments(__doc__, measure)
    if result is not None:
        print_rules("The gate, and the gate with a score on the digit networks' features", result)


if __name__ == "__main__":
    main()
