"""Matplotlib figures for the gallery and the Train page, ready to paste into slides.

Figures are built with the object-oriented API (``Figure``, not ``pyplot``) so that several
browser sessions drawing at once never share pyplot's global state.
"""

import functools
import importlib
import importlib.util
import io
from typing import Any

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.colors import SymLogNorm
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter, StrMethodFormatter

from model.language import _

MISTAKE_COLOUR = "#d62728"
SLIDE_DPI = 150
CJK_FONT = "Noto Sans CJK SC"  # Debian's fonts-noto-cjk (README, Dockerfile)


def use_fonts_for_every_language() -> None:
    """Latin text in DejaVu Sans as before; a glyph it lacks (Chinese) from Noto Sans CJK, when
    installed: matplotlib falls back glyph by glyph along the family list."""
    installed = {font.name for font in font_manager.fontManager.ttflist}
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"] + ([CJK_FONT] if CJK_FONT in installed else [])


use_fonts_for_every_language()


def new_figure(**options: Any) -> Figure:
    """``Figure(**options)``, once IPython is whole (``_wait_for_ipython``)."""
    _wait_for_ipython()
    return Figure(**options)


@functools.cache
def _wait_for_ipython() -> None:
    """Keras imports IPython where it is installed (a development machine), and matplotlib's first
    canvas of each kind reads IPython's version from ``sys.modules``: a figure made while another
    thread was still importing Keras met a half-imported IPython there (AttributeError on a fresh
    server's first Gallery). An import of it waits for such an import to finish; once whole (or
    not installed), it stays so, hence once per process."""
    if importlib.util.find_spec("IPython") is not None:
        importlib.import_module("IPython")


def gallery_figure(images, predicted_labels, true_labels, columns=5):
    """The Keras CNN tutorial's grid: each image titled "Predicted Label: N"; mistakes in red."""
    count = len(images)
    if count == 0:
        raise ValueError("the gallery needs at least one image")
    columns = max(1, min(columns, count))
    rows = int(np.ceil(count / columns))
    # Fixed margins, no ticks, titles at a fixed height: matplotlib's automatic layout and title
    # placement were two thirds of the time to draw a 5 x 5 grid (~1.1 s here, now ~0.35 s).
    figure = new_figure(figsize=(2.0 * columns, 2.25 * rows))
    figure.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=1 - 0.5 / (2.25 * rows), wspace=0.08, hspace=0.3)
    axes = figure.subplots(rows, columns, squeeze=False)
    for index, axis in enumerate(axes.flat):
        axis.set_axis_off()
        axis.set_xticks([])
        axis.set_yticks([])
        if index >= count:
            continue
        axis.imshow(images[index], cmap="gray_r", interpolation="nearest")
        predicted, true = int(predicted_labels[index]), int(true_labels[index])
        if predicted == true:
            axis.set_title(_("Predicted Label: {digit}").format(digit=predicted), fontsize=10, y=1.0, pad=4)
        else:
            title = (
                _("Predicted Label: {digit}").format(digit=predicted) + "\n" + _("(true: {digit})").format(digit=true)
            )
            axis.set_title(title, fontsize=10, color=MISTAKE_COLOUR, y=1.0, pad=4)
    return figure


def confusion_matrix_figure(matrix, title=None):
    """A heat map with counts in each cell; rows are true digits, columns predictions."""
    matrix = np.asarray(matrix)
    title = title if title is not None else _("Confusion matrix")
    figure = new_figure(figsize=(6.4, 5.6), layout="constrained")
    axis = figure.subplots()
    # A logarithmic colour scale (linear below 1, so 0 is allowed): the diagonal holds ~1000 per
    # digit and the mistakes a handful, and a linear one would hide every mistake. The colour
    # bar then shows counts, not their logarithms.
    norm = SymLogNorm(linthresh=1, vmin=0, vmax=max(1, int(matrix.max())), base=10)
    axis.imshow(matrix, cmap="Blues", norm=norm)
    for (row, column), count in np.ndenumerate(matrix):
        if count:
            axis.text(
                column,
                row,
                str(count),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if norm(count) > 0.5 else "black",
            )
    axis.set_xticks(range(10))
    axis.set_yticks(range(10))
    axis.set_xlabel(_("Predicted digit"))
    axis.set_ylabel(_("True digit"))
    axis.set_title(title)
    colour_bar = figure.colorbar(axis.images[0], ax=axis, shrink=0.8)
    colour_bar.set_label(_("count (log scale)"))
    colour_bar.ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # 1, 10, 100, not 10^0
    return figure


def training_curves_figure(history):
    """Loss and accuracy as training goes, side by side: the training figures as a line through
    every progress report (so a single epoch draws one), the test accuracy at each epoch's end."""
    epochs = np.arange(1, len(history.get("loss", [])) + 1)
    seen = history.get("seen_epochs") or []
    figure = new_figure(figsize=(9, 3.4), layout="constrained")
    loss_axis, accuracy_axis = figure.subplots(1, 2)
    training, test = _("training"), _("test")
    if seen:
        loss_axis.plot(seen, history["running_loss"], label=training)
        accuracy_axis.plot(seen, history["running_accuracy"], label=training)
    else:  # a card written before the reports were kept: one point per epoch
        loss_axis.plot(epochs, history.get("loss", []), marker="o", label=training)
        accuracy_axis.plot(epochs, history.get("accuracy", []), marker="o", label=training)
    accuracy_axis.plot(epochs, history.get("test_accuracy", []), marker="o", linestyle="--", label=test)
    loss_axis.set_title(_("Loss"))
    accuracy_axis.set_title(_("Accuracy"))
    for axis in (loss_axis, accuracy_axis):
        axis.set_xlabel(_("epoch"))
        axis.set_xlim(0, max(1, len(epochs), max(seen, default=0)))
        axis.grid(alpha=0.3)
        axis.legend()
    return figure


def enlarge(image, scale=8):
    """A 28x28 float image as a big uint8 picture with square pixels (nearest neighbour)."""
    pixels = np.clip(np.asarray(image) * 255, 0, 255).astype(np.uint8)
    return np.kron(pixels, np.ones((scale, scale), np.uint8))


def thumbnail(photo, side=280):
    """An uploaded photo at most ``side`` px on its long side, RGB, for showing beside its reading.
    Transparency is laid on mid-grey, where both light and dark ink stay visible."""
    from PIL import Image

    small = photo.convert("RGBA")
    small.thumbnail((side, side))
    shown = Image.new("RGBA", small.size, (128, 128, 128, 255))
    shown.alpha_composite(small)
    return shown.convert("RGB")


def attribution_picture(image, attribution, scale=8):
    """The digit in grey with the attribution over it: red pushed towards the answer, blue against."""
    from matplotlib import colormaps

    limit = float(np.abs(attribution).max()) or 1.0
    colours = colormaps["bwr"](0.5 + 0.5 * np.asarray(attribution) / limit)[..., :3]
    strength = np.clip(np.abs(attribution) / limit * 1.5, 0, 1)[..., None]
    grey = np.repeat(np.asarray(image)[..., None] * 0.35, 3, axis=2)
    picture = (1 - strength) * grey + strength * colours
    pixels = np.clip(picture * 255, 0, 255).astype(np.uint8)
    return np.kron(pixels, np.ones((scale, scale, 1), np.uint8))


def figure_to_png(figure, dpi=SLIDE_DPI):
    """PNG bytes at slide resolution (150 dpi or more)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=max(dpi, SLIDE_DPI), bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


SLIDE_SIZE_INCHES, SLIDE_DPI_EXACT = (16, 9), 120  # 1920 x 1080 pixels: a 16:9 slide


def slide_figure(drawing, image, probabilities, digit, model_caption, dark=False):
    """One reading as a 16:9 slide: the drawing as drawn, the 28x28 input, the answer (or "not a
    digit" when ``digit`` is None), all ten probabilities, and the model in a footer."""
    foreground, background, muted = ("white", "#0d1117", "#8b949e") if dark else ("#111111", "white", "#57606a")
    figure = new_figure(figsize=SLIDE_SIZE_INCHES, facecolor=background)
    grid = figure.add_gridspec(
        2, 3, height_ratios=[1.3, 1], left=0.08, right=0.97, top=0.83, bottom=0.15, hspace=0.3, wspace=0.15
    )
    figure.suptitle(_("What the network read"), fontsize=34, color=foreground, fontweight="bold", y=0.975)
    panels = [(_("The drawing"), _on_black(drawing)), (_("What the network saw (28×28)"), np.asarray(image))]
    for column, (title, picture) in enumerate(panels):
        axis = figure.add_subplot(grid[0, column])
        axis.imshow(picture, cmap="gray", vmin=0, vmax=1 if picture.dtype != np.uint8 else 255, interpolation="nearest")
        axis.set_title(title, fontsize=22, color=foreground)
        axis.set_xticks([]), axis.set_yticks([])
        for spine in axis.spines.values():
            spine.set_color(muted)
    answer = figure.add_subplot(grid[0, 2])
    answer.set_axis_off()
    if digit is None:
        answer.text(
            0.5, 0.5, _("not a digit"), fontsize=64, ha="center", va="center", color=foreground, fontweight="bold"
        )
    else:
        answer.text(0.5, 0.62, str(digit), fontsize=200, ha="center", va="center", color=foreground, fontweight="bold")
        answer.text(
            0.5,
            0.08,
            _("{confidence:.1%} sure").format(confidence=float(probabilities[digit])),
            fontsize=30,
            ha="center",
            color=muted,
        )
    bars = figure.add_subplot(grid[1, :])
    colours = [("#1f6feb" if index == digit else "#b8c4d6") for index in range(10)]
    bars.bar(range(10), probabilities, color=colours)
    bars.set_ylim(0, 1)
    bars.set_xticks(range(10))
    bars.tick_params(labelsize=22, colors=foreground)
    bars.yaxis.set_major_formatter(PercentFormatter(1.0))
    bars.set_facecolor(background)
    for spine in bars.spines.values():
        spine.set_color(muted)
    figure.text(0.5, 0.03, model_caption, ha="center", fontsize=18, color=muted)
    return figure


def slide_to_png(figure):
    """PNG bytes of exactly 1920 x 1080 (no tight bounding box: the slide keeps its size)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=SLIDE_DPI_EXACT, facecolor=figure.get_facecolor())
    return buffer.getvalue()


def _on_black(picture):
    """A canvas drawing's RGBA (ink in alpha, transparent background) over black, as it looked."""
    picture = np.asarray(picture)
    if picture.ndim == 3 and picture.shape[2] == 4:
        alpha = picture[..., 3:4].astype(np.float32) / 255.0
        return (picture[..., :3].astype(np.float32) * alpha).astype(np.uint8)
    return picture
