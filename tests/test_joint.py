"""The joint rule over both checks: its score, its fit, the file that carries it, that the app
reads with it instead of the two thresholds, and its second threshold, under which a reading is
doubted."""

import dataclasses

import numpy as np
import pytest

from model.data import as_floats
from model.making.familiarity import fit_joint_rule
from model.recognition.familiarity import FAMILIARITY_PATH, Familiarity
from model.recognition.gate import shipped_gate
from model.recognition.joint import JointRule, lowest_member_probability, rule_inputs
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


def test_between_the_two_thresholds_a_reading_is_doubted_not_refused():
    rule = JointRule(gate_weight=1.0, distance_weight=1.0, threshold=-2.0, doubt_threshold=0.0)
    probability, distance = np.full(3, 0.5), np.exp([3.0, 1.0, -1.0])  # scores -3, -1, 1
    assert rule.refuses(probability, distance).tolist() == [True, False, False]
    assert rule.doubts(probability, distance).tolist() == [False, True, False]
    # A rule fitted before the second threshold existed doubts nothing, and its card stays valid JSON.
    older = JointRule.from_card({"gate_weight": 1.0, "distance_weight": 1.0, "threshold": -2.0})
    assert not older.doubts(probability, distance).any() and "doubt_threshold" not in older.as_card()
    assert JointRule.from_card(rule.as_card()) == rule
    with pytest.raises(ValueError, match="doubt threshold"):
        JointRule.from_card({**rule.as_card(), "doubt_threshold": float("nan")})


def test_the_fit_doubts_the_share_of_digits_asked_and_more_of_the_others():
    rng = np.random.default_rng(1)
    digits = (rng.uniform(0.6, 1.0, 4000), rng.lognormal(5.0, 0.5, 4000))
    others = (rng.uniform(0.0, 0.8, 4000), rng.lognormal(6.5, 0.8, 4000))
    rule = fit_joint_rule(digits, others, refused_share=0.002, doubted_share=0.05)
    assert rule.threshold < rule.doubt_threshold
    refused_or_doubted = rule.refuses(*digits) | rule.doubts(*digits)
    assert refused_or_doubted.mean() == pytest.approx(0.05, abs=0.004)
    assert (rule.refuses(*others) | rule.doubts(*others)).mean() > rule.refuses(*others).mean()
    with pytest.raises(ValueError, match="shares"):
        fit_joint_rule(digits, others, refused_share=0.05, doubted_share=0.01)


def test_the_shipped_rule_doubts_a_share_of_calibration_digits_and_the_app_says_so(sample):
    familiarity = Familiarity.load(SHIPPED_MODEL_PATH)
    assert familiarity is not None and familiarity.joint is not None
    assert familiarity.card["joint"]["calibration_doubted"] == pytest.approx(0.008, abs=0.0011)
    digits = as_floats(sample.x_test[:20])
    doubting_all = dataclasses.replace(
        familiarity, joint=dataclasses.replace(familiarity.joint, threshold=-1e9, doubt_threshold=1e9)
    )
    predictor = Predictor.load(gate=shipped_gate(), familiarity=doubting_all)
    refused, doubted = predictor.refuses_and_doubts(digits)
    assert not refused.any() and doubted.all()
    prediction = predictor.predict(digits[0])
    assert prediction.is_digit and prediction.doubted and prediction.digit == sample.y_test[0]
    shipped = Predictor.with_checks()
    assert not any(shipped.predict(digit).doubted for digit in digits)  # MNIST's own digits: not doubted


def test_the_members_disagreement_is_the_third_number_the_rule_can_weigh():
    agreeing = np.array([[0.98, 0.02], [0.97, 0.03], [0.99, 0.01]])  # three members, two classes shown
    split = np.array([[0.90, 0.10], [0.40, 0.60], [0.95, 0.05]])  # the average says the first; one member not
    members = np.stack([agreeing, split])
    assert np.allclose(lowest_member_probability(members), [0.97, 0.40])
    inputs = rule_inputs(np.array([0.9, 0.9]), np.array([10.0, 10.0]), members)
    assert inputs.shape == (2, 3) and inputs[1, 2] > inputs[0, 2]  # the split members disagree more
    rule = JointRule(gate_weight=1.0, distance_weight=1.0, threshold=0.0, disagreement_weight=2.0)
    scores = rule.digit_scores(np.array([0.9, 0.9]), np.array([10.0, 10.0]), members)
    assert scores[1] < scores[0] and np.isclose(scores[0] - scores[1], 2.0 * (inputs[1, 2] - inputs[0, 2]))
    with pytest.raises(ValueError, match="members' agreement"):
        rule.digit_scores(np.array([0.9]), np.array([10.0]))  # a rule that weighs them needs them
    assert JointRule.from_card(rule.as_card()) == rule
    older = JointRule.from_card({"gate_weight": 1.0, "distance_weight": 1.0, "threshold": 0.0})
    assert older.disagreement_weight == 0 and older.digit_scores(np.array([0.9]), np.array([10.0])).shape == (1,)


def test_the_fit_weighs_the_members_disagreement_when_it_parts_digits_from_others():
    rng = np.random.default_rng(2)

    def members(count, agree):
        # Three members over ten digits: each puts ``agree`` of its probability on digit 3, on average.
        sure = np.clip(rng.normal(agree, 0.08, (count, 3)), 0.05, 0.999)
        probabilities = np.tile(((1 - sure) / 9)[..., None], (1, 1, 10))
        probabilities[..., 3] = sure
        return probabilities

    # Each check parts digits from the others a little; the members' agreement parts them more.
    digits = (rng.uniform(0.6, 1.0, 3000), rng.lognormal(5.0, 0.5, 3000), members(3000, 0.95))
    others = (rng.uniform(0.3, 0.9, 3000), rng.lognormal(5.5, 0.6, 3000), members(3000, 0.6))
    with_members = fit_joint_rule(digits, others, refused_share=0.01)
    without = fit_joint_rule(digits[:2], others[:2], refused_share=0.01)
    assert with_members.disagreement_weight > 0 and without.disagreement_weight == 0
    assert with_members.refuses(*digits).mean() == pytest.approx(0.01, abs=0.002)
    assert with_members.refuses(*others).mean() > without.refuses(*others[:2]).mean() + 0.2


def test_the_joint_scores_say_what_the_verdicts_say(sample):
    from model.making.synthetic.negatives import make_negatives

    shipped = Predictor.with_checks()
    images = np.concatenate([as_floats(sample.x_test[:20]), as_floats(make_negatives(40, seed=5))])
    scores = shipped.joint_scores(images)
    refused, doubted = shipped.refuses_and_doubts(images)
    assert shipped.familiarity is not None and shipped.familiarity.joint is not None
    rule = shipped.familiarity.joint
    assert refused.any() and not refused.all()  # both sides of the threshold are in the test
    assert np.array_equal(scores < rule.threshold, refused)
    assert np.array_equal((scores >= rule.threshold) & (scores < rule.doubt_threshold), doubted)
    with pytest.raises(ValueError, match="no joint rule"):
        Predictor.load().joint_scores(images)
