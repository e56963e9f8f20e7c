"""Audience rooms for the presentation mode: phones send drawings, the wall shows the room.

A presenter opens a room and shares ``?room=CODE``; the code is all a phone knows: 8 characters
a hall can read off the wall and type (``values.CODE_ALPHABET``: no 0/O or 1/I/L, any case), one
of 31**8 = 8.5e11. An outsider guessing codes while at most ``max_open_rooms`` (200) are open hits
one in 4 billion tries; the Join page lets one address miss 30 codes a minute
(``DIGITS_ROOM_CODE_MISSES_PER_MINUTE``) and a room lives ``ttl_minutes`` (2 hours), so a
guesser gets a few thousand tries in a room's lifetime: a chance under one in a million.
Sessions are stored only as SHA-256 hashes salted with the room's code: the database holds no
session id and links no one across rooms. Only the 28x28 the network saw is kept.

Choices:
- A full room refuses drawings (``RoomFull``) rather than dropping the oldest: the presenter's
  dataset would otherwise lose confirmed drawings silently, and a phone's drawing could vanish
  while its owner corrects it. Opening a new room is one click.
- ``clear`` marks (the wall shows only drawings newer than the clear) rather than deletes: the
  drawings confirmed before it stay in the dataset, and their owners can still correct them.
- The rate limit counts a phone's drawings in the room within the last ``rate_seconds``, so it
  holds across server processes; writes lock the room's row (SQLite: the whole database), so
  concurrent submissions cannot overrun the bound or the rate limit.
- Hidden drawings leave the wall, its numbers and the dataset (hiding is for moderation).
- What the gate refused, or what arrives while the presenter approves first, waits off the wall
  until the owner shows it (model/rooms/moderation.py says how).
"""

import hmac
import logging
import math
import time
from collections.abc import Callable
from typing import cast

import numpy as np
from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.exc import ArgumentError

from model.hosting.settings import RoomLimits, room_limits
from model.rooms.database import create_tables, drawings, make_engine, rooms, transaction
from model.rooms.errors import (
    DrawingNotFound,
    InvalidInput,
    NotYourDrawing,
    RateLimited,
    RoomFull,
    RoomUnavailable,
    TooManyRooms,
)
from model.rooms.moderation import Moderation
from model.rooms.overview import Overview
from model.rooms.rows import is_owner, on_wall, one_drawing, owned_room_row, refuse_if_closed, room_row, waiting
from model.rooms.teaching import Teaching
from model.rooms.values import (
    Drawing,
    RoomInfo,
    RoomStats,
    as_drawing,
    checked_confidence,
    checked_count,
    checked_digit,
    checked_send_key,
    image_bytes,
    new_code,
    session_hash,
)

log = logging.getLogger(__name__)
CLOSED_ROOM_MINUTES = 10  # a closed room's wall stays this long, then it is purged


class RoomStore(Moderation, Overview, Teaching):
    """Rooms in one database; every method is one transaction, safe across threads and processes."""

    def __init__(
        self, url: str | None = None, limits: RoomLimits | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self.limits: RoomLimits = limits or room_limits()
        self.clock = clock
        try:
            self.engine = make_engine(url or self.limits.database_url)
        except (ArgumentError, OSError) as error:  # a malformed URL, a folder it cannot make
            log.warning("The rooms' database cannot be opened: %s: %s", type(error).__name__, error)
            raise RoomUnavailable() from None
        create_tables(self.engine)

    def open_room(self, owner_session: str) -> str:
        """A new room owned by this session; returns its code."""
        code = new_code()
        now = self.clock()
        with transaction(self.engine, writes=True) as connection:
            # Anyone can open a room (a new tab is a new session): the count of live rooms is
            # what keeps the database bounded, checked in the same transaction as the insert.
            open_rooms = cast(
                int, connection.scalar(select(func.count()).where(rooms.c.expires > now, rooms.c.closed.is_(False)))
            )
            if open_rooms >= self.limits.max_open_rooms:
                raise TooManyRooms(self.limits.max_open_rooms)
            connection.execute(
                insert(rooms).values(
                    code=code,
                    owner=session_hash(code, owner_session),
                    created=now,
                    expires=now + self.limits.ttl_minutes * 60,
                    closed=False,
                    cleared_through=0,
                    approve_first=False,
                )
            )
        return code

    def room(self, code: str) -> RoomInfo:
        """What the wall shows about the room: its times, state and counts."""
        with transaction(self.engine, writes=False) as connection:
            row = room_row(connection, code)
            stored = cast(int, connection.scalar(select(func.count()).where(drawings.c.room == row.code)))
            shown = cast(int, connection.scalar(select(func.count()).where(*on_wall(row))))
            held = cast(int, connection.scalar(select(func.count()).where(*waiting(row))))
        expired = row.expires <= self.clock()
        return RoomInfo(
            *(row.code, row.created, row.expires, row.closed or expired, expired),
            *(shown, stored, self.limits.max_drawings, held),
            approve_first=row.approve_first,
            model=row.model,
        )

    def is_owner(self, code: str, session: str) -> bool:
        """True when this session opened the room (the page shows the presenter's controls)."""
        with transaction(self.engine, writes=False) as connection:
            return is_owner(room_row(connection, code), session)

    def add_drawing(
        self,
        code: str,
        session: str,
        image28: np.ndarray,
        digit: int,
        confidence: float,
        is_digit: bool = True,
        send_key: str | None = None,
    ) -> int:
        """Store a phone's drawing (28x28 uint8, or floats in [0, 1]) and its reading; returns its id.
        ``is_digit`` is the gate's verdict: a refused drawing waits for the presenter, as every
        drawing does while the room approves first. ``send_key`` names this drawing on its phone:
        sent again (a retry, a double tap), the drawing already stored is the answer."""
        if not isinstance(is_digit, bool):  # the gate's verdict as a plain bool, never a truthy object
            raise InvalidInput(f"is_digit is True or False, got {is_digit!r}")
        send_key = checked_send_key(send_key)
        values = dict(
            image=image_bytes(image28),
            digit=checked_digit(digit, "The reading"),
            confidence=checked_confidence(confidence),
            label=None,
            hidden=False,
            refused=not is_digit,
        )
        now = self.clock()
        with transaction(self.engine, writes=True) as connection:
            row = room_row(connection, code, lock=True)
            refuse_if_closed(row, now)
            submitter = session_hash(row.code, session)
            if send_key is not None:
                already = connection.scalar(
                    select(drawings.c.id).where(
                        drawings.c.room == row.code, drawings.c.submitter == submitter, drawings.c.send_key == send_key
                    )
                )
                if already is not None:
                    return cast(int, already)
            recent, oldest = connection.execute(
                select(func.count(), func.min(drawings.c.created)).where(
                    drawings.c.room == row.code,
                    drawings.c.submitter == submitter,
                    drawings.c.created > now - self.limits.rate_seconds,
                )
            ).one()
            if recent >= self.limits.rate_count:
                raise RateLimited(max(1, math.ceil(oldest + self.limits.rate_seconds - now)))
            stored = cast(int, connection.scalar(select(func.count()).where(drawings.c.room == row.code)))
            if stored >= self.limits.max_drawings:
                raise RoomFull(self.limits.max_drawings)
            shown = None if row.approve_first or not is_digit else now  # None: it waits for the presenter
            result = connection.execute(
                insert(drawings).values(
                    room=row.code, submitter=submitter, created=now, shown=shown, send_key=send_key, **values
                )
            )
            return cast(Row[int], result.inserted_primary_key)[0]

    def correct(self, code: str, session: str, drawing_id: int, label: int) -> None:
        """The submitter gives the true digit: the reading to confirm it, another digit to correct it."""
        label = checked_digit(label, "The true digit")
        with transaction(self.engine, writes=True) as connection:
            row = room_row(connection, code, lock=True)
            refuse_if_closed(row, self.clock())
            submitter = connection.scalar(select(drawings.c.submitter).where(*one_drawing(row, drawing_id)))
            if submitter is None:
                raise DrawingNotFound()
            if not hmac.compare_digest(submitter, session_hash(row.code, session)):
                raise NotYourDrawing()
            connection.execute(update(drawings).where(*one_drawing(row, drawing_id)).values(label=label))

    def latest(self, code: str, limit: int = 24) -> list[Drawing]:
        """The wall's drawings since the last clear, the last shown first (never one that waits)."""
        with transaction(self.engine, writes=False) as connection:
            row = room_row(connection, code)
            query = (
                select(drawings)
                .where(*on_wall(row))
                .order_by(drawings.c.shown.desc(), drawings.c.id.desc())
                .limit(checked_count(limit))
            )
            return [as_drawing(found) for found in connection.execute(query)]

    def my_drawings(self, code: str, session: str, limit: int = 24) -> list[Drawing]:
        """This session's own drawings in the room, newest first (hidden, waiting or cleared ones
        too): a phone reads its own drawings and no one else's."""
        with transaction(self.engine, writes=False) as connection:
            row = room_row(connection, code)
            query = (
                select(drawings)
                .where(drawings.c.room == row.code, drawings.c.submitter == session_hash(row.code, session))
                .order_by(drawings.c.id.desc())
                .limit(checked_count(limit))
            )
            return [as_drawing(found) for found in connection.execute(query)]

    def stats(self, code: str) -> RoomStats:
        """Count, confirmed, accuracy and confusion matrix of the drawings on the wall."""
        with transaction(self.engine, writes=False) as connection:
            row = room_row(connection, code)
            count = cast(int, connection.scalar(select(func.count()).where(*on_wall(row))))
            pairs = connection.execute(
                select(drawings.c.label, drawings.c.digit, func.count())
                .where(*on_wall(row), drawings.c.label.is_not(None))
                .group_by(drawings.c.label, drawings.c.digit)
            ).all()
        confusion = np.zeros((10, 10), dtype=np.int64)
        for label, digit, number in pairs:
            confusion[label, digit] = number
        confirmed = int(confusion.sum())
        accuracy = float(np.trace(confusion) / confirmed) if confirmed else None
        return RoomStats(count, confirmed, accuracy, confusion)

    def hide(self, code: str, owner_session: str, drawing_id: int, hidden: bool = True) -> None:
        """Take a drawing off the wall, its numbers and the dataset, or out of the waiting strip
        (dismissed); ``hidden=False`` puts it back where it was."""
        with transaction(self.engine, writes=True) as connection:
            row = owned_room_row(connection, code, owner_session)
            result = connection.execute(
                update(drawings).where(*one_drawing(row, drawing_id)).values(hidden=bool(hidden))
            )
            if result.rowcount == 0:
                raise DrawingNotFound()

    def clear(self, code: str, owner_session: str) -> None:
        """Start the wall afresh; what came before stays stored for the dataset and corrections."""
        with transaction(self.engine, writes=True) as connection:
            row = owned_room_row(connection, code, owner_session)
            newest = connection.scalar(select(func.max(drawings.c.id)).where(drawings.c.room == row.code))
            connection.execute(
                update(rooms).where(rooms.c.code == row.code).values(cleared_through=newest or row.cleared_through)
            )

    def close(self, code: str, owner_session: str) -> None:
        """Refuse further drawings and corrections, and free the room's place among the open ones
        at once; the wall and the dataset stay CLOSED_ROOM_MINUTES more (phones are told it is
        closed), then the room is purged with its drawings."""
        with transaction(self.engine, writes=True) as connection:
            row = owned_room_row(connection, code, owner_session)
            expires = min(row.expires, self.clock() + CLOSED_ROOM_MINUTES * 60)
            connection.execute(update(rooms).where(rooms.c.code == row.code).values(closed=True, expires=expires))

    def dataset(self, code: str, owner_session: str) -> tuple[np.ndarray, np.ndarray]:
        """The confirmed drawings that were shown and not hidden, in MNIST's form: x uint8 (n, 28,
        28), y uint8 (n,). A clear keeps them; what still waits for the presenter is left out."""
        with transaction(self.engine, writes=False) as connection:
            row = owned_room_row(connection, code, owner_session)
            found = connection.execute(
                select(drawings.c.image, drawings.c.label)
                .where(
                    drawings.c.room == row.code,
                    drawings.c.label.is_not(None),
                    drawings.c.hidden.is_(False),
                    drawings.c.shown.is_not(None),
                )
                .order_by(drawings.c.id)
            ).all()
        x = np.frombuffer(b"".join(image for image, _ in found), dtype=np.uint8).reshape(len(found), 28, 28).copy()
        return x, np.array([label for _, label in found], dtype=np.uint8)

    def purge_expired(self) -> int:
        """Delete expired rooms and their drawings; returns how many rooms went."""
        expired = select(rooms.c.code).where(rooms.c.expires <= self.clock())
        with transaction(self.engine, writes=True) as connection:
            connection.execute(delete(drawings).where(drawings.c.room.in_(expired)))
            return connection.execute(delete(rooms).where(rooms.c.code.in_(expired))).rowcount
