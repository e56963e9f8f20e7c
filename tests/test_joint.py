"""The joint rule over both checks: its score, its fit, the file that carries it, and that the
app reads with it instead of the two thresholds."""

import dataclasses

import numpy as np
import pytest

from model.data import as_floats
from model.making.familiarity import fit_joint_rule
from model.recognition.familiarity import FAMILIARITY_PATH, Familiarity
from model.recognition.gate import shipped_gate
from model.recognition.joint import JointRule
from model.recognition.predictor import Predictor
from model.recognition.refusal import GATE_REFUSAL, UNFAMILIAR_REFUSAL
from model.storage import SHIPPED_MODEL_PATH


def test_the_score_weighs_the_gates_logit_against_the_log_of_the_distance():
    rule = JointRule(gate_weight=2.0, distance_weight=0.5, threshold=1.0)
    probability, distance = np.array([0.9, 0.2, 1.0]), np.array([100.0, 4.0, 0.0])
    expected = 2.0 * np.log([0.9 / 0.1, 0.2 / 0.8]) - 0.5 * np.log([100.0, 4.0])
    scores = rule.digit_scores(probability, distance)
    assert np.allclose(scores[:2], expected)
    assert np.isfinite(scores[2])  # a sure gate and a distance of 0 still score
    assert np.array_equal(rule.refuses(probability, distance), scores < 1.0)
    with pytest.raises(ValueError, match="finite"):
        JointRule.from_card({"gate_weight": 1.0, "distance_weight": float("nan"), "threshold": 0.0})


def test_the_fit_weighs_both_checks_and_refuses_the_share_of_digits_asked():
    rng = np.random.default_rng(0)
    # Digits: the gate sure, the features near; others: each check doubts some, neither all.
    digits = (rng.uniform(0.6, 1.0, 4000), rng.lognormal(5.0, 0.5, 4000))
    others = (rng.uniform(0.0, 0.8, 4000), rng.lognormal(6.5, 0.8, 4000))
    rule = fit_joint_rule(digits, others, refused_share=0.01)
    assert rule.gate_weight > 0 and rule.distance_weight > 0
    assert rule.refuses(*digits).mean() == pytest.approx(0.01, abs=0.002)
    assert rule.refuses(*others).mean() > 0.5
    with pytest.raises(ValueError, match="weights came out"):
        fit_joint_rule(others, digits, refused_share=0.01)  # the sides swapped: no rule for digits


def test_the_shipped_joint_rule_comes_only_with_the_gate_it_was_fitted_beside(tmp_path):
    familiarity = Familiarity.load(SHIPPED_MODEL_PATH)
    assert familiarity is not None and familiarity.joint is not None, f"{FAMILIARITY_PATH}: python -m model familiarity"
    assert familiarity.card["joint"]["calibration_refused"] <= 0.0021
    other_gate = tmp_path / "other_gate.keras"
    other_gate.write_bytes(b"another gate")
    beside_another = Familiarity.load(SHIPPED_MODEL_PATH, gate_path=other_gate)
    assert beside_another is not None and beside_another.joint is None  # the two thresholds then
    saved = tmp_path / "saved.npz"
    familiarity.save(saved)
    assert Familiarity.load(SHIPPED_MODEL_PATH, saved).joint == familiarity.joint


def test_the_app_reads_with_the_joint_rule_instead_of_the_two_thresholds(sample):
    digits = as_floats(sample.x_test[:20])
    familiarity = Familiarity.load(SHIPPED_MODEL_PATH)
    assert familiarity is not None and familiarity.joint is not None
    # Each check alone at a threshold that refuses everything: the joint rule, lenient, still decides.
    strict = dataclasses.replace(
        familiarity, threshold=-1.0, joint=dataclasses.replace(familiarity.joint, threshold=-1e9)
    )
    lenient = Predictor.load(gate=shipped_gate(), familiarity=strict)
    assert not lenient.refuses(digits).any()
    assert lenient.predict(digits[0]).is_digit
    refusing = dataclasses.replace(familiarity, joint=dataclasses.replace(familiarity.joint, threshold=1e9))
    predictor = Predictor.load(gate=shipped_gate(), familiarity=refusing)
    assert predictor.refuses(digits).all()
    refused = predictor.predict(digits[0])
    assert refused.refusal in (GATE_REFUSAL, UNFAMILIAR_REFUSAL) and refused.digit == sample.y_test[0]
