"""Draw: draw a digit (or a whole number) or upload a photo, and watch the model read it."""

import logging

import streamlit as st

from model.language import N_, _, ngettext
from model.plots import attribution_picture, enlarge, thumbnail
from model.recognition.numbers import read_number
from model.recognition.preprocess import UnreadableImageError, open_image
from ui.canvas import CANVAS_SIZE, drawing_canvas
from ui.entry import enter_through_the_app
from ui.language import file_uploader
from ui.reading import probability_bars, read, show_answer_line, with_article
from ui.resources import active_predictor
from ui.session import on_a_phone
from ui.widgets import slide_download

enter_through_the_app()

PHONE_NUMBER_WIDTH = 340
ONE_DIGIT, NUMBER = N_("One digit"), N_("A number")


def uploaded_image():
    upload = file_uploader(
        _("…or upload a photo or scan of a digit on paper or a blackboard"),
        ["png", "jpg", "jpeg", "webp"],
        key="upload",
    )
    if upload is None:
        return None
    try:
        photo = open_image(upload.getvalue())
        # The photo as it is read, under the canvas: a visitor sees which picture the answer is about.
        # Shown small (as wide as the 28x28 beside the answer), so on a phone the answer stays near.
        st.image(
            thumbnail(photo, CANVAS_SIZE), caption=_("Your photo: this is what is read, not the canvas"), width=168
        )
        return photo
    except UnreadableImageError as error:
        st.error(_("{name}: {error}. Try a PNG, JPEG or WebP photo.").format(name=upload.name, error=error))
        return None
    except Exception:  # whatever a hostile file triggers: a message, never a traceback
        logging.getLogger(__name__).warning("unreadable upload", exc_info=True)
        st.error(
            _("{name}: this file cannot be read as an image. Try a PNG, JPEG or WebP photo.").format(name=upload.name)
        )
        return None


def show_reading(prediction):
    """The answer for one 28x28 image: the metric, the doubt if any, all ten probabilities."""
    if not prediction.is_digit:
        st.metric(_("Prediction"), "–", _("not a digit"), delta_color="off", delta_arrow="off")
        st.warning(
            _(
                "That does not look like a digit: {reason}. Had it been one, the network's best guess would be "
                "{digit} ({confidence:.0%})."
            ).format(
                reason=prediction.refusal.detail,
                digit=with_article(prediction.digit),
                confidence=prediction.confidence,
            ),
            icon=":material/block:",
        )
    else:
        st.metric(
            _("Prediction"),
            str(prediction.digit),
            _("{confidence:.1%} sure").format(confidence=prediction.confidence),
            delta_color="off",
            delta_arrow="off",
        )
        if prediction.is_uncertain:
            st.warning(
                _("Not sure: {first} or {second}?").format(
                    first=with_article(prediction.digit), second=with_article(prediction.runner_up)
                )
            )
        if prediction.doubted:
            st.warning(
                _(
                    "This may not be a digit at all: it looks unlike the digits the network learned from. "
                    "If it is one, it reads as {digit}."
                ).format(digit=with_article(prediction.digit)),
                icon=":material/help:",
            )
    probability_bars(prediction.probabilities, prediction.digit, height=170)


def show_what_the_model_saw(predictor, source, image, prediction):
    """The 28x28 the network read, on request what drove the answer, and the slide: one row, so
    that at 1400x900 all of it is on screen with the answer."""
    toggle_column, download_column = st.columns([1.4, 1])
    why = toggle_column.toggle(_("Why? Show which pixels drove it"), key="explain")
    with download_column:
        digit = prediction.digit if prediction.is_digit else None
        slide_download(source, image, prediction.probabilities, digit, predictor.card)
    pictures = st.columns(2)
    pictures[0].image(enlarge(image), caption=_("What the model saw (28×28)"), width=168)
    if why:
        attribution = predictor.explain(image, prediction.digit)
        pictures[1].image(
            attribution_picture(image, attribution),
            caption=_("Red pushed towards {digit}, blue against").format(digit=prediction.digit),
            width=168,
        )


def read_one_digit(predictor, source, answer_line):
    reading = read(predictor, source)
    if reading.is_empty:
        st.info(_("Draw a digit in the black box: the answer appears as you draw."), icon=":material/draw:")
        return
    if answer_line is not None:
        show_answer_line(answer_line, reading)
    if reading.prediction is None:  # preprocessing already knew: ink scattered like text
        st.warning(
            _("That does not look like a digit: {reason}.").format(reason=reading.refusal.detail),
            icon=":material/block:",
        )
        return
    show_reading(reading.prediction)
    show_what_the_model_saw(predictor, source, reading.image, reading.prediction)


def show_number(predictor, source, answer_line):
    reading = read_number(predictor, source) if source is not None else None
    if reading is None or not reading.images:
        if reading is not None and reading.refusal is not None and reading.refusal.kind.holds_ink:
            st.warning(
                _("That does not look like a number: {reason}.").format(reason=reading.refusal.detail),
                icon=":material/block:",
            )
        else:
            st.info(_("Write a number: the digits may touch."), icon=":material/draw:")
        return
    digits, predictions = reading.images, reading.predictions
    number = "".join(str(prediction.digit) if prediction.is_digit else "?" for prediction in predictions)
    if answer_line is not None:
        answer_line.markdown(f"#### :material/neurology: {number}")
    metric_column, *digit_columns = st.columns([1.2, 1, 1, 1, 1, 1, 1])
    metric_column.metric(
        _("Number"),
        number,
        ngettext("{count} digit", "{count} digits", len(digits)).format(count=len(digits)),
        delta_color="off",
        delta_arrow="off",
    )
    if len(digits) <= len(digit_columns):
        for column, image, prediction in zip(digit_columns, digits, predictions, strict=False):
            show_one_of_the_digits(column, image, prediction)
        return
    columns_per_row = 6
    for start in range(0, len(digits), columns_per_row):
        row = st.columns(columns_per_row)
        for column, image, prediction in zip(row, digits[start:], predictions[start:], strict=False):
            show_one_of_the_digits(column, image, prediction)


def show_one_of_the_digits(column, image, prediction):
    column.image(enlarge(image, scale=4), width=96)
    if not prediction.is_digit:
        column.markdown(_("**?** not a digit"))
        return
    doubt = _(" (or {digit}?)").format(digit=prediction.runner_up) if prediction.is_uncertain else ""
    column.markdown(f"**{prediction.digit}**{doubt} · {prediction.confidence:.0%}")
    if prediction.doubted:
        column.caption(_("may not be a digit"))


def number_canvas_width():
    """Twice the digit canvas, or what fits a phone's screen (390 px wide, less the margins)."""
    return PHONE_NUMBER_WIDTH if on_a_phone() else CANVAS_SIZE * 2


@st.fragment
def one_digit():
    """The canvas and its answer: a stroke reruns only this fragment, not the page or sidebar."""
    canvas_column, answer_column = st.columns([1, 1.3], gap="large")
    with canvas_column:
        drawing = drawing_canvas(CANVAS_SIZE)
        # On a phone the answer column comes below the fold: a line under the canvas says it.
        answer_line = st.empty() if on_a_phone() else None
        photo = uploaded_image()
    with answer_column:
        # Loaded after the canvas is on screen: on a cold start the canvas need not wait for it.
        predictor = active_predictor()
        if predictor is not None:
            read_one_digit(predictor, photo if photo is not None else drawing, answer_line)


@st.fragment
def a_number():
    # Canvas, results, then the upload: the number canvas is too wide to share a row on a
    # laptop, and this way the digits read are on screen with it at 1400x900.
    drawing = drawing_canvas(number_canvas_width(), pen_slider_width=CANVAS_SIZE)
    answer_line = st.empty() if on_a_phone() else None
    answer_place = st.container()
    photo = uploaded_image()
    with answer_place:
        predictor = active_predictor()
        if predictor is not None:
            show_number(predictor, photo if photo is not None else drawing, answer_line)


st.title(_("Write a number") if st.session_state.get("mode") == NUMBER else _("Draw a digit"))
mode = st.segmented_control(_("Read"), [ONE_DIGIT, NUMBER], format_func=_, default=ONE_DIGIT, required=True, key="mode")
if mode == ONE_DIGIT:
    one_digit()
else:
    a_number()
