"""A digits-only autoencoder's reconstruction error as one more "not a digit" test beside the
shipped gate and familiarity check:
``MNIST_PATH=... python -m bench.reconstruction_scores [--count 80] [--code 32] [--json]``

A small convolutional autoencoder learns to redraw MNIST's first 55,000 training digits (also
thicker, redrawn with an even pen, and small and blurred, as ``calibration_digits`` shows digits
as people send them) through a ``--code``-number bottleneck; it never sees a non-digit, so
cannot have learned a family. What it redraws badly is unlike any digit. It is trained once and
kept at ``--autoencoder`` (trained again when that file is missing). Four scores of how badly it
redraws a picture: the mean squared error, the squared error per unit of ink, the mean binary
cross-entropy, and the largest mean squared error in a 7 x 7 window. Each threshold is set so the
score alone refuses 1 in 1,000 of the gate's calibration digits (the last 5,000 training digits
as people send them), as in ``bench/feature_scores.py``; a picture is then refused when the gate
(or the gate and the familiarity check, which the app ships) or the score says so. Measured on
the wild families (``bench/heldout/wild.py``) and MNIST's test digits.
"""

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import machine, print_json, print_table
from bench.feature_scores import add_wild_arguments, figures_of, wild_pictures
from model.data import MnistData, as_floats, load_mnist
from model.making.gate import VALIDATION_DIGITS, calibration_digits
from model.recognition.predictor import Predictor
from model.storage import SHIPPED_MODEL_PATH

ALLOWED = 1 / 1_000  # of the calibration digits, refused by the score alone
AUTOENCODER_PATH = Path("/tmp/recon/autoencoder.keras")
AUGMENTED = 10_000  # digits of each kind as people send them, added to the plain training digits


def build_autoencoder(code: int) -> Any:
    """28x28 -> two strided convolutions -> ``code`` numbers -> two transposed convolutions -> 28x28."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(28, 28, 1), name="image")
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(inputs)  # 14 x 14
    x = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)  # 7 x 7
    x = layers.Flatten()(x)
    x = layers.Dense(code, name="code")(x)
    x = layers.Dense(7 * 7 * 64, activation="relu")(x)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(x)  # 14 x 14
    outputs = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(x)  # 28 x 28
    return keras.Model(inputs, outputs, name="autoencoder")


def training_digits(data: MnistData, seed: int = 7) -> np.ndarray:
    """MNIST's first 55,000 training digits, plus AUGMENTED of each kind ``calibration_digits``
    adds (thicker by 3 and 5 px, redrawn with an even pen, small and blurred), drawn from the same
    55,000. (n, 28, 28, 1) floats in [0, 1]."""
    import tensorflow as tf

    from model.making.augment import as_pen_strokes, low_resolution

    digits = data.x_train[:-VALIDATION_DIGITS]  # the calibration digits stay out
    plain = as_floats(digits)[..., None]
    rng = np.random.default_rng(seed)
    thicker = [
        tf.nn.max_pool2d(plain[rng.choice(len(plain), AUGMENTED, replace=False)], ksize=size, strides=1, padding="SAME")
        .numpy()
        .astype(np.float32)
        for size in (3, 5)
    ]
    redrawn = as_floats(as_pen_strokes(digits, AUGMENTED, seed=seed)[0])[..., None]
    blurred = as_floats(low_resolution(digits, AUGMENTED, seed=seed)[0])[..., None]
    return np.concatenate([plain, *thicker, redrawn, blurred]).astype(np.float32)


def trained_autoencoder(data: MnistData, path: Path, code: int, epochs: int) -> tuple[Any, float | None]:
    """The autoencoder at ``path`` (its bottleneck must be ``code`` wide), or a new one trained and
    saved there. Also the seconds training took (preparing the digits included); None when loaded."""
    import keras

    if path.is_file():
        autoencoder = keras.models.load_model(path)
        width = autoencoder.get_layer("code").units
        if width != code:
            raise ValueError(f"{path} has a {width}-number bottleneck, not {code}: pass --code {width} or another path")
        return autoencoder, None
    started = time.perf_counter()
    keras.utils.set_random_seed(0)
    digits = training_digits(data)
    autoencoder = build_autoencoder(code)
    autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
    autoencoder.fit(digits, digits, batch_size=256, epochs=epochs, shuffle=True, verbose=2)
    seconds = time.perf_counter() - started
    path.parent.mkdir(parents=True, exist_ok=True)
    autoencoder.save(path)
    return autoencoder, seconds


def reconstruction_scores(autoencoder: Any, images: np.ndarray) -> dict[str, np.ndarray]:
    """Per image, how badly the autoencoder redraws it (larger = less like a digit)."""
    import tensorflow as tf

    redrawn = autoencoder.predict(images, batch_size=1024, verbose=0)
    squared = (images - redrawn) ** 2
    clipped = np.clip(redrawn, 1e-6, 1 - 1e-6)
    cross_entropy = -(images * np.log(clipped) + (1 - images) * np.log(1 - clipped))
    windows = tf.nn.avg_pool2d(squared, ksize=7, strides=1, padding="VALID").numpy()
    return {
        "mean squared error": squared.mean(axis=(1, 2, 3)),
        "squared error per unit of ink": squared.sum(axis=(1, 2, 3)) / (images.sum(axis=(1, 2, 3)) + 1.0),
        "binary cross-entropy": cross_entropy.mean(axis=(1, 2, 3)),
        "worst 7x7 window's squared error": windows.max(axis=(1, 2, 3)),
    }


def measure(count: int, digit_count: int, seed: int, path: Path, code: int, epochs: int) -> dict[str, Any]:
    predictor = Predictor.with_checks(SHIPPED_MODEL_PATH)  # as the app reads: the gate and the familiarity
    if predictor.gate is None or predictor.familiarity is None:
        raise ValueError("the shipped model has no gate or no familiarity check")
    data = load_mnist()
    autoencoder, training_seconds = trained_autoencoder(data, path, code, epochs)
    parts = {"calibration": calibration_digits(data), "test": as_floats(data.x_test)[..., None]}
    wild_set = wild_pictures(count, digit_count, seed)
    parts["wild"] = wild_set["images"]
    no_picture = {part: np.zeros(len(images), bool) for part, images in parts.items()}
    no_picture["wild"] = wild_set["preprocess_refused"]
    gate_refuses = {part: predictor.gate.refuses(images) | no_picture[part] for part, images in parts.items()}
    shipped_refuses = {part: predictor.refuses(images) | no_picture[part] for part, images in parts.items()}
    scores = {part: reconstruction_scores(autoencoder, images) for part, images in parts.items()}
    answers = predictor.predict_probabilities(wild_set["images"]).argmax(axis=1)

    def figures(refused: dict[str, np.ndarray]) -> dict[str, Any]:
        return figures_of(refused, answers, wild_set)

    result = {"the gate alone": figures(gate_refuses), "the gate or familiarity (shipped)": figures(shipped_refuses)}
    for name in scores["calibration"]:
        threshold = np.quantile(scores["calibration"][name], 1 - ALLOWED)
        score_refuses = {part: scores[part][name] > threshold for part in parts}
        result[f"the gate or {name}"] = figures({part: gate_refuses[part] | score_refuses[part] for part in parts})
        result[f"shipped or {name}"] = figures({part: shipped_refuses[part] | score_refuses[part] for part in parts})
    return {"training seconds": training_seconds, "code": code, "epochs": epochs, "rules": result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_wild_arguments(parser)
    parser.add_argument("--code", type=int, default=32, help="numbers in the autoencoder's bottleneck")
    parser.add_argument("--epochs", type=int, default=5, help="epochs when the autoencoder is trained")
    parser.add_argument("--autoencoder", type=Path, default=AUTOENCODER_PATH, help="trained here when missing")
    arguments = parser.parse_args()
    started = time.perf_counter()
    measured = measure(
        arguments.count, arguments.digits, arguments.seed, arguments.autoencoder, arguments.code, arguments.epochs
    )
    result = measured["rules"]
    if arguments.json:
        print_json({"machine": machine(), **measured})
        return
    trained = measured["training seconds"]
    how = f"trained in {trained:.0f} s" if trained is not None else f"loaded from {arguments.autoencoder}"
    print(f"\nautoencoder: {arguments.code}-number bottleneck, {how}; whole run {time.perf_counter() - started:.0f} s")
    measures = [key for key in next(iter(result.values())) if key != "families"]
    print_table(
        "The gate (and the familiarity check), with a score of how badly a digits-only autoencoder redraws the picture",
        ["rule", *measures],
        [[rule, *(f"{figures[key]:.2%}" for key in measures)] for rule, figures in result.items()],
    )
    shown = [rule for rule in result if not rule.startswith("the gate or ") or rule.endswith("(shipped)")]
    families = list(next(iter(result.values()))["families"])
    print_table(
        "Wild non-digits refused, by family (shipped = the gate or the familiarity check)",
        ["family", *shown],
        [[name, *(f"{result[rule]['families'][name]:.1%}" for rule in shown)] for name in families],
    )


if __name__ == "__main__":
    main()
