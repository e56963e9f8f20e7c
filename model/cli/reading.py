"""``predict`` and ``evaluate``: read image files, measure a model on the test split."""

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from model.cli.failure import fail
from model.recognition.predictor import Predictor


def run_predict(arguments: argparse.Namespace) -> int:
    from model.recognition.predictor import ModelLoadError

    try:
        predictor = Predictor.with_checks(arguments.model)
    except ModelLoadError as error:
        return fail(error, 1)
    failed = False
    for path in image_paths(arguments.images):
        result = (read_number_file if arguments.number else classify)(predictor, path)
        failed = failed or "error" in result
        print(json.dumps(result), flush=True)
    return 1 if failed else 0


def image_paths(arguments: list[str]) -> Iterator[Path]:
    """Files as given; folders expanded to their files, sorted, so every file gets an answer."""
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            yield from sorted(child for child in path.iterdir() if child.is_file())
        else:
            yield path


def classify(predictor: Predictor, path: Path) -> dict[str, Any]:
    from model.recognition.preprocess import open_image, preprocess
    from model.recognition.refusal import NoDigitError

    def read() -> dict[str, Any]:
        try:
            prediction = predictor.predict(preprocess(open_image(path)))
        except NoDigitError as error:  # no ink, or ink like text: an answer, not a failure
            return {"path": str(path), "digit": None, "reason": str(error.refusal)}
        if prediction.refusal is not None:
            return {"path": str(path), "digit": None, "reason": str(prediction.refusal)}
        return {
            "path": str(path),
            "digit": prediction.digit,
            "confidence": round(prediction.confidence, 6),
            "probabilities": [round(float(p), 6) for p in prediction.probabilities],
        }

    return _answer_or_error(path, read)


def read_number_file(predictor: Predictor, path: Path) -> dict[str, Any]:
    from model.recognition.numbers import read_number
    from model.recognition.preprocess import open_image

    def read() -> dict[str, Any]:
        reading = read_number(predictor, open_image(path))
        result = {
            "path": str(path),
            "number": reading.number,
            "digits": [
                {
                    "digit": prediction.digit if prediction.is_digit else None,
                    "confidence": round(prediction.confidence, 6),
                }
                for prediction in reading.predictions
            ],
        }
        if reading.number is None:
            result["reason"] = reading.why_no_number
        return result

    return _answer_or_error(path, read)


def _answer_or_error(path: Path, read: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    from model.recognition.preprocess import UnreadableImageError

    try:
        return read()
    except UnreadableImageError as error:
        return {"path": str(path), "error": str(error)}
    except Exception as error:  # whatever a hostile file triggers, the answer is still one JSON line
        return {"path": str(path), "error": f"cannot classify the image ({type(error).__name__}: {error})"}


# --- evaluate ------------------------------------------------------------------------------


def run_evaluate(arguments: argparse.Namespace) -> int:
    from model.data import load_mnist
    from model.metrics import record_answers, test_report
    from model.recognition.predictor import ModelLoadError
    from model.storage import update_card

    try:
        data = load_mnist(arguments.data)
        predictor = Predictor.load(arguments.model)
    except (ValueError, ModelLoadError) as error:
        return fail(error, 2)
    if data.is_sample:
        print(data.notice, file=sys.stderr)
    predicted_labels = predictor.predict_uint8(data.x_test)
    report = test_report(data, predicted_labels)
    report["model"] = str(arguments.model)
    if arguments.record:
        recorded = predictor.card.get("test_answers") or {}
        update_card(arguments.model, {"test_answers": {**recorded, **record_answers(data, predicted_labels)}})
    print(json.dumps(report) if arguments.json else format_report(report))
    return 0


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"accuracy: {report['accuracy']:.4f} on {report['n']} test images ({report['data_source']})",
        "",
        "digit  precision  recall     f1",
    ]
    for digit in range(10):
        lines.append(
            f"{digit:>5}  {report['precision'][digit]:>9.4f}  "
            f"{report['recall'][digit]:>6.4f}  {report['f1'][digit]:>6.4f}"
        )
    lines += ["", "confusion matrix (rows: true digit, columns: predicted)"]
    lines.append("      " + "".join(f"{digit:>6}" for digit in range(10)))
    for digit, row in enumerate(report["confusion_matrix"]):
        lines.append(f"{digit:>6}" + "".join(f"{count:>6}" for count in row))
    return "\n".join(lines)
