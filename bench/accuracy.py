"""Accuracy table: the shipped CNN against the tutorials' networks trained with their own settings.

``MNIST_PATH=../shared/mnist/mnist.npz python -m bench.accuracy [--json]``

Nielsen's sigmoid network (30 epochs, batch 10, rate 3.0), the Keras MLP (20 epochs, batch 128,
RMSprop), the TensorFlow tutorial CNN and the Keras tutorial CNN (10 epochs, Adam, batch 32) are
trained here on all 60,000 training images; every network is measured on all 10,000 test images.
"""

import argparse
import time

from bench.common import print_json, print_table
from model.data import load_mnist
from model.making.recipes import get_recipe
from model.making.training import train
from model.metrics import evaluate
from model.recognition.predictor import Predictor

TUTORIALS = ["sigmoid", "mlp", "tensorflow_tutorial_cnn", "keras_tutorial_cnn"]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", default=TUTORIALS, choices=TUTORIALS)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()

    data = load_mnist()
    if data.is_sample:
        parser.error("set MNIST_PATH to the full MNIST: the accuracy table is about all 10,000 test images")
    rows = []
    shipped = Predictor.load()
    rows.append(
        {
            "network": "shipped CNN (ours)",
            "parameters": shipped.model.count_params(),
            "epochs": shipped.card.get("epochs"),
            "train_seconds": shipped.card.get("training_seconds"),
            "test_accuracy": evaluate(shipped, data)["accuracy"],
        }
    )
    for name in arguments.only:
        started = time.perf_counter()
        result = train(name, data, seed=0)
        rows.append(
            {
                "network": get_recipe(name).description,
                "parameters": result.model.count_params(),
                "epochs": result.card["epochs"],
                "train_seconds": round(time.perf_counter() - started, 1),
                "test_accuracy": result.card["test_accuracy"],
            }
        )
    if arguments.json:
        print_json({"rows": rows})
        return
    print_table(
        f"Accuracy on all {len(data.y_test):,} MNIST test images",
        ["network", "parameters", "epochs", "training s", "test accuracy"],
        [
            [
                row["network"],
                f"{row['parameters']:,}",
                row["epochs"],
                f"{row['train_seconds']:.0f}",
                f"{row['test_accuracy']:.2%}",
            ]
            for row in rows
        ],
    )


if __name__ == "__main__":
    main()
