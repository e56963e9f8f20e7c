"""The Present page's Inside view: a canvas, the layers that tell the story big enough for the back
row, where the drawing lands on the map, every network's answer, and the slide of it all."""

import numpy as np
import streamlit as st

from model.inside.activations import LayerActivation
from model.inside.map_picture import map_picture
from model.inside.pictures import activation_picture
from model.inside.slide import inside_slide_figure, story_layers
from model.language import N_, _, active_language, using
from model.plots import slide_to_png
from ui.canvas import drawing_canvas
from ui.inside import (
    PIXELATED,
    digit_map,
    jpeg,
    networks_to_look_inside,
    show_picture,
    tracer_for,
    tutorial_title,
    tutorials,
)
from ui.projector import colours
from ui.reading import read
from ui.resources import active_predictor
from ui.session import active_model_label, shown_model_label

INSIDE_CANVAS = 400
KIND_TITLES = {
    "activation": N_("fires"),
    "pooling": N_("pooled"),
    "averaging": N_("averaged"),
    "dense": N_("dense"),
    "convolution": N_("fires"),
    "output": "0 … 9",
}


def every_answer(active_probabilities: np.ndarray, image: np.ndarray) -> list[tuple[str, int, float]]:
    """(network, digit, how sure) for the four tutorials' networks and the active model (whose
    reading the view made already)."""
    read = tutorials().read(image)
    readings = [(tutorial_title(architecture), probabilities) for architecture, probabilities in read.items()]
    readings.append((shown_model_label(active_model_label()), active_probabilities))
    return [(title, int(np.argmax(p)), float(np.max(p))) for title, p in readings]


def layer_title(activation: LayerActivation) -> str:
    # "name (what)" in every language: the slide breaks the title at its " (".
    what = _(KIND_TITLES[activation.kind]) if activation.kind in KIND_TITLES else activation.kind
    return f"{activation.name} ({what})"


def answer_in_big(reading, dark: bool) -> None:
    """The shipped model's answer, a fifth of the screen's height: the map and layers share the screen."""
    prediction = reading.prediction
    text = "–" if prediction is None or not prediction.is_digit else str(prediction.digit)
    if prediction is None or not prediction.is_digit:
        sure = _("not a digit")
    else:
        sure = _("{confidence:.0%} sure").format(confidence=prediction.confidence)
    palette = colours(dark)
    st.markdown(
        f'<div data-testid="inside-answer" style="font-size:min(22vh,12vw);line-height:1;font-weight:800;'
        f'text-align:center;color:{palette["text"]}">{text}</div>'
        f'<div style="font-size:min(4vh,2.4vw);text-align:center;color:{palette["muted"]}">{sure}</div>',
        unsafe_allow_html=True,
    )


@st.fragment
def projector_inside(dark: bool) -> None:
    st.html("""<style>
    .stApp [data-testid="stImageCaption"], .stApp [data-testid="stImageCaption"] p { font-size: 1.2rem !important; }
    .inside-reader { font-size: min(3vh, 1.6vw); line-height: 1.5; white-space: nowrap; }
    </style>""")
    st.html(PIXELATED)
    canvas_column, flow_column = st.columns([1, 2.6], gap="large")
    with canvas_column:
        drawing = drawing_canvas(INSIDE_CANVAS, INSIDE_CANVAS, pen_width=28, clear_shortcut="Delete")
    predictor = active_predictor()
    reading = read(predictor, drawing)
    if reading.image is None or reading.prediction is None or predictor is None:
        flow_column.markdown("### " + _("Draw a digit: each layer of the network lights up."))
        return
    image = reading.image
    network = networks_to_look_inside()[0]
    layers = story_layers(tracer_for(network).activations(image))
    with flow_column.container(key="inside-present"):
        st.markdown("#### " + _("{network}: the 28×28, then layer after layer").format(network=network.label))
        columns = st.columns(len(layers) + 1)
        with columns[0]:
            show_picture((np.asarray(image) * 255).astype(np.uint8), caption=_("input"))
        pictures = []
        for column, activation in zip(columns[1:], layers, strict=True):
            # 16 units a row: a dense layer of 128 is a block the back row can see, not a thin strip.
            picture = activation_picture(activation, units_per_row=16)
            pictures.append((layer_title(activation), picture))
            with column:
                show_picture(picture, caption=layer_title(activation))
        map_column, answer_column, table_column = st.columns([1.3, 0.8, 1.2])
        loaded = digit_map()
        the_map = None
        if loaded is not None:
            placement = loaded[0].place(loaded[1].features(image))
            the_map = map_picture(loaded[0], placement, dark=dark, size_px=560)
            with map_column.container(key="present-map"):
                st.image(jpeg(the_map), caption=_("Where it lands among the test digits"), output_format="JPEG")
        with answer_column:
            answer_in_big(reading, dark)
        answers = every_answer(reading.prediction.probabilities, image)
        table_column.markdown(
            "".join(
                f'<div class="inside-reader">{title}: <b>{digit}</b> · {confidence:.0%}</div>'
                for title, digit, confidence in answers
            ),
            unsafe_allow_html=True,
        )
        caption = _("Looking inside: {network}").format(network=network.label)
        language = active_language()  # the slide is made when the button is pressed, outside this run

        def make_slide() -> bytes:
            with using(language):
                return slide_to_png(inside_slide_figure(image, pictures, the_map, answers, caption, dark=dark))

        table_column.download_button(
            _("Download slide (PNG)"),
            make_slide,
            file_name="inside.png",
            mime="image/png",
            icon=":material/slideshow:",
            on_click="ignore",
            key="inside-slide",
        )
