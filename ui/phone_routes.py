"""A phone's side of an audience room as plain HTTP, served beside the Streamlit app (app.py hands
these routes to ``st.App``): one small page with a canvas (``ui/phone.html``) and two JSON calls.

A Streamlit session per phone is a websocket and a script run per stroke; a hall of 500 phones
would be 500 of each (BENCHMARKS.md, section 17, measures what this page holds instead). Here a
phone costs the server nothing between sends: a send is one request that reads the drawing with
the same ``read`` as the Draw page and stores it with the same ``RoomStore``.

- ``GET /phone``: type the room's code (the short address the wall shows).
- ``GET /phone/CODE``: draw, send, correct.
- ``POST /phone/CODE/drawings``: the canvas as a PNG; headers ``X-Phone`` (who the phone is,
  kept in its browser so a reload keeps its rate limit), ``X-Send-Key`` (the drawing: sent again,
  it is stored once) and ``X-Send-Anyway: 1`` (store what the gate refused, for the presenter).
- ``POST /phone/CODE/drawings/ID/label``: ``{"label": 7}``, the digit the phone meant.

Answers and messages are in the phone's own language (its Accept-Language).
"""

import html
import json
import re
import string
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from model.hosting.settings import room_limits
from model.language import _, preferred_language, using
from model.rooms.database import retried
from model.rooms.errors import RoomError, RoomNotFound
from model.rooms.values import RoomInfo, normalised_code, readable_code
from ui import room_views
from ui.phone_sends import answer, labelled, sent_answer
from ui.resources import room_store
from ui.room_views import TOO_MANY_TRIES

PAGE = string.Template((Path(__file__).resolve().parent / "phone.html").read_text(encoding="utf-8"))
PHONE_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
SEND_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
MAX_BODY_BYTES = 512 * 1024  # the page's 300x300 PNG is about 10 KB
PHONE_CANVAS = 300
PEN_WIDTH = 22  # as on the Streamlit canvas of a phone (pages/join.py)


def phone_routes() -> list[BaseRoute]:
    return [
        Route("/phone", join_page, methods=["GET"]),
        Route("/phone/{code}", room_page, methods=["GET"]),
        Route("/phone/{code}/drawings", send, methods=["POST"]),
        Route("/phone/{code}/drawings/{drawing_id:int}/label", label, methods=["POST"]),
    ]


def language_of(request: Request) -> str:
    return preferred_language(request.headers.get("accept-language"))


def address_of(request: Request) -> str | None:
    """The visitor's address for per-address limits; None on this machine itself (as on the
    Streamlit pages, ui/room_views.visitor_address). Behind HAProxy, uvicorn has already put the
    X-Forwarded-For address here."""
    host = request.client.host if request.client else None
    return None if host in (None, "127.0.0.1", "::1", "localhost") else host


def page(language: str, title: str, body: str, status_code: int = 200) -> HTMLResponse:
    document = PAGE.substitute(language=language, title=html.escape(title), body=body)
    return HTMLResponse(document, status_code=status_code, headers={"Cache-Control": "no-store"})


def join_form(message: str = "", typed: str = "") -> str:
    error = f'<p class="message error" role="alert">{html.escape(message)}</p>' if message else ""
    return f"""
<h1>{html.escape(_("Join a room"))}</h1>
<form method="get" action="/phone" class="join">
  <label for="code">{html.escape(_("The room's code, as the wall shows it"))}</label>
  <input id="code" name="code" maxlength="16" autocomplete="off" autocapitalize="characters"
         spellcheck="false" placeholder="ABCD-2345" value="{html.escape(typed)}" autofocus>
  <button type="submit" class="primary">{html.escape(_("Join"))}</button>
</form>
{error}"""


def find_open_room(code: str | None, request: Request) -> tuple[RoomInfo | None, str, int]:
    """(the room, "", 200) for an open room, else (None, why in words, an HTTP status).
    Every code that names no room counts against the visitor's address."""
    address = address_of(request)
    if not room_views.code_misses.allows(room_limits().code_misses_per_minute, address):
        return None, _(TOO_MANY_TRIES), 429
    stored = normalised_code(code)
    if stored is None:
        room_views.code_misses.count(address)
        return None, _("A room's code is 8 letters and digits, like ABCD-2345."), 404
    try:
        room = retried(lambda: room_store().room(stored))
    except RoomNotFound as refusal:
        room_views.code_misses.count(address)
        return None, str(refusal), 404
    except RoomError as refusal:
        return None, str(refusal), 503
    if room.closed:
        return None, _("This room is closed: thank you for drawing!"), 410
    return room, "", 200


async def join_page(request: Request) -> Response:
    language = language_of(request)
    typed = request.query_params.get("code")
    with using(language):
        if typed is None:
            return page(language, _("Join a room"), join_form())
        room, why, status = await run_in_threadpool(_in_language, language, find_open_room, typed, request)
        if room is None:
            return page(language, _("Join a room"), join_form(why, typed[:16]), status)
    return RedirectResponse(f"/phone/{room.code}", status_code=303)


def _in_language(language, function, *arguments):
    # Threads do not inherit the request's language: say it again in the worker thread.
    with using(language):
        return function(*arguments)


def phone_texts() -> dict[str, str]:
    """The words the page's script shows, in the active language."""
    return {
        "sending": _("Sending…"),
        "offline": _("Not sent: the connection failed. Your drawing is still here: send it again."),
        "draw": _("Draw a digit, then send it to the wall."),
        "yes": _("Yes"),
        "no": _("No, it was"),
        "which": _("Which digit is it?"),
    }


async def room_page(request: Request) -> Response:
    language = language_of(request)
    with using(language):
        room, why, status = await run_in_threadpool(
            _in_language, language, find_open_room, request.path_params["code"], request
        )
        if room is None:
            return page(language, _("Join a room"), join_form(why), status)
        code = room.code
        settings = {"code": code, "canvas": PHONE_CANVAS, "pen": PEN_WIDTH, "text": phone_texts()}
        # JSON inside <script>: "</" escaped so no text can close the element.
        script_data = json.dumps(settings, ensure_ascii=False).replace("</", "<\\/")
        body = f"""
<h1>{html.escape(_("Draw for the room"))} <span class="code">{html.escape(readable_code(code))}</span></h1>
<canvas id="canvas" width="{PHONE_CANVAS}" height="{PHONE_CANVAS}"
        aria-label="{html.escape(_("Drawing canvas"))}"></canvas>
<div class="row">
  <button id="send" class="primary" disabled>{html.escape(_("Send to the wall"))}</button>
  <button id="clear">{html.escape(_("Clear"))}</button>
</div>
<div id="answer" aria-live="polite">
  <p class="message">{html.escape(_("Draw a digit, then send it to the wall."))}</p>
</div>
<script id="settings" type="application/json">{script_data}</script>"""
        return page(language, _("Draw for the room"), body)


async def body_within(request: Request, limit: int) -> bytes | None:
    """The request's body, or None past ``limit`` bytes (read no further: memory stays bounded)."""
    if int(request.headers.get("content-length") or 0) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def phone_of(request: Request) -> str | None:
    phone = request.headers.get("x-phone", "")
    return phone if PHONE_TOKEN.fullmatch(phone) else None


async def send(request: Request) -> Response:
    language = language_of(request)
    code = normalised_code(request.path_params["code"])
    phone = phone_of(request)
    send_key = request.headers.get("x-send-key", "")
    with using(language):
        if code is None or phone is None or not SEND_KEY.fullmatch(send_key):
            return answer({"status": "not sent", "message": _("That is not a drawing from this page.")}, 400)
        body = await body_within(request, MAX_BODY_BYTES)
        if body is None:
            return answer({"status": "not sent", "message": _("That is not a drawing from this page.")}, 413)
    anyway = request.headers.get("x-send-anyway") == "1"
    return await run_in_threadpool(
        _in_language, language, send_to_an_open_room, request, code, phone, send_key, body, anyway
    )


def send_to_an_open_room(request: Request, code: str, phone: str, send_key: str, body: bytes, anyway: bool) -> Response:
    """The room first (a missed code counts against the address, as on the join page), then the
    network: a guesser's sends cost no reading."""
    room, why, status = find_open_room(code, request)
    if room is None:
        return answer({"status": "not sent", "message": why}, status)
    return sent_answer(room, phone, send_key, body, anyway)


async def label(request: Request) -> Response:
    language = language_of(request)
    code = normalised_code(request.path_params["code"])
    phone = phone_of(request)
    body = await body_within(request, 1024)
    try:
        digit = json.loads(body).get("label") if code and phone and body else None
    except (ValueError, AttributeError):
        digit = None
    return await run_in_threadpool(
        _in_language, language, labelled, code or "", phone or "", request.path_params["drawing_id"], digit
    )
