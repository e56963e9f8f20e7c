"""Shapes one step away from a digit that no person reads as one: MNIST's training digits
mirrored, turned on their side or upside down, and two digits written over each other.

They teach the gate the digits' exact shapes rather than "a few strokes of ink": a question
mark or a tree is a few strokes of ink too. Only changes that make no digit are used (a mirrored
0, 1 or 8 and an upside-down 6 are still digits, so they are never made).
"""

import numpy as np

MIRRORED = (2, 3, 4, 6, 7, 9)  # mirrored, these read as no digit
UPSIDE_DOWN = (3, 4, 7)  # an upside-down 2 or 5 is still close to one; 6 and 9 swap
ON_THEIR_SIDE = (1, 2, 3, 4, 5, 6, 7, 9)  # a 0 on its side is still a 0


def near_digits(images_uint8: np.ndarray, labels: np.ndarray, count: int, seed: int = 0) -> np.ndarray:
    """``count`` 28x28 uint8 images, a quarter each mirrored, upside down, on their side, and two
    digits of different classes over each other."""
    if count <= 0:
        return np.zeros((0, 28, 28), np.uint8)
    rng = np.random.default_rng(seed)
    made = []
    for index in range(count):
        kind = index % 4
        if kind == 3:
            first = int(rng.integers(len(images_uint8)))
            others = np.flatnonzero(labels != labels[first])
            second = int(others[rng.integers(len(others))])
            made.append(np.maximum(images_uint8[first], images_uint8[second]))
            continue
        allowed = (MIRRORED, UPSIDE_DOWN, ON_THEIR_SIDE)[kind]
        candidates = np.flatnonzero(np.isin(labels, allowed))
        image = images_uint8[int(candidates[rng.integers(len(candidates))])]
        if kind == 0:
            made.append(image[:, ::-1])
        elif kind == 1:
            made.append(np.rot90(image, 2))
        else:
            made.append(np.rot90(image, int(rng.choice([1, 3]))))
    return np.ascontiguousarray(np.stack(made))
