"""The map of the test digits: the features it is made from, the shipped file, placing a drawing
on it, its picture, and making it again."""

import dataclasses
import hashlib
import json

import numpy as np
import pytest

from model.data import as_floats
from model.inside.digit_map import (
    MAP_PATH,
    DigitMap,
    MapPlacer,
    Placement,
    neighbour_pictures,
)
from model.inside.map_picture import map_picture, marker
from model.recognition.features import penultimate_model
from model.recognition.forward import traced_forward
from model.recognition.preprocess import preprocess
from model.storage import SHIPPED_MODEL_PATH, read_card, sha256_of_files
from tests.support.drawings import draw_digit


@pytest.fixture(scope="module")
def shipped_map():
    digit_map = DigitMap.load()
    assert digit_map is not None, f"{MAP_PATH} is missing or damaged: python -m model map"
    return digit_map


@pytest.fixture(scope="module")
def placer(shipped_predictor, shipped_map):
    return MapPlacer(shipped_predictor.model, shipped_map)


def small_map(count=50, dimensions=4, seed=0):
    """A hand-made map: reduced features = the features themselves (an identity projection)."""
    generator = np.random.default_rng(seed)
    return DigitMap(
        coordinates=generator.uniform(-50, 50, (count, 2)).astype(np.float32),
        labels=(np.arange(count) % 10).astype(np.uint8),
        predicted=(np.arange(count) % 10).astype(np.uint8),
        features=generator.normal(size=(count, dimensions)).astype(np.float16),
        projection_mean=np.zeros(dimensions, np.float32),
        projection=np.eye(dimensions, dtype=np.float32),
        images=generator.integers(0, 256, (count, 28, 28), dtype=np.uint8),
        card={"n": count},
    )


# --- the features the map is made from ------------------------------------------------------


def test_the_ensembles_features_are_its_members_last_dense_inputs(shipped_predictor, sample):
    import keras

    model, images = shipped_predictor.model, as_floats(sample.x_test[:16])[..., None]
    features = traced_forward(penultimate_model(model))(images).numpy()
    members = [model.get_layer(f"member_{index}") for index in range(3)]
    assert features.shape == (16, 3 * 128)
    probabilities = []
    for index, member in enumerate(members):
        dense = member.get_layer("probabilities")
        direct = keras.Model(member.inputs[0], dense.input)(images, training=False).numpy()
        np.testing.assert_allclose(features[:, index * 128 : (index + 1) * 128], direct, rtol=1e-4, atol=1e-4)
        kernel, bias = (weight.numpy() for weight in dense.weights)
        logits = direct @ kernel + bias
        probabilities.append(np.exp(logits - logits.max(axis=1, keepdims=True)))
        probabilities[-1] /= probabilities[-1].sum(axis=1, keepdims=True)
    # The final Dense layers on these features give back the ensemble's own answer.
    np.testing.assert_allclose(np.mean(probabilities, axis=0), model(images, training=False).numpy(), atol=1e-5)


def test_a_sequential_networks_features_are_its_last_dense_input():
    import keras

    network = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1), name="image"),
            keras.layers.Flatten(),
            keras.layers.Dense(5, activation="relu", name="hidden"),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(10, activation="softmax", name="probabilities"),
        ]
    )
    images = np.random.default_rng(0).uniform(size=(4, 28, 28, 1)).astype(np.float32)
    features = traced_forward(penultimate_model(network))(images).numpy()
    kernel, bias = (weight.numpy() for weight in network.get_layer("hidden").weights)
    np.testing.assert_allclose(features, np.maximum(images.reshape(4, -1) @ kernel + bias, 0), rtol=1e-4, atol=1e-5)


def test_a_functional_networks_features_and_a_network_without_a_final_dense():
    import keras

    inputs = keras.Input(shape=(28, 28, 1), name="image")
    pooled = keras.layers.GlobalAveragePooling2D()(keras.layers.Conv2D(3, 3, name="convolution")(inputs))
    network = keras.Model(inputs, keras.layers.Dense(10, activation="softmax", name="probabilities")(pooled))
    images = np.random.default_rng(1).uniform(size=(2, 28, 28, 1)).astype(np.float32)
    direct = keras.Model(inputs, pooled)(images).numpy()
    np.testing.assert_allclose(traced_forward(penultimate_model(network))(images).numpy(), direct, rtol=1e-5)
    with pytest.raises(ValueError, match="not a Dense layer"):
        penultimate_model(keras.Model(inputs, pooled))


# --- placing a drawing ----------------------------------------------------------------------


def test_a_digit_on_the_map_is_placed_on_itself():
    digit_map = small_map()
    for index in (0, 17, 49):
        placement = digit_map.place(digit_map.features[index].astype(np.float32), neighbours=5)
        assert placement.neighbour_indices[0] == index and placement.distances[0] < 0.01
        assert len(placement.neighbour_indices) == 5 and np.all(np.diff(placement.distances) >= 0)
        np.testing.assert_allclose(placement.position, digit_map.coordinates[index], atol=2.0)
        np.testing.assert_array_equal(placement.neighbour_labels, digit_map.labels[placement.neighbour_indices])


def test_placing_refuses_wrong_arguments():
    digit_map = small_map()
    with pytest.raises(ValueError, match="made from 4 features"):
        digit_map.place(np.zeros(5, np.float32))
    with pytest.raises(ValueError, match="neighbours must be"):
        digit_map.place(np.zeros(4, np.float32), neighbours=0)


def test_a_test_digit_of_the_shipped_map_lands_on_itself(shipped_map, placer):
    span = np.ptp(shipped_map.coordinates, axis=0).max()
    for index in (0, 1234, 9999):
        placement = placer.place(as_floats(shipped_map.images[index]))
        assert placement.neighbour_indices[0] == index
        assert placement.distances[0] < 0.05 < placement.distances[1]
        assert np.linalg.norm(np.subtract(placement.position, shipped_map.coordinates[index])) < 0.01 * span


def test_drawn_digits_land_among_their_own(shipped_map, placer):
    middles = np.array([np.median(shipped_map.coordinates[shipped_map.labels == digit], axis=0) for digit in range(10)])
    for digit in range(10):
        placement = placer.place(preprocess(draw_digit(digit)))
        assert np.sum(placement.neighbour_labels == digit) >= 6, (digit, placement.neighbour_labels)
        assert np.argmin(np.linalg.norm(middles - placement.position, axis=1)) == digit


def test_training_digits_never_mapped_land_among_their_own(placer, sample):
    picked = np.concatenate([np.flatnonzero(sample.y_train == digit)[:5] for digit in range(10)])
    agreeing = [
        np.mean(placer.place(as_floats(sample.x_train[index])).neighbour_labels == sample.y_train[index])
        for index in picked
    ]
    assert np.mean(agreeing) > 0.95


def test_the_neighbours_pictures_say_which_the_model_reads_wrong(shipped_map):
    mistake = shipped_map.mistakes[0]
    indices = np.array([0, mistake])
    placement = Placement((0.0, 0.0), indices, shipped_map.labels[indices], np.zeros(2))
    images, captions = neighbour_pictures(shipped_map, placement)
    assert [image.shape for image in images] == [(28, 28), (28, 28)]
    assert captions == [
        str(shipped_map.labels[0]),
        f"{shipped_map.labels[mistake]}, read as {shipped_map.predicted[mistake]}",
    ]


# --- the shipped file -----------------------------------------------------------------------


def test_the_shipped_map_is_the_shipped_models_view_of_the_whole_test_split(shipped_map, sample):
    assert MAP_PATH.stat().st_size < 3_000_000
    assert len(shipped_map.labels) == shipped_map.card["n"] == 10_000
    assert shipped_map.coordinates.dtype == np.float32 and shipped_map.features.dtype == np.float16
    assert shipped_map.projection.shape == (384, shipped_map.features.shape[1])
    # Made from the model that ships beside it: a new model needs a new map.
    assert shipped_map.card["model"] == SHIPPED_MODEL_PATH.name
    assert shipped_map.card["model_sha256"] == sha256_of_files([SHIPPED_MODEL_PATH])[:16]
    # Its images are the real test split: the bundled sample holds its first 2,000.
    np.testing.assert_array_equal(shipped_map.images[:2000], sample.x_test)
    np.testing.assert_array_equal(shipped_map.labels[:2000], sample.y_test)
    # Its answers are the ones the model's card recorded for this split (metrics.record_answers).
    split = hashlib.sha256(shipped_map.images.tobytes())
    split.update(shipped_map.labels.tobytes())
    assert shipped_map.card["test_split_id"] == split.hexdigest()[:16]
    model_card = read_card(SHIPPED_MODEL_PATH)
    recorded = model_card["test_answers"][split.hexdigest()[:16]]
    assert "".join(map(str, shipped_map.predicted.tolist())) == recorded
    expected_mistakes = (1 - model_card["test_accuracy"]) * 10_000
    assert abs(len(shipped_map.mistakes) - expected_mistakes) <= 1


@pytest.mark.slow
def test_the_shipped_maps_answers_are_the_shipped_models(shipped_map, shipped_predictor):
    answers = shipped_predictor.predict_uint8(shipped_map.images[:2000])
    np.testing.assert_array_equal(answers, shipped_map.predicted[:2000])


def test_a_missing_or_damaged_map_loads_as_none(tmp_path, caplog):
    good = MAP_PATH.read_bytes()
    (tmp_path / "truncated.npz").write_bytes(good[: len(good) // 2])
    (tmp_path / "noise.npz").write_bytes(bytes(range(256)) * 40)
    with np.load(MAP_PATH) as archive:
        arrays = {name: archive[name] for name in archive.files}
    np.savez_compressed(tmp_path / "no_images.npz", **{k: v for k, v in arrays.items() if k != "images"})
    np.savez_compressed(tmp_path / "short_labels.npz", **{**arrays, "labels": arrays["labels"][:10]})
    np.savez_compressed(tmp_path / "bad_card.npz", **{**arrays, "card": np.array("{not json")})
    for name in ("missing", "truncated", "noise", "no_images", "short_labels", "bad_card"):
        assert DigitMap.load(tmp_path / f"{name}.npz") is None, name
    assert "Could not load the digit map" in caplog.text


# --- the picture ----------------------------------------------------------------------------


def test_the_picture_has_the_asked_size_and_look(shipped_map):
    light, dark = map_picture(shipped_map, size_px=300), map_picture(shipped_map, dark=True, size_px=300)
    assert light.shape == dark.shape == (300, 300, 3) and light.dtype == np.uint8
    assert tuple(light[0, 0]) == (255, 255, 255) and tuple(dark[0, 0]) == (0x0D, 0x11, 0x17)
    assert map_picture(shipped_map, size_px=457).shape == (457, 457, 3)
    light[:] = 0  # a copy: the map drawn once stays as it was
    assert tuple(map_picture(shipped_map, size_px=300)[0, 0]) == (255, 255, 255)
    with pytest.raises(ValueError, match="size_px"):
        map_picture(shipped_map, size_px=10)


@pytest.mark.parametrize("dark", [False, True])
def test_the_marker_is_drawn_where_the_drawing_lands(shipped_map, dark):
    coordinates, size = shipped_map.coordinates, 400
    low, high = coordinates.min(axis=0), coordinates.max(axis=0)
    plain = map_picture(shipped_map, dark=dark, size_px=size).astype(int)

    def changed_rows_and_columns(position):
        placement = Placement(tuple(position), np.array([0]), shipped_map.labels[:1], np.zeros(1))
        changed = np.abs(map_picture(shipped_map, placement, dark=dark, size_px=size) - plain).sum(axis=2) > 60
        return np.nonzero(changed)

    # The middle of the map is the middle of the square picture.
    rows, columns = changed_rows_and_columns((low + high) / 2)
    centre = np.hypot(rows - size / 2, columns - size / 2)
    assert np.sum(centre < 30) > 50
    # The highest point is near the top edge: the picture's rows run downwards.
    rows, columns = changed_rows_and_columns(coordinates[np.argmax(coordinates[:, 1])])
    assert np.sum(rows < 0.1 * size) > 50


def test_the_marker_the_page_draws_over_the_map_is_where_the_picture_draws_it(shipped_map):
    coordinates, size, neighbours = shipped_map.coordinates, 400, np.arange(8)

    def placed_at(position):
        return Placement(tuple(position), neighbours, shipped_map.labels[:8], np.zeros(8))

    low, high = coordinates.min(axis=0), coordinates.max(axis=0)
    middle = marker(shipped_map, placed_at((low + high) / 2), size)
    assert np.allclose(middle.centre, (size / 2, size / 2), atol=1)
    assert len(middle.ends) == 8 and middle.line >= 2 and middle.radius >= 8
    # Each line ends where a drawing placed on that neighbour would have its ring.
    for index in (0, 5):
        assert np.allclose(middle.ends[index], marker(shipped_map, placed_at(coordinates[index]), size).centre)
    # The raster picture (the projector's slide) draws its ring at the same place.
    highest = placed_at(coordinates[np.argmax(coordinates[:, 1])])
    top = marker(shipped_map, highest, size)
    assert top.centre[1] < 0.1 * size
    drawn = np.abs(map_picture(shipped_map, highest, size_px=size).astype(int) - map_picture(shipped_map, size_px=size))
    rows, columns = np.nonzero(drawn.sum(axis=2) > 60)
    ring = np.hypot(columns - top.centre[0], rows - top.centre[1])
    assert np.sum(np.abs(ring - top.radius) < top.line * 2) > 30


# --- making it ------------------------------------------------------------------------------


def test_making_a_small_map_and_reading_it_back(shipped_predictor, sample, tmp_path):
    from model.making.digit_map import make_digit_map, save_digit_map

    data = dataclasses.replace(sample, x_test=sample.x_test[:300], y_test=sample.y_test[:300])
    digit_map = make_digit_map(shipped_predictor.model, data, SHIPPED_MODEL_PATH, perplexity=10, dimensions=16)
    assert digit_map.coordinates.shape == (300, 2) and digit_map.features.shape == (300, 16)
    assert digit_map.projection.shape == (384, 16)
    np.testing.assert_array_equal(digit_map.predicted, shipped_predictor.predict_uint8(data.x_test))
    assert digit_map.card["n"] == 300 and digit_map.card["perplexity"] == 10
    assert digit_map.card["test_split_id"] == data.test_split_id
    path = save_digit_map(digit_map, tmp_path / "map.npz")
    assert [file.name for file in tmp_path.iterdir()] == ["map.npz"]  # no temporary file left
    loaded = DigitMap.load(path)
    assert loaded is not None and loaded.card == json.loads(json.dumps(digit_map.card))
    for name in ("coordinates", "labels", "predicted", "features", "projection_mean", "projection", "images"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(digit_map, name))
    # The stored features are the ones a drawing is compared with.
    own = MapPlacer(shipped_predictor.model, loaded).place(as_floats(data.x_test[42]))
    assert own.neighbour_indices[0] == 42


def test_making_refuses_wrong_arguments(shipped_predictor, sample, tmp_path):
    from model.making.digit_map import make_digit_map, save_digit_map

    data = dataclasses.replace(sample, x_test=sample.x_test[:50], y_test=sample.y_test[:50])
    with pytest.raises(ValueError, match="perplexity"):
        make_digit_map(shipped_predictor.model, data, SHIPPED_MODEL_PATH, perplexity=50)
    with pytest.raises(ValueError, match="dimensions"):
        make_digit_map(shipped_predictor.model, data, SHIPPED_MODEL_PATH, perplexity=5, dimensions=1)
    with pytest.raises(ValueError, match=r"\.npz"):
        save_digit_map(small_map(), tmp_path / "map.txt")


@pytest.mark.slow
def test_the_map_command_writes_a_map(tmp_path, capsys):
    from model.cli.main import main
    from model.data import SAMPLE_PATH

    out = tmp_path / "map.npz"
    assert main(["map", "--data", str(SAMPLE_PATH), "--out", str(out), "--perplexity", "20"]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    written = DigitMap.load(out)
    assert written is not None and written.card["n"] == 2000 and written.card["perplexity"] == 20
    assert written.card["command"] == f"python -m model map --out {out} --perplexity 20"
    assert main(["map", "--out", str(tmp_path / "map.txt")]) == 2
