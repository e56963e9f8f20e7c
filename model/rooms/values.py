"""What a room holds and hands out (rooms, drawings, the wall's numbers), and the checks on what
a visitor sends before it reaches the database."""

import dataclasses
import hashlib
import io
import operator
import re
import secrets

import numpy as np
from sqlalchemy import Row

from model.rooms.errors import InvalidInput

# A code a hall can read off the wall and type: no 0/O, no 1/I/L, and case does not matter.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_CHARACTERS = 8  # 31**8 = 8.5e11 codes (39.6 bits); why that is enough: model/rooms/store.py
_TYPED_CODE = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_CHARACTERS}}}")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_CHARACTERS))


def normalised_code(typed: object) -> str | None:
    """A code as a person types or a link carries it ("abcd-2345", " ABCD 2345") in its stored
    form, or None when it cannot be one. Only this reaches the database."""
    if not isinstance(typed, str) or len(typed) > 4 * CODE_CHARACTERS:
        return None
    code = re.sub(r"[\s-]", "", typed).upper()
    return code if _TYPED_CODE.fullmatch(code) else None


def readable_code(code: str) -> str:
    """The code as the wall shows it, in two groups of four: ABCD-2345."""
    return f"{code[:4]}-{code[4:]}"


@dataclasses.dataclass(frozen=True)
class RoomInfo:
    code: str
    created: float
    expires: float
    closed: bool  # refuses drawings: closed by the presenter, or expired
    expired: bool
    on_wall: int  # visible drawings since the last clear
    stored: int  # every drawing the room holds (counts towards max_drawings)
    max_drawings: int
    waiting: int = 0  # drawings since the last clear that wait for the presenter (not dismissed)
    approve_first: bool = False  # new drawings wait for the presenter before they go on the wall
    model: str | None = None  # the model file the room's phones read with; None: the shipped one


@dataclasses.dataclass(frozen=True)
class Drawing:
    id: int
    image: np.ndarray = dataclasses.field(repr=False)  # uint8 (28, 28), what the network saw
    digit: int  # the network's reading
    confidence: float
    label: int | None  # the true digit, once the submitter confirmed or corrected it
    hidden: bool
    created: float
    refused: bool = False  # the "is it a digit?" gate said no; the phone sent it anyway
    waiting: bool = False  # not on the wall until the presenter shows it


@dataclasses.dataclass(frozen=True)
class RoomStats:
    count: int  # drawings on the wall
    confirmed: int  # of which the submitter gave the true digit
    accuracy: float | None  # None until something is confirmed
    confusion: np.ndarray  # int64 (10, 10): rows the true digit, columns the network's reading


def npz_bytes(x: np.ndarray, y: np.ndarray) -> bytes:
    """A dataset as the bytes of an ``.npz`` file with arrays ``x`` and ``y`` (for a download)."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, x=x, y=y)
    return buffer.getvalue()


def image_bytes(image28: np.ndarray) -> bytes:
    """The 784 bytes stored for a drawing: uint8 as given, floats in [0, 1] scaled to 0-255."""
    image = np.asarray(image28)
    if image.shape != (28, 28):
        raise InvalidInput(f"A drawing is a 28x28 image, got shape {image.shape}")
    if image.dtype == np.uint8:
        return image.tobytes()
    if not np.issubdtype(image.dtype, np.floating) or not np.all((image >= 0) & (image <= 1)):
        raise InvalidInput("A drawing's pixels are uint8, or floats from 0 to 1")
    return np.round(image * 255).astype(np.uint8).tobytes()


def session_hash(code: str, session: str) -> str:
    if not isinstance(session, str) or not session:
        raise InvalidInput("A session id is needed")
    return hashlib.sha256(f"{code}:{session}".encode("utf-8", "surrogatepass")).hexdigest()


def checked_digit(value: int, what: str) -> int:
    try:
        digit = operator.index(value)
    except TypeError:
        raise InvalidInput(f"{what} is a whole number from 0 to 9, got {value!r}") from None
    if not 0 <= digit <= 9:
        raise InvalidInput(f"{what} is a whole number from 0 to 9, got {digit}")
    return digit


SEND_KEY_LENGTH = 64  # the drawings table's column (a hex SHA-256 fits)


def checked_send_key(send_key: str | None) -> str | None:
    if send_key is not None and not (isinstance(send_key, str) and 0 < len(send_key) <= SEND_KEY_LENGTH):
        raise InvalidInput(f"A send key is 1 to {SEND_KEY_LENGTH} characters, got {send_key!r}")
    return send_key


def checked_confidence(value: float) -> float:
    try:
        confidence = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"A confidence is a number from 0 to 1, got {value!r}") from None
    if not 0.0 <= confidence <= 1.0:  # also refuses NaN
        raise InvalidInput(f"A confidence is from 0 to 1, got {value!r}")
    return confidence


def checked_count(limit: int) -> int:
    limit = operator.index(limit)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    return limit


def as_drawing(row: Row) -> Drawing:
    image = np.frombuffer(row.image, dtype=np.uint8).reshape(28, 28)
    return Drawing(
        row.id, image, row.digit, row.confidence, row.label, row.hidden, row.created, row.refused, row.shown is None
    )
