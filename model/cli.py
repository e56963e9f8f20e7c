"""The command-line tools, one entry point: ``python -m model {train,evaluate,predict,gate,numbers,ensemble,sample}``.

- ``predict [--model PATH] IMAGE_OR_DIR...``: one JSON object per image on stdout,
  ``{"path", "digit", "confidence", "probabilities"}``, ``{"path", "digit": null, "reason"}`` when
  the image holds no digit (no ink, or not a digit at all), or ``{"path", "error"}`` when it
  cannot be read; exit status 1 if any image could not be read, else 0. Never a traceback.
  With ``--number``: ``{"path", "number": "2026" or null, "digits": [{"digit", "confidence"}, ...]}``
  (and ``"reason"`` when the number is null).
- ``evaluate [--model PATH] [--data PATH] [--json]``: accuracy, per-class precision/recall/F1
  and the confusion matrix on the test split.
- ``train --arch NAME [--epochs N] [--data PATH] [--out PATH]``: Keras' progress bar, the test
  accuracy at the end, the model and its card saved atomically (to runs/ unless ``--out``).
- ``gate [--data PATH]``: train the "is it a digit at all?" gate and calibrate its threshold.
- ``numbers [--data PATH]``: train the number model (reads touching digits) on lines of MNIST digits.
- ``ensemble MODEL... --out PATH``: average trained models into one model, measured on the test split.
- ``sample --data PATH``: write the bundled sample from a full MNIST.

TensorFlow is imported only once the arguments are good: a mistake is reported at once.
"""

import argparse
import json
import sys
from pathlib import Path

DATA_HELP = "MNIST file or folder (default: $MNIST_PATH, Keras' cache, the bundled sample)"
MODEL_HELP = "a .keras file (default: the shipped CNN)"


def main(argv=None):
    from model.recipes import RECIPES
    from model.storage import SHIPPED_MODEL_PATH

    parser = argparse.ArgumentParser(prog="python -m model", description="The digit-recognition demo's tools.")
    commands = parser.add_subparsers(dest="command", metavar="{train,evaluate,predict,gate,numbers,ensemble,sample}")

    predict = commands.add_parser("predict", help="read the digit (or with --number, the number) in each image file")
    predict.add_argument("--model", default=str(SHIPPED_MODEL_PATH), help=MODEL_HELP)
    predict.add_argument("--number", action="store_true", help="each image holds a number: read all its digits")
    predict.add_argument("images", nargs="+", metavar="IMAGE_OR_DIR")

    evaluate = commands.add_parser("evaluate", help="evaluate a model on the MNIST test split")
    evaluate.add_argument("--model", default=str(SHIPPED_MODEL_PATH), help=MODEL_HELP)
    evaluate.add_argument("--data", help=DATA_HELP)
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")

    train = commands.add_parser("train", help="train a digit classifier on MNIST")
    train.add_argument("--arch", choices=sorted(RECIPES), default="cnn", help="the network (default: cnn)")
    train.add_argument("--epochs", type=int, help="default: the network's own recipe")
    train.add_argument("--batch-size", type=int)
    train.add_argument("--learning-rate", type=float)
    train.add_argument("--train-size", type=int, help="train on a random subset of this many images")
    train.add_argument("--augment", action=argparse.BooleanOptionalAction, default=None)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--data", help=DATA_HELP)
    train.add_argument("--out", help="where to save the .keras file (default: runs/<arch>-<time>.keras)")

    gate = commands.add_parser("gate", help="train the 'is it a digit at all?' gate and calibrate it")
    gate.add_argument("--data", help=DATA_HELP)
    gate.add_argument("--negatives", type=int, default=40_000, help="generated images that hold no digit")
    gate.add_argument("--pieces", type=int, default=30_000, help="pieces of touching digits, cut right and wrong")
    gate.add_argument("--epochs", type=int, default=4)
    gate.add_argument("--out", help="default: the shipped gate's path (model/mnist_gate.keras)")

    numbers = commands.add_parser("numbers", help="train the number model, which reads digits written into each other")
    numbers.add_argument("--data", help=DATA_HELP)
    numbers.add_argument("--lines", type=int, default=200_000, help="lines of 1-5 digits made to train on")
    numbers.add_argument("--epochs", type=int, default=6)
    numbers.add_argument("--out", help="default: the shipped number model's path (model/mnist_numbers.keras)")

    ensemble = commands.add_parser("ensemble", help="average trained models into one and measure it")
    ensemble.add_argument("models", nargs="+", metavar="MODEL", help=".keras files of the members")
    ensemble.add_argument("--data", help=DATA_HELP)
    ensemble.add_argument("--out", required=True, help="where to save the ensemble's .keras file")

    sample = commands.add_parser("sample", help="write the bundled sample from a full MNIST")
    sample.add_argument("--data", required=True, help="a full MNIST in any supported format")
    sample.add_argument("--out", help="default: the bundled sample's own path")

    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help()
        return 0
    if arguments.command != "sample":
        import_tensorflow_quietly()
    runners = {"predict": run_predict, "evaluate": run_evaluate, "train": run_train, "gate": run_gate, "numbers": run_numbers,
                "ensemble": run_ensemble, "sample": run_sample}
    return runners[arguments.command](arguments)


def import_tensorflow_quietly():
    """Import TensorFlow with its native start-up chatter (absl, oneDNN) kept off the terminal.

    TensorFlow's C++ layer writes those lines to file descriptor 2 before TF_CPP_MIN_LOG_LEVEL
    is read, so only a redirect of the descriptor itself silences them; whatever is written
    there during the import is shown after all if the import fails.
    """
    import os
    import tempfile

    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
        except BaseException:
            os.dup2(saved, 2)
            captured.seek(0)
            sys.stderr.write(captured.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def fail(message, status):
    print(f"error: {message}", file=sys.stderr)
    return status


# --- predict -------------------------------------------------------------------------------


def run_predict(arguments):
    from model.inference import ModelLoadError, Predictor

    try:
        predictor = Predictor.load(arguments.model)
    except ModelLoadError as error:
        return fail(error, 1)
    failed = False
    for path in image_paths(arguments.images):
        result = (read_number_file if arguments.number else classify)(predictor, path)
        failed = failed or "error" in result
        print(json.dumps(result), flush=True)
    return 1 if failed else 0


def image_paths(arguments):
    """Files as given; folders expanded to their files, sorted, so every file gets an answer."""
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            yield from sorted(child for child in path.iterdir() if child.is_file())
        else:
            yield path


def classify(predictor, path):
    from model.preprocess import NoDigitError, open_image, preprocess

    def read():
        try:
            prediction = predictor.predict(preprocess(open_image(path)))
        except NoDigitError as error:  # no ink at all: an answer, not a failure
            return {"path": str(path), "digit": None, "reason": str(error)}
        if not prediction.is_digit:
            return {"path": str(path), "digit": None, "reason": f"not a digit: {prediction.not_a_digit}"}
        return {
            "path": str(path),
            "digit": prediction.digit,
            "confidence": round(prediction.confidence, 6),
            "probabilities": [round(float(p), 6) for p in prediction.probabilities],
        }

    return _answer_or_error(path, read)


def read_number_file(predictor, path):
    from model.numbers import read_number
    from model.preprocess import open_image

    def read():
        reading = read_number(predictor, open_image(path))
        result = {
            "path": str(path),
            "number": reading.number,
            "digits": [{"digit": prediction.digit if prediction.is_digit else None, "confidence": round(prediction.confidence, 6)}
                       for prediction in reading.predictions],
        }
        if reading.number is None:
            result["reason"] = reading.why_no_number
        return result

    return _answer_or_error(path, read)


def _answer_or_error(path, read):
    from model.preprocess import UnreadableImageError

    try:
        return read()
    except UnreadableImageError as error:
        return {"path": str(path), "error": str(error)}
    except Exception as error:  # whatever a hostile file triggers, the answer is still one JSON line
        return {"path": str(path), "error": f"cannot classify the image ({type(error).__name__}: {error})"}


# --- evaluate ------------------------------------------------------------------------------


def run_evaluate(arguments):
    from model.data import load_mnist
    from model.inference import ModelLoadError, Predictor
    from model.metrics import evaluate

    try:
        data = load_mnist(arguments.data)
        predictor = Predictor.load(arguments.model)
    except (ValueError, ModelLoadError) as error:
        return fail(error, 2)
    if data.is_sample:
        print(data.notice, file=sys.stderr)
    report = evaluate(predictor, data)
    report["model"] = str(arguments.model)
    print(json.dumps(report) if arguments.json else format_report(report))
    return 0


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


# --- train ---------------------------------------------------------------------------------


def run_train(arguments):
    import time

    from model.data import load_mnist
    from model.storage import check_model_path

    try:
        data = load_mnist(arguments.data)
        out = check_model_path(arguments.out or f"runs/{arguments.arch}-{time.strftime('%Y%m%d-%H%M%S')}.keras")
    except ValueError as error:
        return fail(error, 2)
    if data.is_sample:
        print(data.notice, file=sys.stderr)

    from model.storage import save_model
    from model.training import train

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


# --- gate, numbers, ensemble: make a network from MNIST, save it with its card ------------


def run_gate(arguments):
    from model.gate import GATE_PATH, train_gate

    return _make_and_save(
        arguments, GATE_PATH,
        lambda data: train_gate(data, negatives=arguments.negatives, pieces=arguments.pieces, epochs=arguments.epochs),
        lambda card: f"threshold {card['threshold']:.4f}; refused {card['validation_refused']:.2%} of "
                     f"{card['validation_digits']} held-out MNIST digits")


def run_numbers(arguments):
    from model.number_model import NUMBER_MODEL_PATH, train_number_model

    return _make_and_save(
        arguments, NUMBER_MODEL_PATH,
        lambda data: train_number_model(data, lines=arguments.lines, epochs=arguments.epochs),
        lambda card: f"read {card['check_lines_read']:.2%} of {card['check_lines']} check lines exactly (digits never trained on)")


def run_ensemble(arguments):
    from model.ensemble import make_ensemble

    def describe(card):
        members = ", ".join(f"{member['test_accuracy']:.4f}" for member in card["members"])
        return f"test accuracy {card['test_accuracy']:.4f} (members: {members}) on {card['test_images']} images"

    return _make_and_save(arguments, None, lambda data: make_ensemble(arguments.models, data), describe)


def _make_and_save(arguments, default_out, make, describe):
    """Load MNIST and check --out (a mistake there, or a member that cannot be loaded, is one line
    and exit status 2), ``make(data)`` -> (model, card), save both, print ``describe(card)``."""
    from model.data import load_mnist
    from model.storage import check_model_path, save_model

    try:
        data = load_mnist(arguments.data)
        out = check_model_path(arguments.out or default_out)
        model, card = make(data)
    except ValueError as error:  # ModelLoadError is one
        return fail(error, 2)
    save_model(model, card, out)
    print(describe(card))
    print(f"saved {out} and {out.with_suffix('.json')}")
    return 0


# --- sample --------------------------------------------------------------------------------


def run_sample(arguments):
    import numpy as np

    from model.data import SAMPLE_PATH, load_mnist_file, make_sample

    try:
        sample = make_sample(load_mnist_file(arguments.data))
    except ValueError as error:
        return fail(error, 2)
    out = arguments.out or str(SAMPLE_PATH)
    np.savez_compressed(out, **sample)
    print(f"wrote {out}: {len(sample['x_train'])} train, {len(sample['x_test'])} test images")
    return 0
