"""The audience room's wall on the Present page: the count, the accuracy, the newest drawings, the
room's confusion matrix, and the presenter's buttons (clear, download, close, hide)."""

import numpy as np
import streamlit as st

from model.language import _, ngettext
from model.plots import confusion_matrix_figure, enlarge
from model.rooms.errors import RoomError
from model.rooms.values import npz_bytes
from ui.resources import room_store
from ui.session import OWN_ROOM, ROOM_FLASH, flash, session_id

WALL_TILES = 24


def owner_action(action, *args):
    """Hide, clear or close: the store checks that this session opened the room."""
    try:
        getattr(room_store(), action)(*args)
    except RoomError as refusal:
        flash(ROOM_FLASH, str(refusal))
    if action == "close":
        st.session_state.pop(OWN_ROOM, None)


def presenter_controls(code):
    st.button(_("Clear the wall"), on_click=owner_action, args=("clear", code, session_id()), icon=":material/mop:")
    st.download_button(
        _("Download the room's digits (.npz)"),
        lambda: npz_bytes(*room_store().dataset(code, session_id())),
        file_name=f"room-{code}.npz",
        mime="application/octet-stream",
        on_click="ignore",
        icon=":material/download:",
    )
    st.button(
        _("Close the room"), on_click=owner_action, args=("close", code, session_id()), icon=":material/door_front:"
    )


def wall(code, owner):
    """Redrawn every 1.5 s from the database: the count, the accuracy, the tiles, the confusion."""
    try:
        store = room_store()
        info, stats, latest = store.room(code), store.stats(code), store.latest(code, WALL_TILES)
    except RoomError as refusal:
        st.error(str(refusal))
        return
    counts = st.columns(3)
    counts[0].metric(_("Drawings"), stats.count)
    counts[1].metric(
        _("Room accuracy"),
        f"{stats.accuracy:.0%}" if stats.accuracy is not None else "–",
        ngettext("{count} confirmed", "{count} confirmed", stats.confirmed).format(count=stats.confirmed),
        delta_color="off",
        delta_arrow="off",
    )
    counts[2].metric(_("Room"), _("closed") if info.closed else _("open"))
    if not latest:
        st.info(_("Waiting for the first drawing…"), icon=":material/hourglass:")
        return
    for row_start in range(0, len(latest), 8):
        for column, drawing in zip(st.columns(8), latest[row_start : row_start + 8], strict=False):
            with column.container(border=True):
                st.image(enlarge(drawing.image.astype(np.float32) / 255, scale=4), width=112)
                st.markdown(f"**{drawing.digit}** {tile_verdict(drawing)}")
                if owner:
                    st.button(
                        _("Hide"),
                        key=f"hide-{drawing.id}",
                        on_click=owner_action,
                        args=("hide", code, session_id(), drawing.id),
                        type="tertiary",
                    )
    if stats.confirmed:
        st.pyplot(confusion_matrix_figure(stats.confusion, title=_("The room's confusion matrix")), width=420)


def tile_verdict(drawing):
    if drawing.label is None:
        return ""
    return "✓" if drawing.label == drawing.digit else _("✗ was {digit}").format(digit=drawing.label)
