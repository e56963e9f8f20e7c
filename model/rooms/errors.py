"""What a room refuses, each with a message a person can read.

The message is in the active language (``model.language``) when the refusal is raised: the store
is called from the visitor's own session, so a phone reads it in its language, the wall in its.
"""

from model.language import _, ngettext


class RoomError(ValueError):
    """Anything a room refuses, with a message a person can read."""


class RoomNotFound(RoomError):
    def __init__(self) -> None:
        super().__init__(_("No room with that code: check the link"))


class RoomClosed(RoomError):
    def __init__(self, expired: bool = False) -> None:
        self.expired = expired
        if expired:
            super().__init__(_("This room has expired: ask the presenter for a new one"))
        else:
            super().__init__(_("This room is closed: the presenter has ended it"))


class NotRoomOwner(RoomError):
    def __init__(self) -> None:
        super().__init__(_("Only the presenter who opened this room can do that"))


class RateLimited(RoomError):
    def __init__(self, wait_seconds: int) -> None:
        self.wait_seconds = wait_seconds
        super().__init__(
            _("Too many drawings in a row: wait {seconds} s, then send again").format(seconds=wait_seconds)
        )


class TooManyRooms(RoomError):
    def __init__(self, max_open_rooms: int) -> None:
        super().__init__(
            ngettext(
                "This server already holds {count} open room: please try again later",
                "This server already holds {count} open rooms: please try again later",
                max_open_rooms,
            ).format(count=max_open_rooms)
        )


class RoomFull(RoomError):
    def __init__(self, max_drawings: int) -> None:
        super().__init__(
            ngettext(
                "This room is full ({count} drawing): ask the presenter for a new room",
                "This room is full ({count} drawings): ask the presenter for a new room",
                max_drawings,
            ).format(count=max_drawings)
        )


class NotYourDrawing(RoomError):
    def __init__(self) -> None:
        super().__init__(_("You can only correct your own drawings"))


class DrawingNotFound(RoomError):
    def __init__(self) -> None:
        super().__init__(_("No such drawing in this room"))


class InvalidInput(RoomError):
    """A malformed value from the app itself (a drawing's shape, a digit out of range): it guards
    the database and never reaches a visitor in the app's own use, so its message stays English."""


class RoomUnavailable(RoomError):
    """The rooms' database failed (gone, damaged, restarting): the detail goes to the log only.
    ``passing`` when the failure may pass by itself (no connection, a restart, a lock), so that
    trying again shortly may succeed; a damaged file or a wrong statement will not."""

    def __init__(self, passing: bool = False) -> None:
        super().__init__(_("The room is unavailable right now: try again in a moment"))
        self.passing = passing
