"""``train``, ``gate``, ``numbers``, ``ensemble``, ``sample``, ``map`` and ``familiarity``: make a network
(or the bundled sample, the map of the test digits, a model's familiarity check) from MNIST and save
it with its card."""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from model.cli.failure import fail
from model.data import MnistData


def run_train(arguments: argparse.Namespace) -> int:
    import time

    from model.data import load_mnist
    from model.storage import check_model_path

    try:
        data = load_mnist(arguments.data)
        out = check_model_path(arguments.out or f"runs/{arguments.arch}-{time.strftime('%Y%m%d-%H%M%S')}.keras")
        if arguments.member is not None and arguments.start_from is None:
            raise ValueError("--member needs --start-from (the ensemble to take it from)")
        if arguments.extra_styled < 0:
            raise ValueError(f"--extra-styled must be 0 or more, not {arguments.extra_styled}")
    except ValueError as error:
        return fail(error, 2)
    if data.is_sample:
        print(data.notice, file=sys.stderr)

    from model.making.augment import written_styles
    from model.making.ensemble import network_to_train_further
    from model.making.training import train
    from model.storage import save_model

    try:
        start_from = (
            None if arguments.start_from is None else network_to_train_further(arguments.start_from, arguments.member)
        )
    except ValueError as error:  # ModelLoadError is one
        return fail(error, 2)
    extra_digits = (
        written_styles(data.x_train, data.y_train, arguments.extra_styled, seed=arguments.seed + 100)
        if arguments.extra_styled
        else None
    )

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
        extra_digits=extra_digits,
        start_from=start_from,
    )
    save_model(result.model, result.card, out)
    print(f"test accuracy: {result.card['test_accuracy']:.4f} on {result.card['test_images']} images")
    print(f"saved {out} and {out.with_suffix('.json')}")
    return 0


class TerminalProgress:
    """Draws training progress with Keras' own Progbar, one bar per epoch."""

    def __init__(self) -> None:
        from keras.utils import Progbar

        self.progress_bar = Progbar
        self.bar: Any = None
        self.epoch = 0

    def __call__(self, progress: Any) -> None:
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


def run_gate(arguments: argparse.Namespace) -> int:
    from model.making.gate import joined_and_calibrated, train_gate
    from model.recognition.gate import GATE_PATH

    def make(data: MnistData) -> tuple[Any, dict[str, Any]]:
        if arguments.join:
            return joined_and_calibrated(arguments.join, data)
        return train_gate(
            data,
            negatives=arguments.negatives,
            pieces=arguments.pieces,
            near=arguments.near,
            epochs=arguments.epochs,
            trunk=arguments.trunk,
        )

    return _make_and_save(
        arguments,
        GATE_PATH,
        make,
        lambda card: (
            f"threshold {card['threshold']:.4f}; refused {card['validation_refused']:.2%} of "
            f"{card['validation_digits']} held-out MNIST digits"
        ),
    )


def run_numbers(arguments: argparse.Namespace) -> int:
    from model.making.number_model import train_number_model
    from model.recognition.number_reader import NUMBER_MODEL_PATH

    return _make_and_save(
        arguments,
        NUMBER_MODEL_PATH,
        lambda data: train_number_model(data, lines=arguments.lines, epochs=arguments.epochs),
        lambda card: (
            f"read {card['check_lines_read']:.2%} of {card['check_lines']} check lines exactly "
            "(digits never trained on)"
        ),
    )


def run_ensemble(arguments: argparse.Namespace) -> int:
    from model.making.ensemble import make_ensemble

    def describe(card: dict[str, Any]) -> str:
        members = ", ".join(f"{member['test_accuracy']:.4f}" for member in card["members"])
        return f"test accuracy {card['test_accuracy']:.4f} (members: {members}) on {card['test_images']} images"

    return _make_and_save(arguments, None, lambda data: make_ensemble(arguments.models, data), describe)


def _make_and_save(
    arguments: argparse.Namespace,
    default_out: Path | None,
    make: Callable[[MnistData], tuple[Any, dict[str, Any]]],
    describe: Callable[[dict[str, Any]], str],
) -> int:
    """Load MNIST and check --out (a mistake there, or a member that cannot be loaded, is one line
    and exit status 2), ``make(data)`` -> (model, card), save both, print ``describe(card)``."""
    from model.data import load_mnist
    from model.storage import check_model_path, save_model

    try:
        data = load_mnist(arguments.data)
        out_path = arguments.out or default_out
        if out_path is None:  # argparse requires --out where there is no default path
            raise ValueError("--out is required")
        out = check_model_path(out_path)
        model, card = make(data)
    except ValueError as error:  # ModelLoadError is one
        return fail(error, 2)
    save_model(model, card, out)
    print(describe(card))
    print(f"saved {out} and {out.with_suffix('.json')}")
    return 0


# --- sample --------------------------------------------------------------------------------


def run_sample(arguments: argparse.Namespace) -> int:
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


# --- map -----------------------------------------------------------------------------------


def run_map(arguments: argparse.Namespace) -> int:
    import time

    from model.data import load_mnist
    from model.inside.digit_map import MAP_PATH
    from model.making.digit_map import make_digit_map, save_digit_map
    from model.recognition.predictor import Predictor
    from model.storage import SHIPPED_MODEL_PATH

    started = time.monotonic()
    out = Path(arguments.out or MAP_PATH)
    command = " ".join(
        ["python -m model map"]
        + ([f"--model {arguments.model}"] if Path(arguments.model).resolve() != SHIPPED_MODEL_PATH else [])
        + ([f"--out {arguments.out}"] if arguments.out else [])
        + [f"--perplexity {arguments.perplexity:g}"]
    )
    try:
        if out.suffix != ".npz":
            raise ValueError(f"--out must end in .npz, got {out}")
        data = load_mnist(arguments.data)
        predictor = Predictor.load(arguments.model)
        if data.is_sample:
            print(data.notice, file=sys.stderr)
        print(f"Mapping {len(data.x_test):,} test digits from {data.source}", file=sys.stderr)
        digit_map = make_digit_map(predictor.model, data, arguments.model, arguments.perplexity, command=command)
    except ValueError as error:  # ModelLoadError is one
        return fail(error, 2)
    save_digit_map(digit_map, out)
    card = digit_map.card
    print(
        f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB): {card['n']:,} test digits, {card['mistakes']} mistakes, "
        f"perplexity {card['perplexity']:g}, in {time.monotonic() - started:.0f} s"
    )
    return 0


def run_familiarity(arguments: argparse.Namespace) -> int:
    from model.data import load_mnist
    from model.making.familiarity import make_familiarity
    from model.recognition.familiarity import FAMILIARITY_PATH
    from model.recognition.gate import GATE_PATH
    from model.recognition.predictor import Predictor

    out = Path(arguments.out or FAMILIARITY_PATH)
    try:
        if out.suffix != ".npz":
            raise ValueError(f"--out must end in .npz, got {out}")
        data = load_mnist(arguments.data)
        predictor = Predictor.load(arguments.model)
        familiarity = make_familiarity(predictor.model, arguments.model, data, GATE_PATH)
    except ValueError as error:  # ModelLoadError is one
        return fail(error, 2)
    familiarity.save(out)
    card = familiarity.card
    print(
        f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB): fitted on {card['fitted_digits']:,} digits, "
        f"threshold {familiarity.threshold:.1f}, refuses {card['calibration_refused']:.2%} of "
        f"{card['calibration_digits']:,} calibration digits"
        + (
            f"; the joint rule with {card['joint']['gate_file']} refuses {card['joint']['calibration_refused']:.2%}"
            if familiarity.joint is not None
            else "; no gate, so no joint rule"
        )
    )
    return 0


def run_tutorials(arguments: argparse.Namespace) -> int:
    from model.inside.tutorials import TUTORIAL_ARCHITECTURES
    from model.making.tutorials import make_tutorials
    from model.storage import read_card

    try:
        written = make_tutorials(arguments.data, tuple(arguments.only or TUTORIAL_ARCHITECTURES))
    except ValueError as error:
        return fail(error, 2)
    for path in written:
        card = read_card(path)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB): test accuracy {card['test_accuracy']:.2%}")
    return 0
