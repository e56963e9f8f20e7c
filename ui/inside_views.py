"""The Inside page's sections, one function each: the layers, the units, the tutorials side by
side, and the map. Each takes the 28x28 the networks read (after the page's moves)."""

import numpy as np
import streamlit as st

from model.inside.activations import LayerActivation, LayerTracer
from model.inside.digit_map import map_picture, neighbour_pictures
from model.inside.favourites import firing_layers, unit_strengths
from model.inside.pictures import activation_picture, value_range
from model.inside.transform import LARGEST_SHIFT, LARGEST_TURN, PEN_STEPS
from model.inside.tutorials import TUTORIAL_ARCHITECTURES
from model.inside.weights import first_layer_weights, weights_grid
from model.plots import enlarge
from model.recognition.predictor import Predictor
from ui.inside import Network, digit_map, digit_tiles, favourites_for, is_dark, tutorial_title, tutorials
from ui.reading import probability_bars
from ui.resources import load_data
from ui.session import on_a_phone

LAYER_COLUMNS = 4
UNITS_SHOWN = 8  # deeper units shown: those firing most for the drawing

KIND_WORDS = {
    "convolution": "convolution: each map is one kernel slid over the picture",
    "normalisation": "batch normalisation: each map rescaled as in training",
    "activation": "activation: negatives set to 0",
    "pooling": "pooling: the strongest of each small square",
    "dropout": "dropout: acts only in training, passes the input through when reading",
    "flatten": "flatten: the maps laid out as one row of numbers",
    "dense": "dense: each unit weighs every number of the layer before",
    "output": "output: the ten digits 0 to 9, left to right",
}


def drawing_moves() -> dict[str, int]:
    """The controls that move, turn and re-pen the drawing before the networks read it."""
    with st.expander("Move or turn the drawing", icon=":material/open_with:", expanded=True):
        right_column, down_column = st.columns(2)
        right = right_column.slider("Right (pixels)", -LARGEST_SHIFT, LARGEST_SHIFT, 0, key="inside_right")
        down = down_column.slider("Down (pixels)", -LARGEST_SHIFT, LARGEST_SHIFT, 0, key="inside_down")
        turn_column, pen_column = st.columns(2)
        degrees = turn_column.slider("Turn (degrees)", -LARGEST_TURN, LARGEST_TURN, 0, step=5, key="inside_turn")
        pen = pen_column.slider("Pen (thinner - thicker)", -PEN_STEPS, PEN_STEPS, 0, key="inside_pen")
    return {"right": right, "down": down, "degrees": degrees, "pen": pen}


def layer_by_layer(tracer: LayerTracer, image: np.ndarray) -> list[LayerActivation]:
    """Every layer in order: its name, what it does, its shape, and its output for the drawing."""
    activations = tracer.activations(image)
    columns_per_row = 1 if on_a_phone() else LAYER_COLUMNS
    for start in range(0, len(activations), columns_per_row):
        row = st.columns(columns_per_row)
        for column, activation in zip(row, activations[start:], strict=False):
            with column.container(key=f"layer-{activation.name}"):
                shape = " × ".join(str(size) for size in activation.shape)
                st.markdown(f"**{activation.name}** · {shape}")
                st.image(activation_picture(activation), width="stretch")
                shown = " (the 16 strongest maps)" if activation.is_spatial and activation.shape[-1] > 16 else ""
                st.caption(f"{KIND_WORDS.get(activation.kind, activation.kind)}{shown}; {value_range(activation)}")
                if activation.kind == "output":
                    digit = int(np.argmax(activation.values))
                    st.caption(f"Brightest: {digit} ({float(activation.values[digit]):.0%})")
    return activations


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


def what_units_learned(network: Network, tracer: LayerTracer, activations: list[LayerActivation]) -> None:
    first = first_layer_weights(tracer.network)
    if first is not None:
        strengths = firing(activations, first.layer_name, len(first.pictures))
        order = np.argsort(-strengths) if strengths is not None else None
        what = "kernels" if first.kind == "convolution" else "hidden units' weights (each unit's 784 inputs as a 28×28)"
        st.markdown(f"**The first layer's {what}**, the units firing most for your drawing first")
        st.image(weights_grid(first.pictures, order=order), width=min(640, 80 * 8))
        st.caption("Red: a bright pixel there makes the unit fire; blue: it holds the unit back.")
    layers = firing_layers(tracer)
    if not layers:
        return
    chosen = st.selectbox("A deeper layer", layers, index=len(layers) - 1, key="inside_deeper_layer")
    favourites = favourites_for(network).by_layer[chosen]
    activation = next(activation for activation in activations if activation.name == chosen)
    strengths = unit_strengths(activation.values[None])[0]
    test_images = load_data().x_test
    st.markdown(
        f"**The {UNITS_SHOWN} units of {chosen} firing most for your drawing**, each with the test digits it "
        "fires for most"
    )
    for unit in np.argsort(-strengths)[:UNITS_SHOWN]:
        label_column, picture_column = st.columns([1, 3], vertical_alignment="center")
        label_column.markdown(f"unit {unit} · **{strengths[unit]:.2f}**")
        picture_column.image(digit_tiles(test_images[favourites[unit]]), width=6 * 56)


def side_by_side(shipped: Predictor | None, shipped_label: str, image: np.ndarray) -> None:
    """The four tutorials' networks and the active model on the same 28x28."""
    loaded = tutorials()
    contenders = [(tutorial_title(architecture), loaded.get(architecture)) for architecture in TUTORIAL_ARCHITECTURES]
    contenders.append((shipped_label, shipped))
    columns = st.columns(len(contenders))
    for column, (title, predictor) in zip(columns, contenders, strict=True):
        with column.container(key=f"contender-{title.lower().replace(' ', '-').replace(chr(39), '')}"):
            st.markdown(f"**{title}**")
            if predictor is None:
                st.caption("Not available: its file is missing or damaged.")
                continue
            probabilities = predictor.predict_probabilities(image)[0]
            digit = int(np.argmax(probabilities))
            st.metric("Reads", str(digit), f"{probabilities[digit]:.0%} sure", delta_color="off", delta_arrow="off")
            probability_bars(probabilities, digit, height=110, label_size=11)
            accuracy = predictor.card.get("test_accuracy")
            if accuracy:
                st.caption(f"MNIST test: {accuracy:.2%} · {predictor.card.get('parameters', 0):,} parameters")


def where_it_lands(image: np.ndarray) -> None:
    loaded = digit_map()
    if loaded is None:
        st.info("The map of the test digits is not available on this server.", icon=":material/map:")
        return
    the_map, placer = loaded
    placement = the_map.place(placer.features(image))
    map_column, neighbour_column = st.columns([1.6, 1]) if not on_a_phone() else (st.container(), st.container())
    with map_column.container(key="digit-map"):
        st.image(map_picture(the_map, placement, dark=is_dark(), size_px=720), width="stretch")
        mistakes = int(np.sum(the_map.predicted != the_map.labels))
        st.caption(
            f"The {len(the_map.labels):,} MNIST test digits, placed by t-SNE so that digits the shipped model finds "
            f"alike sit together; coloured by their true label; × marks its {mistakes} mistakes. "
            "The ring is your drawing."
        )
    with neighbour_column.container(key="neighbours"):
        images, captions = neighbour_pictures(the_map, placement)
        common = int(np.bincount(placement.neighbour_labels, minlength=10).argmax())
        st.markdown(f"**Its {len(images)} nearest test digits**: mostly {common}s")
        # Enlarged here with square pixels: the browser would smooth a 28x28 shown at 84.
        st.image([enlarge(image / 255.0, scale=3) for image in images], caption=captions, width=84)
