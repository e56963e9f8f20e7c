import json

import numpy as np
import pytest

from model.inference import ModelLoadError, Predictor
from model.networks import NETWORKS, build_sigmoid_network, quadratic_cost
from model.training import BackgroundTraining, make_augmenter, save_model, train


def test_short_training_run_on_the_sample_beats_chance_by_far(sample, tmp_path):
    reports = []
    result = train("mlp", sample, epochs=2, train_size=3000, seed=1, on_progress=reports.append, progress_every=5)
    assert result.card["test_accuracy"] > 0.75  # chance is 0.10
    assert len(result.history["test_accuracy"]) == 2
    # Progress came within epochs, not only at their ends, and finished at 100 %.
    assert any(report.batch < report.batches for report in reports)
    assert reports[-1].fraction == pytest.approx(1.0) and reports[-1].epoch == 2

    path = save_model(result.model, result.card, tmp_path / "run.keras")
    loaded = Predictor.load(path)
    images = sample.x_test[:50] / np.float32(255)
    np.testing.assert_allclose(loaded.predict_probabilities(images), result.predictor.predict_probabilities(images), atol=1e-5)
    card = json.loads((tmp_path / "run.json").read_text())
    for field in ("architecture", "parameters", "epochs", "training_seconds", "test_accuracy", "per_class_accuracy",
                  "confusion_matrix", "data_source", "data_sha256", "versions", "created"):
        assert field in card, field
    assert card == loaded.card
    assert not list(tmp_path.glob(".*tmp*")), "a temporary file was left behind"


def test_same_seed_same_model(sample):
    first = train("sigmoid", sample, epochs=1, train_size=500, seed=3)
    second = train("sigmoid", sample, epochs=1, train_size=500, seed=3)
    np.testing.assert_allclose(first.model.get_weights()[0], second.model.get_weights()[0])


def test_stop_ends_training_cleanly(sample, tmp_path):
    job = BackgroundTraining("mlp", sample, tmp_path / "stopped.keras", epochs=50, train_size=2000)
    job.start()
    job.stop()
    assert job.wait(120)
    assert job.error is None and job.result.stopped
    assert job.result.card["epochs_completed"] < 50
    assert Predictor.load(job.saved_path).predict_probabilities(sample.x_test[:2] / 255.0).shape == (2, 10)


def test_quadratic_cost_is_nielsens():
    outputs = np.array([[0.2, 0.9] + [0.0] * 8], np.float32)
    # 1/2 ((0.2 - 0)^2 + (0.9 - 1)^2) for label 1
    assert float(quadratic_cost(np.array([1]), outputs)[0]) == pytest.approx(0.5 * (0.04 + 0.01))


def test_sigmoid_network_has_nielsens_shape():
    network = build_sigmoid_network()
    assert [layer.units for layer in network.layers if hasattr(layer, "units")] == [30, 10]
    assert network.count_params() == 784 * 30 + 30 + 30 * 10 + 10
    assert NETWORKS["sigmoid"].learning_rate == 3.0 and NETWORKS["sigmoid"].batch_size == 10


def test_mlp_is_the_tutorials():
    model = NETWORKS["mlp"].build()
    assert [layer.units for layer in model.layers if hasattr(layer, "units")] == [512, 512, 10]
    assert [layer.rate for layer in model.layers if hasattr(layer, "rate")] == [0.2, 0.2]


def test_cnn_stays_small():
    assert NETWORKS["cnn"].build().count_params() < 300_000


def test_augmentation_keeps_images_in_range_and_changes_them(sample):
    images = (sample.x_train[:64] / np.float32(255))[..., None]
    augmented = np.asarray(make_augmenter(seed=0)(images))
    assert augmented.shape == images.shape and augmented.min() >= 0 and augmented.max() <= 1
    assert np.abs(augmented - images).mean() > 0.01


def test_unknown_architecture_is_a_clear_error(sample):
    with pytest.raises(ValueError, match="Unknown architecture"):
        train("transformer", sample)


def test_missing_and_corrupt_model_files_are_clear_errors(tmp_path):
    with pytest.raises(ModelLoadError, match="not found"):
        Predictor.load(tmp_path / "absent.keras")
    corrupt = tmp_path / "corrupt.keras"
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ModelLoadError, match="corrupt.keras"):
        Predictor.load(corrupt)


def test_networks_build_while_streamlit_clears_the_keras_session():
    # Streamlit calls keras.backend.clear_session() after every script run, from any session's
    # thread; a model being built for training at that moment must still get unique layer names.
    import threading

    import keras

    done = threading.Event()

    def clear_repeatedly():
        while not done.is_set():
            keras.backend.clear_session(free_memory=False)

    clearer = threading.Thread(target=clear_repeatedly, daemon=True)
    clearer.start()
    try:
        for _ in range(3):
            for network in NETWORKS.values():
                network.build()
    finally:
        done.set()
        clearer.join(5)


def test_train_page_defaults_give_batch_norm_enough_steps():
    from model.networks import live_demo_settings, train_page_default_recipe

    for architecture in ("quick_cnn", "cnn", "mlp"):
        for images in (5_000, 60_000):
            settings = live_demo_settings(architecture, images)
            steps = settings["epochs"] * -(-settings["train_size"] // NETWORKS[architecture].batch_size)
            assert settings["train_size"] <= images and steps >= 300, (architecture, images, settings)
    assert train_page_default_recipe()[1]["epochs"] == 1  # on the full set, one epoch reaches 99 %
