"""The Inside page's model side: activations, pictures, moves, favourites, the tutorials' networks."""

import io

import keras
import numpy as np
import pytest
from PIL import Image

from model.data import as_floats
from model.inside.activations import LayerActivation, LayerTracer, networks_inside
from model.inside.favourites import find_favourites, firing_layers, unit_strengths
from model.inside.pictures import (
    GAP,
    SHOWN_MAPS,
    activation_picture,
    coloured,
    indexed_activation_picture,
    strongest_maps,
)
from model.inside.transform import moved
from model.inside.tutorials import TUTORIAL_ARCHITECTURES, load_tutorials, tutorial_path
from model.making import networks
from model.storage import SHIPPED_MODEL_PATH, read_card


@pytest.fixture(scope="module")
def shipped():
    return keras.saving.load_model(SHIPPED_MODEL_PATH, compile=False)


def test_an_ensemble_is_looked_inside_member_by_member(shipped):
    members = networks_inside(shipped)
    assert list(members) == ["member_0", "member_1", "member_2"]
    tutorial = networks.build_tensorflow_tutorial_cnn()
    assert list(networks_inside(tutorial).values()) == [tutorial]


@pytest.mark.parametrize("member", ["member_0", "member_1"])
def test_every_layer_matches_calling_its_keras_sub_model(shipped, sample, member):
    network = networks_inside(shipped)[member]
    tracer = LayerTracer(network)
    image = as_floats(sample.x_test[7])
    activations = tracer.activations(image)
    assert [activation.name for activation in activations] == [layer.name for layer in network.layers[1:]]
    assert activations[-1].kind == "output" and activations[-1].shape == (10,)
    for activation in activations:
        sub_model = keras.Model(network.inputs, network.get_layer(activation.name).output)
        expected = sub_model(image.reshape(1, 28, 28, 1), training=False).numpy()[0]
        np.testing.assert_allclose(activation.values, expected, rtol=1e-4, atol=1e-5)
    # The last layer of a member is its own probabilities: the same as the member's answer.
    np.testing.assert_allclose(activations[-1].values, network(image.reshape(1, 28, 28, 1)).numpy()[0], atol=1e-6)


def test_a_sequential_tutorial_network_is_traced_too():
    network = networks.build_sigmoid_network()
    activations = LayerTracer(network).activations(np.ones((28, 28), np.float32))
    assert [(activation.kind, activation.shape) for activation in activations] == [
        ("flatten", (784,)),
        ("dense", (30,)),
        ("output", (10,)),
    ]


def test_the_strongest_feature_maps_come_first_and_at_most_sixteen_are_shown():
    values = np.zeros((5, 5, 40), np.float32)
    values[..., 33] = 3.0
    values[..., 2] = 1.0
    values[0, 0, 9] = -2.0  # |mean| counts: a strongly negative map is strong too
    assert list(strongest_maps(values)[:3]) == [33, 2, 9]
    picture = activation_picture(LayerActivation("conv", "convolution", np.abs(values)))
    tiles_across, tiles_down = 4, SHOWN_MAPS // 4  # one pixel per value, GAP pixels between maps
    assert picture.shape == (tiles_down * (5 + GAP) - GAP, tiles_across * (5 + GAP) - GAP, 3)
    # The first tile is the strongest map (uniformly at the top of the scale), the last a silent one.
    assert picture[0, 0].tolist() == coloured(np.array([1.0]))[0].tolist()
    assert picture[-1, -1].tolist() == coloured(np.array([0.0, 1.0]))[0].tolist()


def test_a_dense_layer_is_a_strip_and_negative_values_are_blue():
    strip = activation_picture(LayerActivation("dense", "dense", np.linspace(0, 1, 64, dtype=np.float32)))
    assert strip.shape == (2, 32, 3)  # rows of 32 units, one pixel each
    assert strip[0, 0].tolist() != strip[1, 31].tolist()  # silent and firing units differ
    signed = coloured(np.array([-1.0, 0.0, 1.0]))
    assert signed[0, 2] > signed[0, 0] and signed[2, 0] > signed[2, 2]  # blue below zero, red above


@pytest.mark.parametrize(
    "activation",
    [
        LayerActivation("conv", "convolution", np.random.default_rng(0).normal(size=(6, 6, 20)).astype(np.float32)),
        LayerActivation("dense", "dense", np.random.default_rng(1).random(40, dtype=np.float32)),  # 24 cells empty
    ],
    ids=["signed maps", "a strip with empty cells"],
)
def test_the_palette_png_the_page_sends_shows_the_same_colours(activation):
    from ui.inside import png

    sent = Image.open(io.BytesIO(png(indexed_activation_picture(activation))))
    assert sent.mode == "P"  # a third of the RGB's pixels to encode and send
    assert np.array_equal(np.asarray(sent.convert("RGB")), activation_picture(activation))


def test_moving_turning_and_re_penning_the_drawing():
    image = np.zeros((28, 28), np.float32)
    image[8:20, 13:15] = 1.0  # a vertical bar
    shifted = moved(image, right=5, down=-3)
    assert np.array_equal(shifted[5:17, 18:20], image[8:20, 13:15]) and shifted.sum() == image.sum()
    turned = moved(image, degrees=60)
    rows, columns = np.nonzero(turned > 0.5)
    assert np.ptp(columns) > 6  # no longer a vertical bar
    assert moved(image, pen=2).sum() > moved(image, pen=1).sum() > image.sum() > moved(image, pen=-1).sum()
    with pytest.raises(ValueError, match="at most"):
        moved(image, right=9)


def test_each_units_favourites_are_the_test_digits_it_fires_for_most(shipped, sample):
    tracer = LayerTracer(networks_inside(shipped)["member_0"])
    images = sample.x_test[:300]
    favourites = find_favourites(tracer, images)
    assert set(favourites.by_layer) == set(firing_layers(tracer))
    assert "conv2d" not in favourites.by_layer and "re_lu_4" in favourites.by_layer  # linear convs skipped
    outputs = tracer.outputs(as_floats(images))
    names = [layer.name for layer in tracer.layers]
    for layer_name in ("re_lu_1", "re_lu_4"):
        strengths = unit_strengths(outputs[names.index(layer_name)])
        for unit in (0, 5, 17):
            chosen = favourites.by_layer[layer_name][unit]
            best = np.sort(strengths[:, unit])[::-1][: len(chosen)]
            np.testing.assert_allclose(strengths[chosen, unit], best, rtol=1e-6)


@pytest.mark.parametrize("architecture", TUTORIAL_ARCHITECTURES)
def test_the_shipped_tutorial_networks_read_the_sample_as_their_cards_say(sample, architecture):
    card = read_card(tutorial_path(architecture))
    assert card["architecture"] == architecture and card["test_images"] == 10_000 and not card["data_is_sample"]
    predictor = load_tutorials()[architecture]
    accuracy = float(np.mean(predictor.predict_uint8(sample.x_test) == sample.y_test))
    # 2,000 sample digits: within two points of the full test set's figure on the card.
    assert abs(accuracy - card["test_accuracy"]) < 0.02, (architecture, accuracy, card["test_accuracy"])


def test_a_damaged_tutorial_file_leaves_its_network_out(tmp_path, monkeypatch):
    from model.inside import tutorials

    for architecture in TUTORIAL_ARCHITECTURES:
        (tmp_path / f"{architecture}.keras").write_bytes(tutorial_path(architecture).read_bytes())
    (tmp_path / "mlp.keras").write_bytes(b"not a zip")
    monkeypatch.setattr(tutorials, "TUTORIALS_DIR", tmp_path)
    assert list(tutorials.load_tutorials()) == ["sigmoid", "tensorflow_tutorial_cnn", "keras_tutorial_cnn"]


def test_a_tutorial_network_ships_slim_and_reads_as_it_did(sample, tmp_path, monkeypatch):
    from model.inside import tutorials
    from model.making.training import train
    from model.making.tutorials import PER_REPORT_HISTORY, ship_tutorial
    from model.recognition.predictor import Predictor
    from model.storage import save_model

    trained = tmp_path / "trained.keras"
    result = train("sigmoid", sample, epochs=1, train_size=500)
    save_model(result.model, result.card, trained)
    monkeypatch.setattr(tutorials, "TUTORIALS_DIR", tmp_path / "shipped")
    shipped = ship_tutorial(trained, "sigmoid")
    assert shipped == tmp_path / "shipped" / "sigmoid.keras"
    assert shipped.stat().st_size < trained.stat().st_size  # the optimizer's state is left behind
    card = read_card(shipped)
    assert not set(PER_REPORT_HISTORY) & set(card["history"]) and len(card["history"]["loss"]) == 1
    assert card["test_accuracy"] == result.card["test_accuracy"] and "made_by" in card
    images = as_floats(sample.x_test[:50])
    np.testing.assert_allclose(
        Predictor.load(shipped).predict_probabilities(images), Predictor.load(trained).predict_probabilities(images)
    )
    with pytest.raises(ValueError, match="not 'mlp'"):
        ship_tutorial(trained, "mlp")


def test_the_projector_tells_the_story_in_a_few_layers_and_the_slide_is_1920_by_1080(shipped, sample):
    from model.inside.slide import STORY_LAYERS, inside_slide_figure, story_layers
    from model.plots import slide_to_png

    activations = LayerTracer(networks_inside(shipped)["member_0"]).activations(as_floats(sample.x_test[0]))
    story = story_layers(activations)
    assert len(story) == STORY_LAYERS + 1 and story[-1] is activations[-1]
    assert not {activation.kind for activation in story} & {"normalisation", "dropout", "flatten"}
    names = [activation.name for activation in activations]
    assert [names.index(activation.name) for activation in story] == sorted(names.index(a.name) for a in story)
    pictures = [(activation.name, activation_picture(activation)) for activation in story]
    png = slide_to_png(inside_slide_figure(as_floats(sample.x_test[0]), pictures, None, [("Ours", 7, 0.99)], "x"))
    import io

    from PIL import Image

    assert Image.open(io.BytesIO(png)).size == (1920, 1080)


def test_a_picture_sent_before_is_not_encoded_again_and_the_cache_is_bounded(monkeypatch):
    import base64
    import io

    from PIL import Image

    from ui import inside

    encodings = []
    real_png = inside.png
    monkeypatch.setattr(inside, "png", lambda picture: encodings.append(1) or real_png(picture))
    monkeypatch.setattr(inside, "ENCODED_KEPT", 3)
    inside._encoded.clear()
    picture = np.arange(28 * 56 * 3, dtype=np.uint8).reshape(28, 56, 3)
    first = inside.png_base64(picture)
    assert inside.png_base64(picture.copy()) == first and len(encodings) == 1  # same pixels: kept
    decoded = np.asarray(Image.open(io.BytesIO(base64.b64decode(first))))
    np.testing.assert_array_equal(decoded, picture)
    assert inside.png_base64(picture.reshape(56, 28, 3)) != first  # same bytes, another shape
    for value in range(5):
        inside.png_base64(np.full((4, 4, 3), value, np.uint8))
    assert len(inside._encoded) == 3 and len(encodings) == 7


def test_the_tutorials_read_together_as_each_reads_alone(sample):
    from model.inside.tutorials import TutorialNetworks

    predictors = load_tutorials()
    networks = TutorialNetworks(predictors)
    for index in (0, 1, 2):
        image = as_floats(sample.x_test[index])
        together = networks.read(image)
        assert list(together) == list(TUTORIAL_ARCHITECTURES)
        for architecture, predictor in predictors.items():
            np.testing.assert_allclose(together[architecture], predictor.predict_probabilities(image)[0], atol=1e-6)
    assert TutorialNetworks({}).read(image) == {}
