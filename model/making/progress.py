"""How far a fit has come: ``Progress``, the value a progress callback receives, and the Keras
callback that makes it from Keras' events (``training.py`` and ``teach.py`` fit with it). Nothing
here knows who draws it: the Train page with ``st.progress``, the terminal with Keras' ``Progbar``.
"""

import dataclasses
import time
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from model.inside.weights import FirstLayer, first_layer_weights

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


class ProgressReporter(keras.callbacks.Callback):
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
