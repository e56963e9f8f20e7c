"""Train a network from the terminal: ``python -m model.train --arch cnn [--epochs N] [--data PATH] [--out PATH]``.

Shows Keras' progress bar per epoch, the test accuracy at the end, and saves the model and its
JSON card atomically. Without ``--out`` a model goes to runs/, never over the shipped model.
"""

import argparse
import sys
import time
from pathlib import Path

from model.data import load_mnist
from model.networks import NETWORKS


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m model.train", description="Train a digit classifier on MNIST.")
    parser.add_argument("--arch", choices=sorted(NETWORKS), default="cnn", help="the network (default: cnn)")
    parser.add_argument("--epochs", type=int, help="default: the network's own recipe")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--learning-rate", type=float)
    parser.add_argument("--train-size", type=int, help="train on a random subset of this many images")
    parser.add_argument("--augment", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", help="MNIST file or folder (default: $MNIST_PATH, Keras' cache, the bundled sample)")
    parser.add_argument("--out", help="where to save the .keras file (default: runs/<arch>-<time>.keras)")
    arguments = parser.parse_args(argv)

    try:
        data = load_mnist(arguments.data)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if data.is_sample:
        print(data.notice, file=sys.stderr)
    out = Path(arguments.out or f"runs/{arguments.arch}-{time.strftime('%Y%m%d-%H%M%S')}.keras")
    if out.suffix != ".keras":
        print(f"error: --out must end in .keras, got {out}", file=sys.stderr)
        return 2

    from model.training import save_model, train  # imports TensorFlow: only once the arguments are good

    print(f"Training {arguments.arch} on {len(data.x_train)} images from {data.source}", file=sys.stderr)
    result = train(
        arguments.arch,
        data,
        epochs=arguments.epochs,
        batch_size=arguments.batch_size,
        learning_rate=arguments.learning_rate,
        augment=arguments.augment,
        train_size=arguments.train_size,
        seed=arguments.seed,
        on_progress=TerminalProgress(),
    )
    save_model(result.model, result.card, out)
    print(f"test accuracy: {result.card['test_accuracy']:.4f} on {result.card['test_images']} images")
    print(f"saved {out} and {out.with_suffix('.json')}")
    return 0


class TerminalProgress:
    """Draws training progress with Keras' own Progbar, one bar per epoch."""

    def __init__(self):
        from keras.utils import Progbar

        self.progress_bar = Progbar
        self.bar = None
        self.epoch = 0

    def __call__(self, progress):
        if progress.epoch != self.epoch:
            self.epoch = progress.epoch
            print(f"Epoch {progress.epoch}/{progress.epochs}", file=sys.stderr)
            self.bar = self.progress_bar(progress.batches, stateful_metrics=["loss", "accuracy", "test_accuracy"])
        values = [("loss", progress.loss), ("accuracy", progress.accuracy)]
        finished_epoch = len(progress.history["test_accuracy"]) == progress.epoch
        if finished_epoch:
            values.append(("test_accuracy", progress.history["test_accuracy"][-1]))
        self.bar.update(progress.batch, values=values, finalize=finished_epoch)


if __name__ == "__main__":
    sys.exit(main())
