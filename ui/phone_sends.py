"""What a phone's send and correction do (ui/phone_routes.py serves them): read the canvas's PNG
with the same ``read`` as the Draw page, store it with the same ``RoomStore``, and answer in
JSON, in the phone's language (the caller says it with ``using``)."""

import html
import io
import logging
import threading

import numpy as np
from PIL import Image, UnidentifiedImageError
from starlette.responses import JSONResponse

from model.language import _
from model.recognition.predictor import ModelLoadError
from model.rooms.database import retried
from model.rooms.errors import RateLimited, RoomError, RoomNotFound
from model.rooms.values import RoomInfo
from model.storage import SHIPPED_MODEL_PATH
from ui.reading import read, with_article
from ui.resources import kept_predictor, modified_time, predictor_for_room_model, room_store

log = logging.getLogger(__name__)

MAX_SIDE_PIXELS = 1200  # a PNG that says it is larger is refused before it is decoded


def warm_up_in_background() -> None:
    """Load the phones' network now, in a thread: the first phone of a fresh server would
    otherwise wait for TensorFlow (about 9 s here)."""
    shipped = (str(SHIPPED_MODEL_PATH), modified_time(SHIPPED_MODEL_PATH))
    threading.Thread(target=kept_predictor, args=shipped, name="warm-up-phones-model", daemon=True).start()


def answer(payload: dict, status_code: int = 200, retry_after: int | None = None) -> JSONResponse:
    headers = {"Cache-Control": "no-store"}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse(payload, status_code=status_code, headers=headers)


def not_sent(refusal: RoomError) -> JSONResponse:
    """A send the room refused: said on the phone, which keeps its drawing to send again."""
    message = _("Not sent: {reason}. Your drawing is still here.").format(reason=refusal)
    if isinstance(refusal, RateLimited):
        return answer({"status": "not sent", "message": message}, 429, retry_after=refusal.wait_seconds)
    status = 404 if isinstance(refusal, RoomNotFound) else 409
    return answer({"status": "not sent", "message": message}, status)


def decoded_drawing(body: bytes) -> np.ndarray | None:
    """The canvas's PNG as an RGBA array, or None when it is not a small PNG."""
    try:
        with Image.open(io.BytesIO(body)) as image:
            if image.format != "PNG" or max(image.size) > MAX_SIDE_PIXELS:
                return None
            return np.asarray(image.convert("RGBA"))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def sent_answer(room: RoomInfo, phone: str, send_key: str, body: bytes, anyway: bool) -> JSONResponse:
    """Read the drawing with the room's network and store it in the open ``room`` (read just before)."""
    code = room.code
    drawing = decoded_drawing(body)
    if drawing is None:
        return answer({"status": "not sent", "message": _("That is not a drawing from this page.")}, 400)
    try:
        predictor = predictor_for_room_model(room.model)
    except ModelLoadError:
        log.warning("the phones' model cannot be loaded", exc_info=True)
        return answer({"status": "not sent", "message": _("The network is unavailable: try again in a minute.")}, 503)
    reading = read(predictor, drawing)
    if reading.is_empty:
        return answer({"status": "empty", "message": _("Draw a digit, then send it to the wall.")})
    if reading.prediction is None or reading.image is None:  # ink scattered like text: nothing to insist on
        refusal = reading.refusal.detail if reading.refusal is not None else ""
        return answer({"status": "refused", "message": refusal, "may_insist": False})
    prediction = reading.prediction
    if not prediction.is_digit and not anyway:
        message = _("That does not look like a digit: try again.")
        insist = _(
            "Sure it is a digit? Send it anyway: the presenter sees it first and decides whether it goes on the wall."
        )
        return answer(
            {"status": "refused", "message": message, "insist": insist, "anyway": _("Send anyway"), "may_insist": True}
        )
    image28 = reading.image
    try:
        drawing_id = retried(
            lambda: room_store().add_drawing(
                code,
                phone,
                image28,
                prediction.digit,
                prediction.confidence,
                is_digit=prediction.is_digit,
                send_key=send_key,
            )
        )
        waiting = any(d.waiting for d in room_store().my_drawings(code, phone, 4) if d.id == drawing_id)
    except RoomError as refusal:
        return not_sent(refusal)
    if not prediction.is_digit:
        note = _("Sent to the presenter, who sees it first and decides whether it goes on the wall.")
        question = ""
    else:
        note = _("Sent to the presenter, who approves each drawing before it goes on the wall.") if waiting else ""
        question = _("Sent. The network read **{digit}**. Was it?").format(digit=with_article(prediction.digit))
    return answer(
        {
            "status": "sent",
            "id": drawing_id,
            "digit": prediction.digit,
            "confidence": round(prediction.confidence, 4),
            "refused": not prediction.is_digit,
            "waiting": waiting,
            "note": note,
            "question": html.escape(question).replace("**", "<b>", 1).replace("**", "</b>", 1),
        }
    )


def labelled(code: str, phone: str, drawing_id: int, digit: object) -> JSONResponse:
    if not isinstance(digit, int) or isinstance(digit, bool) or not 0 <= digit <= 9:
        return answer({"status": "not counted", "message": _("Which digit is it?")}, 400)
    try:
        retried(lambda: room_store().correct(code, phone, drawing_id, digit))
    except RoomError as refusal:
        return answer({"status": "not counted", "message": str(refusal)}, 409)
    return answer({"status": "counted", "message": _("Thanks! Counted as {digit}.").format(digit=with_article(digit))})
