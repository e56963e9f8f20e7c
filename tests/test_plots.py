import io

import numpy as np
from matplotlib.colors import to_hex
from PIL import Image

from model.plots import (
    MISTAKE_COLOUR,
    attribution_picture,
    confusion_matrix_figure,
    enlarge,
    figure_to_png,
    gallery_figure,
    thumbnail,
    training_curves_figure,
)


def test_gallery_titles_predictions_like_the_tutorial_and_marks_mistakes_in_red(sample):
    figure = gallery_figure(sample.x_test[:6], [7, 2, 1, 0, 4, 9], sample.y_test[:6], columns=3)
    titled = [axis for axis in figure.axes if axis.get_title()]
    assert len(titled) == 6
    assert titled[0].get_title() == "Predicted Label: 7"
    mistake = titled[5]  # the sixth test image is a 1, labelled 9 here
    assert mistake.get_title().startswith("Predicted Label: 9") and "true: 1" in mistake.get_title()
    assert to_hex(mistake.title.get_color()) == MISTAKE_COLOUR
    assert to_hex(titled[0].title.get_color()) != MISTAKE_COLOUR


def test_one_epoch_of_training_draws_a_line_not_a_dot():
    history = {
        "loss": [0.2],
        "accuracy": [0.95],
        "test_accuracy": [0.97],
        "seen_epochs": [0.25, 0.5, 0.75, 1.0],
        "running_loss": [0.9, 0.5, 0.3, 0.2],
        "running_accuracy": [0.7, 0.85, 0.92, 0.95],
    }
    loss_axis, accuracy_axis = training_curves_figure(history).axes
    assert len(loss_axis.lines[0].get_xdata()) == 4
    assert [len(line.get_xdata()) for line in accuracy_axis.lines] == [4, 1]  # training, then test


def test_png_export_is_slide_resolution():
    matrix = np.diag([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    for figure in (
        confusion_matrix_figure(matrix),
        training_curves_figure({"loss": [0.3, 0.1], "accuracy": [0.9, 0.97], "test_accuracy": [0.95, 0.98]}),
    ):
        picture = Image.open(io.BytesIO(figure_to_png(figure)))
        assert picture.format == "PNG" and round(picture.info["dpi"][0]) >= 150
        assert picture.width >= 900


def test_enlarged_pictures_keep_square_pixels():
    image = np.zeros((28, 28), np.float32)
    image[3, 5] = 1.0
    big = enlarge(image, scale=8)
    assert big.shape == (224, 224) and big[24:32, 40:48].min() == 255 and big.sum() == 255 * 64
    overlay = attribution_picture(image, image, scale=8)
    assert overlay.shape == (224, 224, 3) and overlay[28, 44, 0] > overlay[28, 44, 2]  # positive is red


def test_the_confusion_matrix_colour_bar_reads_in_counts():
    # A log colour scale, but the bar's ticks are counts (1, 10, 100, 1000), not their logarithms.
    matrix = np.diag([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    matrix[3, 5] = 7
    figure = confusion_matrix_figure(matrix)
    axis, bar_axis = figure.axes
    np.testing.assert_array_equal(axis.images[0].get_array(), matrix)
    ticks = [tick for tick in bar_axis.get_yticks() if 0 < tick <= matrix.max()]
    assert {10, 100, 1000} <= {round(tick) for tick in ticks}, ticks
    # Dark cells (the diagonal) get white numbers, a pale mistake black ones.
    colours = {text.get_text(): text.get_color() for text in axis.texts}
    assert colours["1135"] == "white" and colours["7"] == "black"


def test_an_uploaded_photo_is_shown_small_and_its_transparent_ink_stays_visible():
    big = Image.new("RGB", (1600, 900), (240, 240, 240))
    assert thumbnail(big, 280).size == (280, 158) and thumbnail(big, 280).mode == "RGB"
    # White and black strokes on a transparent ground: each must stand out from what is shown behind.
    for ink in (255, 0):
        drawing = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
        drawing.paste((ink, ink, ink, 255), (40, 10, 60, 90))
        shown = np.asarray(thumbnail(drawing, 280).convert("L"), np.float32)
        assert abs(shown[50, 50] - shown[5, 5]) > 100
