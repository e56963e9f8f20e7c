"""The familiarity check: its Gaussians against scipy's Mahalanobis distance, the reading that
brings the features for free, the shipped file, and what it refuses."""

import numpy as np
import pytest
from scipy.spatial.distance import mahalanobis

from model.data import as_floats
from model.making.familiarity import fit_gaussians
from model.recognition.familiarity import FAMILIARITY_PATH, Familiarity
from model.recognition.features import reading_model
from model.recognition.gate import shipped_gate
from model.recognition.predictor import Predictor
from model.recognition.refusal import UNFAMILIAR_REFUSAL
from model.storage import SHIPPED_MODEL_PATH


def test_the_distance_is_the_squared_mahalanobis_distance_to_the_nearest_digits_mean():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 40)
    features = (rng.normal(scale=4, size=(10, 6))[labels] + rng.normal(size=(400, 6))).astype(np.float32)
    familiarity = Familiarity(*fit_gaussians(features, labels), threshold=20.0, card={})
    queries = rng.normal(scale=5, size=(7, 6)).astype(np.float32)
    precision = familiarity.precision.astype(np.float64)
    expected = [min(mahalanobis(query, mean, precision) ** 2 for mean in familiarity.means) for query in queries]
    assert np.allclose(familiarity.distances(queries), expected, rtol=1e-3)
    assert np.array_equal(familiarity.refuses(queries), np.array(expected) > 20.0)
    with pytest.raises(ValueError, match="none for"):
        fit_gaussians(features[labels < 9], labels[labels < 9])


def test_the_reading_gives_the_models_own_probabilities_and_its_features(shipped_predictor, sample):
    images = as_floats(sample.x_test[:32])[..., None]
    outputs = reading_model(shipped_predictor.model)(images, training=False)
    assert np.allclose(outputs["probabilities"].numpy(), shipped_predictor.model(images, training=False), atol=1e-6)
    assert outputs["features"].shape == (32, 3 * 128)  # the three members' penultimate features
    # Each member's own probabilities, in member order; their average is the model's.
    members = outputs["members"].numpy()
    assert members.shape == (32, 3, 10)
    assert np.allclose(members.mean(axis=1), outputs["probabilities"].numpy(), atol=1e-6)
    first = shipped_predictor.model.get_layer("member_0")
    assert np.allclose(members[:, 0], first(images, training=False), atol=1e-6)


def test_the_shipped_familiarity_belongs_to_the_shipped_model_and_to_no_other(tmp_path):
    familiarity = Familiarity.load(SHIPPED_MODEL_PATH)
    assert familiarity is not None, f"{FAMILIARITY_PATH} is missing or damaged: python -m model familiarity"
    assert familiarity.card["calibration_refused"] <= 0.0011
    other = tmp_path / "other.keras"
    other.write_bytes(SHIPPED_MODEL_PATH.read_bytes() + b"\0")
    assert Familiarity.load(other) is None  # another file: its features mean something else
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes(b"not an archive")
    assert Familiarity.load(SHIPPED_MODEL_PATH, damaged) is None


def test_a_drawing_the_gate_lets_through_can_be_refused_as_unfamiliar(sample):
    digit = as_floats(sample.x_test[:1])[0]
    familiarity = Familiarity.load(SHIPPED_MODEL_PATH)
    strict = Familiarity(familiarity.means, familiarity.precision, threshold=-1.0, card=familiarity.card)
    refused = Predictor.load(gate=shipped_gate(), familiarity=strict).predict(digit)
    assert refused.refusal == UNFAMILIAR_REFUSAL and refused.digit == sample.y_test[0]  # the best guess stays
    assert Predictor.load(gate=shipped_gate(), familiarity=familiarity).predict(digit).is_digit


def test_the_app_reads_with_both_checks_and_they_refuse_few_test_digits(shipped_predictor, sample):
    assert shipped_predictor.familiarity is not None and shipped_predictor.gate is not None
    refused = shipped_predictor.refuses(as_floats(sample.x_test))
    assert refused.mean() <= 0.005, f"{refused.sum()} of {len(refused)} test digits refused"


def test_the_familiarity_refuses_wild_ticks_and_crosses_the_gate_lets_through(shipped_predictor):
    from bench.heldout import wild
    from bench.in_the_wild import outcome

    gate_alone = Predictor(shipped_predictor.model, gate=shipped_predictor.gate)
    pictures = [picture for _, _, picture in wild.make("doodle: tick or cross", 40, seed=7)]
    with_both = np.mean([outcome(shipped_predictor, picture)[0] for picture in pictures])
    with_gate = np.mean([outcome(gate_alone, picture)[0] for picture in pictures])
    assert with_both >= with_gate + 0.1, (with_both, with_gate)


def test_the_trade_off_table_refuses_more_of_both_sides_as_the_budget_grows(shipped_predictor, sample):
    from bench.heldout import wild
    from bench.in_the_wild import SHARES_OF_MNIST_TEST, measure, trade_off

    _, images = measure(shipped_predictor, count=3, digit_count=3, seed=5)
    images["doodle: cloud"][0] = None  # refused by preprocessing: refused at every threshold
    rows = trade_off(shipped_predictor, images, as_floats(sample.x_test))
    assert [row["threshold"] for row in rows] == ["shipped"] + [
        f"{share:.1%} of MNIST test" for share in SHARES_OF_MNIST_TEST
    ]
    for budget, row in zip(SHARES_OF_MNIST_TEST, rows[1:], strict=True):
        assert row["MNIST test refused"] == pytest.approx(budget, abs=0.001)
    for column in ("MNIST test refused", "non-digits refused", "held-out digits refused"):
        shares = [row[column] for row in rows[1:]]
        assert shares == sorted(shares), column
    non_digit_families = [family for family, holds_digits in wild.families().items() if not holds_digits]
    assert all(row["non-digits refused"] >= 1 / (3 * len(non_digit_families)) for row in rows)
    with pytest.raises(ValueError, match="joint rule"):
        trade_off(Predictor(shipped_predictor.model, gate=shipped_predictor.gate), images, as_floats(sample.x_test))
