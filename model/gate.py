"""The "is it a digit at all?" gate: a small network that answers before the digit is named.

Trained on MNIST's digits (positives, with the same augmentation as the digit networks, so
drawings and photos count as digits) against images made by ``negatives.py`` (letters, symbols,
scribbles, shapes, textures, pages, faces). A second head learns what wrong cuts through
touching digits make (``pieces.py``: half digits and two digits in one are not one whole digit,
a digit with a sliver of its neighbour is); an earlier number reader asked it, and learning it
sharpened the trunk that the first head shares. Its threshold is calibrated on 5,000 MNIST training
digits it never trained on: at most 1 in 5,000 of them may be refused. The refusal rate on
held-out negatives (other fonts, other random draws) is measured by ``bench/not_a_digit.py``.
"""

import functools
import zipfile

import numpy as np

from model.data import as_floats
from model.storage import PACKAGE_DIR, read_card

GATE_PATH = PACKAGE_DIR / "mnist_gate.keras"
VALIDATION_DIGITS = 5_000
ALLOWED_REFUSALS = 1 / 2_500  # of held-out digits: 1/5,000 let a fifth of the letters through (BENCHMARKS.md)
NOT_A_DIGIT = "it does not look like a handwritten digit"


class Gate:
    """The trained gate and its calibrated threshold: ``refuses(images)`` says which hold no digit."""

    def __init__(self, keras_model, threshold):
        from model.inference import traced_forward  # inference imports this module at its top

        self.threshold = float(threshold)
        self.model = keras_model
        self._forward = traced_forward(keras_model)

    @classmethod
    def load(cls, path=GATE_PATH):
        """The gate at ``path``, or None when there is none (every image then counts as a digit)."""
        if not (path.is_file() and zipfile.is_zipfile(path)):
            return None
        import keras

        card = read_card(path)
        return cls(keras.saving.load_model(path, compile=False, safe_mode=True), card.get("threshold", 0.5))

    def digit_probability(self, images):
        """(n,): how sure the gate is that each image holds a digit at all."""
        images = np.asarray(images, dtype=np.float32).reshape(-1, 28, 28, 1)
        batch = 256  # as inference.EVALUATION_BATCH: bounded memory for many images
        outputs = [self._forward(images[start : start + batch])["digit_probability"].numpy()[:, 0]
                   for start in range(0, len(images), batch)]
        return np.concatenate(outputs) if outputs else np.zeros((0,), np.float32)

    def refuses(self, images):
        return self.digit_probability(images) < self.threshold


def calibrate(keras_model, data):
    """The threshold that refuses ALLOWED_REFUSALS of the last VALIDATION_DIGITS training digits
    (which the gate never trained on), as they are and drawn with thicker strokes: a card's part."""
    import tensorflow as tf

    validation = as_floats(data.x_train[-VALIDATION_DIGITS:])[..., None]
    thicker = [tf.nn.max_pool2d(validation, ksize=size, strides=1, padding="SAME").numpy() for size in (3, 5)]
    scores = Gate(keras_model, 0.5).digit_probability(np.concatenate([validation, *thicker]))
    threshold = float(min(0.5, np.quantile(scores, ALLOWED_REFUSALS)))
    return {"threshold": threshold, "validation_digits": len(scores), "validation_refused": float(np.mean(scores < threshold)),
            "allowed_refusals": ALLOWED_REFUSALS}


@functools.lru_cache(maxsize=1)
def shipped_gate():
    """The shipped gate, loaded once per process: every Predictor shares it, whatever its model."""
    return Gate.load(GATE_PATH)


def build_gate():
    """A small CNN with two heads on one trunk: "a digit at all?" and "one whole digit, not a piece?"."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(28, 28, 1), name="image")
    x = inputs
    for filters in (32, 64):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(96, 3, activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(96, activation="relu")(x)
    digit = layers.Dense(1, activation="sigmoid", name="digit_probability")(x)
    whole = layers.Dense(1, activation="sigmoid", name="whole_digit_probability")(x)
    return keras.Model(inputs, {"digit_probability": digit, "whole_digit_probability": whole}, name="gate")


def train_gate(data, negatives=40_000, pieces=30_000, epochs=4, seed=0):
    """The gate and its card (threshold, measured refusal rates).

    The digit head learns MNIST digits (also redrawn with an even pen, and 1s and 7s in other
    styles) against the generated
    non-digits; the whole-digit head learns digits and digits with a neighbour's sliver against
    half digits and two digits in one. Each image teaches only the head it is about, so the cut
    pieces, which look much like digits, never make the digit head doubt real digits.
    """
    import keras
    import tensorflow as tf

    from model.augment import as_pen_strokes, make_augmenter, written_styles
    from model.negatives import make_negatives
    from model.pieces import make_pieces

    keras.utils.set_random_seed(seed)
    if len(data.x_train) < 2 * VALIDATION_DIGITS:
        raise ValueError(f"the gate needs at least {2 * VALIDATION_DIGITS:,} training images (it keeps the last "
                         f"{VALIDATION_DIGITS:,} to calibrate on), not {len(data.x_train):,}: give it the full MNIST (--data or MNIST_PATH)")
    training_digits, training_labels = data.x_train[:-VALIDATION_DIGITS], data.y_train[:-VALIDATION_DIGITS]
    styled, _ = written_styles(training_digits, training_labels, 3_000, seed=seed)
    pen_drawn, _ = as_pen_strokes(training_digits, 15_000, seed=seed)
    digits = as_floats(np.concatenate([training_digits, styled, pen_drawn]))
    others = make_negatives(negatives, seed=seed)
    cut_pieces, cut_is_whole = make_pieces(training_digits, pieces, seed=seed)
    images = np.concatenate([digits, others, cut_pieces])[..., None]
    # Targets and weights per head: the digit head sees digits and non-digits, the whole head
    # digits and pieces; each head's two sides weigh the same.
    is_digit = np.concatenate([np.ones(len(digits)), np.zeros(len(others)), np.ones(len(cut_pieces))]).astype(np.float32)
    is_whole = np.concatenate([np.ones(len(digits)), np.zeros(len(others)), cut_is_whole]).astype(np.float32)
    digit_weight = np.concatenate([np.full(len(digits), 0.5 / len(digits)), np.full(len(others), 0.5 / len(others)), np.zeros(len(cut_pieces))])
    whole_count, piece_count = len(digits) + cut_is_whole.sum(), (1 - cut_is_whole).sum()
    whole_weight = np.concatenate([np.full(len(digits), 0.5 / whole_count), np.zeros(len(others)),
                                   np.where(cut_is_whole == 1, 0.5 / whole_count, 0.5 / piece_count)])
    digit_weight, whole_weight = (weight * len(images) for weight in (digit_weight, whole_weight))
    augmenter = make_augmenter(seed)

    def augment(x, targets, weights):
        # A marker's stroke is thicker than any MNIST pen: some batches get a 2-px wider stroke.
        x = augmenter(x)
        thick = tf.nn.max_pool2d(x, ksize=5, strides=1, padding="SAME")
        return tf.where(tf.random.uniform([tf.shape(x)[0], 1, 1, 1]) < 0.2, thick, x), targets, weights

    targets = {"digit_probability": is_digit, "whole_digit_probability": is_whole}
    weights = {"digit_probability": digit_weight.astype(np.float32), "whole_digit_probability": whole_weight.astype(np.float32)}
    dataset = (tf.data.Dataset.from_tensor_slices((images, targets, weights)).shuffle(len(images), seed=seed).batch(128)
               .map(augment, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE))
    model = build_gate()
    schedule = keras.optimizers.schedules.CosineDecay(2e-3, decay_steps=epochs * int(np.ceil(len(images) / 128)), alpha=0.05)
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss={"digit_probability": "binary_crossentropy", "whole_digit_probability": "binary_crossentropy"})
    model.fit(dataset, epochs=epochs, verbose=2)  # noqa: the AutoGraph note on the lambda is harmless
    card = {
        **calibrate(model, data),
        "negatives_trained_on": int(negatives),
        "number_pieces_trained_on": int(pieces),
        "epochs": epochs,
    }
    return model, card
