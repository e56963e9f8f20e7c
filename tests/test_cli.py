"""The command-line tools, run as a person runs them: in a subprocess."""

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.support.drawings import draw_digit

# Every test here starts the tools in a subprocess, which imports TensorFlow (about 5 s each).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def run(*arguments, env=None):
    import os

    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=300, env=environment
    )


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    folder = tmp_path_factory.mktemp("images")
    Image.fromarray(draw_digit(3, background=(0, 0, 0))).save(folder / "three.png")
    paper = Image.fromarray(draw_digit(7, background=(240, 240, 240), colour=(10, 10, 10))).convert("RGB")
    paper.save(folder / "seven.jpg", quality=85)
    return folder


def test_predict_reads_good_files(images):
    result = run("model.predict", str(images / "three.png"), str(images / "seven.jpg"))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["digit"] for line in lines] == [3, 7]
    for line in lines:
        assert set(line) == {"path", "digit", "confidence", "probabilities"}
        assert len(line["probabilities"]) == 10 and abs(sum(line["probabilities"]) - 1) < 1e-4
        assert line["confidence"] == max(line["probabilities"])


def _bad_files(folder):
    (folder / "empty.png").write_bytes(b"")
    (folder / "text.png").write_text("I am not a picture")
    good = io.BytesIO()
    Image.fromarray(draw_digit(5)).save(good, format="PNG")
    (folder / "truncated.png").write_bytes(good.getvalue()[: len(good.getvalue()) // 2])
    (folder / "random.bin").write_bytes(bytes(range(256)) * 40)
    (folder / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>4</text></svg>')
    bomb = io.BytesIO()
    Image.new("1", (30000, 30000)).save(bomb, format="PNG")  # a small file claiming 900 megapixels
    (folder / "bomb.png").write_bytes(bomb.getvalue())
    return sorted(folder.iterdir())


def test_predict_answers_bad_files_with_json_errors_and_exit_1(tmp_path, images):
    bad = _bad_files(tmp_path)
    result = run("model.predict", str(images / "three.png"), str(tmp_path), str(tmp_path / "missing.png"))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 1 + len(bad) + 1
    assert lines[0]["digit"] == 3
    for line in lines[1:]:
        assert set(line) == {"path", "error"} and "\n" not in line["error"] and line["error"], line
    by_name = {Path(line["path"]).name: line["error"] for line in lines[1:]}
    assert "megapixels" in by_name["bomb.png"]


def test_no_digit_is_an_answer_not_an_error(tmp_path):
    Image.new("L", (100, 100), 255).save(tmp_path / "blank.png")  # no ink: no digit, not a guess
    result = run("model.predict", str(tmp_path / "blank.png"))
    assert result.returncode == 0
    [line] = [json.loads(line) for line in result.stdout.splitlines()]
    assert line["digit"] is None and "no digit" in line["reason"] and set(line) == {"path", "digit", "reason"}


def test_predict_with_a_corrupt_model_says_so(tmp_path, images):
    model = tmp_path / "broken.keras"
    model.write_bytes(b"garbage")
    result = run("model.predict", "--model", str(model), str(images / "three.png"))
    assert result.returncode == 1 and "broken.keras" in result.stderr and "Traceback" not in result.stderr


def test_evaluate_json_on_the_sample():
    result = run("model.evaluate", "--json", "--data", str(ROOT / "model" / "mnist_sample.npz"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n"] == 2000 and report["accuracy"] >= 0.99
    assert len(report["confusion_matrix"]) == 10 and len(report["f1"]) == 10


def test_evaluate_record_keeps_the_answers_in_the_card(tmp_path, sample):
    from model import metrics

    model = tmp_path / "copy.keras"
    shutil.copy(ROOT / "model" / "mnist_cnn.keras", model)
    card = json.loads((ROOT / "model" / "mnist_cnn.json").read_text())
    del card["test_answers"]
    model.with_suffix(".json").write_text(json.dumps(card))
    result = run(
        "model.evaluate",
        "--json",
        "--record",
        "--model",
        str(model),
        "--data",
        str(ROOT / "model" / "mnist_sample.npz"),
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    recorded_card = json.loads(model.with_suffix(".json").read_text())
    answers = metrics.recorded_answers(recorded_card, sample)
    assert answers is not None
    assert metrics.confusion_matrix(sample.y_test, answers).tolist() == report["confusion_matrix"]
    assert recorded_card["architecture"] == card["architecture"]  # the rest of the card is kept


def test_evaluate_with_a_bad_data_path_is_a_clear_error(tmp_path):
    result = run("model.evaluate", "--data", str(tmp_path / "nothing.npz"))
    assert result.returncode == 2 and "nothing.npz" in result.stderr and "Traceback" not in result.stderr


def test_train_cli_trains_and_saves_atomically(tmp_path):
    out = tmp_path / "tiny.keras"
    result = run(
        "model",
        "train",
        "--arch",
        "sigmoid",
        "--epochs",
        "1",
        "--train-size",
        "1000",
        "--data",
        str(ROOT / "model" / "mnist_sample.npz"),
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert out.exists() and out.with_suffix(".json").exists()
    assert "test accuracy:" in result.stdout and "Epoch 1/1" in result.stderr
    assert json.loads(out.with_suffix(".json").read_text())["architecture"] == "sigmoid"


def test_one_entry_point_lists_every_tool_and_the_old_names_give_the_same_lines(images):
    listing = run("model")
    assert listing.returncode == 0
    for command in ("train", "evaluate", "predict", "gate", "sample"):
        assert command in listing.stdout
    new, old = run("model", "predict", str(images)), run("model.predict", str(images))
    assert new.returncode == old.returncode == 0
    assert new.stdout == old.stdout and len(new.stdout.splitlines()) == 2


@pytest.mark.parametrize(
    ("out", "arguments", "message"),
    [
        ("model.h5", [], ".keras"),
        ("further.keras", ["--member", "1"], "--member needs --start-from"),
        (
            "further.keras",
            ["--start-from", str(ROOT / "model" / "tutorials" / "mlp.keras"), "--member", "0"],
            "has no member 0",
        ),
        ("further.keras", ["--extra-styled", "-5"], "--extra-styled must be 0 or more"),
    ],
)
def test_train_cli_refuses_bad_arguments_in_one_line_before_training(tmp_path, out, arguments, message):
    result = run(
        "model",
        "train",
        "--arch",
        "mlp",
        "--data",
        str(ROOT / "model" / "mnist_sample.npz"),
        "--out",
        str(tmp_path / out),
        *arguments,
    )
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())


def test_the_tools_print_no_tensorflow_start_up_chatter(images):
    result = run("model", "predict", str(images / "three.png"))
    assert result.returncode == 0
    assert "oneDNN" not in result.stderr and "absl" not in result.stderr, result.stderr


def test_predict_number_prints_the_number_and_its_digits(tmp_path):
    from tests.support.drawings import render, strokes_in_box

    strokes = [
        stroke
        for position, digit in enumerate([2, 0, 2, 6])
        for stroke in strokes_in_box(digit, 20 + position * 150, 40, 120)
    ]
    Image.fromarray(render(strokes, canvas_size=640, stroke_width=12)).save(tmp_path / "year.png")
    Image.new("L", (300, 100), 255).save(tmp_path / "blank.png")
    (tmp_path / "broken.png").write_text("not a picture")
    result = run(
        "model",
        "predict",
        "--number",
        str(tmp_path / "year.png"),
        str(tmp_path / "blank.png"),
        str(tmp_path / "broken.png"),
    )
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr  # 1: a file could not be read
    year, blank, broken = (json.loads(line) for line in result.stdout.splitlines())
    assert year["number"] == "2026" and set(year) == {"path", "number", "digits"}
    assert [digit["digit"] for digit in year["digits"]] == [2, 0, 2, 6]
    assert all(0.5 < digit["confidence"] <= 1 for digit in year["digits"])
    assert blank["number"] is None and blank["digits"] == [] and "no digit" in blank["reason"]
    assert set(broken) == {"path", "error"}


def test_gate_on_too_few_images_is_one_clear_line(tmp_path):
    # The bundled sample has 5,000 training images; the gate keeps the last 5,000 to calibrate on.
    result = run(
        "model", "gate", "--data", str(ROOT / "model" / "mnist_sample.npz"), "--out", str(tmp_path / "gate.keras")
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "full MNIST" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())
