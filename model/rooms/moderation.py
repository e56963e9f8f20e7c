"""Moderation of an audience room: what the audience sends reaches the wall only as the presenter allows.

- A drawing the "is it a digit?" gate refused may still be sent (the phone decides it is one),
  but it is stored as refused and waits: it is on no wall until the presenter shows it.
- "Approve before showing", a flag on the room's row (so every server process and replica
  agrees), makes every new drawing wait the same way.
- Only the room's owner sees what waits and shows it, checked here as ``RoomStore.hide`` checks
  hiding: the wall's ``latest`` never returns a waiting drawing, and a phone only ever reads its
  own (``RoomStore.my_drawings``). Dismissing a waiting drawing is hiding it.

Choices:
- Turning "approve before showing" off does not publish what waits: the presenter held those back
  to look at them first, and the switch is about the drawings still to come; each waiting one
  still needs its "Show" (or "Dismiss").
- A clear empties the waiting strip too (it is part of the wall being started afresh): what
  waited stays stored for its phone's corrections, but is never shown.
- A shown drawing goes in front of the wall (it is ordered by when it was shown), so the
  presenter sees it arrive; waiting ones are listed oldest first, as they came.
- Waiting drawings count towards the room's bound and a phone's rate limit (they are stored),
  and stay out of the wall's numbers and the dataset until shown.
"""

from collections.abc import Callable

from sqlalchemy import Engine, func, select, update

from model.rooms.database import drawings, rooms, transaction
from model.rooms.errors import DrawingNotFound, NotRoomOwner
from model.rooms.rows import is_owner, one_drawing, owned_room_row, room_row, waiting
from model.rooms.values import Drawing, as_drawing, checked_count


class Moderation:
    """The owner's side of moderation; ``RoomStore`` is one (its engine and clock are these)."""

    engine: Engine
    clock: Callable[[], float]

    def approve_first(self, code: str, owner_session: str, on: bool) -> None:
        """Switch "approve before showing" on or off for the drawings still to come."""
        with transaction(self.engine, writes=True) as connection:
            row = owned_room_row(connection, code, owner_session)
            # Off does not publish what waits (see the module's choices): only the flag changes.
            connection.execute(update(rooms).where(rooms.c.code == row.code).values(approve_first=bool(on)))

    def reveal(self, code: str, owner_session: str, drawing_id: int) -> None:
        """Put a waiting (or dismissed) drawing on the wall, in front; one shown before keeps its place."""
        now = self.clock()
        with transaction(self.engine, writes=True) as connection:
            row = owned_room_row(connection, code, owner_session)
            result = connection.execute(
                update(drawings)
                .where(*one_drawing(row, drawing_id))
                .values(shown=func.coalesce(drawings.c.shown, now), hidden=False)
            )
            if result.rowcount == 0:
                raise DrawingNotFound()

    def waiting(self, code: str, owner_session: str, limit: int = 16) -> list[Drawing]:
        """The drawings that wait for the owner since the last clear, oldest first."""
        with transaction(self.engine, writes=False) as connection:
            row = room_row(connection, code)  # read only: the phones' writes need not wait for it
            if not is_owner(row, owner_session):
                raise NotRoomOwner()
            query = select(drawings).where(*waiting(row)).order_by(drawings.c.id).limit(checked_count(limit))
            return [as_drawing(found) for found in connection.execute(query)]
