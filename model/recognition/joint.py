"""One refusal rule over both checks: how sure the gate is, and how far the features lie.

Refusing when either check alone is sure (each at its own threshold) lets through a picture that
both find doubtful, neither enough: an arrow the gate half doubts whose features lie half far.
This rule weighs the gate's logit against the log of the familiarity distance and refuses under
one threshold. The weights come from a logistic regression of calibration digits against
generated non-digits, the threshold from digits alone: it refuses the share of calibration digits
the two checks refused together (``model/making/familiarity.py``). Measured in BENCHMARKS.md
section 20.

A second, higher threshold marks what is read but doubted: a score under it and not under the
refusal's is shown as a reading with "it may not be a digit" beside it (BENCHMARKS.md section 23).
Refusing there would refuse too many digits; saying nothing would call a tree a 4, 100 % sure.
"""

import dataclasses
from typing import Any

import numpy as np

SMALLEST = 1e-7  # keeps a logit and a log finite for a probability of exactly 0 or 1, a distance of 0


def rule_inputs(gate_probability: np.ndarray, distances: np.ndarray) -> np.ndarray:
    """(n, 2): the two numbers the rule weighs, the gate's logit and the log of the distance."""
    probability = np.clip(np.asarray(gate_probability, dtype=np.float64).reshape(-1), SMALLEST, 1 - SMALLEST)
    distance = np.maximum(np.asarray(distances, dtype=np.float64).reshape(-1), SMALLEST)
    return np.column_stack([np.log(probability / (1 - probability)), np.log(distance)])


@dataclasses.dataclass(frozen=True)
class JointRule:
    gate_weight: float  # on the gate's logit: the surer of a digit, the higher the score
    distance_weight: float  # on the log of the distance: the farther, the lower
    threshold: float  # scores under it are refused
    doubt_threshold: float = -np.inf  # scores from ``threshold`` up to under it are read but doubted

    def digit_scores(self, gate_probability: np.ndarray, distances: np.ndarray) -> np.ndarray:
        """(n,): how much like a digit both checks together find each picture."""
        return rule_inputs(gate_probability, distances) @ np.array([self.gate_weight, -self.distance_weight])

    def refuses(self, gate_probability: np.ndarray, distances: np.ndarray) -> np.ndarray:
        return self.digit_scores(gate_probability, distances) < self.threshold

    def doubts(self, gate_probability: np.ndarray, distances: np.ndarray) -> np.ndarray:
        """(n,) read, but not sure to hold a digit: between the two thresholds."""
        scores = self.digit_scores(gate_probability, distances)
        return (scores >= self.threshold) & (scores < self.doubt_threshold)

    def as_card(self) -> dict[str, float]:
        card = dataclasses.asdict(self)
        if np.isneginf(self.doubt_threshold):  # JSON has no infinity
            del card["doubt_threshold"]
        return card

    @classmethod
    def from_card(cls, card: dict[str, Any]) -> "JointRule":
        rule = cls(
            float(card["gate_weight"]),
            float(card["distance_weight"]),
            float(card["threshold"]),
            float(card.get("doubt_threshold", -np.inf)),  # a rule fitted without one doubts nothing
        )
        if not all(np.isfinite([rule.gate_weight, rule.distance_weight, rule.threshold])):
            raise ValueError(f"the joint rule's numbers must be finite, not {card}")
        if np.isnan(rule.doubt_threshold) or np.isposinf(rule.doubt_threshold):
            raise ValueError(f"the joint rule's doubt threshold must be a number, not {rule.doubt_threshold}")
        return rule
