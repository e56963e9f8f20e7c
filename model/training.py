"""Fit any of the networks with progress reports, augmentation and an atomic save + model card.

The progress callback is a plain function that receives a ``Progress``: the Train page draws
it with ``st.progress``, the terminal with Keras' ``Progbar``. Nothing here knows about either.
"""

import dataclasses
import datetime
import json
import os
import platform
import time
import uuid
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from model import metrics
from model.inference import Predictor, card_path_for
from model.networks import get_network


@dataclasses.dataclass(frozen=True)
class Progress:
    epoch: int  # 1-based
    epochs: int
    batch: int  # batches finished in this epoch
    batches: int  # batches per epoch
    loss: float
    accuracy: float
    elapsed_seconds: float
    history: dict  # per finished epoch: "loss", "accuracy", "test_accuracy"

    @property
    def fraction(self):
        return min(1.0, ((self.epoch - 1) + self.batch / self.batches) / self.epochs)

    @property
    def remaining_seconds(self):
        return self.elapsed_seconds * (1 - self.fraction) / self.fraction if self.fraction > 0 else None


@dataclasses.dataclass
class TrainingResult:
    model: object  # keras.Model
    predictor: Predictor
    card: dict
    history: dict
    stopped: bool


def train(
    architecture,
    data,
    epochs=None,
    batch_size=None,
    learning_rate=None,
    augment=None,
    train_size=None,
    seed=0,
    on_progress=None,
    should_stop=None,
    progress_every=10,
    callbacks=(),
):
    """Train ``architecture`` ("cnn", "mlp", "sigmoid", ...) on ``data`` (an MnistData).

    Defaults come from the network's own recipe. ``on_progress(Progress)`` is called every
    ``progress_every`` batches and at each epoch's end; ``should_stop()`` returning True ends
    training cleanly after the current batch. The test split is measured after every epoch.
    Extra Keras ``callbacks`` (the benchmarks' clocks) are passed on to ``fit``.
    """
    network = get_network(architecture)
    epochs = int(epochs or network.epochs)
    batch_size = int(batch_size or network.batch_size)
    learning_rate = float(learning_rate or network.learning_rate)
    augment = network.augment if augment is None else bool(augment)
    if epochs < 1 or batch_size < 1 or learning_rate <= 0:
        raise ValueError("epochs and batch size must be at least 1 and the learning rate positive")

    keras.utils.set_random_seed(seed)
    x_train, y_train = _training_subset(data.x_train, data.y_train, train_size, seed)
    x_test = _as_model_input(data.x_test)
    steps_per_epoch = int(np.ceil(len(x_train) / batch_size))

    model = network.build()
    # Several batches per call into TensorFlow: with Nielsen's mini-batches of 10 the Python
    # overhead per step would otherwise dominate. Progress still comes every few batches.
    steps_per_execution = max(1, min(progress_every, steps_per_epoch // 50))
    model.compile(
        optimizer=network.make_optimizer(learning_rate, epochs * steps_per_epoch),
        loss=network.loss,
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    dataset = _training_dataset(x_train, y_train, batch_size, augment, seed)
    reporter = _ProgressReporter(epochs, steps_per_epoch, progress_every, on_progress, should_stop)
    started = time.perf_counter()
    model.fit(
        dataset,
        epochs=epochs,
        validation_data=(x_test, data.y_test),
        validation_batch_size=1000,
        callbacks=[reporter, *callbacks],
        shuffle=False,  # the dataset is already shuffled, reproducibly, with the seed
        verbose=0,
    )
    training_seconds = time.perf_counter() - started

    predictor = Predictor(model)
    predicted = np.argmax(predictor.predict_probabilities(x_test), axis=1)
    report = metrics.classification_report(data.y_test, predicted)
    card = _model_card(
        network, model, data, report, reporter.history,
        epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, augment=augment,
        train_size=len(x_train), seed=seed, training_seconds=training_seconds, stopped=reporter.stopped,
    )
    predictor.card = card
    return TrainingResult(model=model, predictor=predictor, card=card, history=reporter.history, stopped=reporter.stopped)


def save_model(model, card, path):
    """Write ``path`` (.keras) and its JSON card atomically: a temporary file, then a rename.

    A reader never sees half a file, and two runs writing at once never mix their bytes.
    """
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"A model path must end in .keras, got {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    unique = uuid.uuid4().hex
    temporary_model = path.with_name(f".{path.stem}.{unique}.tmp.keras")
    temporary_card = path.with_name(f".{path.stem}.{unique}.tmp.json")
    try:
        model.save(temporary_model)
        temporary_card.write_text(json.dumps(card, indent=1))
        os.replace(temporary_model, path)
        os.replace(temporary_card, card_path_for(path))
    finally:
        for leftover in (temporary_model, temporary_card):
            leftover.unlink(missing_ok=True)
    return path


def _as_model_input(images_uint8):
    return (np.asarray(images_uint8, dtype=np.float32) / 255.0)[..., None]


def _training_subset(x_train, y_train, train_size, seed):
    if not train_size or train_size >= len(x_train):
        return _as_model_input(x_train), y_train
    chosen = np.random.default_rng(seed).choice(len(x_train), size=int(train_size), replace=False)
    return _as_model_input(x_train[chosen]), y_train[chosen]


def _training_dataset(x_train, y_train, batch_size, augment, seed):
    dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    dataset = dataset.shuffle(len(x_train), seed=seed, reshuffle_each_iteration=True).batch(batch_size)
    if augment:
        augmenter = make_augmenter(seed)
        dataset = dataset.map(lambda images, labels: (augmenter(images), labels), num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)


def make_augmenter(seed=0):
    """What makes a model read real drawings: slant, rotation, scale, shift and stroke thickness.

    Preprocessing already normalises size and position, so these stay moderate: they cover
    what preprocessing cannot undo (slant, how a person's proportions differ from MNIST's) and
    the thick or thin strokes a canvas brush makes.
    """
    geometry = keras.Sequential(
        [
            keras.layers.RandomRotation(0.035, fill_mode="constant", seed=seed),  # +-12.6 degrees
            keras.layers.RandomShear(x_factor=0.25, fill_mode="constant", seed=seed + 1),
            keras.layers.RandomZoom((-0.15, 0.15), fill_mode="constant", seed=seed + 2),
            keras.layers.RandomTranslation(0.08, 0.08, fill_mode="constant", seed=seed + 3),
        ]
    )

    def augment(images):
        images = geometry(images, training=True)
        thicker = tf.nn.max_pool2d(images, ksize=3, strides=1, padding="SAME")  # a 1-px wider stroke
        thinner = tf.clip_by_value((images - 0.45) / 0.55, 0.0, 1.0)  # the soft edge removed
        choice = tf.random.uniform([tf.shape(images)[0], 1, 1, 1])
        images = tf.where(choice < 0.25, thicker, tf.where(choice < 0.4, thinner, images))
        return tf.clip_by_value(images, 0.0, 1.0)

    return augment


class _ProgressReporter(keras.callbacks.Callback):
    """Adapts Keras' callback events to ``on_progress(Progress)`` and ``should_stop()``."""

    def __init__(self, epochs, batches, every, on_progress, should_stop):
        super().__init__()
        self.epochs, self.batches, self.every = epochs, batches, every
        self.on_progress, self.should_stop = on_progress, should_stop
        self.history = {"loss": [], "accuracy": [], "test_accuracy": []}
        self.stopped = False
        self.epoch = 1
        self.last_reported_batch = 0

    def on_train_begin(self, logs=None):
        self.started = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch, self.last_reported_batch = epoch + 1, 0

    def on_train_batch_end(self, batch, logs=None):
        finished = batch + 1
        if self.should_stop is not None and self.should_stop():
            self.stopped = True
            self.model.stop_training = True
        if finished - self.last_reported_batch >= self.every or finished == self.batches:
            self.last_reported_batch = finished
            self._report(finished, logs)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.history["loss"].append(float(logs.get("loss", np.nan)))
        self.history["accuracy"].append(float(logs.get("accuracy", np.nan)))
        self.history["test_accuracy"].append(float(logs.get("val_accuracy", np.nan)))
        self._report(self.batches, logs)

    def _report(self, batch, logs):
        if self.on_progress is None:
            return
        logs = logs or {}
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
            )
        )


def _model_card(network, model, data, report, history, **settings):
    matrix = np.asarray(report["confusion_matrix"])
    per_class_accuracy = (np.diag(matrix) / np.maximum(matrix.sum(axis=1), 1)).round(6).tolist()
    return {
        "name": network.name,
        "architecture": network.name,
        "description": network.description,
        "parameters": int(model.count_params()),
        **settings,
        "epochs_completed": len(history["loss"]),
        "test_accuracy": report["accuracy"],
        "test_images": report["n"],
        "per_class_accuracy": per_class_accuracy,
        "precision": report["precision"],
        "recall": report["recall"],
        "f1": report["f1"],
        "confusion_matrix": report["confusion_matrix"],
        "history": history,
        "data_source": data.source,
        "data_sha256": data.sha256,
        "data_is_sample": data.is_sample,
        "versions": {
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "numpy": np.__version__,
        },
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


@dataclasses.dataclass(frozen=True)
class FinishedRun:
    card: dict
    stopped: bool


class BackgroundTraining:
    """One training run in a child process, so a page can redraw, navigate or press Stop meanwhile.

    Why a process and not a thread: TensorFlow training takes every core it can get, and in the
    server's own process it starved every drawing session (measured: answers took over a minute
    while two people trained). The child runs at a lower CPU priority, so drawing comes first,
    and nothing that happens in it can take the server down.

    ``progress`` is the latest Progress; when ``done``, ``result`` holds a FinishedRun and
    ``saved_path`` the model file, or ``error`` says why the run failed. Each run saves under
    its own unique name, so runs never overwrite each other or the shipped model.
    """

    def __init__(self, architecture, data, save_to, **train_options):
        import multiprocessing
        import threading

        # "spawn": forking a process that has already loaded TensorFlow is not safe.
        context = multiprocessing.get_context("spawn")
        self.architecture = architecture
        self.save_to = Path(save_to)
        self.progress = None
        self.result = None
        self.saved_path = None
        self.error = None
        self._messages = context.Queue()
        self._stop_requested = context.Event()
        self._finished = threading.Event()
        self._process = context.Process(
            target=_train_in_child_process,
            args=(architecture, data, str(self.save_to), train_options, self._messages, self._stop_requested),
            name=f"training-{architecture}",
            daemon=True,
        )
        self._listener = threading.Thread(target=self._listen, name=f"training-{architecture}-listener", daemon=True)

    def start(self):
        self._process.start()
        self._listener.start()
        return self

    def stop(self):
        self._stop_requested.set()

    @property
    def stop_requested(self):
        return self._stop_requested.is_set()

    @property
    def done(self):
        return self._finished.is_set()

    def wait(self, timeout=None):
        return self._finished.wait(timeout)

    def _listen(self):
        import queue

        try:
            while True:
                try:
                    kind, payload = self._messages.get(timeout=1)
                except queue.Empty:
                    if self._process.is_alive() or not self._messages.empty():
                        continue
                    self.error = f"the training process ended unexpectedly (exit code {self._process.exitcode})"
                    return
                if kind == "progress":
                    self.progress = payload
                elif kind == "finished":
                    self.result = FinishedRun(card=payload["card"], stopped=payload["stopped"])
                    self.saved_path = Path(payload["saved_path"])
                    return
                else:
                    self.error = payload
                    return
        finally:
            self._process.join(timeout=60)
            self._finished.set()


def _train_in_child_process(architecture, data, save_to, train_options, messages, stop_requested):
    try:
        os.nice(10)  # people drawing come first
    except (AttributeError, OSError):
        pass
    try:
        result = train(
            architecture,
            data,
            on_progress=lambda progress: messages.put(("progress", progress)),
            should_stop=stop_requested.is_set,
            **train_options,
        )
        save_model(result.model, result.card, save_to)
        messages.put(("finished", {"card": result.card, "stopped": result.stopped, "saved_path": save_to}))
    except Exception as error:  # reported on the page; the run must never fail silently
        messages.put(("error", f"{type(error).__name__}: {error}"))
