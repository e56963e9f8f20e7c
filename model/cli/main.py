"""The command-line tools, one entry point: ``python -m model COMMAND`` (``python -m model --help`` lists them).

- ``predict [--model PATH] IMAGE_OR_DIR...``: one JSON object per image on stdout,
  ``{"path", "digit", "confidence", "probabilities"}``, ``{"path", "digit": null, "reason"}`` when
  the image holds no digit (no ink, or not a digit at all), or ``{"path", "error"}`` when it
  cannot be read; exit status 1 if any image could not be read, else 0. Never a traceback.
  With ``--number``: ``{"path", "number": "2026" or null, "digits": [{"digit", "confidence"}, ...]}``
  (and ``"reason"`` when the number is null).
- ``evaluate [--model PATH] [--data PATH] [--json] [--record]``: accuracy, per-class precision/recall/F1
  and the confusion matrix on the test split; ``--record`` keeps the answers in the model's card.
- ``train --arch NAME [--epochs N] [--data PATH] [--out PATH]``: Keras' progress bar, the test
  accuracy at the end, the model and its card saved atomically (to runs/ unless ``--out``).
  ``--start-from MODEL [--member N]`` trains a trained network (or an ensemble's N-th) further;
  ``--extra-styled N`` adds N digits in written styles (flagged 1s, crossed 7s).
- ``gate [--data PATH] [--join GATE...]``: train the "is it a digit at all?" gate and calibrate its
  threshold, or join trained gates into one and calibrate that.
- ``numbers [--data PATH]``: train the number model (reads touching digits) on lines of MNIST digits.
- ``ensemble MODEL... --out PATH``: average trained models into one model, measured on the test split.
- ``sample --data PATH``: write the bundled sample from a full MNIST.
- ``map [--model PATH] [--data PATH] [--out PATH] [--perplexity P]``: the map of the test digits (t-SNE of
  the model's penultimate features) that the Inside page places a drawing on.
- ``familiarity [--model PATH] [--data PATH] [--out PATH]``: fit the check that refuses drawings whose
  features lie far from every digit's (model/mnist_familiarity.npz; issue 19).
- ``tutorials [--data PATH] [--only ARCH...]``: train the four tutorials' networks with their recipes and ship
  slim copies in model/tutorials/ for the Inside page.

TensorFlow is imported only once the arguments are good: a mistake is reported at once. The
commands live in ``reading.py`` (predict, evaluate) and ``making.py`` (the rest).
"""

import argparse
import sys
from collections.abc import Callable

from model.inside.tutorials import TUTORIAL_ARCHITECTURES
from model.making.gate import TRUNKS

DATA_HELP = "MNIST file or folder (default: $MNIST_PATH, Keras' cache, the bundled sample)"
MODEL_HELP = "a .keras file (default: the shipped CNN)"


def main(argv: list[str] | None = None) -> int:
    from model.making.recipes import RECIPES
    from model.storage import SHIPPED_MODEL_PATH

    parser = argparse.ArgumentParser(prog="python -m model", description="The digit-recognition demo's tools.")
    commands = parser.add_subparsers(
        dest="command", metavar="{train,evaluate,predict,gate,numbers,ensemble,sample,map,familiarity,tutorials}"
    )

    predict = commands.add_parser("predict", help="read the digit (or with --number, the number) in each image file")
    predict.add_argument("--model", default=str(SHIPPED_MODEL_PATH), help=MODEL_HELP)
    predict.add_argument("--number", action="store_true", help="each image holds a number: read all its digits")
    predict.add_argument("images", nargs="+", metavar="IMAGE_OR_DIR")

    evaluate = commands.add_parser("evaluate", help="evaluate a model on the MNIST test split")
    evaluate.add_argument("--model", default=str(SHIPPED_MODEL_PATH), help=MODEL_HELP)
    evaluate.add_argument("--data", help=DATA_HELP)
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument(
        "--record",
        action="store_true",
        help="keep the answers in the model's card, where the Gallery reads them instead of running the model",
    )

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
    train.add_argument("--start-from", metavar="MODEL", help="train this trained model further (a fine-tune)")
    train.add_argument("--member", type=int, help="with --start-from an ensemble: its N-th network (from 0)")
    train.add_argument(
        "--extra-styled", type=int, default=0, help="this many more digits in written styles (flagged 1s, crossed 7s)"
    )

    gate = commands.add_parser("gate", help="train the 'is it a digit at all?' gate and calibrate it")
    gate.add_argument("--data", help=DATA_HELP)
    gate.add_argument("--negatives", type=int, default=40_000, help="generated images that hold no digit")
    gate.add_argument("--pieces", type=int, default=30_000, help="pieces of touching digits, cut right and wrong")
    gate.add_argument("--near", type=int, default=20_000, help="digits mirrored, turned or written over each other")
    gate.add_argument("--epochs", type=int, default=4)
    gate.add_argument("--trunk", choices=TRUNKS, default="spatial", help="where-things-are (spatial) or pooled")
    gate.add_argument("--join", nargs="+", metavar="GATE", help="join these trained gates into one instead of training")
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

    digit_map = commands.add_parser(
        "map", help="map the test digits as the model sees them (t-SNE), for the Inside page"
    )
    digit_map.add_argument("--model", default=str(SHIPPED_MODEL_PATH), help=MODEL_HELP)
    digit_map.add_argument("--data", help=DATA_HELP)
    digit_map.add_argument("--out", help="a .npz file (default: the shipped map's path, model/mnist_map.npz)")
    digit_map.add_argument("--perplexity", type=float, default=30.0, help="t-SNE's perplexity (default: 30)")

    familiarity = commands.add_parser(
        "familiarity", help="fit the check that refuses drawings unlike every digit the model learned from"
    )
    familiarity.add_argument("--model", default=str(SHIPPED_MODEL_PATH), help=MODEL_HELP)
    familiarity.add_argument("--data", help="a full MNIST (fitted on its training digits)")
    familiarity.add_argument("--out", help="a .npz file (default: model/mnist_familiarity.npz)")

    tutorials = commands.add_parser("tutorials", help="train and ship the four tutorials' networks (model/tutorials/)")
    tutorials.add_argument("--data", help="a full MNIST (the tutorials' networks ship trained on all of it)")
    tutorials.add_argument("--only", nargs="+", choices=TUTORIAL_ARCHITECTURES, help="default: all four")

    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help()
        return 0
    if arguments.command != "sample":
        import_tensorflow_quietly()
    from model.cli.making import (
        run_ensemble,
        run_familiarity,
        run_gate,
        run_map,
        run_numbers,
        run_sample,
        run_train,
        run_tutorials,
    )
    from model.cli.reading import run_evaluate, run_predict

    runners = {
        "predict": run_predict,
        "evaluate": run_evaluate,
        "train": run_train,
        "gate": run_gate,
        "numbers": run_numbers,
        "ensemble": run_ensemble,
        "sample": run_sample,
        "map": run_map,
        "familiarity": run_familiarity,
        "tutorials": run_tutorials,
    }
    run: Callable[[argparse.Namespace], int] = runners[arguments.command]
    return run(arguments)


def import_tensorflow_quietly() -> None:
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
