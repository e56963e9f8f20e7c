"""A phone's Join page through AppTest: what a refused send and a failing database look like."""

import pytest
from streamlit.testing.v1 import AppTest

from model.hosting.per_address import PerAddress
from model.rooms.store import RoomStore
from tests.support.drawings import render, strokes_in_box
from tests.test_pages import APP, assert_no_server_paths, canvas_state, page_texts

PHONE_CANVAS = "canvas-300x300-"  # + the number of clears


@pytest.fixture
def room(room_database, monkeypatch):
    """A room in a fresh database, with a rate limit of one drawing a minute; its code."""
    monkeypatch.setenv("DIGITS_ROOM_RATE_COUNT", "1")
    monkeypatch.setenv("DIGITS_ROOM_RATE_SECONDS", "60")
    return RoomStore(room_database).open_room("the presenter's session")


def phone(code):
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("pages/join.py")
    app.query_params["room"] = code
    return app


def draw_and_send(app, digit, clears):
    strokes = strokes_in_box(digit, 60, 40, 210)
    app.session_state[f"{PHONE_CANVAS}{clears}"] = canvas_state(render(strokes, canvas_size=300, stroke_width=22))
    app.run()
    next(button for button in app.button if button.label == "Send to the wall").click().run()
    assert not app.exception
    return app


def test_a_send_over_the_rate_limit_says_so_and_keeps_the_drawing(room):
    app = phone(room)
    app.run()
    draw_and_send(app, 7, clears=0)
    assert any("Sent. The network read **a 7**" in markdown.value for markdown in app.markdown)
    assert RoomStore(None).stats(room).count == 1

    draw_and_send(app, 3, clears=1)  # the first send cleared the canvas: a new one
    warnings = [warning.value for warning in app.warning]
    assert any(w.startswith("Not sent: Too many drawings in a row: wait") and "still here" in w for w in warnings)
    assert not any("Sent." in markdown.value for markdown in app.markdown)  # nothing claims it was stored
    assert RoomStore(None).stats(room).count == 1
    # The drawing stays on its canvas, ready to send again.
    assert f"{PHONE_CANVAS}1" in app.session_state and any(b.label == "Send to the wall" for b in app.button)


def test_a_damaged_room_database_is_said_plainly(room, tmp_path, monkeypatch):
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("DIGITS_ROOM_DATABASE_URL", f"sqlite:///{damaged}")
    app = phone(room)
    app.run()
    assert not app.exception
    assert [error.value for error in app.error] == ["The room is unavailable right now: try again in a moment"]
    assert_no_server_paths(app)
    assert not any("SELECT" in text or "sqlite" in text for text in page_texts(app))


def test_a_reload_keeps_the_phones_rate_limit_and_another_phone_has_its_own(room):
    first = phone(room)
    first.run()
    token = first.query_params["phone"]
    assert len(token) == 16  # put in the address on the first visit: a reload keeps it
    draw_and_send(first, 7, clears=0)
    assert RoomStore(None).stats(room).count == 1

    reloaded = phone(room)  # a new session, the same address
    reloaded.query_params["phone"] = token
    reloaded.run()
    draw_and_send(reloaded, 3, clears=0)
    assert any(w.startswith("Not sent: Too many drawings in a row") for w in (w.value for w in reloaded.warning))
    assert RoomStore(None).stats(room).count == 1

    other = phone(room)  # another phone in the hall
    other.run()
    assert other.query_params["phone"] != token
    draw_and_send(other, 3, clears=0)
    assert RoomStore(None).stats(room).count == 2


def test_one_address_opens_only_so_many_rooms_an_hour(room, monkeypatch):
    import ui.room_views

    monkeypatch.setenv("DIGITS_ROOM_OPENS_PER_HOUR", "2")
    monkeypatch.setattr(ui.room_views, "rooms_opened", PerAddress(3600))  # this test's own count
    monkeypatch.setattr(ui.room_views, "visitor_address", lambda: "203.0.113.7")  # a visitor, not this machine
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("pages/present.py")
    app.session_state["present_view"] = "Audience room"
    app.run()
    for _ in range(2):  # open and close, twice: each frees its place among the open rooms
        next(button for button in app.button if button.label == "Open a room").click().run()
        next(button for button in app.button if button.label == "Close the room").click().run()
    next(button for button in app.button if button.label == "Open a room").click().run()
    assert not app.exception
    assert [error.value for error in app.error] == [
        "2 rooms were opened from here in the last hour: please wait before opening another"
    ]
    assert not any(button.label == "Close the room" for button in app.button)


def test_one_address_may_miss_only_so_many_codes_a_minute(room, monkeypatch):
    import ui.room_views

    monkeypatch.setenv("DIGITS_ROOM_CODE_MISSES_PER_MINUTE", "2")
    monkeypatch.setattr(ui.room_views, "code_misses", PerAddress(60))
    monkeypatch.setattr(ui.room_views, "visitor_address", lambda: "203.0.113.8")
    wrong = "WXYZ2345" if room != "WXYZ2345" else "WXYZ2346"
    for _ in range(2):
        guess = phone(wrong)
        guess.run()
        assert [error.value for error in guess.error] == ["No room with that code: check the link"]
    refused = phone(room)  # even the right code, until a minute has passed
    refused.run()
    assert [error.value for error in refused.error] == [
        "Too many room codes tried from here: wait a minute, then try again."
    ]
    assert not any(button.label == "Send to the wall" for button in refused.button)
