"""A room's row and the conditions that pick its drawings, shared by the store and its moderation
(model/rooms/store.py, model/rooms/moderation.py). Every lookup checks what a visitor sent before
it reaches the database: a forged code or drawing id is only ever "not found"."""

import hmac
import operator

from sqlalchemy import ColumnElement, Connection, Row, select

from model.rooms.database import drawings, rooms
from model.rooms.errors import DrawingNotFound, InvalidInput, NotRoomOwner, RoomClosed, RoomNotFound
from model.rooms.values import normalised_code, session_hash

_LARGEST_ID = 2**31 - 1  # PostgreSQL's integer; a larger forged id must not reach the database


def room_row(connection: Connection, code: str, lock: bool = False) -> Row:
    """The room's row; ``lock`` holds it (SQLite: the whole database) until the transaction ends."""
    # Anything that is not a well-formed code never reaches the database: a forged link is
    # just "not found", whatever it holds.
    normalised = normalised_code(code)
    if normalised is None:
        raise RoomNotFound()
    query = select(rooms).where(rooms.c.code == normalised)
    row = connection.execute(query.with_for_update() if lock else query).one_or_none()
    if row is None:
        raise RoomNotFound()
    return row


def owned_room_row(connection: Connection, code: str, owner_session: str) -> Row:
    """The room's row, locked, when this session opened the room; else NotRoomOwner."""
    row = room_row(connection, code, lock=True)
    if not is_owner(row, owner_session):
        raise NotRoomOwner()
    return row


def refuse_if_closed(row: Row, now: float) -> None:
    if row.closed:
        raise RoomClosed()
    if row.expires <= now:
        raise RoomClosed(expired=True)


def is_owner(row: Row, session: str) -> bool:
    try:
        return hmac.compare_digest(row.owner, session_hash(row.code, session))
    except InvalidInput:  # no session at all owns nothing
        return False


def on_wall(row: Row) -> tuple[ColumnElement[bool], ...]:
    """The room's drawings on the wall: since the last clear, not hidden, shown."""
    return (
        drawings.c.room == row.code,
        drawings.c.id > row.cleared_through,
        drawings.c.hidden.is_(False),
        drawings.c.shown.is_not(None),
    )


def waiting(row: Row) -> tuple[ColumnElement[bool], ...]:
    """The room's drawings that wait for the presenter: since the last clear, not dismissed, not shown."""
    return (
        drawings.c.room == row.code,
        drawings.c.id > row.cleared_through,
        drawings.c.hidden.is_(False),
        drawings.c.shown.is_(None),
    )


def one_drawing(row: Row, drawing_id: int) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    try:
        drawing_id = operator.index(drawing_id)
    except TypeError:
        raise DrawingNotFound() from None
    if not 0 < drawing_id <= _LARGEST_ID:
        raise DrawingNotFound()
    return drawings.c.room == row.code, drawings.c.id == drawing_id
