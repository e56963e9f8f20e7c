"""An ensemble is one Keras model whose output is the mean of its members' probabilities."""

import json

import numpy as np

from model.making.ensemble import average
from model.making.networks import build_quick_cnn, build_tensorflow_tutorial_cnn


def test_the_ensemble_averages_its_members(sample):
    import keras

    keras.utils.set_random_seed(0)
    members = [build_quick_cnn(), build_tensorflow_tutorial_cnn()]
    images = sample.x_test[:16, :, :, None].astype(np.float32) / 255
    expected = np.mean([member(images, training=False).numpy() for member in members], axis=0)
    ensemble = average(members)
    assert ensemble.input_shape == (None, 28, 28, 1) and ensemble.output_shape == (None, 10)
    np.testing.assert_allclose(ensemble(images, training=False).numpy(), expected, atol=1e-6)


def test_the_shipped_model_is_an_ensemble_measured_on_its_card():
    from model.storage import SHIPPED_MODEL_PATH, read_card

    card = read_card(SHIPPED_MODEL_PATH)
    assert card["architecture"] == "ensemble" and len(card["members"]) >= 2
    # The average beats every one of its members, on the full test set.
    assert card["test_images"] == 10_000
    assert card["test_accuracy"] > max(member["test_accuracy"] for member in card["members"])
    assert json.dumps(card)  # plain JSON


def test_a_member_of_an_ensemble_can_be_trained_further(sample, tmp_path):
    import keras
    import pytest

    from model.making.ensemble import network_to_train_further
    from model.storage import save_model

    keras.utils.set_random_seed(0)
    members = [build_quick_cnn(), build_tensorflow_tutorial_cnn()]
    path = save_model(average(members), {"architecture": "ensemble"}, tmp_path / "two.keras")
    images = sample.x_test[:8, :, :, None].astype(np.float32) / 255
    second = network_to_train_further(path, member=1)
    np.testing.assert_allclose(second(images).numpy(), members[1](images).numpy(), atol=1e-6)
    assert network_to_train_further(path).count_params() == sum(member.count_params() for member in members)
    with pytest.raises(ValueError, match="has no member 2: it holds 2"):
        network_to_train_further(path, member=2)
