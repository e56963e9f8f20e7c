"""Which network a room's phones read with: the shipped one, or one the room taught
(model/making/teach.py, run by the training queue). Kept on the room's row, so every server
process and replica reads the room's phones alike; only the owner switches it."""

from collections.abc import Callable

from sqlalchemy import Engine, update

from model.rooms.database import MODEL_PATH_LENGTH, rooms, transaction
from model.rooms.errors import InvalidInput
from model.rooms.rows import owned_room_row, room_row


class Teaching:
    """The room's model; ``RoomStore`` is one (its engine and clock are these)."""

    engine: Engine
    clock: Callable[[], float]

    def use_model(self, code: str, owner_session: str, model_path: str | None) -> None:
        """The room's phones read with ``model_path`` from now on; None: the shipped model again.
        The path comes from the server (a run it trained), never from a visitor."""
        if model_path is not None and not (isinstance(model_path, str) and 0 < len(model_path) <= MODEL_PATH_LENGTH):
            raise InvalidInput(f"A model path is 1 to {MODEL_PATH_LENGTH} characters")
        with transaction(self.engine, writes=True) as connection:
            row = owned_room_row(connection, code, owner_session)
            connection.execute(update(rooms).where(rooms.c.code == row.code).values(model=model_path))

    def room_model(self, code: str) -> str | None:
        """The model file the room's phones read with; None for the shipped one."""
        with transaction(self.engine, writes=False) as connection:
            return room_row(connection, code).model
