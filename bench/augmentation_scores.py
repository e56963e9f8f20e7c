"""Does the reading hold when the picture is nudged? A digits-only "not a digit" score beside the
shipped checks: ``MNIST_PATH=... python -m bench.augmentation_scores [--count 80] [--json]``.

A digit stays the same digit turned a little, moved a pixel or two, or drawn a little bolder or
finer; a tree (a 9 or a 4?) or a question mark (a 2, a 3 or a 7?) may not. Each picture is read
as it is and in ``len(NUDGES)`` nudged versions by the shipped model; three scores:

- ``disagreement``: the share of nudged versions whose answer differs from the picture's own;
- ``mean drop``: 1 - the mean probability the nudged versions give the picture's own answer;
- ``worst drop``: 1 - the smallest such probability.

As in ``bench.feature_scores``: each score's threshold is set so that it alone refuses 1 in 1,000
of the gate's calibration digits (MNIST training digits as people send them), and a picture is
refused when the shipped checks (the gate, the familiarity check) or the score say so. Measured
on the wild families of ``bench/heldout/wild.py`` (never trained or calibrated on) and MNIST's
test digits. Nothing here learns from a non-digit.
"""

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import ndimage

from bench.feature_scores import ALLOWED, figures_of, measured_from_arguments, print_rules, wild_pictures
from model.data import as_floats, load_mnist
from model.making.gate import calibration_digits
from model.recognition.predictor import Predictor
from model.storage import SHIPPED_MODEL_PATH


def _rotated(degrees: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda image: ndimage.rotate(image, degrees, reshape=False, order=1, mode="constant")


def _shifted(rows: int, columns: int) -> Callable[[np.ndarray], np.ndarray]:
    return lambda image: ndimage.shift(image, (rows, columns), order=0, mode="constant")


def _bolder(image: np.ndarray) -> np.ndarray:
    return ndimage.grey_dilation(image, size=(2, 2))


def _finer(image: np.ndarray) -> np.ndarray:
    return np.clip((image - 0.35) / 0.65, 0, 1)  # the faint edge of each stroke gone


NUDGES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "turned -12°": _rotated(-12),
    "turned +12°": _rotated(12),
    "moved right 2": _shifted(0, 2),
    "moved left 2": _shifted(0, -2),
    "moved up 2": _shifted(-2, 0),
    "moved down 2": _shifted(2, 0),
    "bolder": _bolder,
    "finer": _finer,
}


def nudge_scores(predictor: Predictor, images: np.ndarray) -> dict[str, np.ndarray]:
    """The three scores of every image (n, 28, 28[, 1]) floats in [0, 1]; higher: less digit-like."""
    images = np.asarray(images, np.float32).reshape(-1, 28, 28)
    own = predictor.predict_probabilities(images)
    answers = own.argmax(axis=1)
    given = []
    disagree = []
    for nudge in NUDGES.values():
        nudged = np.stack([nudge(image) for image in images]).astype(np.float32)
        probabilities = predictor.predict_probabilities(nudged)
        given.append(probabilities[np.arange(len(images)), answers])
        disagree.append(probabilities.argmax(axis=1) != answers)
    given_array, disagree_array = np.stack(given, axis=1), np.stack(disagree, axis=1)
    return {
        "disagreement": disagree_array.mean(axis=1),
        "mean drop": 1 - given_array.mean(axis=1),
        "worst drop": 1 - given_array.min(axis=1),
    }


def measure(count: int, digit_count: int, seed: int) -> dict[str, Any]:
    predictor = Predictor.with_checks(SHIPPED_MODEL_PATH)  # as the app reads: the gate and the familiarity
    if predictor.gate is None or predictor.familiarity is None:
        raise ValueError("the shipped model has no gate or no familiarity check")
    data = load_mnist()
    parts = {"calibration": calibration_digits(data), "test": as_floats(data.x_test)[..., None]}
    wild_set = wild_pictures(count, digit_count, seed)
    parts["wild"] = wild_set["images"]
    no_picture = {part: np.zeros(len(images), bool) for part, images in parts.items()}
    no_picture["wild"] = wild_set["preprocess_refused"]
    shipped_refuses = {part: predictor.refuses(images) | no_picture[part] for part, images in parts.items()}
    scores = {part: nudge_scores(predictor, images) for part, images in parts.items()}
    answers = predictor.predict_probabilities(wild_set["images"]).argmax(axis=1)

    result = {"shipped (the gate or the familiarity check)": figures_of(shipped_refuses, answers, wild_set)}
    for name in scores["calibration"]:
        # "disagreement" takes few values: refuse above the threshold, so ties with it pass.
        threshold = np.quantile(scores["calibration"][name], 1 - ALLOWED)
        refused = {part: shipped_refuses[part] | (scores[part][name] > threshold) for part in parts}
        result[f"shipped or {name} (> {threshold:.3f})"] = figures_of(refused, answers, wild_set)
    return result


def main() -> None:
    result = measured_from_arguments(__doc__, measure)
    if result is not None:
        print_rules("The shipped checks, and with a score of the reading under nudges", result)


if __name__ == "__main__":
    main()
