"""The drawing moved, turned, or drawn with a thinner or thicker pen, as the network sees it.

MNIST's digits are centred by their mass in a 20x20 box, and preprocessing puts every drawing
there too. Moving the 28x28 a few pixels off centre is what the dense networks never saw in
training; a convolution slides the same kernels everywhere and pooling forgives small shifts,
which is what the Inside page lets an audience see.
"""

import numpy as np
from scipy import ndimage

LARGEST_SHIFT = 8  # pixels: beyond it parts of a digit leave the 28x28
LARGEST_TURN = 60  # degrees
PEN_STEPS = 2  # thinner or thicker by up to two pixels


def moved(image: np.ndarray, right: int = 0, down: int = 0, degrees: float = 0.0, pen: int = 0) -> np.ndarray:
    """The 28x28 image (floats in [0, 1]) turned ``degrees`` anticlockwise about its centre, its
    strokes made ``pen`` pixels thicker (negative: thinner), then moved ``right`` and ``down`` pixels."""
    if abs(right) > LARGEST_SHIFT or abs(down) > LARGEST_SHIFT:
        raise ValueError(f"a shift is at most {LARGEST_SHIFT} pixels each way, got right={right}, down={down}")
    if abs(degrees) > LARGEST_TURN:
        raise ValueError(f"a turn is at most {LARGEST_TURN} degrees each way, got {degrees}")
    if abs(pen) > PEN_STEPS:
        raise ValueError(f"the pen changes by at most {PEN_STEPS} pixels each way, got {pen}")
    result = np.asarray(image, dtype=np.float32).reshape(28, 28)
    if degrees:
        result = ndimage.rotate(result, degrees, reshape=False, order=1, mode="constant", cval=0.0)
    if pen > 0:
        result = ndimage.grey_dilation(result, size=(pen + 1, pen + 1))
    elif pen < 0:
        result = ndimage.grey_erosion(result, size=(1 - pen, 1 - pen))
    if right or down:
        result = ndimage.shift(result, (down, right), order=0, mode="constant", cval=0.0)
    return np.clip(result, 0.0, 1.0).astype(np.float32)
