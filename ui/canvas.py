"""The drawing canvas every page shares: Clear, a drawing kept across page visits, late sends ignored.

streamlit-drawable-canvas raises when imported outside a running app, so it is imported here,
in ui/, and only pages import this module.
"""

import streamlit as st
from streamlit_drawable_canvas import st_canvas

from model.language import _
from ui.session import (
    CANVAS_CLEARS,
    CANVAS_PREFIX,
    RESTORE_PREFIX,
    SAVED_DRAWINGS,
)

CANVAS_SIZE = 280


def clear_canvas():
    # Every Clear starts a new canvas (its key counts the clears): an empty one, with an empty
    # history. A send of the old canvas still on its way when Clear was pressed is addressed to a
    # widget that no longer exists, so it is never read; whatever the new canvas sends is, even a
    # drawing identical to the one just cleared. The guard is the send's order, not its content.
    st.session_state[CANVAS_CLEARS] = st.session_state.get(CANVAS_CLEARS, 0) + 1
    st.session_state[SAVED_DRAWINGS] = {}
    for key in [key for key in st.session_state if str(key).startswith((CANVAS_PREFIX, RESTORE_PREFIX))]:
        del st.session_state[key]


def drawing_canvas(width, height=CANVAS_SIZE, pen_width=None, clear_shortcut=None, pen_slider_width=None):
    """The canvas with its Clear button; returns its RGBA image, or None while nothing is drawn.

    What is drawn is kept in the session, so a visit to another page does not lose it: when
    the canvas is mounted again it starts from the saved strokes. ``pen_width`` fixes the pen
    (otherwise a slider, ``pen_slider_width`` pixels wide, sets it); ``clear_shortcut`` is a key
    that presses Clear.
    """
    size = f"{width}x{height}"
    key = f"{CANVAS_PREFIX}{size}-{st.session_state.get(CANVAS_CLEARS, 0)}"
    saved = st.session_state.setdefault(SAVED_DRAWINGS, {})
    if key not in st.session_state:  # (re)mounted: on first visit, after Clear, or back from another page
        st.session_state[RESTORE_PREFIX + key] = saved.get(size)
    restored = st.session_state.get(RESTORE_PREFIX + key)
    stroke_width = pen_width or st.slider(
        _("Pen width"), 6, 40, 20, key="pen_width", width=pen_slider_width or "stretch"
    )
    result = st_canvas(
        stroke_width=stroke_width,
        stroke_color="#FFFFFF",
        background_color="#000000",
        update_streamlit=True,
        height=height,
        width=width,
        drawing_mode="freedraw",
        return_image_data=True,
        # Constant while this canvas is shown (a change would make it reload the drawing).
        initial_drawing={"objects": restored["objects"] if restored else []},
        key=key,
    )
    st.button(
        _("Clear"),
        on_click=clear_canvas,
        icon=":material/ink_eraser:",
        shortcut=clear_shortcut,
        help=_("Shortcut: {keys}").format(keys=clear_shortcut) if clear_shortcut else None,
    )
    objects = (result.json_data or {}).get("objects", [])
    if not objects:  # an empty canvas (after Clear or Reset): no PNG to decode, nothing to read
        saved.pop(size, None)
        return None
    image = result.image_data  # decodes the canvas' PNG: once per stroke, not once per use
    if image is None:  # nothing sent since the canvas was (re)mounted from the saved strokes
        return restored["image"] if restored else None
    saved[size] = {"objects": objects, "image": image}
    return image
