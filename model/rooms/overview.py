"""A full room's overview for the wall (ui/room_overview.py): what the network read, digit by
digit, the newest drawings for a mosaic, and the network's most and least confident readings.

One read transaction of four small queries, each bounded by the room's drawings on the wall
(``rows.on_wall``: shown, not hidden, newer than the last clear), so what waits for the presenter
or was hidden never reaches the hall this way either. The counts are one ``GROUP BY``; the
mosaic and the extremes are ``ORDER BY ... LIMIT``, so a refresh reads at most
``latest + 2 * extremes`` drawings whatever the room holds. Ties in confidence go to the newest.
"""

import dataclasses
from collections.abc import Callable

import numpy as np
from sqlalchemy import Engine, func, select

from model.rooms.database import drawings, transaction
from model.rooms.rows import on_wall, room_row
from model.rooms.values import Drawing, as_drawing, checked_count


@dataclasses.dataclass(frozen=True)
class RoomOverview:
    per_digit: np.ndarray  # int64 (10,): drawings on the wall by the network's reading
    latest: list[Drawing]  # the newest on the wall, the last shown first (as ``RoomStore.latest``)
    confident: list[Drawing]  # the most confident readings, the most confident first
    doubtful: list[Drawing]  # the least confident readings, the least confident first


class Overview:
    """The wall's overview; ``RoomStore`` is one (its engine is this)."""

    engine: Engine
    clock: Callable[[], float]

    def overview(self, code: str, latest: int = 96, extremes: int = 4) -> RoomOverview:
        """Counts per digit read, the ``latest`` newest drawings, and the ``extremes`` most and
        least confident, all of the drawings on the wall."""
        latest, extremes = checked_count(latest), checked_count(extremes)
        with transaction(self.engine, writes=False) as connection:
            row = room_row(connection, code)
            counted = connection.execute(
                select(drawings.c.digit, func.count()).where(*on_wall(row)).group_by(drawings.c.digit)
            ).all()
            newest = connection.execute(
                select(drawings)
                .where(*on_wall(row))
                .order_by(drawings.c.shown.desc(), drawings.c.id.desc())
                .limit(latest)
            ).all()
            confident = connection.execute(
                select(drawings)
                .where(*on_wall(row))
                .order_by(drawings.c.confidence.desc(), drawings.c.id.desc())
                .limit(extremes)
            ).all()
            doubtful = connection.execute(
                select(drawings)
                .where(*on_wall(row))
                .order_by(drawings.c.confidence.asc(), drawings.c.id.desc())
                .limit(extremes)
            ).all()
        per_digit = np.zeros(10, dtype=np.int64)
        for digit, number in counted:
            per_digit[digit] = number
        return RoomOverview(
            per_digit,
            [as_drawing(found) for found in newest],
            [as_drawing(found) for found in confident],
            [as_drawing(found) for found in doubtful],
        )
