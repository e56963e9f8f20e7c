"""model/making/teach.py: the room teaches the network. The split keeps drawings out of the
teaching; the card's before and after figures are checked against a reference computed here
from the saved model, on the bundled sample."""

import numpy as np
import pytest

from model.data import load_sample
from model.making.teach import MIN_CONFIRMED, split_room, teach
from model.metrics import accuracy
from model.recognition.predictor import Predictor
from model.storage import SHIPPED_MODEL_PATH, save_model
from tests.support.rooms import a_room


def test_a_third_of_each_digit_is_kept_out_of_the_teaching_the_same_way_each_time():
    images, labels = a_room()
    split = split_room(images, labels, seed=3)
    assert len(split.y_teach) + len(split.y_check) == len(labels)
    for digit in range(10):
        drawn = int(np.sum(labels == digit))
        if drawn >= 2:
            assert int(np.sum(split.y_check == digit)) == max(1, round(drawn / 3))
    taught = {image.tobytes() for image in split.x_teach}
    assert not any(image.tobytes() in taught for image in split.x_check)  # disjoint
    again = split_room(images, labels, seed=3)
    assert np.array_equal(again.x_check, split.x_check) and np.array_equal(again.y_teach, split.y_teach)


def test_too_few_confirmed_drawings_are_refused_with_a_reason():
    images, labels = a_room(count=MIN_CONFIRMED - 1)
    with pytest.raises(ValueError, match=f"at least {MIN_CONFIRMED} confirmed drawings"):
        split_room(images, labels)


@pytest.mark.slow
def test_teaching_learns_the_rooms_hand_and_its_figures_match_a_reference(tmp_path):
    data = load_sample()
    images, labels = a_room()
    # The app's own settings (teach's defaults): the figures are the ones a room is shown.
    result = teach(data, str(SHIPPED_MODEL_PATH), images, labels, seed=0)
    saved = save_model(result.model, result.card, tmp_path / "taught.keras")
    taught = result.card["taught"]

    # The reference: the same split, the saved file and the shipped one read afresh.
    split = split_room(images, labels, seed=0)
    before, after = Predictor.load(SHIPPED_MODEL_PATH), Predictor.load(saved)
    assert taught["room_checked"] == len(split.y_check) and taught["room_taught"] == len(split.y_teach)
    assert taught["room_before"] == pytest.approx(accuracy(split.y_check, before.predict_uint8(split.x_check)))
    assert taught["room_after"] == pytest.approx(accuracy(split.y_check, after.predict_uint8(split.x_check)))
    assert taught["mnist_before"] == pytest.approx(accuracy(data.y_test, before.predict_uint8(data.x_test)))
    assert taught["mnist_after"] == pytest.approx(accuracy(data.y_test, after.predict_uint8(data.x_test)))
    assert result.card["test_accuracy"] == taught["mnist_after"]

    # What the room shows: its own hand read better on drawings the teaching never saw, and
    # MNIST not forgotten.
    assert taught["room_after"] >= taught["room_before"] + 0.15, taught
    assert taught["mnist_after"] >= taught["mnist_before"] - 0.01, taught
