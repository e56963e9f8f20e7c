"""Join: a phone's view of an audience room (the link ?room=CODE): draw, send, say if it was right."""

import streamlit as st

from model.rooms.errors import RoomError
from ui.canvas import clear_canvas, drawing_canvas
from ui.entry import enter_through_the_app
from ui.reading import read, show_answer_line
from ui.resources import active_predictor, room_store
from ui.room_views import send_drawing, show_correction
from ui.session import JOIN_FLASH, take_flash

enter_through_the_app()

PHONE_CANVAS = 300


def send_and_clear(code, image, prediction):
    send_drawing(code, image, prediction)
    clear_canvas()


@st.fragment
def draw_for_the_room(code):
    drawing = drawing_canvas(PHONE_CANVAS, PHONE_CANVAS, pen_width=22)
    reading = read(active_predictor(), drawing)
    if (message := take_flash(JOIN_FLASH)) is not None:
        st.warning(message)
    if reading.is_empty:
        st.info("Draw a digit, then send it to the wall.", icon=":material/draw:")
    elif reading.refusal is not None:
        st.warning("That does not look like a digit: try again.", icon=":material/block:")
    else:
        show_answer_line(st.empty(), reading)
        st.button(
            "Send to the wall",
            type="primary",
            on_click=send_and_clear,
            args=(code, reading.image, reading.prediction),
            icon=":material/send:",
            width="stretch",
        )
    show_correction(code)


code = st.query_params.get("room", "")
st.title("Draw for the room")
try:
    room = room_store().room(code)
except RoomError as refusal:
    st.error(str(refusal))
    st.stop()
if room.closed:
    st.warning("This room is closed: thank you for drawing!")
    st.stop()
draw_for_the_room(code)
