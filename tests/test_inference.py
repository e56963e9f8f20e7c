"""The shipped model: its accuracy, and that it reads drawings the way people make them."""

import os

import numpy as np
import pytest
from PIL import Image

from model.recognition.preprocess import preprocess
from tests.support.drawings import draw_digit


def test_shipped_model_scores_at_least_99_percent_on_the_bundled_test_sample(sample, shipped_predictor):
    predicted = shipped_predictor.predict_uint8(sample.x_test)
    assert np.mean(predicted == sample.y_test) >= 0.99


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("MNIST_PATH"), reason="the full MNIST is not available: set MNIST_PATH")
def test_shipped_model_scores_at_least_99_75_percent_on_the_full_test_set(shipped_predictor):
    from model.data import load_mnist

    data = load_mnist()
    assert len(data.y_test) == 10_000
    assert np.mean(shipped_predictor.predict_uint8(data.x_test) == data.y_test) >= 0.9975


def test_shipped_model_card_describes_it(shipped_predictor):
    card = shipped_predictor.card
    assert card["architecture"] == "ensemble" and card["test_images"] == 10_000 and card["test_accuracy"] >= 0.9975
    assert card["parameters"] == shipped_predictor.model.count_params()


# Drawings the way people make them: anywhere on the canvas, small or large, thin or thick pen,
# slanted, and as dark ink photographed on paper.
VARIANTS = {
    "centred": dict(),
    "small, top left": dict(left=10, top=10, size=80, stroke_width=8),
    "large": dict(left=5, top=5, size=270, stroke_width=26),
    "thick pen": dict(stroke_width=36),
    "thin pen": dict(stroke_width=6),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_reads_canvas_drawings(shipped_predictor, variant):
    correct = [
        shipped_predictor.predict(preprocess(draw_digit(digit, **VARIANTS[variant]))).digit == digit
        for digit in range(10)
    ]
    assert sum(correct) >= 9, f"read {sum(correct)}/10: wrong on {[d for d in range(10) if not correct[d]]}"


def test_reads_slanted_drawings(shipped_predictor):
    correct = 0
    for digit in range(10):
        upright = Image.fromarray(draw_digit(digit, background=(0, 0, 0))).convert("RGB")
        slanted = upright.transform(
            upright.size, Image.Transform.AFFINE, (1, 0.3, -40, 0, 1, 0), fillcolor=(0, 0, 0)
        )  # italic
        correct += shipped_predictor.predict(preprocess(slanted)).digit == digit
    assert correct >= 9


def test_reads_dark_ink_photographed_on_paper(shipped_predictor):
    rng = np.random.default_rng(0)
    correct = 0
    for digit in range(10):
        paper = draw_digit(digit, background=(230, 225, 210), colour=(20, 25, 60))[..., :3].astype(float)
        photo = paper + np.linspace(-30, 10, 280)[:, None, None] + rng.normal(0, 5, paper.shape)
        correct += shipped_predictor.predict(preprocess(np.clip(photo, 0, 255).astype(np.uint8))).digit == digit
    assert correct >= 9


def test_probabilities_are_a_distribution_and_batch_matches_single(sample, shipped_predictor):
    images = sample.x_test[:20] / np.float32(255)
    batch = shipped_predictor.predict_probabilities(images)
    np.testing.assert_allclose(batch.sum(axis=1), 1.0, atol=1e-5)
    single = np.stack([shipped_predictor.predict(image).probabilities for image in images])
    np.testing.assert_allclose(batch, single, atol=1e-5)


def test_one_drawing_is_refused_or_doubted_exactly_when_the_checks_say_so(sample, shipped_predictor):
    # predict() asks the model, the gate and the familiarity in one traced call; the batch path
    # (refuses) asks them apart.
    from model.making.synthetic.negatives import make_negatives

    images = np.concatenate([sample.x_test[:30] / np.float32(255), make_negatives(40, seed=4) / np.float32(255)])
    refused, doubted = shipped_predictor.refuses_and_doubts(images)
    assert 0 < refused.sum() < len(images) and doubted.any()
    predictions = [shipped_predictor.predict(image) for image in images]
    assert [not prediction.is_digit for prediction in predictions] == list(refused)
    assert [prediction.doubted for prediction in predictions] == list(doubted)


def test_explanation_points_at_the_ink(sample, shipped_predictor):
    image = sample.x_test[0] / np.float32(255)
    attribution = shipped_predictor.explain(image, int(sample.y_test[0]))
    assert attribution.shape == (28, 28)
    assert np.all(attribution[image == 0] == 0)  # gradient x input: no ink, no credit
    assert np.abs(attribution).sum() > 0


def test_prediction_is_uncertain_when_close_or_low():
    from model.recognition.predictor import Prediction

    def prediction(probabilities):
        probabilities = np.asarray(probabilities, np.float32)
        return Prediction(int(probabilities.argmax()), float(probabilities.max()), probabilities)

    sure = prediction([0.97] + [0.03 / 9] * 9)
    close = prediction([0.6, 0.38] + [0.0025] * 8)
    assert not sure.is_uncertain
    assert close.is_uncertain and close.runner_up == 1


def test_missing_and_corrupt_model_files_are_clear_errors(tmp_path):
    from model.recognition.predictor import ModelLoadError, Predictor

    with pytest.raises(ModelLoadError, match="not found"):
        Predictor.load(tmp_path / "absent.keras")
    corrupt = tmp_path / "corrupt.keras"
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ModelLoadError, match="corrupt.keras"):
        Predictor.load(corrupt)
