"""Classify image files: ``python -m model.predict [--model PATH] IMAGE_OR_DIR...``.

One JSON object per image on stdout: ``{"path", "digit", "confidence", "probabilities"}`` or
``{"path", "error"}``. Exit status 1 if any image failed, else 0. Never a traceback.
"""

import argparse
import json
import sys
from pathlib import Path

from model.inference import SHIPPED_MODEL_PATH, ModelLoadError, Predictor
from model.preprocess import NoDigitError, UnreadableImageError, open_image, preprocess


def image_paths(arguments):
    """Files as given; folders expanded to their files, sorted, so every file gets an answer."""
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            yield from sorted(child for child in path.iterdir() if child.is_file())
        else:
            yield path


def classify(predictor, path):
    try:
        prediction = predictor.predict(preprocess(open_image(path)))
    except (UnreadableImageError, NoDigitError) as error:
        return {"path": str(path), "error": str(error)}
    except Exception as error:  # whatever a hostile file triggers, the answer is still one JSON line
        return {"path": str(path), "error": f"cannot classify the image ({type(error).__name__}: {error})"}
    return {
        "path": str(path),
        "digit": prediction.digit,
        "confidence": round(prediction.confidence, 6),
        "probabilities": [round(float(p), 6) for p in prediction.probabilities],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m model.predict", description="Read the digit in each image file.")
    parser.add_argument("--model", default=str(SHIPPED_MODEL_PATH), help="a .keras file (default: the shipped CNN)")
    parser.add_argument("images", nargs="+", metavar="IMAGE_OR_DIR")
    arguments = parser.parse_args(argv)
    try:
        predictor = Predictor.load(arguments.model)
    except ModelLoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    failed = False
    for path in image_paths(arguments.images):
        result = classify(predictor, path)
        failed = failed or "error" in result
        print(json.dumps(result), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
