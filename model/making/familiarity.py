"""Fit the familiarity check (``model/recognition/familiarity.py``) for a model file:
``python -m model familiarity [--model PATH] [--data PATH]``.

Each digit's mean of the model's penultimate features and one covariance shared by the ten,
fitted on MNIST's training digits but the last VALIDATION_DIGITS; its threshold refuses
ALLOWED_REFUSALS of those held-back digits as people send them (the gate's calibration digits),
so the two checks together refuse at most twice the gate's share of digits. No picture of a
non-digit is used for that.

Given the gate, it also fits the joint rule (``model/recognition/joint.py``) that the app uses
instead of the two thresholds: a logistic regression of the calibration digits against
generated non-digits and near-digits (a stream the gate never trained on) weighs the gate's logit,
the log of the distance and how far the ensemble's members disagree; its threshold refuses as
many calibration digits as the two checks together are allowed, 2 x ALLOWED_REFUSALS, and its
doubt threshold marks DOUBTED_SHARE of them as read but doubted. Only the weights see non-digits.
"""

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

from model.data import MnistData, as_floats
from model.making.cards import created_now
from model.making.gate import ALLOWED_REFUSALS, VALIDATION_DIGITS, calibration_digits
from model.recognition.familiarity import Familiarity
from model.recognition.features import features_reader, readings_reader
from model.recognition.gate import Gate
from model.recognition.joint import JointRule, rule_inputs
from model.storage import sha256_of_files

SHRINKAGE = 1e-3  # of the covariance's mean variance, added to its diagonal: well-conditioned to invert
# The joint rule's weights: fitted against this many generated non-digits and near-digits, from a
# seed that is not the gate's training stream (seed 0).
JOINT_NEGATIVES, JOINT_NEAR, JOINT_SEED = 8_000, 2_000, 3
# One calibration digit in a hundred is read with "it may not be a digit" (five times the share
# refused): a remark a visitor can shrug off, where a refusal of their digit is a mistake.
DOUBTED_SHARE = 0.01


def fit_gaussians(features: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(means (10, D), precision (D, D)): each digit's mean, and the inverse of the covariance of
    every digit's features about its own mean, lightly shrunk towards a multiple of the identity."""
    features = np.asarray(features, dtype=np.float64)
    missing = sorted(set(range(10)) - set(np.unique(labels).tolist()))
    if missing:
        raise ValueError(f"every digit needs examples to fit its mean; none for {missing}")
    means = np.stack([features[labels == digit].mean(axis=0) for digit in range(10)])
    centred = features - means[labels]
    covariance = centred.T @ centred / len(features)
    covariance += SHRINKAGE * np.trace(covariance) / len(covariance) * np.eye(len(covariance))
    return means.astype(np.float32), np.linalg.inv(covariance).astype(np.float32)


def fit_joint_rule(
    digits: tuple[np.ndarray, ...],
    others: tuple[np.ndarray, ...],
    refused_share: float,
    doubted_share: float = DOUBTED_SHARE,
) -> JointRule:
    """The joint rule from (gate probability, distance[, members' probabilities]) of digits and of
    pictures holding none: weights from a logistic regression on ``rule_inputs``, both sides
    weighing the same; the threshold under which ``refused_share`` of the digits fall, and the doubt
    threshold under which ``doubted_share`` of them fall."""
    if not 0 <= refused_share <= doubted_share < 1:
        raise ValueError(f"the shares must be 0 <= refused <= doubted < 1, not {refused_share} and {doubted_share}")
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([rule_inputs(*digits), rule_inputs(*others)])
    y = np.repeat([1, 0], [len(digits[0]), len(others[0])])
    regression = LogisticRegression(class_weight="balanced", max_iter=1000).fit(x, y)
    gate_weight, distance_weight = regression.coef_[0][0], -regression.coef_[0][1]
    disagreement_weight = -regression.coef_[0][2] if len(digits) > 2 else 0.0
    if gate_weight <= 0 or distance_weight <= 0 or disagreement_weight < 0:
        raise ValueError(
            f"the joint rule's weights came out {gate_weight:.3f} (gate), {distance_weight:.3f} (distance) and "
            f"{disagreement_weight:.3f} (disagreement): a digit should score higher the surer the gate, the "
            "nearer the features and the more the members agree"
        )
    unthresholded = JointRule(
        float(gate_weight), float(distance_weight), -np.inf, disagreement_weight=float(disagreement_weight)
    )
    scores = unthresholded.digit_scores(*digits)
    threshold, doubt_threshold = (float(np.quantile(scores, share)) for share in (refused_share, doubted_share))
    return dataclasses.replace(unthresholded, threshold=threshold, doubt_threshold=doubt_threshold)


def make_familiarity(
    keras_model: Any, model_path: Path | str, data: MnistData, gate_path: Path | None = None
) -> Familiarity:
    """The familiarity for the model file at ``model_path``; with the gate at ``gate_path``, its
    joint rule too."""
    fitted = len(data.x_train) - VALIDATION_DIGITS
    if fitted < 1000:
        raise ValueError(f"the familiarity needs a full MNIST ({len(data.x_train):,} training digits given)")
    training_features = features_reader(keras_model)(as_floats(data.x_train[:fitted]))
    means, precision = fit_gaussians(training_features, data.y_train[:fitted])
    unfitted = Familiarity(means, precision, threshold=np.inf, card={})
    calibration = calibration_digits(data)
    calibration_features, calibration_members = readings_reader(keras_model)(calibration)
    distances = unfitted.distances(calibration_features)
    threshold = float(np.quantile(distances, 1 - ALLOWED_REFUSALS))
    card = {
        "model_file": Path(model_path).name,
        "model_sha256": sha256_of_files([Path(model_path)]),
        "fitted_digits": fitted,
        "shrinkage": SHRINKAGE,
        "calibration_digits": len(distances),
        "calibration_refused": float(np.mean(distances > threshold)),
        "data_source": data.source,
        "created": created_now(),
        "command": "python -m model familiarity",
    }
    joint = None
    if gate_path is not None:
        from model.making.synthetic.near_digits import near_digits
        from model.making.synthetic.negatives import make_negatives

        gate = Gate.load(gate_path)
        if gate is None:
            raise ValueError(f"no gate at {gate_path} to fit the joint rule beside")
        others = as_floats(
            np.concatenate(
                [
                    make_negatives(JOINT_NEGATIVES, seed=JOINT_SEED),
                    near_digits(data.x_train[:fitted], data.y_train[:fitted], JOINT_NEAR, seed=JOINT_SEED),
                ]
            )
        )
        calibration_gate = gate.digit_probability(calibration)
        others_features, others_members = readings_reader(keras_model)(others)
        joint = fit_joint_rule(
            (calibration_gate, distances, calibration_members),
            (gate.digit_probability(others), unfitted.distances(others_features), others_members),
            2 * ALLOWED_REFUSALS,
        )
        refused, doubted = joint.verdicts(calibration_gate, distances, calibration_members)
        card["joint"] = {
            **joint.as_card(),
            "gate_file": Path(gate_path).name,
            "gate_sha256": sha256_of_files([Path(gate_path)]),
            "fitted_against": {"non_digits": JOINT_NEGATIVES, "near_digits": JOINT_NEAR, "seed": JOINT_SEED},
            "calibration_refused": float(np.mean(refused)),
            "calibration_doubted": float(np.mean(doubted)),
        }
    return Familiarity(means, precision, threshold, card, joint)
