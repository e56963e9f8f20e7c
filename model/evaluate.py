"""Evaluate a model on the test split: ``python -m model.evaluate [--model PATH] [--data PATH] [--json]``.

Prints the accuracy, per-class precision/recall/F1 and the confusion matrix; ``--json`` prints
them as one JSON object (with at least ``accuracy`` and ``n``).
"""

import argparse
import json
import sys

from model.data import load_mnist
from model.inference import SHIPPED_MODEL_PATH, ModelLoadError, Predictor
from model.metrics import classification_report


def evaluate(predictor, data):
    report = classification_report(data.y_test, predictor.predict_uint8(data.x_test))
    report["data_source"] = data.source
    report["data_is_sample"] = data.is_sample
    return report


def format_report(report):
    lines = [
        f"accuracy: {report['accuracy']:.4f} on {report['n']} test images ({report['data_source']})",
        "",
        "digit  precision  recall     f1",
    ]
    for digit in range(10):
        lines.append(
            f"{digit:>5}  {report['precision'][digit]:>9.4f}  {report['recall'][digit]:>6.4f}  {report['f1'][digit]:>6.4f}"
        )
    lines += ["", "confusion matrix (rows: true digit, columns: predicted)"]
    lines.append("      " + "".join(f"{digit:>6}" for digit in range(10)))
    for digit, row in enumerate(report["confusion_matrix"]):
        lines.append(f"{digit:>6}" + "".join(f"{count:>6}" for count in row))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m model.evaluate", description="Evaluate a digit model on the MNIST test split.")
    parser.add_argument("--model", default=str(SHIPPED_MODEL_PATH), help="a .keras file (default: the shipped CNN)")
    parser.add_argument("--data", help="MNIST file or folder (default: $MNIST_PATH, Keras' cache, the bundled sample)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    arguments = parser.parse_args(argv)
    try:
        data = load_mnist(arguments.data)
        predictor = Predictor.load(arguments.model)
    except (ValueError, ModelLoadError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if data.is_sample:
        print(data.notice, file=sys.stderr)
    report = evaluate(predictor, data)
    report["model"] = str(arguments.model)
    print(json.dumps(report) if arguments.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
