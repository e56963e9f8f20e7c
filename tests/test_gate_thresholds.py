"""bench/gate_thresholds.py's "what it was taught" measure reads the very pictures the gate trained on."""

import numpy as np

from bench.gate_thresholds import taught
from model.making.synthetic.negatives import KINDS, make_negatives


class RefusesWhatItKnows:
    """A gate that refuses exactly the images it was given: the training stream's pictures."""

    def __init__(self, known: np.ndarray) -> None:
        self.known = {image.tobytes() for image in known}

    def refuses(self, images: np.ndarray) -> np.ndarray:
        as_uint8 = np.round(np.asarray(images) * 255).astype(np.uint8)
        return np.array([image.tobytes() in self.known for image in as_uint8])


def test_the_training_stream_is_the_one_the_gate_learned_from_and_the_fresh_one_is_not():
    count = 3 * len(KINDS)
    shares = taught(RefusesWhatItKnows(make_negatives(count, seed=0)), count)
    assert set(shares) == set(KINDS)
    assert all(row["training stream"] == 1.0 for row in shares.values())
    # Only kinds that can come out the same twice (a blank page, an even texture) may match by chance.
    assert np.mean([row["fresh seed"] for row in shares.values()]) < 0.2
