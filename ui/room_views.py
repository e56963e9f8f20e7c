"""The audience room on screen: the presenter's wall (Present page) and a phone's view (Join page).

Everything a room holds lives in the database (``model/rooms/``), so any server process shows
the same room; this module only draws it (the wall's tiles and numbers: ``ui/room_wall.py``). A
refusal from the store (a forged code, a closed room, too many drawings) is shown as the store's
own sentence, in the visitor's language, never a traceback.
"""

import dataclasses
import html
import io
import os
import urllib.parse

import segno
import streamlit as st
from streamlit import net_util

from model.hosting.per_address import PerAddress
from model.hosting.settings import room_limits
from model.language import N_, _, ngettext
from model.rooms.database import retried
from model.rooms.errors import RoomError
from model.rooms.values import readable_code
from ui.reading import with_article
from ui.resources import room_store
from ui.room_wall import presenter_controls, wall
from ui.session import (
    JOIN_FLASH,
    LAST_SENT,
    OWN_ROOM,
    ROOM_FLASH,
    drawing_send_key,
    flash,
    phone_id,
    session_id,
    take_flash,
)


def visitor_address() -> str | None:
    """The visitor's IP address; None on this machine itself (a presenter on their own laptop),
    whom no per-address limit holds back."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else None


# Room codes an address may miss a minute (typed or in a link; DIGITS_ROOM_CODE_MISSES_PER_MINUTE,
# 30): a guesser gets a few thousand tries in a room's two hours (model/rooms/store.py says what
# that makes the odds), and a lecture hall behind one address still has room for its typos.
code_misses = PerAddress(60)
# Rooms an address may open an hour (DIGITS_ROOM_OPENS_PER_HOUR, 5): one browser opened 50 in two
# minutes, and the server holds 200 at most, all presenters together. Behind HAProxy on the same
# machine the address is the visitor's (X-Forwarded-For, which uvicorn trusts from 127.0.0.1).
rooms_opened = PerAddress(3600)
TOO_MANY_TRIES = N_("Too many room codes tried from here: wait a minute, then try again.")


def may_try_a_code() -> bool:
    """False once this visitor's address has missed too many codes in the last minute."""
    return code_misses.allows(room_limits().code_misses_per_minute, visitor_address())


def count_a_miss() -> None:
    code_misses.count(visitor_address())


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0", "")


@dataclasses.dataclass(frozen=True)
class JoinAddress:
    link: str  # the phone page of the room: the app's address and /phone/CODE (ui/phone_routes.py)
    note: str | None = None  # what the wall says about it, when phones may not reach it as given


def join_address(
    code: str, browser_url: str | None, public_url: str, network_ip: str | None, listening_on: str
) -> JoinAddress:
    """Where phones join a room: ``public_url`` (DIGITS_PUBLIC_URL) when a proxy stands in front,
    else the address this browser used; but a loopback address (the presenter opened
    http://localhost:8501 on the laptop) is this machine's network address instead, as Streamlit
    prints it ("Network URL"), since no phone can reach the laptop's localhost. The link holds
    the room and nothing else (no ``lang``): a phone speaks its own browser's language."""
    path = f"phone/{urllib.parse.quote(code)}"
    if public_url:
        return JoinAddress(f"{public_url.rstrip('/')}/{path}")
    parts = urllib.parse.urlsplit(browser_url or "http://localhost:8501/")
    host = (parts.hostname or "").lower()
    if host not in LOOPBACK_HOSTS and not host.startswith("127."):
        return JoinAddress(f"{parts.scheme}://{parts.netloc}/{path}")
    port = f":{parts.port}" if parts.port else ""
    if listening_on and listening_on not in ("0.0.0.0", "::"):
        note = _(
            "This server listens only on {address}: phones cannot reach it. Start it with "
            "--server.address 0.0.0.0 (or set DIGITS_PUBLIC_URL) to let the audience join."
        ).format(address=listening_on)
        return JoinAddress(f"{parts.scheme}://{parts.netloc}/{path}", note)
    if not network_ip or network_ip.startswith("127."):
        note = _("This computer has no network address: phones cannot reach it. Join a network, then reopen the room.")
        return JoinAddress(f"{parts.scheme}://{parts.netloc}/{path}", note)
    note = _(
        "Phones join through this computer's network address ({address}): they must be on the same network."
    ).format(address=network_ip)
    return JoinAddress(f"{parts.scheme}://{network_ip}{port}/{path}", note)


def join_link_here(code):
    """``join_address`` for this server and this browser."""
    return join_address(
        code,
        st.context.url,
        os.environ.get("DIGITS_PUBLIC_URL", "").strip(),
        net_util.get_internal_ip(),
        str(st.get_option("server.address") or ""),
    )


def qr_png(text):
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=10, border=2)
    return buffer.getvalue()


def open_room():
    allowed = room_limits().opens_per_address_hour
    if not rooms_opened.allows(allowed, visitor_address()):
        message = ngettext(
            "{count} room was opened from here in the last hour: please wait before opening another",
            "{count} rooms were opened from here in the last hour: please wait before opening another",
            allowed,
        )
        flash(ROOM_FLASH, message.format(count=allowed))
        return
    try:
        room_store().purge_expired()  # expired rooms go when a new one opens (and at server start)
        st.session_state[OWN_ROOM] = room_store().open_room(session_id())
    except RoomError as refusal:
        flash(ROOM_FLASH, str(refusal))
        return
    rooms_opened.count(visitor_address())


def presenter_room(dark):
    """The room this session opened (or, with ?wall=CODE, another room's wall, read only)."""
    if (message := take_flash(ROOM_FLASH)) is not None:
        st.error(message)
    code = st.session_state.get(OWN_ROOM) or st.query_params.get("wall")
    if not code:
        invitation = _("Open a room: phones join by a QR code and their drawings appear here.")
        heading = _("Let the audience draw")
        st.markdown(f"### {heading}\n{invitation}")
        st.button(_("Open a room"), type="primary", on_click=open_room, icon=":material/groups:")
        return
    try:
        owner = room_store().is_owner(code, session_id())
    except RoomError as refusal:
        st.error(str(refusal))
        return
    join_column, wall_column = st.columns([1.1, 2.9], gap="large")
    with join_column:
        address = join_link_here(code)
        # A third of a projector's height and more: read from the back row.
        st.image(qr_png(address.link), caption=_("Scan to draw"), width="stretch")
        typed_at = urllib.parse.urlsplit(address.link)
        where = _("or go to <b>{address}</b> and type").format(address=html.escape(f"{typed_at.netloc}/phone"))
        st.html(f'<div class="join-code"><span>{where}</span><strong>{html.escape(readable_code(code))}</strong></div>')
        st.caption(_("Link to share: {link}").format(link=address.link))
        if address.note:
            st.caption(f":material/wifi: {address.note}")
        if owner:
            presenter_controls(code)
    with wall_column:
        st.fragment(wall, run_every=1.5)(code, owner)


def send_drawing(code, image, prediction):
    """Store the drawing; True when it was. A refusal (too many in a row, a full or closed room,
    the database away) is said on the phone, which keeps its drawing to send again. A drawing
    the gate refused is sent all the same when the phone insists ("Send anyway"): the store
    holds it for the presenter."""
    refused = not prediction.is_digit
    try:
        # A database restarting is waited for (about 4 s); the send key keeps a retry from
        # storing the drawing twice.
        key = drawing_send_key(image)
        drawing_id = retried(
            lambda: room_store().add_drawing(
                code, phone_id(), image, prediction.digit, prediction.confidence, is_digit=not refused, send_key=key
            )
        )
    except RoomError as refusal:
        # "Sent. The network read a 1" must never stand next to a drawing that was not stored.
        st.session_state.pop(LAST_SENT, None)
        flash(JOIN_FLASH, _("Not sent: {reason}. Your drawing is still here.").format(reason=refusal))
        return False
    st.session_state[LAST_SENT] = {
        "id": drawing_id,
        "digit": prediction.digit,
        "refused": refused,
        "waiting": refused or waits_for_the_presenter(code, drawing_id),
    }
    take_flash(JOIN_FLASH)
    return True


def waits_for_the_presenter(code, drawing_id):
    """Whether the room held this phone's drawing back (the presenter approves first)."""
    try:
        newest = room_store().my_drawings(code, phone_id(), 1)
        return any(drawing.waiting for drawing in newest if drawing.id == drawing_id)
    except RoomError:  # it was stored all the same: say "Sent", without the note
        return False


def correct_drawing(code, drawing_id, label):
    if label is None:  # a digit pill clicked off again: nothing to correct
        return
    try:
        retried(lambda: room_store().correct(code, phone_id(), drawing_id, label))  # the same label twice is one
        st.session_state[LAST_SENT]["label"] = label
    except RoomError as refusal:
        flash(JOIN_FLASH, str(refusal))


def show_correction(code):
    """After a send: confirm the network's reading, or give the digit that was meant."""
    sent = st.session_state.get(LAST_SENT)
    if not sent:
        return
    if sent.get("waiting"):
        if sent.get("refused"):
            note = _("Sent to the presenter, who sees it first and decides whether it goes on the wall.")
        else:
            note = _("Sent to the presenter, who approves each drawing before it goes on the wall.")
        st.info(note, icon=":material/visibility:")
    if "label" in sent:
        st.success(_("Thanks! Counted as {digit}.").format(digit=with_article(sent["label"])))
        return
    if sent.get("refused"):  # the network could not read it: only its drawer can say what it is
        key = f"meant-{sent['id']}"
        st.pills(
            _("Which digit is it?"),
            list(range(10)),
            key=key,
            on_change=lambda: correct_drawing(code, sent["id"], st.session_state[key]),
        )
        return
    st.markdown(_("Sent. The network read **{digit}**. Was it?").format(digit=with_article(sent["digit"])))
    st.button(_("Yes"), on_click=correct_drawing, args=(code, sent["id"], sent["digit"]), icon=":material/check:")
    key = f"meant-{sent['id']}"
    st.pills(
        _("No, it was"),
        [d for d in range(10) if d != sent["digit"]],
        key=key,
        on_change=lambda: correct_drawing(code, sent["id"], st.session_state[key]),
    )
