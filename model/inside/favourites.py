"""What a deeper unit learned, shown by the test digits that excite it most.

A first-layer unit's weights are a picture (``weights.py``); a unit deeper in the network
combines many of those, and the plainest honest view of it is the handful of test digits it
fires for most strongly. A convolution's unit is one feature map: it counts by its strongest
position (it fires for a stroke wherever the stroke is).
"""

import dataclasses
from typing import Any

import numpy as np

from model.data import as_floats
from model.inside.activations import LayerActivation, LayerTracer
from model.recognition.forward import traced_forward

FAVOURITES_PER_UNIT = 6
BATCH = 128  # images per traced call


@dataclasses.dataclass(frozen=True)
class Favourites:
    """Per layer name: (units, FAVOURITES_PER_UNIT) indices into the images, the most exciting first."""

    by_layer: dict[str, np.ndarray]
    images_seen: int


def firing_layers(tracer: LayerTracer) -> list[str]:
    """The layers whose units are worth a row of favourites: after the first, up to the output,
    skipping a convolution or dense layer whose activation function is a layer of its own (the
    activation's output is the unit's firing)."""
    names = []
    layers = tracer.layers
    for index, layer in enumerate(layers[:-1]):
        kind = type(layer).__name__
        activation = getattr(getattr(layer, "activation", None), "__name__", "linear")
        if kind in ("Conv2D", "Dense") and activation == "linear":
            continue
        if kind in ("ReLU", "Activation", "Conv2D", "Dense") and index > 0:
            names.append(layer.name)
    return names


def unit_strengths(output: np.ndarray) -> np.ndarray:
    """(images, units): a feature map's strongest position, or a dense unit's value."""
    if output.ndim == 4:
        return output.max(axis=(1, 2))
    return output.reshape(len(output), -1)


def firing(activations: list[LayerActivation], layer_name: str, units: int) -> np.ndarray | None:
    """How strongly each unit of ``layer_name`` fires for the drawing: its own output if it has
    ``units`` values per position, else the next layer's that does (the activation after a
    linear convolution)."""
    names = [activation.name for activation in activations]
    if layer_name not in names:
        return None
    for activation in activations[names.index(layer_name) :]:
        fires = activation.kind == "activation" or (
            activation.kind in ("dense", "convolution") and activation.values.min() >= 0
        )
        if activation.values.shape[-1] == units and fires:
            return unit_strengths(activation.values[None])[0]
    return None


def strengths_model(tracer: LayerTracer, names: list[str]) -> Any:
    """A traced call from the image to each named layer's unit strengths, (batch, units): the
    spatial maximum is taken inside the graph, so the feature maps themselves never reach Python
    (a batch of them is 13 MB a layer; all of them left the server 120 MB larger, measured)."""
    import keras

    outputs = []
    for name in names:
        output = tracer.network.get_layer(name).output
        outputs.append(keras.ops.max(output, axis=(1, 2)) if len(output.shape) == 4 else output)
    return traced_forward(keras.Model(tracer.network.inputs, outputs))


def find_favourites(tracer: LayerTracer, images: np.ndarray, per_unit: int = FAVOURITES_PER_UNIT) -> Favourites:
    """For every firing layer, each unit's ``per_unit`` most exciting ``images`` (uint8, MNIST's format)."""
    if len(images) < per_unit:
        raise ValueError(f"need at least {per_unit} images to pick favourites from, got {len(images)}")
    names = firing_layers(tracer)
    strengths_of = strengths_model(tracer, names)
    strengths: dict[str, list[np.ndarray]] = {name: [] for name in names}
    for start in range(0, len(images), BATCH):
        batch = as_floats(images[start : start + BATCH])[..., None]
        outputs = strengths_of(batch)
        for name, output in zip(names, outputs if isinstance(outputs, list | tuple) else [outputs], strict=True):
            strengths[name].append(unit_strengths(output.numpy()).astype(np.float32))
    by_layer = {}
    for name in names:
        table = np.concatenate(strengths[name])  # (images, units)
        best = np.argpartition(-table, per_unit - 1, axis=0)[:per_unit]  # (per_unit, units), unordered
        order = np.argsort(-np.take_along_axis(table, best, axis=0), axis=0)
        by_layer[name] = np.take_along_axis(best, order, axis=0).T.astype(np.int32)
    return Favourites(by_layer, len(images))
