"""ui/phone_routes.py: a phone's page and its two JSON calls, through Starlette's TestClient (the
real routes, the real predictor, a real SQLite rooms' database). The same page in Chromium with
touch phones and the Streamlit server around it: tests/test_phone_browser.py."""

import io
import re

import numpy as np
import pytest
from PIL import Image, ImageDraw
from starlette.applications import Starlette
from starlette.testclient import TestClient

from model.hosting.per_address import PerAddress
from model.rooms.store import RoomStore
from tests.support.drawings import draw_digit, render
from ui.phone_routes import phone_routes

PHONE = "phone-one-0123456789"
OTHER_PHONE = "phone-two-0123456789"


def png(rgba: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, "PNG")
    return buffer.getvalue()


def digit_png(digit: int) -> bytes:
    return png(draw_digit(digit, left=50, top=50, size=200, canvas_size=300, stroke_width=22, background=(0, 0, 0)))


def blob_png() -> bytes:
    """A filled disc with a ring round it: ink, but no digit."""
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 40, 260, 260), outline=(255, 255, 255, 255), width=22)
    draw.ellipse((110, 110, 190, 190), fill=(255, 255, 255, 255))
    draw.line((20, 150, 280, 150), fill=(255, 255, 255, 255), width=22)
    draw.line((150, 20, 150, 280), fill=(255, 255, 255, 255), width=22)
    return png(np.asarray(image))


@pytest.fixture
def client(room_database, monkeypatch):
    import ui.room_views

    monkeypatch.setattr(ui.room_views, "code_misses", PerAddress(60))  # this test's own count
    with TestClient(Starlette(routes=phone_routes())) as test_client:
        yield test_client


@pytest.fixture
def room(room_database):
    return RoomStore(None).open_room("presenter-session")


def send(client, room, body, phone=PHONE, key="drawing-key-1", **headers):
    return client.post(
        f"/phone/{room}/drawings",
        content=body,
        headers={"Content-Type": "image/png", "X-Phone": phone, "X-Send-Key": key, **headers},
    )


def assert_no_server_detail(text: str) -> None:
    assert "Traceback" not in text and "/work/" not in text and "site-packages" not in text and "sqlite" not in text


def test_the_short_address_takes_a_typed_code_to_the_room(client, room):
    form = client.get("/phone")
    assert form.status_code == 200 and 'name="code"' in form.text
    typed = f"{room[:4].lower()}-{room[4:].lower()}"  # as a person types it off the wall
    joined = client.get("/phone", params={"code": typed}, follow_redirects=False)
    assert joined.status_code == 303 and joined.headers["location"] == f"/phone/{room}"
    page = client.get(f"/phone/{room}")
    assert page.status_code == 200
    assert "<canvas" in page.text and f'"code": "{room}"' in page.text
    assert f"{room[:4]}-{room[4:]}" in page.text  # the code as the wall shows it


def test_a_wrong_or_forged_code_is_refused_in_words(client, room):
    for forged in ("WXYZ2345" if room != "WXYZ2345" else "WXYZ2346", "' OR 1=1 --", "<script>"):
        response = client.get("/phone", params={"code": forged})
        assert response.status_code == 404
        assert "<script>" not in response.text.split("<body>")[1].split("<script>")[0]  # escaped, never markup
        assert_no_server_detail(response.text)
    assert "No room with that code" in client.get("/phone/WXYZ2345" if room != "WXYZ2345" else "/phone/WXYZ2346").text


def test_too_many_missed_codes_are_refused_even_the_right_one(client, room, monkeypatch):
    monkeypatch.setenv("DIGITS_ROOM_CODE_MISSES_PER_MINUTE", "2")
    wrong = "WXYZ2345" if room != "WXYZ2345" else "WXYZ2346"
    for _ in range(2):
        assert client.get(f"/phone/{wrong}").status_code == 404
    refused = client.get(f"/phone/{room}")
    assert refused.status_code == 429 and "Too many room codes tried from here" in refused.text


def test_a_closed_room_says_so(client, room):
    RoomStore(None).close(room, "presenter-session")
    response = client.get(f"/phone/{room}")
    assert response.status_code == 410 and "This room is closed" in response.text


def test_a_sent_digit_is_read_stored_once_and_corrected_only_by_its_phone(client, room):
    first = send(client, room, digit_png(7))
    assert first.status_code == 200
    sent = first.json()
    assert (sent["status"], sent["digit"], sent["refused"], sent["waiting"]) == ("sent", 7, False, False)
    assert "The network read <b>a 7</b>" in sent["question"]
    again = send(client, room, digit_png(7))  # a retry of the same drawing
    assert again.json()["id"] == sent["id"]
    store = RoomStore(None)
    assert store.stats(room).count == 1
    drawing = store.latest(room, 5)[0]
    assert drawing.digit == 7 and drawing.image.shape == (28, 28) and drawing.image.max() == 255

    label_path = f"/phone/{room}/drawings/{sent['id']}/label"
    stolen = client.post(label_path, json={"label": 1}, headers={"X-Phone": OTHER_PHONE})
    assert stolen.status_code == 409 and stolen.json()["status"] == "not counted"
    assert client.post(label_path, json={"label": 12}, headers={"X-Phone": PHONE}).status_code == 400
    counted = client.post(label_path, json={"label": 7}, headers={"X-Phone": PHONE})
    assert counted.json() == {"status": "counted", "message": "Thanks! Counted as a 7."}
    assert store.stats(room).confirmed == 1


def test_a_phone_over_its_rate_limit_is_told_and_nothing_is_stored(client, room, monkeypatch):
    monkeypatch.setenv("DIGITS_ROOM_RATE_COUNT", "2")
    for key in ("key-number-1", "key-number-2"):
        assert send(client, room, digit_png(3), key=key).json()["status"] == "sent"
    refused = send(client, room, digit_png(3), key="key-number-3")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["message"].startswith("Not sent: Too many drawings in a row: wait ")
    assert RoomStore(None).stats(room).count == 2
    # Another phone in the same hall is not held back by this one.
    assert send(client, room, digit_png(3), phone=OTHER_PHONE, key="key-number-4").json()["status"] == "sent"


def test_what_the_gate_refuses_is_sent_only_when_the_phone_insists_and_waits_off_the_wall(client, room):
    refused = send(client, room, blob_png())
    assert refused.json()["status"] == "refused" and refused.json()["may_insist"] is True
    store = RoomStore(None)
    assert store.room(room).stored == 0
    insisted = send(client, room, blob_png(), key="drawing-key-2", **{"X-Send-Anyway": "1"}).json()
    assert insisted["status"] == "sent" and insisted["refused"] is True and insisted["waiting"] is True
    assert store.room(room).stored == 1 and store.stats(room).count == 0  # held for the presenter


def test_an_empty_canvas_is_not_sent(client, room):
    empty = send(client, room, png(np.zeros((300, 300, 4), dtype=np.uint8) + np.array([0, 0, 0, 255], np.uint8)))
    assert empty.json()["status"] == "empty"
    assert RoomStore(None).room(room).stored == 0


@pytest.mark.parametrize(
    "body, headers, status",
    [
        (b"not a png at all", {}, 400),
        (b"x" * (600 * 1024), {}, 413),
        (None, {"X-Phone": "short"}, 400),  # no phone token
        (None, {"X-Send-Key": "bad key!"}, 400),
    ],
)
def test_what_is_not_a_drawing_from_the_page_is_refused_in_words(client, room, body, headers, status):
    response = send(client, room, digit_png(4) if body is None else body, **headers)
    assert response.status_code == status and response.json()["status"] == "not sent"
    assert_no_server_detail(response.text)
    assert RoomStore(None).room(room).stored == 0


def test_a_huge_picture_is_refused_before_it_is_decoded(client, room):
    huge = png(render([[(10, 10), (1990, 1990)]], canvas_size=2000, background=(0, 0, 0)))
    response = send(client, room, huge)
    assert response.status_code == 400 and RoomStore(None).room(room).stored == 0


def test_a_phone_reads_its_own_language(client, room):
    headers = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
    page = client.get(f"/phone/{room}", headers=headers)
    assert "<title>画一个数字给大家</title>" in page.text and "Send to the wall" not in page.text
    sent = send(client, room, digit_png(2), **headers).json()
    assert re.search(r"[\u4e00-\u9fff]", sent["question"]) and "The network" not in sent["question"]
    assert "<title>Draw for the room</title>" in client.get(f"/phone/{room}").text  # English by default


def test_sends_to_a_wrong_code_count_as_missed_codes_and_are_never_read(client, room, monkeypatch):
    monkeypatch.setenv("DIGITS_ROOM_CODE_MISSES_PER_MINUTE", "2")
    wrong = "WXYZ2345" if room != "WXYZ2345" else "WXYZ2346"
    for key in ("guess-number-1", "guess-number-2"):
        guessed = send(client, wrong, digit_png(1), key=key)
        assert guessed.status_code == 404 and "No room with that code" in guessed.json()["message"]
    refused = send(client, room, digit_png(1), key="guess-number-3")
    assert refused.status_code == 429 and "Too many room codes" in refused.json()["message"]
    assert RoomStore(None).room(room).stored == 0


def test_a_closed_room_takes_no_more_drawings(client, room):
    RoomStore(None).close(room, "presenter-session")
    response = send(client, room, digit_png(5))
    assert response.status_code == 410 and "This room is closed" in response.json()["message"]
