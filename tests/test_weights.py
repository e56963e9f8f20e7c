"""model.inside.weights: the first layer's units as pictures, and their snapshots during training."""

import keras
import numpy as np
import pytest

from model.inside.pictures import GAP
from model.inside.weights import CONVOLUTION, DENSE, SNAPSHOT_UNITS, first_layer_weights, weights_grid
from model.making.networks import build_mlp, build_sigmoid_network
from model.making.training import train

RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


@pytest.fixture(scope="module")
def ensemble():
    return keras.saving.load_model("model/mnist_cnn.keras", compile=False)


def test_a_cnn_member_gives_its_first_convolutions_kernels_exactly(ensemble):
    member = ensemble.get_layer("member_0")
    convolution = next(layer for layer in member.layers if isinstance(layer, keras.layers.Conv2D))
    kernel = convolution.kernel.numpy()  # (3, 3, 1, 32)
    first = first_layer_weights(member)
    assert first.kind == CONVOLUTION and first.layer_name == convolution.name and first.units == 32
    assert first.pictures.shape == (32, 3, 3) and first.pictures.dtype == np.float32
    for unit in (0, 7, 31):
        np.testing.assert_array_equal(first.pictures[unit], kernel[:, :, 0, unit])
    # The ensemble itself answers with its first member.
    np.testing.assert_array_equal(first_layer_weights(ensemble).pictures, first.pictures)


@pytest.mark.parametrize("build, units", [(build_sigmoid_network, 30), (build_mlp, 512)])
def test_a_dense_network_gives_each_hidden_units_weights_as_a_28x28_picture(build, units):
    network = build()
    dense = next(layer for layer in network.layers if isinstance(layer, keras.layers.Dense))
    kernel = dense.kernel.numpy()  # (784, units)
    first = first_layer_weights(network)
    assert first.kind == DENSE and first.layer_name == dense.name and first.units == units
    assert first.pictures.shape == (units, 28, 28)
    np.testing.assert_array_equal(first.pictures, kernel.T.reshape(units, 28, 28))
    # Row by row, as Flatten lays the pixels out: pixel (5, 17) is input 5 * 28 + 17.
    assert first.pictures[3, 5, 17] == kernel[5 * 28 + 17, 3]


def test_a_first_layer_that_draws_as_no_picture_gives_none():
    over_a_vector = keras.Sequential([keras.Input((10,)), keras.layers.Dense(4)])
    normalised_first = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.BatchNormalization(), keras.layers.Conv2D(4, 3)]
    )
    assert first_layer_weights(over_a_vector) is None
    assert first_layer_weights(normalised_first) is None


def test_a_snapshot_keeps_the_first_units_in_float16(ensemble):
    snapshot = first_layer_weights(build_mlp()).snapshot()
    assert snapshot.pictures.shape == (SNAPSHOT_UNITS, 28, 28) and snapshot.pictures.dtype == np.float16
    assert snapshot.units == 512 and snapshot.kind == DENSE
    with pytest.raises(ValueError, match="at least one unit"):
        snapshot.snapshot(0)


def tile(grid, index, tile_size, columns):
    """The pixels of the grid's ``index``th tile (GAP pixels between tiles)."""
    row, column = divmod(index, columns)
    return grid[row * (tile_size + GAP) : row * (tile_size + GAP) + tile_size, column * (tile_size + GAP) :][
        :, :tile_size
    ]


def test_the_grid_draws_positive_weights_red_negative_blue_and_zero_white():
    pictures = np.zeros((3, 2, 2), np.float32)
    pictures[0] = [[0.01, 0.0], [-0.01, 0.005]]  # tiny weights: each tile has its own scale
    pictures[1] = [[-4.0, 0.0], [0.0, 0.0]]
    pictures[2] = [[np.nan, 2.0], [0.0, 0.0]]
    grid = weights_grid(pictures, tile_px=4, columns=3)
    assert grid.dtype == np.uint8 and grid.shape == (4, 3 * 4 + 2 * GAP, 3)
    first = tile(grid, 0, 4, 3)
    assert first.shape == (4, 4, 3)
    # Nearest neighbour: each weight a 2x2 square of one colour.
    assert tuple(first[0, 0]) == tuple(first[1, 1]) == RED
    assert tuple(first[0, 3]) == WHITE and tuple(first[3, 0]) == BLUE
    assert tuple(first[3, 3]) == (255, 128, 128)  # half the largest: half way to white
    assert tuple(tile(grid, 1, 4, 3)[0, 0]) == BLUE
    assert tuple(tile(grid, 2, 4, 3)[0, 0]) == WHITE  # a diverged run's NaN draws as zero
    gap = grid[:, 4 : 4 + GAP]
    assert (gap == gap[0, 0]).all() and tuple(gap[0, 0]) not in (RED, BLUE, WHITE)


def test_the_grids_colours_are_matplotlibs_bwr_like_the_attribution_pictures():
    from matplotlib import colormaps

    values = np.linspace(-1, 1, 101, dtype=np.float32).reshape(1, 1, 101)
    grid = weights_grid(values, tile_px=101)
    expected = colormaps["bwr"](0.5 + 0.5 * values[0, 0])[:, :3] * 255
    np.testing.assert_allclose(grid[0].astype(float), expected, atol=2.5)


def test_the_grid_follows_the_order_and_stops_at_the_limit():
    pictures = np.stack([np.full((3, 3), sign, np.float32) for sign in (1.0, -1.0, 1.0, -1.0, 1.0)])
    pictures[2, 0, 0] = 0.0  # unit 2 is told apart by its white corner
    grid = weights_grid(pictures, order=[2, 1, 0, 3], limit=3, tile_px=3, columns=2)
    assert grid.shape == (2 * 3 + GAP, 2 * 3 + GAP, 3)  # three tiles in two columns: two rows
    assert tuple(tile(grid, 0, 3, 2)[0, 0]) == WHITE and tuple(tile(grid, 0, 3, 2)[1, 1]) == RED
    assert tuple(tile(grid, 1, 3, 2)[1, 1]) == BLUE
    assert tuple(tile(grid, 2, 3, 2)[0, 0]) == RED
    assert weights_grid(pictures, tile_px=3).shape == (3, 5 * 3 + 4 * GAP, 3)  # no order: all, as they come
    assert weights_grid(np.zeros((40, 3, 3)), tile_px=3).shape == (4 * 3 + 3 * GAP, 8 * 3 + 7 * GAP, 3)  # 32, 8 a row


@pytest.mark.parametrize(
    "pictures, options, message",
    [
        (np.zeros((3, 3)), {}, "units, height, width"),
        (np.zeros((0, 3, 3)), {}, "at least one unit"),
        (np.zeros((2, 3, 3)), {"order": [0, 2]}, "between 0 and 1"),
        (np.zeros((2, 3, 3)), {"order": [-1]}, "between 0 and 1"),
        (np.zeros((2, 3, 3)), {"order": []}, "between 0 and 1"),
        (np.zeros((2, 3, 3)), {"limit": 0}, "at least 1"),
    ],
)
def test_a_grid_of_nothing_is_a_clear_error(pictures, options, message):
    with pytest.raises(ValueError, match=message):
        weights_grid(pictures, **options)


def test_training_reports_carry_a_bounded_snapshot_that_changes_as_the_network_learns(sample):
    reports = []
    result = train("mlp", sample, epochs=2, train_size=300, seed=2, on_progress=reports.append, progress_every=1)
    snapshots = [report.first_layer for report in reports if report.first_layer is not None]
    assert reports[0].first_layer is not None and reports[-1].first_layer is not None
    assert len(snapshots) >= 3  # the first report and each epoch's last
    for snapshot in snapshots:
        assert snapshot.kind == DENSE and snapshot.units == 512
        assert snapshot.pictures.shape == (32, 28, 28) and snapshot.pictures.dtype == np.float16
        assert snapshot.pictures.nbytes <= 32 * 28 * 28 * 2
    first, last = reports[0].first_layer.pictures, reports[-1].first_layer.pictures
    assert np.abs(last.astype(np.float32) - first).max() > 1e-3
    # The last snapshot is the trained model's own first layer.
    trained = first_layer_weights(result.model).pictures[:32].astype(np.float16)
    np.testing.assert_array_equal(last, trained)
