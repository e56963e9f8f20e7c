"""The room teaches the network: fine-tune a model on an audience room's confirmed drawings, with
MNIST's training digits mixed in so that it does not forget, and say honestly what changed.

Honest means measured on what the fine-tuning did not see: a third of the room's confirmed
drawings of each digit (``split_room``) is kept aside to check, and MNIST's test set is read by
the model before and after. The room's figure before and after is on those kept drawings only.

Small on purpose (a minute on 2 cores for the shipped ensemble, BENCHMARKS.md section 17): two
epochs at a low learning rate over the room's drawings (each shown several times) and 3,000 MNIST
training digits. Runs in the training queue's child process (model/hosting/child.py).
"""

import dataclasses
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from model.data import MnistData
from model.making.cards import created_now
from model.metrics import accuracy
from model.storage import read_card

if TYPE_CHECKING:  # TensorFlow loads when a room is taught, in the training child, not on import
    from model.making.progress import Progress
    from model.making.training import TrainingResult

MIN_CONFIRMED = 20  # fewer, and a third kept aside says too little to be worth a slide
ROOM_REPEATS = 4  # each taught drawing is shown this often per epoch: a few hundred among 3,000


@dataclasses.dataclass(frozen=True)
class RoomSplit:
    x_teach: np.ndarray
    y_teach: np.ndarray
    x_check: np.ndarray  # never taught: the room's figures before and after are on these
    y_check: np.ndarray


def split_room(images: np.ndarray, labels: np.ndarray, check_fraction: float = 1 / 3, seed: int = 0) -> RoomSplit:
    """Keep ``check_fraction`` of each digit's drawings aside (at least one of a digit drawn
    twice or more), chosen by a seeded shuffle; teach on the rest."""
    images, labels = np.asarray(images, dtype=np.uint8), np.asarray(labels, dtype=np.int64)
    if images.shape[1:] != (28, 28) or len(images) != len(labels):
        raise ValueError(f"expected (n, 28, 28) images and n labels, got {images.shape} and {labels.shape}")
    if len(labels) < MIN_CONFIRMED:
        raise ValueError(f"teaching needs at least {MIN_CONFIRMED} confirmed drawings, got {len(labels)}")
    rng = np.random.default_rng(seed)
    check = np.zeros(len(labels), dtype=bool)
    for digit in range(10):
        indices = rng.permutation(np.flatnonzero(labels == digit))
        if len(indices) >= 2:
            check[indices[: max(1, round(len(indices) * check_fraction))]] = True
    return RoomSplit(images[~check], labels[~check], images[check], labels[check])


def teach(
    data: MnistData,
    base_model: str,
    room_images: np.ndarray,
    room_labels: np.ndarray,
    epochs: int = 2,
    train_size: int = 3000,
    learning_rate: float = 1e-4,
    seed: int = 0,
    on_progress: "Callable[[Progress], None] | None" = None,
    should_stop: Callable[[], bool] | None = None,
) -> "TrainingResult":
    """Fine-tune the model at ``base_model`` on the room's drawings and ``train_size`` MNIST
    training digits; its card says, under ``"taught"``, the room's accuracy on the kept drawings
    and MNIST's test accuracy, before and after."""
    import keras

    from model.making.progress import ProgressReporter
    from model.making.training import TrainingResult, _batches
    from model.recognition.predictor import Predictor

    split = split_room(room_images, room_labels, seed=seed)
    keras.utils.set_random_seed(seed)
    base = Predictor.load(base_model)
    room_before = accuracy(split.y_check, base.predict_uint8(split.x_check))
    base_card = read_card(base_model)
    if base_card.get("data_sha256") == data.sha256 and "test_accuracy" in base_card:
        mnist_before = float(base_card["test_accuracy"])  # measured on this very test set when it was made
    else:
        mnist_before = accuracy(data.y_test, base.predict_uint8(data.x_test))

    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(data.x_train), size=min(train_size, len(data.x_train)), replace=False)
    x_train = np.concatenate([data.x_train[chosen], np.repeat(split.x_teach, ROOM_REPEATS, axis=0)])
    y_train = np.concatenate([data.y_train[chosen].astype(np.int64), np.repeat(split.y_teach, ROOM_REPEATS)])
    batch_size = 64
    steps_per_epoch = int(np.ceil(len(x_train) / batch_size))
    model = base.model
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(),  # the model's output is probabilities
        metrics=["accuracy"],
    )
    reporter = ProgressReporter(epochs, steps_per_epoch, 5, on_progress, should_stop)
    started = time.perf_counter()
    dataset = _batches(x_train, y_train, batch_size, shuffle_seed=seed)
    model.fit(dataset, epochs=epochs, callbacks=[reporter], shuffle=False, verbose=0)  # the dataset shuffles
    training_seconds = time.perf_counter() - started

    taught = Predictor(model)
    room_after = accuracy(split.y_check, taught.predict_uint8(split.x_check))
    mnist_after = accuracy(data.y_test, taught.predict_uint8(data.x_test))
    card: dict[str, Any] = {
        "architecture": base_card.get("architecture", "?"),
        "description": f"{base_card.get('description', 'A model')}, taught by an audience room",
        "created": created_now(),
        "epochs": epochs,
        "train_size": len(y_train),
        "training_seconds": training_seconds,
        "stopped": reporter.stopped,
        "test_accuracy": mnist_after,
        "test_images": len(data.y_test),
        "data_source": data.source,
        "data_sha256": data.sha256,
        "taught": {
            "base_model": str(base_model),
            "room_taught": len(split.y_teach),
            "room_checked": len(split.y_check),
            "room_before": room_before,
            "room_after": room_after,
            "mnist_before": mnist_before,
            "mnist_after": mnist_after,
            "mnist_images": len(chosen),
            "learning_rate": learning_rate,
        },
    }
    return TrainingResult(model=model, predictor=taught, card=card)
