"""training.train: a real fit on the bundled sample, its progress reports and its card."""

import json

import numpy as np
import pytest

from model import metrics
from model.data import as_floats
from model.making.training import train
from model.recognition.predictor import Predictor
from model.storage import save_model


def test_short_training_run_on_the_sample_beats_chance_by_far(sample, tmp_path):
    reports = []
    result = train("mlp", sample, epochs=2, train_size=3000, seed=1, on_progress=reports.append, progress_every=5)
    assert result.card["test_accuracy"] > 0.75  # chance is 0.10
    assert len(result.history["test_accuracy"]) == 2 and not result.stopped
    # Progress came within epochs, not only at their ends, and finished at 100 %.
    assert any(report.batch < report.batches for report in reports)
    assert reports[-1].fraction == pytest.approx(1.0) and reports[-1].epoch == 2
    # Every report is kept for the curves, so that even one epoch draws a line.
    seen = result.history["seen_epochs"]
    assert len(seen) > 4 and seen == sorted(seen) and seen[-1] == pytest.approx(2.0)
    assert len(result.history["running_loss"]) == len(seen)

    path = save_model(result.model, result.card, tmp_path / "run.keras")
    loaded = Predictor.load(path)
    images = as_floats(sample.x_test[:50])
    np.testing.assert_allclose(
        loaded.predict_probabilities(images), result.predictor.predict_probabilities(images), atol=1e-5
    )
    card = json.loads((tmp_path / "run.json").read_text())
    for field in (
        "architecture",
        "parameters",
        "epochs",
        "training_seconds",
        "test_accuracy",
        "per_class_accuracy",
        "confusion_matrix",
        "data_source",
        "data_sha256",
        "versions",
        "created",
    ):
        assert field in card, field
    assert card == loaded.card
    # The card's figures are the test-set report of the model it describes.
    predicted = loaded.predict_uint8(sample.x_test)
    assert card["test_accuracy"] == pytest.approx(np.mean(predicted == sample.y_test))
    assert card["per_class_accuracy"] == card["recall"]
    # And it keeps those answers, for the Gallery to read instead of running the model.
    np.testing.assert_array_equal(metrics.recorded_answers(card, sample), predicted)


def test_same_seed_same_model(sample):
    first = train("sigmoid", sample, epochs=1, train_size=500, seed=3)
    second = train("sigmoid", sample, epochs=1, train_size=500, seed=3)
    np.testing.assert_allclose(first.model.get_weights()[0], second.model.get_weights()[0])


def test_unknown_architecture_is_a_clear_error(sample):
    with pytest.raises(ValueError, match="Unknown architecture"):
        train("transformer", sample)


def test_nonsense_settings_are_a_clear_error(sample):
    with pytest.raises(ValueError, match="at least 1"):
        train("mlp", sample, epochs=-1)


def test_extra_digits_join_every_run(sample):
    extra = (sample.x_test[:40], sample.y_test[:40])
    result = train("sigmoid", sample, epochs=1, train_size=200, seed=0, extra_digits=extra)
    assert result.card["train_size"] == 240 and result.card["extra_digits"] == 40


def test_a_trained_network_is_trained_further_from_its_own_weights(sample):
    first = train("mlp", sample, epochs=2, train_size=3000, seed=0)
    # At a learning rate too small to move it, training further keeps what was learned; a new
    # network trained the same way stays near chance.
    further = train("mlp", sample, epochs=1, train_size=200, seed=1, learning_rate=1e-9, start_from=first.model)
    fresh = train("mlp", sample, epochs=1, train_size=200, seed=1, learning_rate=1e-9)
    assert further.card["test_accuracy"] == pytest.approx(first.card["test_accuracy"], abs=0.01)
    assert fresh.card["test_accuracy"] < first.card["test_accuracy"] - 0.3
    assert further.card["started_from_trained"] and not fresh.card["started_from_trained"]
    with pytest.raises(ValueError, match="another network"):
        train("sigmoid", sample, epochs=1, train_size=200, start_from=first.model)
