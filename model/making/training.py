"""Fit any network from ``recipes.py`` with progress reports; the result carries its model card.

The progress callback is a plain function that receives a ``Progress``: the Train page draws
it with ``st.progress``, the terminal with Keras' ``Progbar``. Nothing here knows about either.
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
from model.inside.weights import FirstLayer, first_layer_weights
from model.making.augment import make_augmenter, written_styles
from model.making.cards import created_now, measured_on_test_split
from model.making.recipes import Recipe, get_recipe
from model.making.synthetic.pieces import make_pieces
from model.recognition.predictor import Predictor

SNAPSHOT_EVERY_SECONDS = 0.5  # the Train page redraws twice a second: more snapshots would go unseen


@dataclasses.dataclass(frozen=True)
class Progress:
    epoch: int  # 1-based
    epochs: int
    batch: int  # batches finished in this epoch
    batches: int  # batches per epoch
    loss: float
    accuracy: float
    elapsed_seconds: float
    # Per finished epoch: "loss", "accuracy", "test_accuracy"; and at every report, so that even
    # one epoch draws a line: "seen_epochs" (how far, in epochs), "running_loss", "running_accuracy".
    history: dict[str, list[float]]
    first_layer: FirstLayer | None = None  # its first 32 units, float16 (<= 49 KB), on reports with a snapshot

    @property
    def fraction(self) -> float:
        return min(1.0, ((self.epoch - 1) + self.batch / self.batches) / self.epochs)

    @property
    def remaining_seconds(self) -> float | None:
        return self.elapsed_seconds * (1 - self.fraction) / self.fraction if self.fraction > 0 else None


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
    training images of every run, whatever ``train_size`` picks.
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
    reporter = _ProgressReporter(epochs, steps_per_epoch, progress_every, on_progress, should_stop)
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


class _ProgressReporter(keras.callbacks.Callback):
    """Adapts Keras' callback events to ``on_progress(Progress)`` and ``should_stop()``."""

    def __init__(
        self,
        epochs: int,
        batches: int,
        every: int,
        on_progress: Callable[[Progress], None] | None,
        should_stop: Callable[[], bool] | None,
    ) -> None:
        super().__init__()
        self.epochs, self.batches, self.every = epochs, batches, every
        self.on_progress, self.should_stop = on_progress, should_stop
        names = ("loss", "accuracy", "test_accuracy", "seen_epochs", "running_loss", "running_accuracy")
        self.history: dict[str, list[float]] = {name: [] for name in names}
        self.stopped, self.epoch, self.last_reported_batch = False, 1, 0
        self.last_snapshot = -np.inf  # when the first layer's weights were last sent; the first report sends them

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.started = time.perf_counter()

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.epoch, self.last_reported_batch = epoch + 1, 0

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        finished = batch + 1
        if self.should_stop is not None and self.should_stop():
            self.stopped = self.model.stop_training = True
        if finished - self.last_reported_batch >= self.every or finished == self.batches:
            self.last_reported_batch = finished
            self._report(finished, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        for name, key in (("loss", "loss"), ("accuracy", "accuracy"), ("test_accuracy", "val_accuracy")):
            self.history[name].append(float(logs.get(key, np.nan)))
        self._report(self.batches, logs, epoch_end=True)

    def _report(self, batch: int, logs: dict[str, Any] | None, epoch_end: bool = False) -> None:
        logs = logs or {}
        seen = round(self.epoch - 1 + min(batch, self.batches) / self.batches, 4)
        if not self.history["seen_epochs"] or seen > self.history["seen_epochs"][-1]:
            self.history["seen_epochs"].append(seen)
            self.history["running_loss"].append(float(logs.get("loss", np.nan)))
            self.history["running_accuracy"].append(float(logs.get("accuracy", np.nan)))
        if self.on_progress is None:
            return
        self.on_progress(
            Progress(
                epoch=self.epoch,
                epochs=self.epochs,
                batch=min(batch, self.batches),
                batches=self.batches,
                loss=float(logs.get("loss", np.nan)),
                accuracy=float(logs.get("accuracy", np.nan)),
                elapsed_seconds=time.perf_counter() - self.started,
                history={key: list(values) for key, values in self.history.items()},
                first_layer=self._snapshot(epoch_end),
            )
        )

    def _snapshot(self, epoch_end: bool) -> FirstLayer | None:
        """The first layer on the first report, each epoch's last and at most every SNAPSHOT_EVERY_SECONDS
        between, else None: reports come up to 600 an epoch (Nielsen's 10-image batches), 49 KB each would add up."""
        if not epoch_end and time.perf_counter() - self.last_snapshot < SNAPSHOT_EVERY_SECONDS:
            return None
        self.last_snapshot = time.perf_counter()
        layer = first_layer_weights(self.model)
        return None if layer is None else layer.snapshot()


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
