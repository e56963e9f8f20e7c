"""What a digit network has made of an image just before it names a digit: the input of its
final Dense layer (for an ensemble, its members' joined). The map of the test digits is made of
these features, and the familiarity check (``familiarity.py``) measures how far a drawing's lie
from every digit's.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

from model.recognition.forward import DIGIT_SHAPE, in_batches, traced_forward


def penultimate_model(keras_model: Any) -> Any:
    """A Keras model from the image to the input of ``keras_model``'s final Dense layer: what the
    network has made of the image just before it names a digit. For an ensemble (members averaged,
    ``model.making.ensemble``) the members' inputs joined, in member order."""
    import keras

    inputs = keras.Input(shape=tuple(keras_model.input_shape[1:]), name="image")
    return keras.Model(inputs, _penultimate(keras_model, inputs), name=f"{keras_model.name}_features")


def features_reader(keras_model: Any) -> Callable[[np.ndarray], np.ndarray]:
    """A function from many 28x28 images to their penultimate features (n, D), read through one
    traced call in bounded batches: the map, the familiarity check and its benchmark read so."""
    forward = traced_forward(penultimate_model(keras_model))

    def features_of(images: np.ndarray) -> np.ndarray:
        images = np.asarray(images, dtype=np.float32).reshape(-1, *DIGIT_SHAPE)
        return in_batches(lambda batch: forward(batch).numpy(), images, np.zeros((0, 1), np.float32))

    return features_of


def _penultimate(keras_model: Any, tensor: Any) -> Any:
    import keras

    last = keras_model.layers[-1] if keras_model.layers else None
    if isinstance(last, keras.layers.Dense):
        if isinstance(keras_model, keras.Sequential):  # its graph is rebuilt from its layers
            for layer in keras_model.layers[:-1]:
                tensor = layer(tensor)
            return tensor
        return keras.Model(keras_model.inputs[0], last.input)(tensor)  # digit models have one input
    # An ensemble: each member reads the image itself (``average`` wires them so).
    members = [layer for layer in keras_model.layers if isinstance(layer, keras.Model)]
    if not members:
        raise ValueError(
            f"{keras_model.name} ends in {type(last).__name__}, not a Dense layer or an ensemble's members"
        )
    features = [_penultimate(member, tensor) for member in members]
    return features[0] if len(features) == 1 else keras.layers.Concatenate(name="features")(features)


def readings_reader(keras_model: Any) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """A function from many 28x28 images to (features (n, D), each member's probabilities
    (n, members, 10)), read through ``reading_model`` in bounded batches: what the checks weigh."""
    forward = traced_forward(reading_model(keras_model))

    def read_batch(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        outputs = forward(batch)
        return outputs["features"].numpy(), outputs["members"].numpy()

    def read(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        images = np.asarray(images, dtype=np.float32).reshape(-1, *DIGIT_SHAPE)
        return in_batches(read_batch, images, (np.zeros((0, 1), np.float32), np.zeros((0, 1, 10), np.float32)))

    return read


def reading_model(keras_model: Any) -> Any:
    """A Keras model from the image to ``{"probabilities", "features", "members"}``: the network's
    own probabilities, its penultimate features (an ensemble's members averaged as
    ``model.making.ensemble.average`` does, their features joined) and each member's probabilities
    (n, members, 10), in one pass over the layers ``keras_model`` already has, so the features and
    the members' answers cost nothing more than the reading."""
    import keras

    inputs = keras.Input(shape=tuple(keras_model.input_shape[1:]), name="image")
    members = [layer for layer in keras_model.layers if isinstance(layer, keras.Model)] or [keras_model]
    features, probabilities = [], []
    for index, member in enumerate(members):
        # Each member as its own sub-model: their layers share names ("probabilities").
        both = keras.Model(member.inputs[0], [member.layers[-1].input, member.outputs[0]], name=f"reading_{index}")
        member_features, member_probabilities = both(inputs)
        features.append(member_features)
        probabilities.append(member_probabilities)
    each = [keras.layers.Reshape((1, -1))(member_probabilities) for member_probabilities in probabilities]
    each_member = each[0] if len(each) == 1 else keras.layers.Concatenate(axis=1, name="members")(each)
    if len(members) > 1:
        probabilities = [keras.layers.Average(name="averaged")(probabilities)]
        features = [keras.layers.Concatenate(name="joined")(features)]
    return keras.Model(
        inputs,
        {"probabilities": probabilities[0], "features": features[0], "members": each_member},
        name=f"{keras_model.name}_reading",
    )
