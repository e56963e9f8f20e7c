"""Draw: draw a digit (or a whole number) or upload a photo, and watch the model read it."""

import hashlib
import json
import logging

import altair as alt
import pandas as pd
import streamlit as st
from streamlit_drawable_canvas import st_canvas

from model.plots import attribution_picture, enlarge
from model.preprocess import NoDigitError, UnreadableImageError, open_image, preprocess, split_digits
from ui.resources import active_predictor

CANVAS_HEIGHT = 280
ONE_DIGIT, NUMBER = "One digit", "A number"


def clear_canvas():
    # A changed initial drawing makes the canvas reload it, i.e. empty itself, and send the empty
    # drawing back; forgetting the old drawing here means this very rerun shows no stale answer.
    # The drawings on screen at this moment are remembered as cleared: should one of them reach
    # the server again afterwards (a send already on its way when Clear was pressed), it is not
    # read. Only a new stroke, which changes the drawing, brings an answer back.
    st.session_state["canvas_clears"] = st.session_state.get("canvas_clears", 0) + 1
    saved = st.session_state.get("saved_drawings", {})
    st.session_state["cleared_drawings"] = {drawing_fingerprint(drawing["objects"]) for drawing in saved.values()}
    st.session_state["saved_drawings"] = {}
    for key in [key for key in st.session_state if str(key).startswith("canvas-")]:
        del st.session_state[key]


def drawing_fingerprint(objects):
    return hashlib.sha256(json.dumps(objects, sort_keys=True, default=str).encode()).hexdigest()


def drawing_canvas(width):
    """The canvas; returns its RGBA image, or None while nothing has been drawn.

    What is drawn is kept in the session, so a visit to another page does not lose it: when
    the canvas is mounted again it starts from the saved strokes.
    """
    key = f"canvas-{width}"
    saved = st.session_state.setdefault("saved_drawings", {})
    if key not in st.session_state:  # (re)mounted: on first visit, or back from another page
        st.session_state[f"restore-{key}"] = saved.get(key)
    restored = st.session_state.get(f"restore-{key}")
    stroke_width = st.slider("Pen width", 6, 40, 20, key="pen_width")
    result = st_canvas(
        stroke_width=stroke_width,
        stroke_color="#FFFFFF",
        background_color="#000000",
        update_streamlit=True,
        height=CANVAS_HEIGHT,
        width=width,
        drawing_mode="freedraw",
        return_image_data=True,
        # Constant while the page is shown (a change would make the canvas reload it).
        initial_drawing={"objects": restored["objects"] if restored else [], "clears": st.session_state.get("canvas_clears", 0)},
        key=key,
    )
    st.button("Clear", on_click=clear_canvas, icon=":material/ink_eraser:")
    if result.image_data is None:
        return restored["image"] if restored else None
    objects = (result.json_data or {}).get("objects", [])
    if objects and drawing_fingerprint(objects) in st.session_state.get("cleared_drawings", ()):
        return None  # a drawing from before the last Clear, arriving late
    saved[key] = {"objects": objects, "image": result.image_data}
    return result.image_data


def uploaded_image():
    upload = st.file_uploader(
        "…or upload a photo or scan of a digit on paper", type=["png", "jpg", "jpeg", "webp"], key="upload"
    )
    if upload is None:
        return None
    try:
        return open_image(upload.getvalue())
    except UnreadableImageError as error:
        st.error(f"{upload.name}: {error}. Try a PNG, JPEG or WebP photo.")
        return None
    except Exception:  # whatever a hostile file triggers: a message, never a traceback
        logging.getLogger(__name__).warning("unreadable upload", exc_info=True)
        st.error(f"{upload.name}: this file cannot be read as an image. Try a PNG, JPEG or WebP photo.")
        return None


def probability_chart(probabilities, digit):
    table = pd.DataFrame({"digit": [str(d) for d in range(10)], "probability": probabilities})
    table["answer"] = table["digit"] == str(digit)
    chart = (
        alt.Chart(table, height=220)
        .mark_bar()
        .encode(
            x=alt.X("digit:N", axis=alt.Axis(labelAngle=0, labelFontSize=16, title=None)),
            y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%", title=None)),
            color=alt.condition("datum.answer", alt.value("#1f6feb"), alt.value("#b8c4d6")),
            tooltip=["digit", alt.Tooltip("probability:Q", format=".2%")],
        )
    )
    st.altair_chart(chart, width="stretch")


def show_reading(predictor, image):
    """The answer for one 28x28 image: the metric, the doubt if any, all ten probabilities."""
    prediction = predictor.predict(image)
    st.metric("Prediction", str(prediction.digit), f"{prediction.confidence:.1%} sure", delta_color="off", delta_arrow="off")
    if prediction.is_uncertain:
        st.warning(f"Not sure: a {prediction.digit} or a {prediction.runner_up}?")
    probability_chart(prediction.probabilities, prediction.digit)
    return prediction


def show_what_the_model_saw(predictor, image, prediction):
    why = st.toggle("Why? Show which pixels drove the answer", key="explain")
    pictures = st.columns(2 if why else 1)
    pictures[0].image(enlarge(image), caption="What the model saw (28×28)", width=224)
    if why:
        attribution = predictor.explain(image, prediction.digit)
        pictures[1].image(
            attribution_picture(image, attribution),
            caption=f"Red pushed towards {prediction.digit}, blue against",
            width=224,
        )


def read_one_digit(predictor, source):
    try:
        image = preprocess(source) if source is not None else None
    except NoDigitError:
        image = None
    if image is None:
        st.info("Draw a digit in the black box: the answer appears as you draw.", icon=":material/draw:")
        return
    prediction = show_reading(predictor, image)
    show_what_the_model_saw(predictor, image, prediction)


def read_number(predictor, source):
    try:
        digits = split_digits(source) if source is not None else []
    except NoDigitError:
        digits = []
    if not digits:
        st.info("Write a number, leaving a little space between the digits.", icon=":material/draw:")
        return
    predictions = [predictor.predict(image) for image in digits]
    number = "".join(str(prediction.digit) for prediction in predictions)
    st.metric("Number", number, f"{len(digits)} digit{'s' * (len(digits) > 1)}", delta_color="off", delta_arrow="off")
    for column, image, prediction in zip(st.columns(max(len(digits), 4)), digits, predictions):
        column.image(enlarge(image, scale=4), width=112)
        doubt = f" (or {prediction.runner_up}?)" if prediction.is_uncertain else ""
        column.markdown(f"**{prediction.digit}**{doubt} · {prediction.confidence:.0%}")


st.title("Draw a digit")
mode = st.segmented_control("Read", [ONE_DIGIT, NUMBER], default=ONE_DIGIT, required=True, key="mode")

if mode == ONE_DIGIT:
    canvas_column, answer_column = st.columns([1, 1.3], gap="large")
    with canvas_column:
        drawing = drawing_canvas(CANVAS_HEIGHT)
        photo = uploaded_image()
    with answer_column:
        # Loaded after the canvas is on screen: on a cold start the canvas need not wait for it.
        predictor = active_predictor()
        if predictor is not None:
            read_one_digit(predictor, photo if photo is not None else drawing)
else:
    drawing = drawing_canvas(CANVAS_HEIGHT * 2)
    photo = uploaded_image()
    predictor = active_predictor()
    if predictor is not None:
        read_number(predictor, photo if photo is not None else drawing)
