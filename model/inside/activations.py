"""Every layer's output for one drawing, from one traced call.

A probe model maps the network's input to the outputs of all its layers at once, so a page that
reruns on every pen stroke pays one dispatch (a few milliseconds), not one per layer. Layers that
act only in training (dropout) show their input unchanged: that is what they do when reading.
"""

import dataclasses
from typing import Any

import numpy as np

from model.recognition.forward import DIGIT_SHAPE, traced_forward

# What each Keras layer class does, in the words the page uses.
KINDS = {
    "Conv2D": "convolution",
    "Dense": "dense",
    "MaxPooling2D": "pooling",
    "AveragePooling2D": "averaging",
    "GlobalAveragePooling2D": "averaging",
    "GlobalMaxPooling2D": "pooling",
    "BatchNormalization": "normalisation",
    "ReLU": "activation",
    "Activation": "activation",
    "Dropout": "dropout",
    "Flatten": "flatten",
    "Reshape": "reshape",
    "Rescaling": "rescaling",
}


@dataclasses.dataclass(frozen=True)
class LayerActivation:
    name: str
    kind: str  # a value of KINDS, or "output" for the ten probabilities at the end
    values: np.ndarray  # this layer's output for the drawing, without the batch axis

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.values.shape)

    @property
    def is_spatial(self) -> bool:
        """A stack of feature maps (height, width, channels), as convolutions and pooling give."""
        return self.values.ndim == 3


def networks_inside(keras_model: Any) -> dict[str, Any]:
    """The networks a model is made of, by name: an ensemble's members, or the model itself."""
    import keras

    members = [layer for layer in keras_model.layers if isinstance(layer, keras.Model)]
    return {member.name: member for member in members} if members else {keras_model.name: keras_model}


def kind_of(layer: Any, is_last: bool) -> str:
    if is_last:
        return "output"
    return KINDS.get(type(layer).__name__, type(layer).__name__.lower())


class LayerTracer:
    """One network's layers and a traced call that returns all their outputs for a batch."""

    def __init__(self, network: Any) -> None:
        import keras

        self.network = network
        self.layers = [layer for layer in network.layers if not isinstance(layer, keras.layers.InputLayer)]
        if not self.layers:
            raise ValueError(f"{network.name} has no layers to look inside")
        probe = keras.Model(network.inputs, [layer.output for layer in self.layers], name=f"{network.name}_inside")
        self.probe = probe
        self._forward = traced_forward(probe)

    def outputs(self, images: np.ndarray) -> list[np.ndarray]:
        """Every layer's output for a batch of 28x28 images in [0, 1], batch axis first."""
        batch = np.asarray(images, dtype=np.float32).reshape(-1, *DIGIT_SHAPE)
        return [output.numpy() for output in self._forward(batch)]

    def activations(self, image: np.ndarray) -> list[LayerActivation]:
        """Every layer's output for one 28x28 image, in the network's order."""
        outputs = self.outputs(image)
        last = len(self.layers) - 1
        return [
            LayerActivation(layer.name, kind_of(layer, index == last), output[0])
            for index, (layer, output) in enumerate(zip(self.layers, outputs, strict=True))
        ]
