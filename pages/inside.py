"""Inside: the network at work on your drawing - every layer, what its units learned, the four
tutorials' networks side by side, and where the drawing lands among the 10,000 test digits."""

import numpy as np
import streamlit as st

from model.inside.transform import moved
from model.language import _
from ui.canvas import CANVAS_SIZE, drawing_canvas
from ui.entry import enter_through_the_app
from ui.inside import PIXELATED, networks_to_look_inside, picture_gallery, tracer_for
from ui.inside_views import drawing_moves, layer_by_layer, side_by_side, what_units_learned, where_it_lands
from ui.reading import read
from ui.resources import active_predictor
from ui.session import active_model_label

enter_through_the_app()


def the_answer(predictor, reading, image, moves):
    """The active model's reading of the 28x28 as moved, first: the rest of the page follows it.
    Returns its ten probabilities (the reading's own while the drawing is not moved)."""
    unmoved = not any(moves.values()) and reading.prediction is not None
    probabilities = reading.prediction.probabilities if unmoved else predictor.predict_probabilities(image)[0]
    refusal = reading.refusal
    digit = int(np.argmax(probabilities))
    if refusal is not None:
        st.metric(_("Prediction"), "–", _("not a digit"), delta_color="off", delta_arrow="off")
        st.caption(
            _("That does not look like a digit: {reason}. The network's best guess: {digit}.").format(
                reason=refusal.detail, digit=digit
            )
        )
    else:
        sure = _("{confidence:.1%} sure").format(confidence=probabilities[digit])
        st.metric(_("Prediction"), str(digit), sure, delta_color="off", delta_arrow="off")
    return probabilities


@st.fragment
def inside():
    canvas_column, control_column = st.columns([1, 1.3], gap="large")
    with canvas_column:
        drawing = drawing_canvas(CANVAS_SIZE)
    predictor = active_predictor()
    reading = read(predictor, drawing)
    networks = networks_to_look_inside()
    with control_column:
        # The choice is kept by the network's English name: it stays chosen when the language changes.
        keys = [network.key for network in networks]
        labels = dict(zip(keys, [network.label for network in networks], strict=True))
        chosen = st.selectbox(_("Network to look inside"), keys, format_func=labels.__getitem__, key="inside_network")
        moves = drawing_moves()
        if reading.image is None or predictor is None:
            st.info(_("Draw a digit (here or on the Draw page) to see the network at work."), icon=":material/draw:")
            return
        image = moved(reading.image, **moves)
        picture_column, answer_column = st.columns([1, 2], vertical_alignment="center")
        with picture_column:
            picture_gallery([(image * 255).astype(np.uint8)], [_("What the networks read (28×28)")], 112, "input")
        with answer_column:
            probabilities = the_answer(predictor, reading, image, moves)
    network = networks[keys.index(chosen)]
    tracer = tracer_for(network)

    st.subheader(_("1 · Layer by layer: {network}").format(network=network.label))
    activations = layer_by_layer(tracer, image)
    st.subheader(_("2 · What its units learned"))
    what_units_learned(network, tracer, activations)
    st.subheader(_("3 · The four tutorials' networks side by side"))
    side_by_side(predictor, active_model_label(), probabilities, image)
    st.subheader(_("4 · Where your digit lands"))
    where_it_lands(image)


st.title(_("Inside the network"))
st.html(PIXELATED)
with st.container(key="inside"):
    inside()
