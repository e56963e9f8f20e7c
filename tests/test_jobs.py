"""BackgroundTraining: a real child process, Stop, and a run that fails."""

import pytest

from model.data import as_floats
from model.hosting.jobs import BackgroundTraining
from model.recognition.predictor import Predictor


@pytest.mark.slow
def test_stop_ends_training_cleanly(sample, tmp_path):
    job = BackgroundTraining("mlp", sample.source, tmp_path / "stopped.keras", epochs=50, train_size=2000)
    job.start()
    job.stop()
    assert job.wait(120)
    assert job.error is None and job.stopped
    assert job.card["epochs_completed"] < 50
    assert Predictor.load(job.saved_path).predict_probabilities(as_floats(sample.x_test[:2])).shape == (2, 10)


@pytest.mark.slow
def test_a_failing_run_reports_its_error_and_saves_nothing(sample, tmp_path):
    job = BackgroundTraining(
        "mlp", sample.source, tmp_path / "failed.keras", epochs=1, train_size=500, learning_rate=-1.0
    )
    job.start()
    assert job.wait(120)
    assert job.card is None and "learning rate" in job.error
    assert not list(tmp_path.iterdir())
