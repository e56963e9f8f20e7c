"""Present: a projector view - a big canvas, the answer readable from the back of the room, the
ten probabilities as big bars, the 28x28 the network saw - and the audience room's wall."""

import streamlit as st

from model.language import N_, _
from model.plots import enlarge
from ui.canvas import drawing_canvas
from ui.entry import enter_through_the_app
from ui.inside_present import projector_inside
from ui.language import language_switch
from ui.projector import big_answer, big_probability_bars, projector_style
from ui.reading import read
from ui.resources import active_predictor
from ui.room_views import presenter_room
from ui.session import PRESENT_DARK
from ui.widgets import slide_download

enter_through_the_app()

PRESENT_CANVAS = 520  # fits its column at 1400x900 and fills half the screen's height
CLEAR_KEY = "Delete"


@st.fragment
def projector(dark):
    canvas_column, answer_column, detail_column = st.columns([1.3, 0.75, 1.1], gap="large")
    with canvas_column:
        drawing = drawing_canvas(PRESENT_CANVAS, PRESENT_CANVAS, pen_width=34, clear_shortcut=CLEAR_KEY)
    predictor = active_predictor()
    reading = read(predictor, drawing)
    prediction = reading.prediction
    with answer_column:
        big_answer(reading)
    with detail_column:
        if prediction is not None:
            big_probability_bars(prediction.probabilities, prediction.digit, dark)
            picture, download = st.columns([1, 1.2])
            # Square pixels, as on the Draw page: the browser would smooth a 28x28 stretched to 168.
            picture.image(enlarge(reading.image, scale=6), caption=_("What the network saw (28×28)"), width=168)
            with download:
                digit = prediction.digit if prediction.is_digit else None
                slide_download(
                    drawing,
                    reading.image,
                    prediction.probabilities,
                    digit,
                    predictor.card,
                    dark=dark,
                    key="present-slide",
                )
        else:
            st.markdown(_("Draw a digit. Press **{key}** to clear.").format(key=CLEAR_KEY))


dark = st.session_state.get(PRESENT_DARK, False)
projector_style(dark)
# The controls in one row at the top: nothing moves when an answer appears below them.
view_column, language_column, dark_column, back_column = st.columns([2.2, 1.0, 0.8, 0.8], vertical_alignment="center")
VIEWS = [N_("Draw"), N_("Inside"), N_("Audience room")]  # the values stay English: ?view= and the code compare them
# ?view=inside opens that view: a presenter's bookmark for the talk's part about the inside.
asked = str(st.query_params.get("view", "")).lower()
view = view_column.segmented_control(
    _("View"),
    VIEWS,
    format_func=_,
    default=next((name for name in VIEWS if name.lower().startswith(asked)), "Draw") if asked else "Draw",
    required=True,
    key="present_view",
    label_visibility="collapsed",
)
with language_column:
    language_switch(key="present_language")  # the wall's language; each phone keeps its own
dark_column.toggle(_("Dark room"), key=PRESENT_DARK)
back_column.page_link("pages/draw.py", label=_("Back to the app"), icon=":material/arrow_back:")
if view == "Draw":
    projector(dark)
elif view == "Inside":
    projector_inside(dark)
else:
    presenter_room(dark)
