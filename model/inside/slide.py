"""The Inside view for a projector: a few layers that tell the story, and a 1920x1080 slide of it."""

import numpy as np
from matplotlib.figure import Figure

from model.inside.activations import LayerActivation
from model.language import _
from model.plots import SLIDE_SIZE_INCHES, new_figure

STORY_LAYERS = 4  # layers shown on the projector besides the output: enough to see the flow, big enough to read


def story_layers(activations: list[LayerActivation], count: int = STORY_LAYERS) -> list[LayerActivation]:
    """``count`` layers spread evenly from the first firing one to the one before the output, and
    the output: the picture becomes features, the features a digit. Normalisation, dropout and
    flatten layers repeat what is next to them and are left out."""
    if not activations:
        raise ValueError("no layers to choose from")
    telling = [
        activation
        for activation in activations[:-1]
        if activation.kind in ("activation", "dense", "pooling", "averaging")
        or (activation.kind == "convolution" and activation.values.min() >= 0)
    ]
    if len(telling) > count:
        positions = np.linspace(0, len(telling) - 1, count).round().astype(int)
        telling = [telling[position] for position in positions]
    return [*telling, activations[-1]]


def inside_slide_figure(
    image: np.ndarray,
    layers: list[tuple[str, np.ndarray]],
    map_picture: np.ndarray | None,
    answers: list[tuple[str, int, float]],
    caption: str,
    dark: bool = False,
) -> Figure:
    """A 16:9 slide: the 28x28 the network read, its layers' pictures left to right, the map of the
    test digits with the drawing on it, and each network's answer; ``caption`` in the footer."""
    foreground, background, muted = ("white", "#0d1117", "#8b949e") if dark else ("#111111", "white", "#57606a")
    figure = new_figure(figsize=SLIDE_SIZE_INCHES, facecolor=background)
    figure.suptitle(_("Inside the network"), fontsize=34, color=foreground, fontweight="bold", y=0.975)
    panels = [(_("Input 28×28"), np.repeat(np.asarray(image)[..., None], 3, axis=-1)), *layers]
    flow = figure.add_gridspec(1, len(panels), left=0.03, right=0.97, top=0.84, bottom=0.5, wspace=0.12)
    for column, (title, picture) in enumerate(panels):
        axis = figure.add_subplot(flow[0, column])
        axis.imshow(picture, interpolation="nearest", vmin=0, vmax=1 if picture.dtype != np.uint8 else 255)
        # The layer's name over what it does, on two lines: long Keras names would run into each other.
        axis.set_title(title.replace(" (", "\n("), fontsize=15, color=foreground)
        axis.set_anchor("N")  # every picture starts under its title, whatever its height
        axis.set_axis_off()
    lower = figure.add_gridspec(1, 2, left=0.03, right=0.97, top=0.47, bottom=0.07, wspace=0.05, width_ratios=[1, 1.4])
    if map_picture is not None:
        axis = figure.add_subplot(lower[0, 0])
        axis.imshow(map_picture)
        axis.set_title(_("Where it lands among the 10,000 test digits"), fontsize=17, color=foreground)
        axis.set_axis_off()
    table = figure.add_subplot(lower[0, 1])
    table.set_axis_off()
    sure = _("{confidence:.0%} sure")
    for row, (title, digit, confidence) in enumerate(answers):
        height = 0.92 - row * 0.84 / max(1, len(answers) - 1)
        table.text(0.02, height, title, fontsize=24, color=foreground, va="center")
        table.text(0.72, height, str(digit), fontsize=40, color=foreground, va="center", fontweight="bold")
        table.text(0.82, height, sure.format(confidence=confidence), fontsize=22, color=muted, va="center")
    figure.text(0.5, 0.02, caption, ha="center", fontsize=16, color=muted)
    return figure
