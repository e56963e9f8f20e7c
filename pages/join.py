"""Join: a phone's view of an audience room (the link ?room=CODE): draw, send, say if it was right."""

import streamlit as st

from model.preprocess import NoDigitError, preprocess
from model.rooms import RoomError
from ui.canvas import clear_canvas, drawing_canvas
from ui.resources import active_predictor, room_store
from ui.room_views import send_drawing, show_correction

PHONE_CANVAS = 300


def send_and_clear(code, image, prediction):
    send_drawing(code, image, prediction)
    clear_canvas()


@st.fragment
def draw_for_the_room(code):
    drawing = drawing_canvas(PHONE_CANVAS, PHONE_CANVAS, pen_width=22)
    predictor = active_predictor()
    try:
        image = preprocess(drawing) if drawing is not None and predictor is not None else None
    except NoDigitError:
        image = None
    if "join_refusal" in st.session_state:
        st.warning(st.session_state.pop("join_refusal"))
    if image is None:
        st.info("Draw a digit, then send it to the wall.", icon=":material/draw:")
    else:
        prediction = predictor.predict(image)
        if not prediction.is_digit:
            st.warning("That does not look like a digit: try again.", icon=":material/block:")
            show_correction(code)
            return
        st.markdown(f"#### :material/neurology: {prediction.digit} · {prediction.confidence:.0%} sure")
        st.button("Send to the wall", type="primary", on_click=send_and_clear, args=(code, image, prediction),
                  icon=":material/send:", width="stretch")
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
