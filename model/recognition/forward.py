"""One traced call over a Keras model, and many images read through it in bounded batches.

``keras.Model.predict`` sets up a data pipeline on every call (about 36 ms for one image here);
a traced ``tf.function`` over the model costs well under 2 ms, which is what a page that reruns
on every stroke needs. The predictor, the gate and the number reader all read through this.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

# Images per call when many are read (the Gallery's 10,000): as fast as 1,024 here, but the
# server's memory after the test set stays at 830 MB instead of 1,310 MB (three members), which
# leaves a small instance room to admit a training run.
EVALUATION_BATCH = 256

DIGIT_SHAPE = (28, 28, 1)


def traced_forward(keras_model: Any, input_shape: tuple[int | None, ...] = DIGIT_SHAPE) -> Callable[[Any], Any]:
    """The model as a traced tf.function over batches of ``input_shape`` floats (28x28x1, or a
    line of any width for the number model): no per-call set-up."""
    import tensorflow as tf

    return tf.function(
        lambda images: keras_model(images, training=False),
        input_signature=[tf.TensorSpec(shape=(None, *input_shape), dtype=tf.float32)],
        reduce_retracing=True,
    )


def in_batches(
    read: Callable[[np.ndarray], Any], images: np.ndarray, empty: Any, batch_size: int = EVALUATION_BATCH
) -> Any:
    """``read`` over ``images`` batch by batch, the outputs joined (each in turn when ``read``
    returns a tuple of arrays); ``empty`` when there are none."""
    outputs = [read(images[start : start + batch_size]) for start in range(0, len(images), batch_size)]
    if not outputs:
        return empty
    if isinstance(outputs[0], tuple):
        return tuple(np.concatenate(parts) for parts in zip(*outputs, strict=True))
    return np.concatenate(outputs)
