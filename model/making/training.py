"""Fit any network from ``recipes.py`` with progress reports; the result carries its model card.

The progress callback is a plain function that receives a ``Progress`` (``progress.py``): the
Train page draws it with ``st.progress``, the terminal with Keras' ``Progbar``.
Saving is ``storage.save_model``; running a fit in a child process is ``jobs.py``.
"""

import dataclasses
import platform
import time
from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from model.data import MnistData
from model.making.augment import make_augmenter, written_styles
from model.making.cards import created_now, measured_on_test_split
from model.making.progress import Progress, ProgressReporter
from model.making.recipes import Recipe, get_recipe
from model.making.synthetic.pieces import make_pieces
from model.recognition.predictor import Predictor


@dataclasses.dataclass
class TrainingResult:
    """A finished run: the Keras model, a Predictor over it, and its card (which holds the
    history, the test-set report and whether Stop ended the run early)."""

    model: Any  # keras.Model
    predictor: Predictor
    card: dict[str, Any]

    @property
    def history(self) -> dict[str, list[float]]:
        return self.card["history"]

    @property
    def stopped(self) -> bool:
        return self.card["stopped"]


def train(
    architecture: str,
    data: MnistData,
    epochs: int | None = None,
    batch_size: int | None = None,
    learning_rate: float | None = None,
    augment: bool | None = None,
    styled_digits: bool | None = None,
    train_size: int | None = None,
    seed: int = 0,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    progress_every: int = 10,
    callbacks: Sequence[Any] = (),
    extra_digits: tuple[np.ndarray, np.ndarray] | None = None,
    start_from: Any | None = None,
) -> TrainingResult:
    """Train ``architecture`` ("cnn", "mlp", "sigmoid", ...) on ``data`` (an MnistData).

    Defaults come from the network's own recipe. ``on_progress(Progress)`` is called every
    ``progress_every`` batches and at each epoch's end; ``should_stop()`` returning True ends
    training cleanly after the current batch. The test split is measured after every epoch.
    Extra Keras ``callbacks`` (the benchmarks' clocks) are passed on to ``fit``.
    ``augment`` alters every batch (rotation, slant, zoom, shift, stroke width); ``styled_digits``
    adds one digit per twenty in styles MNIST lacks (1s with flags and feet, crossed 7s) and one
    per twenty as the number reader cuts it from its neighbour (None: as ``augment``).
    ``extra_digits`` (x uint8 (n, 28, 28), y (n,)), e.g. an audience room's digits, join the
    training images of every run, whatever ``train_size`` picks. ``start_from``, a trained Keras
    model of this architecture, is trained further instead of a new one (a fine-tune: the recipe's
    warm-up and decay run again, so give it a small ``learning_rate``).
    """
    recipe = get_recipe(architecture)
    epochs = int(epochs or recipe.epochs)
    batch_size = int(batch_size or recipe.batch_size)
    learning_rate = float(learning_rate or recipe.learning_rate)
    augment = recipe.augment if augment is None else bool(augment)
    if epochs < 1 or batch_size < 1 or learning_rate <= 0:
        raise ValueError("epochs and batch size must be at least 1 and the learning rate positive")

    keras.utils.set_random_seed(seed)
    x_train, y_train = _training_subset(data.x_train, data.y_train, train_size, seed)
    add_styled = augment if styled_digits is None else bool(styled_digits)
    styled_count = len(x_train) // 20 if add_styled else 0
    if styled_count:
        styled = written_styles(x_train, y_train, styled_count, seed=seed)
        cut = make_pieces(x_train, styled_count, seed=seed, labels=y_train, kinds=("digit with a sliver",))
        x_train = np.concatenate([x_train, styled[0], cut.images])
        y_train = np.concatenate([y_train, styled[1], cut.labels.astype(y_train.dtype)])
    if extra_digits is not None:
        x_train = np.concatenate([x_train, extra_digits[0]])
        y_train = np.concatenate([y_train, extra_digits[1]])
    steps_per_epoch = int(np.ceil(len(x_train) / batch_size))

    model = recipe.build()
    if start_from is not None:
        if start_from.count_params() != model.count_params():
            raise ValueError(
                f"the model to start from has {start_from.count_params():,} parameters, "
                f"not the {model.count_params():,} of a {architecture}: it is another network"
            )
        model = start_from
    # Several batches per call into TensorFlow: with Nielsen's mini-batches of 10 the Python
    # overhead per step would otherwise dominate. Progress still comes every few batches.
    steps_per_execution = max(1, min(progress_every, steps_per_epoch // 50))
    model.compile(
        optimizer=recipe.make_optimizer(learning_rate, epochs * steps_per_epoch),
        loss=recipe.make_loss(),
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    dataset = _batches(
        x_train, y_train, batch_size, shuffle_seed=seed, augmenter=make_augmenter(seed) if augment else None
    )
    reporter = ProgressReporter(epochs, steps_per_epoch, progress_every, on_progress, should_stop)
    started = time.perf_counter()
    model.fit(
        dataset,
        epochs=epochs,
        validation_data=_batches(data.x_test, data.y_test, 1000),
        callbacks=[reporter, *callbacks],
        shuffle=False,  # the dataset shuffles itself, reproducibly, with the seed
        verbose=0,
    )
    training_seconds = time.perf_counter() - started

    predictor = Predictor(model)
    card = _model_card(
        recipe,
        model,
        data,
        predictor.predict_uint8(data.x_test),
        reporter.history,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        augment=augment,
        train_size=len(x_train),
        styled_digits=2 * styled_count,
        extra_digits=0 if extra_digits is None else len(extra_digits[1]),
        seed=seed,
        started_from_trained=start_from is not None,
        training_seconds=training_seconds,
        stopped=reporter.stopped,
    )
    predictor.card = card
    return TrainingResult(model=model, predictor=predictor, card=card)


def _training_subset(
    x_train: np.ndarray, y_train: np.ndarray, train_size: int | None, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    if train_size and train_size < len(x_train):
        chosen = np.random.default_rng(seed).choice(len(x_train), size=int(train_size), replace=False)
        return x_train[chosen], y_train[chosen]
    return x_train, y_train


def _batches(
    images_uint8: np.ndarray,
    labels: np.ndarray,
    batch_size: int,
    shuffle_seed: int | None = None,
    augmenter: Callable[[Any], Any] | None = None,
) -> Any:
    """Batches of float images in [0, 1] made on the fly from the uint8 images.

    The images stay uint8 in one tensor (a quarter of float32's bytes) and only indices are
    shuffled: a training process holds no float copy of the set and no shuffle buffer of images.
    """
    images = tf.constant(images_uint8)
    labels = tf.constant(labels)
    indices = tf.data.Dataset.range(len(images_uint8))
    if shuffle_seed is not None:
        indices = indices.shuffle(len(images_uint8), seed=shuffle_seed, reshuffle_each_iteration=True)

    def gather(batch: Any) -> tuple[Any, Any]:
        floats = tf.cast(tf.gather(images, batch), tf.float32)[..., None] / 255.0
        return floats, tf.gather(labels, batch)

    dataset = indices.batch(batch_size).map(gather, num_parallel_calls=tf.data.AUTOTUNE)
    if augmenter is not None:
        dataset = dataset.map(lambda floats, labels: (augmenter(floats), labels), num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)


def _model_card(
    recipe: Recipe,
    model: Any,
    data: MnistData,
    predicted_labels: np.ndarray,
    history: dict[str, list[float]],
    **settings: Any,
) -> dict[str, Any]:
    return {
        "architecture": recipe.architecture,
        "description": recipe.description,
        "parameters": int(model.count_params()),
        **settings,
        "epochs_completed": len(history["loss"]),
        **measured_on_test_split(data, predicted_labels),
        "history": history,
        "data_is_sample": data.is_sample,
        "versions": {
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "numpy": np.__version__,
        },
        "created": created_now(),
    }
