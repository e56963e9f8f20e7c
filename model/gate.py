"""The "is it a digit at all?" gate: a small network that answers before the digit is named.

Trained on MNIST's digits (positives, with the same augmentation as the digit networks, so
drawings and photos count as digits) against images made by ``negatives.py`` (letters, symbols,
scribbles, shapes, textures, pages, faces). Its threshold is calibrated on 5,000 MNIST training
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
ALLOWED_REFUSALS = 1 / 5_000
NOT_A_DIGIT = "it does not look like a handwritten digit"


class Gate:
    """The trained gate and its calibrated threshold: ``refuses(images)`` says which hold no digit."""

    def __init__(self, keras_model, threshold):
        from model.inference import traced_forward  # inference imports this module at its top

        self.threshold = float(threshold)
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
        images = np.asarray(images, dtype=np.float32).reshape(-1, 28, 28, 1)
        return np.concatenate([self._forward(images[start : start + 1024]).numpy()[:, 0] for start in range(0, len(images), 1024)])

    def refuses(self, images):
        return self.digit_probability(images) < self.threshold


@functools.lru_cache(maxsize=1)
def shipped_gate():
    """The shipped gate, loaded once per process: every Predictor shares it, whatever its model."""
    return Gate.load(GATE_PATH)


def build_gate():
    import keras
    from keras import layers

    inputs = keras.Input(shape=(28, 28, 1), name="image")
    x = inputs
    for filters in (32, 64):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="digit_probability")(x)
    return keras.Model(inputs, outputs, name="gate")


def train_gate(data, negatives=40_000, epochs=4, seed=0):
    """The gate and its card (threshold, measured refusal rates)."""
    import keras
    import tensorflow as tf

    from model.augment import make_augmenter
    from model.negatives import make_negatives

    keras.utils.set_random_seed(seed)
    digits = as_floats(data.x_train[:-VALIDATION_DIGITS])[..., None]
    validation = as_floats(data.x_train[-VALIDATION_DIGITS:])[..., None]
    others = make_negatives(negatives, seed=seed)[..., None]
    images = np.concatenate([digits, others])
    labels = np.concatenate([np.ones(len(digits), np.float32), np.zeros(len(others), np.float32)])
    weights = np.where(labels == 1, 0.5 / len(digits), 0.5 / len(others)) * len(labels)
    augmenter = make_augmenter(seed)

    def augment(x, y, w):
        # A marker's stroke is thicker than any MNIST pen: some batches get a 2-px wider stroke.
        x = augmenter(x)
        thick = tf.nn.max_pool2d(x, ksize=5, strides=1, padding="SAME")
        return tf.where(tf.random.uniform([tf.shape(x)[0], 1, 1, 1]) < 0.2, thick, x), y, w

    dataset = (tf.data.Dataset.from_tensor_slices((images, labels, weights)).shuffle(len(labels), seed=seed).batch(128)
               .map(augment, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE))
    model = build_gate()
    model.compile(optimizer=keras.optimizers.Adam(2e-3), loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(dataset, epochs=epochs, verbose=2)  # noqa: the AutoGraph note on the lambda is harmless
    # Calibrated on the held-out digits as pens draw them: as they are, and with thicker strokes.
    thicker = [tf.nn.max_pool2d(validation, ksize=size, strides=1, padding="SAME").numpy() for size in (3, 5)]
    scores = model.predict(np.concatenate([validation, *thicker]), batch_size=1000, verbose=0)[:, 0]
    threshold = float(min(0.5, np.quantile(scores, ALLOWED_REFUSALS)))
    card = {
        "threshold": threshold,
        "validation_digits": VALIDATION_DIGITS * 3,
        "validation_refused": float(np.mean(scores < threshold)),
        "negatives_trained_on": int(negatives),
        "epochs": epochs,
    }
    return model, card
