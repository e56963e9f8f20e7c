"""The audience room's wall on the Present page: the count, the accuracy, the newest drawings, the
room's confusion matrix, and the presenter's buttons (clear, download, close, hide), with what waits
for the presenter (moderation: model/rooms/moderation.py) in a strip only the owner's wall has.

Past ``room_overview.OVERVIEW_AFTER`` drawings on the wall (more than its tiles show) the tiles
give way to an overview (ui/room_overview.py); the owner then hides drawings through a switch,
"Pick drawings to hide", which lists the latest as small tiles with Hide only while it is on."""

import numpy as np
import streamlit as st

from model.language import _, ngettext
from model.plots import confusion_matrix_figure, enlarge
from model.rooms.errors import RoomError
from model.rooms.values import npz_bytes
from ui.resources import room_store
from ui.room_overview import EXTREMES, MOSAIC_TILES, OVERVIEW_AFTER, overview
from ui.room_teach import teach_button, teaching_status
from ui.session import OWN_ROOM, PRESENT_DARK, ROOM_FLASH, flash, session_id

WALL_TILES = 24
WAITING_TILES = 16
PICKED_TILES = 24  # the latest drawings the owner can hide from the overview


def owner_action(action, *args):
    """Hide, reveal, clear or close: the store checks that this session opened the room."""
    try:
        getattr(room_store(), action)(*args)
    except RoomError as refusal:
        flash(ROOM_FLASH, str(refusal))
    if action == "close":
        st.session_state.pop(OWN_ROOM, None)


def approve_first(code, key):
    try:
        room_store().approve_first(code, session_id(), st.session_state[key])
    except RoomError as refusal:
        flash(ROOM_FLASH, str(refusal))
        st.session_state.pop(key, None)  # the switch shows the room's own setting again


def presenter_controls(code):
    try:
        approving = room_store().room(code).approve_first
    except RoomError:  # the wall beside says why
        approving = False
    key = f"approve-first-{code}"
    st.toggle(
        _("Approve before showing"),
        value=approving,
        key=key,
        on_change=approve_first,
        args=(code, key),
        help=_(
            "While on, each new drawing waits for you to show it on the wall. "
            "Turning it off shows nothing that already waits."
        ),
    )
    st.button(_("Clear the wall"), on_click=owner_action, args=("clear", code, session_id()), icon=":material/mop:")
    st.download_button(
        _("Download the room's digits (.npz)"),
        lambda: npz_bytes(*room_store().dataset(code, session_id())),
        file_name=f"room-{code}.npz",
        mime="application/octet-stream",
        on_click="ignore",
        icon=":material/download:",
    )
    teach_button(code)
    st.button(
        _("Close the room"), on_click=owner_action, args=("close", code, session_id()), icon=":material/door_front:"
    )


def wall(code, owner):
    """Redrawn every 1.5 s from the database: the count, the accuracy, the tiles, the confusion;
    past OVERVIEW_AFTER drawings, the overview instead of the tiles."""
    try:
        store = room_store()
        info, stats = store.room(code), store.stats(code)
        full = stats.count > OVERVIEW_AFTER
        latest = [] if full else store.latest(code, WALL_TILES)
        found = store.overview(code, MOSAIC_TILES, EXTREMES) if full else None
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
    if owner:
        teaching_status(code)
    if owner and info.waiting:
        waiting_strip(code, info.waiting)
    if found is not None:
        overview(stats, found, st.session_state.get(PRESENT_DARK, False))
        if owner:
            hide_picker(code)
        return
    if not latest:
        st.info(_("Waiting for the first drawing…"), icon=":material/hourglass:")
        return
    for drawing in tiles(latest, per_row=8, scale=4):
        st.markdown(f"**{drawing.digit}** {tile_verdict(drawing)}")
        if owner:
            owner_button(_("Hide"), "hide", code, drawing, key=f"hide-{drawing.id}")
    if stats.confirmed:
        st.pyplot(confusion_matrix_figure(stats.confusion, title=_("The room's confusion matrix")), width=420)


def hide_picker(code):
    """The overview's way to hide: a switch that lists the latest drawings with Hide, drawn only
    while it is on (the wall is projected and redrawn every 1.5 s)."""
    key = f"pick-to-hide-{code}"
    if not st.toggle(_("Pick drawings to hide"), key=key, help=_("The latest drawings on the wall, each with Hide.")):
        return
    try:
        picked = room_store().latest(code, PICKED_TILES)
    except RoomError as refusal:
        st.error(str(refusal))
        return
    for drawing in tiles(picked, per_row=12, scale=2):
        owner_button(_("Hide"), "hide", code, drawing, key=f"hide-picked-{drawing.id}")


def waiting_strip(code, count):
    """What waits for the presenter, folded away: the wall is projected, and a rude drawing must
    not reach the hall before the presenter chooses to look at it."""
    st.caption(
        ngettext(
            "{count} drawing waits for you: it is not on the wall until you show it.",
            "{count} drawings wait for you: they are not on the wall until you show them.",
            count,
        ).format(count=count)
    )
    with st.expander(_("Waiting for you"), icon=":material/visibility_off:", key=f"waiting-{code}"):
        try:
            held = room_store().waiting(code, session_id(), WAITING_TILES)
        except RoomError as refusal:
            st.error(str(refusal))
            return
        for drawing in tiles(held, per_row=8, scale=2):
            st.caption(_("not a digit?") if drawing.refused else f"**{drawing.digit}**")
            for label, action in ((_("Show"), "reveal"), (_("Dismiss"), "hide")):
                owner_button(label, action, code, drawing, key=f"{action}-waiting-{drawing.id}")


def tiles(drawings, per_row, scale):
    """Each drawing in a bordered cell, ``per_row`` to a row, its 28x28 drawn ``scale`` times as
    large; yields each drawing while inside its cell, so what the caller draws goes under it."""
    for row_start in range(0, len(drawings), per_row):
        row = drawings[row_start : row_start + per_row]
        for column, drawing in zip(st.columns(per_row), row, strict=False):
            with column.container(border=True):
                st.image(enlarge(drawing.image.astype(np.float32) / 255, scale=scale), width=28 * scale)
                yield drawing


def owner_button(label, action, code, drawing, key):
    """Hide, reveal: a small button the store checks the owner for."""
    st.button(label, key=key, on_click=owner_action, args=(action, code, session_id(), drawing.id), type="tertiary")


def tile_verdict(drawing):
    if drawing.label is None:
        return ""
    return "✓" if drawing.label == drawing.digit else _("✗ was {digit}").format(digit=drawing.label)
