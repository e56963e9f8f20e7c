"""The Inside page's sections, one function each: the layers, the units, the tutorials side by
side, and the map. Each takes the 28x28 the networks read (after the page's moves)."""

import html
import re

import numpy as np
import streamlit as st

from model.inside.activations import LayerActivation, LayerTracer
from model.inside.digit_map import neighbour_pictures
from model.inside.favourites import firing, firing_layers, unit_strengths
from model.inside.pictures import SHOWN_MAPS, indexed_activation_picture, value_range
from model.inside.transform import LARGEST_SHIFT, LARGEST_TURN, PEN_STEPS
from model.inside.tutorials import TUTORIAL_ARCHITECTURES
from model.inside.weights import weights_grid
from model.language import N_, _, ngettext
from model.recognition.predictor import Predictor
from ui.inside import (
    Network,
    digit_map,
    digit_tiles,
    favourites_for,
    first_layer_for,
    is_dark,
    map_with_marker,
    picture_gallery,
    tutorial_name,
    tutorial_title,
    tutorials,
)
from ui.reading import ANSWER_BLUE, OTHER_BARS
from ui.resources import load_data
from ui.session import on_a_phone, shown_model_label

LAYER_WIDTH = 250  # pixels: four to a row on a laptop, one on a phone
UNITS_SHOWN = 8  # deeper units shown: those firing most for the drawing

KIND_WORDS = {
    "convolution": N_("convolution: each map is one kernel slid over the picture"),
    "normalisation": N_("batch normalisation: each map rescaled as in training"),
    "activation": N_("activation: negatives set to 0"),
    "pooling": N_("pooling: the strongest of each small square"),
    "averaging": N_("averaging: each map down to its mean"),
    "dropout": N_("dropout: acts only in training, passes the input through when reading"),
    "flatten": N_("flatten: the maps laid out as one row of numbers"),
    "dense": N_("dense: each unit weighs every number of the layer before"),
    "output": N_("output: the ten digits 0 to 9, left to right"),
    "reshape": N_("reshape"),
    "rescaling": N_("rescaling"),
}


def drawing_moves() -> dict[str, int]:
    """The controls that move, turn and re-pen the drawing before the networks read it."""
    with st.expander(_("Move or turn the drawing"), icon=":material/open_with:", expanded=True):
        right_column, down_column = st.columns(2)
        right = right_column.slider(_("Right (pixels)"), -LARGEST_SHIFT, LARGEST_SHIFT, 0, key="inside_right")
        down = down_column.slider(_("Down (pixels)"), -LARGEST_SHIFT, LARGEST_SHIFT, 0, key="inside_down")
        turn_column, pen_column = st.columns(2)
        degrees = turn_column.slider(_("Turn (degrees)"), -LARGEST_TURN, LARGEST_TURN, 0, step=5, key="inside_turn")
        pen = pen_column.slider(_("Pen (thinner - thicker)"), -PEN_STEPS, PEN_STEPS, 0, key="inside_pen")
    return {"right": right, "down": down, "degrees": degrees, "pen": pen}


def layer_by_layer(tracer: LayerTracer, image: np.ndarray) -> list[LayerActivation]:
    """Every layer in order, each picture captioned with its name, shape, what it does and the
    range of its output for the drawing."""
    activations = tracer.activations(image)
    captions = []
    for activation in activations:
        shape = " × ".join(str(size) for size in activation.shape)
        shown = ""
        if activation.is_spatial and activation.shape[-1] > SHOWN_MAPS:
            shown = _(" (its {count} strongest maps)").format(count=SHOWN_MAPS)
        what = _(KIND_WORDS[activation.kind]) if activation.kind in KIND_WORDS else activation.kind
        caption = _("{layer} · {shape}: {what}{shown}; {range}").format(
            layer=activation.name, shape=shape, what=what, shown=shown, range=value_range(activation)
        )
        if activation.kind == "output":
            digit = int(np.argmax(activation.values))
            caption += _(". Brightest: {digit} ({probability:.0%})").format(
                digit=digit, probability=float(activation.values[digit])
            )
        captions.append(caption)
    picture_gallery(
        [indexed_activation_picture(activation) for activation in activations], captions, LAYER_WIDTH, "layers"
    )
    return activations


def what_units_learned(network: Network, tracer: LayerTracer, activations: list[LayerActivation]) -> None:
    first = first_layer_for(network)
    if first is not None:
        strengths = firing(activations, first.layer_name, len(first.pictures))
        order = np.argsort(-strengths) if strengths is not None else None
        if first.kind == "convolution":
            st.markdown(_("**The first layer's kernels**, the units firing most for your drawing first"))
        else:
            st.markdown(
                _(
                    "**The first layer's hidden units' weights (each unit's 784 inputs as a 28×28)**, the units "
                    "firing most for your drawing first"
                )
            )
        picture_gallery(
            [weights_grid(first.pictures, order=order, tile_px=28)],
            [_("Red: a bright pixel there makes the unit fire; blue: it holds the unit back.")],
            width=640,
            key="first-layer",
        )
    layers = firing_layers(tracer)
    if not layers:
        return
    chosen = st.selectbox(_("A deeper layer"), layers, index=len(layers) - 1, key="inside_deeper_layer")
    favourites = favourites_for(network).by_layer[chosen]
    activation = next(activation for activation in activations if activation.name == chosen)
    strengths = unit_strengths(activation.values[None])[0]
    test_images = load_data().x_test
    st.markdown(
        ngettext(
            "**The {count} unit of {layer} firing most for your drawing**, with the test digits it fires for most",
            "**The {count} units of {layer} firing most for your drawing**, each with the test digits it "
            "fires for most",
            UNITS_SHOWN,
        ).format(count=UNITS_SHOWN, layer=chosen)
    )
    units = np.argsort(-strengths)[:UNITS_SHOWN]
    fires = _("unit {unit} fires {strength:.2f} for your drawing")
    picture_gallery(
        [digit_tiles(test_images[favourites[unit]]) for unit in units],
        [fires.format(unit=unit, strength=strengths[unit]) for unit in units],
        width=6 * 42,
        key="favourites",
    )


def side_by_side(active: Predictor, active_label: str, active_probabilities: np.ndarray, image: np.ndarray) -> None:
    """The four tutorials' networks and the active model (whose reading the page made already)
    on the same 28x28: each one's digit, how sure, its test accuracy and size, then everyone's bars."""
    loaded = tutorials()
    read = loaded.read(image)
    # Each: its English name (its card's CSS class, in every language), the name shown, its model, its reading.
    contenders = [
        (tutorial_name(name), tutorial_title(name), loaded.predictors.get(name), read.get(name))
        for name in TUTORIAL_ARCHITECTURES
    ]
    contenders.append((active_label, shown_model_label(active_label), active, active_probabilities))
    readings, cards = [], []
    for english, title, predictor, probabilities in contenders:
        name = f"<strong>{html.escape(title)}</strong>"
        css_class = "contender-" + re.sub(r"[^a-z0-9-]", "", english.lower().replace(" ", "-"))
        if predictor is None or probabilities is None:
            missing = html.escape(_("Not available: its file is missing or damaged."))
            cards.append(f'<div class="contender {css_class}">{name}<small>{missing}</small></div>')
            continue
        accuracy = predictor.card.get("test_accuracy")
        measured = _("MNIST test {accuracy:.2%} · ").format(accuracy=accuracy) if accuracy else ""
        parameters = predictor.card.get("parameters", 0)
        size = ngettext("{count:,} parameter", "{count:,} parameters", parameters).format(count=parameters)
        digit = int(np.argmax(probabilities))
        readings.append((title, probabilities))
        reads, sure = _("Reads"), _("{confidence:.0%} sure").format(confidence=probabilities[digit])
        cards.append(
            f'<div class="contender {css_class}">{name}<small>{html.escape(measured + size)}</small>'
            f'<span>{html.escape(reads)}</span><div class="reads">{digit}</div>'
            f"<small>{html.escape(sure)}</small></div>"
        )
    # One element for the five cards: as Streamlit metrics they were some fifteen elements, each
    # server work on every stroke.
    st.html(f'<div class="contenders">{"".join(cards)}</div>')
    everyones_bars(readings)


def everyones_bars(readings: list[tuple[str, np.ndarray]]) -> None:
    """Each network's ten probabilities, one small chart each, as one Vega-Lite chart (five
    charts cost five times the server's work a stroke); on a phone they stack."""
    values = [
        {"network": title, "digit": str(digit), "probability": float(probability), "answer": digit == np.argmax(p)}
        for title, p in readings
        for digit, probability in enumerate(p)
    ]
    spec = {
        "data": {"values": values},
        "facet": {"field": "network", "type": "nominal", "sort": [title for title, _ in readings], "title": None},
        "columns": 1 if on_a_phone() else len(readings),
        "spec": {
            "width": 300 if on_a_phone() else 150,
            "height": 90,
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "x": {"field": "digit", "type": "nominal", "axis": {"labelAngle": 0, "title": None}},
                "y": {
                    "field": "probability",
                    "type": "quantitative",
                    "scale": {"domain": [0, 1]},
                    "axis": {"format": "%", "title": None, "tickCount": 3},
                },
                "color": {"condition": {"test": "datum.answer", "value": ANSWER_BLUE}, "value": OTHER_BARS},
            },
        },
    }
    st.vega_lite_chart(spec=spec, width="content", theme="streamlit")


def where_it_lands(image: np.ndarray) -> None:
    loaded = digit_map()
    if loaded is None:
        st.info(_("The map of the test digits is not available on this server."), icon=":material/map:")
        return
    the_map, placer = loaded
    placement = the_map.place(placer.features(image))
    map_column, neighbour_column = st.columns([1.6, 1]) if not on_a_phone() else (st.container(), st.container())
    with map_column:
        mistakes = int(np.sum(the_map.predicted != the_map.labels))
        map_with_marker(
            the_map,
            placement,
            dark=is_dark(),
            size_px=560,
            caption=ngettext(
                "The {count:,} MNIST test digits, placed by t-SNE so that digits the shipped model finds alike "
                "sit together; coloured by their true label; × marks its {mistakes} mistake. "
                "The ring is your drawing.",
                "The {count:,} MNIST test digits, placed by t-SNE so that digits the shipped model finds alike "
                "sit together; coloured by their true label; × marks its {mistakes} mistakes. "
                "The ring is your drawing.",
                mistakes,
            ).format(count=len(the_map.labels), mistakes=mistakes),
        )
    with neighbour_column:
        images, captions = neighbour_pictures(the_map, placement)
        common = int(np.bincount(placement.neighbour_labels, minlength=10).argmax())
        st.markdown(
            ngettext(
                "**Its {count} nearest test digit**: a {digit}",
                "**Its {count} nearest test digits**: mostly {digit}s",
                len(images),
            ).format(count=len(images), digit=common)
        )
        picture_gallery(images, captions, width=84, key="neighbours")
