"""The architectures against their tutorials, and Nielsen's cost against his formula."""

import numpy as np
import pytest

from model import losses
from model.making import networks
from model.making.recipes import RECIPES


def test_quadratic_cost_is_nielsens():
    outputs = np.array([[0.2, 0.9] + [0.0] * 8], np.float32)
    # 1/2 ((0.2 - 0)^2 + (0.9 - 1)^2) for label 1
    assert float(losses.quadratic_cost(np.array([1]), outputs)[0]) == pytest.approx(0.5 * (0.04 + 0.01))


def test_sigmoid_network_has_nielsens_shape():
    network = networks.build_sigmoid_network()
    assert [layer.units for layer in network.layers if hasattr(layer, "units")] == [30, 10]
    assert network.count_params() == 784 * 30 + 30 + 30 * 10 + 10


def test_mlp_is_the_tutorials():
    model = networks.build_mlp()
    assert [layer.units for layer in model.layers if hasattr(layer, "units")] == [512, 512, 10]
    assert [layer.rate for layer in model.layers if hasattr(layer, "rate")] == [0.2, 0.2]


def test_cnn_stays_small():
    assert networks.build_cnn().count_params() < 300_000


@pytest.mark.parametrize("architecture", sorted(RECIPES))
def test_every_network_maps_a_digit_to_ten_outputs(architecture):
    # Built twice in one process: Keras names the second model's layers afresh, no clash.
    for _ in range(2):
        model = RECIPES[architecture].build()
        assert model.input_shape == (None, 28, 28, 1) and model.output_shape == (None, 10)
        assert model.layers[-1].name == "probabilities"


def test_the_tensorflow_tutorial_cnn_is_the_tutorials():
    model = networks.build_tensorflow_tutorial_cnn()
    assert [layer.filters for layer in model.layers if hasattr(layer, "filters")] == [32, 64, 64]
    assert [layer.units for layer in model.layers if hasattr(layer, "units")] == [64, 10]
    assert model.count_params() == 93_322  # the tutorial's model.summary() total


def test_the_keras_tutorial_cnn_is_the_tutorials():
    model = networks.build_keras_tutorial_cnn()
    assert [layer.filters for layer in model.layers if hasattr(layer, "filters")] == [28]
    assert [layer.units for layer in model.layers if hasattr(layer, "units")] == [128, 10]
