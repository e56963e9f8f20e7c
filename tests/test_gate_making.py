"""Making the gate (model/making/gate.py): the weights that balance its two heads, a short real
training on the bundled sample, and gates joined into one."""

import numpy as np
import pytest

from model.data import MnistData, as_floats
from model.making.gate import balanced_weights, build_gate, join_gates, train_gate
from model.recognition.gate import Gate
from model.storage import save_model


def test_balanced_weights_give_both_sides_of_a_head_the_same_weight():
    targets = np.array([1, 1, 1, 0, 0, 1, 0, 1], np.float32)
    seen = np.array([True, True, True, True, False, True, True, False])
    weights = balanced_weights(targets, seen)
    assert weights[~seen].sum() == 0
    assert weights[seen & (targets == 1)].sum() == pytest.approx(weights[seen & (targets == 0)].sum())
    assert weights.mean() == pytest.approx(1.0)


def test_joined_gates_answer_the_mean_of_their_logits_and_load_safely(sample, tmp_path):
    first, second = build_gate(), build_gate()
    joined = join_gates([first, second])
    images = as_floats(sample.x_test[:64])

    def logit(probability):
        probability = np.clip(probability, 1e-7, 1 - 1e-7)
        return np.log(probability / (1 - probability))

    expected = 1 / (
        1
        + np.exp(
            -(logit(Gate(first, 0.5).digit_probability(images)) + logit(Gate(second, 0.5).digit_probability(images)))
            / 2
        )
    )
    np.testing.assert_allclose(Gate(joined, 0.5).digit_probability(images), expected, atol=1e-4)
    path = save_model(joined, {"threshold": 0.25}, tmp_path / "joined.keras")
    loaded = Gate.load(path)
    assert loaded is not None and loaded.threshold == 0.25
    np.testing.assert_allclose(loaded.digit_probability(images), expected, atol=1e-4)


@pytest.mark.slow
def test_a_short_gate_training_separates_digits_from_the_pool(sample):
    # Too little data to be good; enough to show every part joins up: generated kinds, near-digits,
    # pieces, the calibration on held-back digits, and the card that records them. The gate needs
    # 10,000 training digits: the sample's 5,000 and the same shifted by a pixel.
    shifted = np.roll(sample.x_train, 1, axis=2)
    data = MnistData(
        np.concatenate([shifted, sample.x_train]),
        np.concatenate([sample.y_train, sample.y_train]),
        sample.x_test,
        sample.y_test,
        "sample",
        "",
    )
    model, card = train_gate(
        data, negatives=600, pieces=300, near=300, epochs=1, kinds=("glyph", "doodle", "shape"), digits=2_000
    )
    gate = Gate(model, card["threshold"])
    assert card["negative_kinds"] == ["glyph", "doodle", "shape"] and card["near_digits_trained_on"] == 300
    assert card["validation_refused"] <= 0.01
    digits = gate.digit_probability(as_floats(sample.x_test[:300]))
    from model.making.synthetic.negatives import make_negatives

    others = gate.digit_probability(as_floats(make_negatives(100, seed=9, kinds=("shape",))))
    assert np.median(digits) > np.median(others)
    with pytest.raises(ValueError, match="at least"):
        train_gate(MnistData(sample.x_train[:50], sample.y_train[:50], sample.x_test, sample.y_test, "s", ""))
