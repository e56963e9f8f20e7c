"""Join: a phone's view of an audience room (the link ?room=CODE, or /join and the code typed):
draw, send, say if it was right."""

import logging

import streamlit as st

from model.language import _
from model.recognition.predictor import ModelLoadError
from model.rooms.errors import RoomError, RoomNotFound
from model.rooms.values import normalised_code
from ui.canvas import clear_canvas, drawing_canvas
from ui.entry import enter_through_the_app
from ui.reading import read, show_answer_line
from ui.resources import room_predictor, room_store
from ui.room_views import TOO_MANY_TRIES, count_a_miss, may_try_a_code, send_drawing, show_correction
from ui.session import JOIN_FLASH, phone_id, take_flash

enter_through_the_app()

PHONE_CANVAS = 300


def send_and_clear(code, image, prediction):
    if send_drawing(code, image, prediction):
        clear_canvas()  # a refused drawing stays on the canvas, to send again


@st.fragment
def draw_for_the_room(code):
    drawing = drawing_canvas(PHONE_CANVAS, PHONE_CANVAS, pen_width=22)
    try:
        predictor = room_predictor(code)
    except ModelLoadError:  # the reason names a server path: the log has it
        logging.getLogger(__name__).warning("the phones' model cannot be loaded", exc_info=True)
        st.error(_("The network is unavailable: try again in a minute."))
        return
    reading = read(predictor, drawing)
    if (message := take_flash(JOIN_FLASH)) is not None:
        st.warning(message)
    if reading.is_empty:
        st.info(_("Draw a digit, then send it to the wall."), icon=":material/draw:")
    elif reading.refusal is not None:
        st.warning(_("That does not look like a digit: try again."), icon=":material/block:")
        if reading.prediction is not None:  # the gate refused it: the phone may still insist
            st.caption(
                _(
                    "Sure it is a digit? Send it anyway: the presenter sees it first "
                    "and decides whether it goes on the wall."
                )
            )
            st.button(
                _("Send anyway"),
                on_click=send_and_clear,
                args=(code, reading.image, reading.prediction),
                icon=":material/send:",
                width="stretch",
            )
    else:
        show_answer_line(st.empty(), reading)
        st.button(
            _("Send to the wall"),
            type="primary",
            on_click=send_and_clear,
            args=(code, reading.image, reading.prediction),
            icon=":material/send:",
            width="stretch",
        )
    show_correction(code)


def join_by_code():
    """No room in the address (``/join``): type the code the wall shows."""
    st.title(_("Join a room"))
    with st.form("join"):
        typed = st.text_input(_("The room's code, as the wall shows it"), max_chars=16, placeholder="ABCD-2345")
        joined = st.form_submit_button(_("Join"), type="primary", icon=":material/login:")
    if not joined:
        return
    code = normalised_code(typed)
    if code is None:
        st.error(_("A room's code is 8 letters and digits, like ABCD-2345."))
    elif not may_try_a_code():
        st.error(_(TOO_MANY_TRIES))
    elif (room := find_room(code)) is not None:
        st.query_params["room"] = room
        st.rerun()


def find_room(code):
    """The room's code if it is open for drawings, else None with the reason on the page."""
    try:
        room = room_store().room(code)
    except RoomNotFound as refusal:
        count_a_miss()
        st.error(str(refusal))
        return None
    except RoomError as refusal:
        st.error(str(refusal))
        return None
    if room.closed:
        st.warning(_("This room is closed: thank you for drawing!"))
        return None
    return room.code


code = st.query_params.get("room", "")
if not code:
    join_by_code()
    st.stop()
st.title(_("Draw for the room"))
if not may_try_a_code():
    st.error(_(TOO_MANY_TRIES))
    st.stop()
if find_room(code) is None:
    st.stop()
phone_id()  # in the address from the first visit on: a reload keeps who this phone is
draw_for_the_room(code)
