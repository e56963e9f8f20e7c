"""What a room refuses, each with a message a person can read."""


class RoomError(ValueError):
    """Anything a room refuses, with a message a person can read."""


class RoomNotFound(RoomError):
    def __init__(self) -> None:
        super().__init__("No room with that code: check the link")


class RoomClosed(RoomError):
    pass


class NotRoomOwner(RoomError):
    def __init__(self) -> None:
        super().__init__("Only the presenter who opened this room can do that")


class RateLimited(RoomError):
    def __init__(self, wait_seconds: int) -> None:
        self.wait_seconds = wait_seconds
        super().__init__(f"Too many drawings in a row: wait {wait_seconds} s, then send again")


class TooManyRooms(RoomError):
    def __init__(self, max_open_rooms: int) -> None:
        super().__init__(f"This server already holds {max_open_rooms} open rooms: please try again later")


class RoomFull(RoomError):
    def __init__(self, max_drawings: int) -> None:
        super().__init__(f"This room is full ({max_drawings} drawings): ask the presenter for a new room")


class NotYourDrawing(RoomError):
    def __init__(self) -> None:
        super().__init__("You can only correct your own drawings")


class DrawingNotFound(RoomError):
    def __init__(self) -> None:
        super().__init__("No such drawing in this room")


class InvalidInput(RoomError):
    pass


class RoomUnavailable(RoomError):
    """The rooms' database failed (gone, damaged, restarting): the detail goes to the log only."""

    def __init__(self) -> None:
        super().__init__("The room is unavailable right now: try again in a moment")
