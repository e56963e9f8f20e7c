"""Moderation on the pages (AppTest): a phone sends what the gate refused with "Send anyway" and is
told the presenter decides; the owner's wall holds it in a waiting strip until "Show"; the
"Approve before showing" switch holds every new drawing. The store's own rules: tests/test_rooms.py."""

import pytest
from streamlit.testing.v1 import AppTest

from model.rooms.store import RoomStore
from tests.support.drawings import render, strokes_in_box
from tests.test_pages import APP, canvas_state

PHONE_CANVAS = "canvas-300x300-"  # + the number of clears
PRESENTER = "the presenter's session"
# A grid of lines: the shipped gate says it is no digit (the network would call it an 8).
GRID = [[(60, y), (240, y)] for y in (60, 120, 180, 240)] + [[(x, 60), (x, 240)] for x in (60, 120, 180, 240)]
WAITS_FOR_THE_PRESENTER = "Sent to the presenter, who sees it first and decides whether it goes on the wall."


@pytest.fixture
def room(room_database):
    """A room in a fresh database; its code."""
    return RoomStore(room_database).open_room(PRESENTER)


def phone(code):
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("pages/join.py")
    app.query_params["room"] = code
    app.run()
    return app


def draw(app, strokes, clears=0):
    app.session_state[f"{PHONE_CANVAS}{clears}"] = canvas_state(render(strokes, canvas_size=300, stroke_width=22))
    app.run()
    assert not app.exception


def button(app, label):
    return next(found for found in app.button if found.label == label)


def labels(app):
    return [found.label for found in app.button]


def wall(code, session=PRESENTER):
    """The Present page's audience room; the presenter's own session when ``session`` opened it."""
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("pages/present.py")
    app.session_state["present_view"] = "Audience room"
    app.session_state["session_id"] = session
    if session == PRESENTER:
        app.session_state["room_code"] = code
    else:
        app.query_params["wall"] = code
    app.run()
    assert not app.exception
    return app


def drawings_metric(app):
    return next(metric.value for metric in app.metric if metric.label == "Drawings")


def captions(app):
    return [caption.value for caption in app.caption]


def test_a_phone_sends_what_the_gate_refused_anyway_and_it_waits_for_the_presenter(room):
    app = phone(room)
    draw(app, GRID)
    assert any("That does not look like a digit" in warning.value for warning in app.warning)
    assert "Send to the wall" not in labels(app)
    assert any("presenter sees it first and decides" in caption for caption in captions(app))

    button(app, "Send anyway").click().run()
    assert not app.exception
    assert WAITS_FOR_THE_PRESENTER in [info.value for info in app.info]
    assert not any(label == "Send anyway" for label in labels(app))  # the canvas was cleared
    store = RoomStore(None)
    info = store.room(room)
    assert (info.stored, info.on_wall, info.waiting) == (1, 0, 1)
    assert store.latest(room) == [] and store.stats(room).count == 0
    [held] = store.waiting(room, PRESENTER)
    assert held.refused and held.waiting

    app.button_group(key=f"meant-{held.id}").set_value(8).run()  # "Which digit is it?"
    assert not app.exception and store.my_drawings(room, app.query_params["phone"])[0].label == 8
    assert any(success.value == "Thanks! Counted as an 8." for success in app.success)
    assert WAITS_FOR_THE_PRESENTER in [info.value for info in app.info]  # still said after the answer


def test_the_owners_wall_holds_it_in_a_strip_and_show_puts_it_on_the_wall(room):
    store = RoomStore(None)
    digit = store.add_drawing(room, "alice", render_image(), 7, 0.9)
    refused = store.add_drawing(room, "bob", render_image(), 8, 0.6, is_digit=False)

    presenter = wall(room)
    assert drawings_metric(presenter) == "1"
    assert "1 drawing waits for you: it is not on the wall until you show it." in captions(presenter)
    assert labels(presenter).count("Show") == 1 and labels(presenter).count("Dismiss") == 1
    assert labels(presenter).count("Hide") == 1  # the one tile on the wall

    # Anyone else with the code sees the wall, never what waits.
    outsider = wall(room, session="someone-else")
    assert drawings_metric(outsider) == "1"
    assert not {"Show", "Dismiss", "Hide"} & set(labels(outsider))
    assert not any("wait" in caption for caption in captions(outsider))

    button(presenter, "Show").click().run()
    assert not presenter.exception
    assert drawings_metric(presenter) == "2" and "Show" not in labels(presenter)
    assert not any("waits for you" in caption for caption in captions(presenter))
    assert [drawing.id for drawing in store.latest(room)] == [refused, digit]  # shown last: in front


def test_approve_before_showing_holds_what_phones_send_until_the_owner_decides(room):
    presenter = wall(room)
    presenter.toggle(key=f"approve-first-{room}").set_value(True).run()
    assert not presenter.exception
    store = RoomStore(None)
    assert store.room(room).approve_first

    sender = phone(room)
    draw(sender, strokes_in_box(7, 60, 40, 210))
    button(sender, "Send to the wall").click().run()
    assert not sender.exception
    assert "Sent to the presenter, who approves each drawing before it goes on the wall." in [
        info.value for info in sender.info
    ]
    assert any("Sent. The network read **a 7**" in markdown.value for markdown in sender.markdown)
    assert store.room(room).waiting == 1 and store.latest(room) == []

    presenter.run()
    assert drawings_metric(presenter) == "0" and labels(presenter).count("Show") == 1
    button(presenter, "Dismiss").click().run()
    assert not presenter.exception and "Show" not in labels(presenter)
    info = store.room(room)
    assert (info.on_wall, info.waiting, info.stored) == (0, 0, 1)

    # Switched off, what comes next goes straight on the wall.
    presenter.toggle(key=f"approve-first-{room}").set_value(False).run()
    assert not store.room(room).approve_first
    draw(sender, strokes_in_box(3, 60, 40, 210), clears=1)
    button(sender, "Send to the wall").click().run()
    assert not any("Sent to the presenter" in info.value for info in sender.info)
    assert store.room(room).on_wall == 1


def render_image():
    import numpy as np

    return np.zeros((28, 28), dtype=np.uint8)
