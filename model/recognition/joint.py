"""One refusal rule over both checks: how sure the gate is, and how far the features lie.

Refusing when either check alone is sure (each at its own threshold) lets through a picture that
both find doubtful, neither enough: an arrow the gate half doubts whose features lie half far.
This rule weighs the gate's logit against the log of the familiarity distance and refuses under
one threshold. The weights come from a logistic regression of calibration digits against
generated non-digits, the threshold from digits alone: it refuses the share of calibration digits
the two checks refused together (``model/making/familiarity.py``). Measured in BENCHMARKS.md
section 20.

A third number, fitted alike, is how far the ensemble's members agree on the answer: the least
probability any of them gives the digit their average names (BENCHMARKS.md section 24).

A second, higher threshold marks what is read but doubted: a score under it and not under the
refusal's is shown as a reading with "it may not be a digit" beside it (BENCHMARKS.md section 23).
Refusing there would refuse too many digits; saying nothing would call a tree a 4, 100 % sure.
"""

import dataclasses
from typing import Any

import numpy as np

SMALLEST = 1e-7  # keeps a logit and a log finite for a probability of exactly 0 or 1, a distance of 0


def lowest_member_probability(members: np.ndarray) -> np.ndarray:
    """(n,) for each member's probabilities (n, members, 10): the least probability any member
    gives the digit their average names. Members that agree all give it much."""
    members = np.asarray(members, dtype=np.float64)
    answers = members.mean(axis=1).argmax(axis=1)
    return members[np.arange(len(members)), :, answers].min(axis=1)


def rule_inputs(gate_probability: np.ndarray, distances: np.ndarray, members: np.ndarray | None = None) -> np.ndarray:
    """(n, 2) the numbers the rule weighs, the gate's logit and the log of the distance; with the
    members' probabilities (n, members, 10), (n, 3): also their disagreement, the log of minus the
    log of ``lowest_member_probability`` (0.99 -> -4.6, 0.5 -> -0.37)."""
    probability = np.clip(np.asarray(gate_probability, dtype=np.float64).reshape(-1), SMALLEST, 1 - SMALLEST)
    distance = np.maximum(np.asarray(distances, dtype=np.float64).reshape(-1), SMALLEST)
    columns = [np.log(probability / (1 - probability)), np.log(distance)]
    if members is not None:
        lowest = np.clip(lowest_member_probability(members), SMALLEST, 1 - SMALLEST)
        columns.append(np.log(-np.log(lowest)))
    return np.column_stack(columns)


@dataclasses.dataclass(frozen=True)
class JointRule:
    gate_weight: float  # on the gate's logit: the surer of a digit, the higher the score
    distance_weight: float  # on the log of the distance: the farther, the lower
    threshold: float  # scores under it are refused
    doubt_threshold: float = -np.inf  # scores from ``threshold`` up to under it are read but doubted
    disagreement_weight: float = 0.0  # on the members' disagreement: the less they agree, the lower

    def digit_scores(
        self, gate_probability: np.ndarray, distances: np.ndarray, members: np.ndarray | None = None
    ) -> np.ndarray:
        """(n,): how much like a digit the checks together find each picture. ``members``: each
        member's probabilities (n, members, 10), which a rule with a disagreement weight needs."""
        if self.disagreement_weight == 0:
            return rule_inputs(gate_probability, distances) @ np.array([self.gate_weight, -self.distance_weight])
        if members is None:
            raise ValueError("this joint rule weighs the members' agreement: pass their probabilities")
        weights = np.array([self.gate_weight, -self.distance_weight, -self.disagreement_weight])
        return rule_inputs(gate_probability, distances, members) @ weights

    def verdicts(
        self, gate_probability: np.ndarray, distances: np.ndarray, members: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(refused, doubted), each (n,), from one scoring: refused under the threshold; doubted,
        read but not sure to hold a digit, from it up to under the doubt threshold."""
        scores = self.digit_scores(gate_probability, distances, members)
        return scores < self.threshold, (scores >= self.threshold) & (scores < self.doubt_threshold)

    def refuses(
        self, gate_probability: np.ndarray, distances: np.ndarray, members: np.ndarray | None = None
    ) -> np.ndarray:
        return self.verdicts(gate_probability, distances, members)[0]

    def doubts(
        self, gate_probability: np.ndarray, distances: np.ndarray, members: np.ndarray | None = None
    ) -> np.ndarray:
        return self.verdicts(gate_probability, distances, members)[1]

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
            float(card.get("disagreement_weight", 0.0)),
        )
        if not all(np.isfinite([rule.gate_weight, rule.distance_weight, rule.threshold, rule.disagreement_weight])):
            raise ValueError(f"the joint rule's numbers must be finite, not {card}")
        if np.isnan(rule.doubt_threshold) or np.isposinf(rule.doubt_threshold):
            raise ValueError(f"the joint rule's doubt threshold must be a number, not {rule.doubt_threshold}")
        return rule
