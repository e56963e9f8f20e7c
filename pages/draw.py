"""Draw: draw a digit (or a whole number) or upload a photo, and watch the model read it."""

import logging

import streamlit as st

from model.plots import attribution_picture, enlarge
from model.preprocess import NoDigitError, NotADigitError, UnreadableImageError, open_image, preprocess, split_digits
from ui.canvas import CANVAS_SIZE, drawing_canvas
from ui.resources import active_predictor
from ui.widgets import slide_download

PHONE_NUMBER_WIDTH = 340
ONE_DIGIT, NUMBER = "One digit", "A number"


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
    """All ten probabilities as bars, the answer highlighted.

    A Vega-Lite spec as a plain dict: Altair would validate its whole schema on every stroke,
    which was the largest cost of a stroke after the model's own work (py-spy).
    """
    values = [{"digit": str(d), "probability": float(p), "answer": d == digit} for d, p in enumerate(probabilities)]
    spec = {
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "height": 220,
        "encoding": {
            "x": {"field": "digit", "type": "nominal", "axis": {"labelAngle": 0, "labelFontSize": 16, "title": None}},
            "y": {"field": "probability", "type": "quantitative", "scale": {"domain": [0, 1]}, "axis": {"format": "%", "title": None}},
            "color": {"condition": {"test": "datum.answer", "value": "#1f6feb"}, "value": "#b8c4d6"},
        },
    }
    st.vega_lite_chart(spec=spec, width="stretch")


def show_answer_line(place, prediction):
    """A compact answer directly under the canvas: on a phone the metric is below the fold."""
    if not prediction.is_digit:
        place.markdown("#### :material/block: Not a digit")
        return
    doubt = f" (or a {prediction.runner_up}?)" if prediction.is_uncertain else ""
    place.markdown(f"#### :material/neurology: {prediction.digit}{doubt} · {prediction.confidence:.0%} sure")


def show_reading(predictor, image, answer_line):
    """The answer for one 28x28 image: the metric, the doubt if any, all ten probabilities."""
    prediction = predictor.predict(image)
    show_answer_line(answer_line, prediction)
    if not prediction.is_digit:
        st.metric("Prediction", "–", "not a digit", delta_color="off", delta_arrow="off")
        st.warning(f"That does not look like a digit: {prediction.not_a_digit}. Had it been one, the network's "
                   f"best guess would be a {prediction.digit} ({prediction.confidence:.0%}).", icon=":material/block:")
    else:
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


def read_one_digit(predictor, source, answer_line):
    try:
        image = preprocess(source) if source is not None else None
    except NotADigitError as refusal:
        answer_line.markdown("#### :material/block: Not a digit")
        st.warning(f"That does not look like a digit: {str(refusal).removeprefix('not a digit: ')}.", icon=":material/block:")
        return
    except NoDigitError:
        image = None
    if image is None:
        st.info("Draw a digit in the black box: the answer appears as you draw.", icon=":material/draw:")
        return
    prediction = show_reading(predictor, image, answer_line)
    show_what_the_model_saw(predictor, image, prediction)
    slide_download(source, image, prediction.probabilities, prediction.digit if prediction.is_digit else None, predictor.card)


def read_number(predictor, source, answer_line):
    try:
        digits = split_digits(source) if source is not None else []
    except NoDigitError:
        digits = []
    if not digits:
        st.info("Write a number, leaving a little space between the digits.", icon=":material/draw:")
        return
    predictions = [predictor.predict(image) for image in digits]
    number = "".join(str(prediction.digit) if prediction.is_digit else "?" for prediction in predictions)
    answer_line.markdown(f"#### :material/neurology: {number}")
    st.metric("Number", number, f"{len(digits)} digit{'s' * (len(digits) > 1)}", delta_color="off", delta_arrow="off")
    for column, image, prediction in zip(st.columns(max(len(digits), 4)), digits, predictions):
        column.image(enlarge(image, scale=4), width=112)
        if not prediction.is_digit:
            column.markdown("**?** not a digit")
            continue
        doubt = f" (or {prediction.runner_up}?)" if prediction.is_uncertain else ""
        column.markdown(f"**{prediction.digit}**{doubt} · {prediction.confidence:.0%}")


def number_canvas_width():
    """Twice the digit canvas, or what fits a phone's screen (390 px wide, less the margins)."""
    user_agent = st.context.headers.get("User-Agent", "") or ""
    return PHONE_NUMBER_WIDTH if "Mobi" in user_agent else CANVAS_SIZE * 2


@st.fragment
def one_digit():
    """The canvas and its answer: a stroke reruns only this fragment, not the page or sidebar."""
    canvas_column, answer_column = st.columns([1, 1.3], gap="large")
    with canvas_column:
        drawing = drawing_canvas(CANVAS_SIZE)
        answer_line = st.empty()
        photo = uploaded_image()
    with answer_column:
        # Loaded after the canvas is on screen: on a cold start the canvas need not wait for it.
        predictor = active_predictor()
        if predictor is not None:
            read_one_digit(predictor, photo if photo is not None else drawing, answer_line)


@st.fragment
def a_number():
    drawing = drawing_canvas(number_canvas_width())
    answer_line = st.empty()
    photo = uploaded_image()
    predictor = active_predictor()
    if predictor is not None:
        read_number(predictor, photo if photo is not None else drawing, answer_line)


st.title("Draw a digit")
mode = st.segmented_control("Read", [ONE_DIGIT, NUMBER], default=ONE_DIGIT, required=True, key="mode")
if mode == ONE_DIGIT:
    one_digit()
else:
    a_number()
