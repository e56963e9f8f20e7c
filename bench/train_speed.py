"""Training speed: wall time until the test accuracy first reaches 99.0 %.

``MNIST_PATH=../shared/mnist/mnist.npz python -m bench.train_speed [--json]``

Ours is the recipe the Train page starts with (its default network and settings, on all 60,000
images); the reference is the keras-io ``mnist_convnet`` example (Adam, batch 128,
validation_split 0.1). Both run in this one process, one after the other, and both are
measured on the 10,000 test images after every epoch. The clock counts training only: the
time spent evaluating (ours on the test set, keras-io's on its validation split and the test
set) is left out of both, and a throwaway fit first takes TensorFlow's start-up costs off the
first recipe's clock.
"""

import argparse
import time

import keras
import numpy as np

from bench.common import print_json, print_table
from model.data import as_floats, load_mnist
from model.making.recipes import TRAIN_PAGE_MENU, get_recipe, train_page_start
from model.making.training import train

TARGET = 0.99


class EpochClock(keras.callbacks.Callback):
    """Training seconds at each epoch's end and the test accuracy then; stops at the target."""

    def __init__(self, x_test=None, y_test=None):
        super().__init__()
        self.x_test, self.y_test = x_test, y_test
        self.epochs = []  # (training seconds, test accuracy)

    def on_train_begin(self, logs=None):
        self.started, self.excluded = time.perf_counter(), 0.0

    def on_test_begin(self, logs=None):
        self.evaluation_started = time.perf_counter()

    def on_test_end(self, logs=None):
        self.excluded += time.perf_counter() - self.evaluation_started

    def on_epoch_end(self, epoch, logs=None):
        now = time.perf_counter()
        if self.x_test is not None:
            evaluation_started = time.perf_counter()
            accuracy = self.model.evaluate(self.x_test, self.y_test, batch_size=1000, verbose=0)[1]
            self.excluded += time.perf_counter() - evaluation_started
        else:
            accuracy = logs["val_accuracy"]  # ours: validation_data is the test set
        self.epochs.append((now - self.started - self.excluded, float(accuracy)))
        if accuracy >= TARGET:
            self.model.stop_training = True

    def seconds_to_target(self):
        return next((seconds for seconds, accuracy in self.epochs if accuracy >= TARGET), None)


def warm_up_tensorflow():
    """A throwaway fit, uncounted: TensorFlow's one-time start-up costs (thread pools, oneDNN
    set-up) would otherwise fall on whichever recipe runs first, and not on the second."""
    model = keras.Sequential(
        [keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(4, 3), keras.layers.Flatten(), keras.layers.Dense(10)]
    )
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(np.zeros((64, 28, 28, 1), np.float32), np.zeros(64, np.int64), batch_size=32, epochs=1, verbose=0)


def run_ours(data, max_epochs):
    # The Train page's first network with the settings it starts with, on the full training set.
    architecture = TRAIN_PAGE_MENU[0]
    options = train_page_start(architecture, len(data.y_train))
    options = {**options, "train_size": None, "epochs": min(options["epochs"], max_epochs)}
    clock = EpochClock()
    train(architecture, data, seed=0, callbacks=[clock], **options)
    return clock, f"{architecture} {options}"


def run_keras_io(data, max_epochs):
    # As keras-io trains it: model.fit on arrays with validation_split 0.1 (not training.train).
    recipe = get_recipe("keras_io_cnn")
    keras.utils.set_random_seed(0)
    model = recipe.build()
    model.compile(
        loss=recipe.make_loss(), optimizer=recipe.make_optimizer(recipe.learning_rate, None), metrics=["accuracy"]
    )
    clock = EpochClock(as_floats(data.x_test)[..., None], data.y_test)
    model.fit(
        as_floats(data.x_train)[..., None],
        data.y_train,
        batch_size=recipe.batch_size,
        epochs=min(recipe.epochs, max_epochs),
        validation_split=0.1,
        callbacks=[clock],
        verbose=0,
    )
    return clock, f"keras-io mnist_convnet, Adam, batch {recipe.batch_size}, validation_split 0.1"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-epochs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    data = load_mnist()
    if data.is_sample:
        parser.error("set MNIST_PATH to the full MNIST")

    warm_up_tensorflow()
    ours, ours_recipe = run_ours(data, arguments.max_epochs)
    reference, reference_recipe = run_keras_io(data, arguments.max_epochs)
    result = {"ours_s_to_99": ours.seconds_to_target(), "keras_io_s_to_99": reference.seconds_to_target()}
    if arguments.json:
        print_json(result)
        return
    rows = []
    for name, clock, recipe in (("ours", ours, ours_recipe), ("keras-io", reference, reference_recipe)):
        reached = clock.seconds_to_target()
        epochs = " ".join(f"{accuracy:.4f}" for _, accuracy in clock.epochs)
        rows.append([name, f"{reached:.1f}" if reached else "not reached", epochs, recipe])
    print_table(
        "Training seconds until 99.0 % test accuracy",
        ["recipe", "seconds", "test accuracy per epoch", "settings"],
        rows,
    )
    if result["ours_s_to_99"] and result["keras_io_s_to_99"]:
        print(f"ours / keras-io: {result['ours_s_to_99'] / result['keras_io_s_to_99']:.2f}")


if __name__ == "__main__":
    main()
