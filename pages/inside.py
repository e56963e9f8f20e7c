"""Inside: the network at work on your drawing - every layer, what its units learned, the four
tutorials' networks side by side, and where the drawing lands among the 10,000 test digits."""

import streamlit as st

from model.inside.transform import moved
from model.plots import enlarge
from ui.canvas import CANVAS_SIZE, drawing_canvas
from ui.entry import enter_through_the_app
from ui.inside import networks_to_look_inside, tracer_for
from ui.inside_views import drawing_moves, layer_by_layer, side_by_side, what_units_learned, where_it_lands
from ui.reading import read
from ui.resources import active_predictor
from ui.session import active_model_label

enter_through_the_app()


@st.fragment
def inside():
    canvas_column, control_column = st.columns([1, 1.3], gap="large")
    with canvas_column:
        drawing = drawing_canvas(CANVAS_SIZE)
    predictor = active_predictor()
    reading = read(predictor, drawing)
    networks = networks_to_look_inside()
    with control_column:
        labels = [network.label for network in networks]
        chosen = st.selectbox("Network to look inside", labels, key="inside_network")
        moves = drawing_moves()
        if reading.image is None:
            st.info("Draw a digit (here or on the Draw page) to see the network at work.", icon=":material/draw:")
            return
        image = moved(reading.image, **moves)
        picture_column, note_column = st.columns([1, 2], vertical_alignment="center")
        picture_column.image(enlarge(image, scale=4), caption="What the networks read (28×28)", width=112)
        if reading.refusal is not None:
            note_column.warning(
                f"The gate says this is not a digit: {reading.refusal.detail}.", icon=":material/block:"
            )
    network = networks[labels.index(chosen)]
    tracer = tracer_for(network)

    st.subheader(f"1 · Layer by layer: {network.label}")
    activations = layer_by_layer(tracer, image)
    st.subheader("2 · What its units learned")
    what_units_learned(network, tracer, activations)
    st.subheader("3 · The four tutorials' networks side by side")
    side_by_side(predictor, active_model_label(), image)
    st.subheader("4 · Where your digit lands")
    where_it_lands(image)


st.title("Inside the network")
inside()
