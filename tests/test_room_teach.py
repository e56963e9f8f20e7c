"""The room teaches the network, on the Present page's wall (AppTest) with the real training queue
and its child process, on the bundled sample: the presenter's button, the before and after, and
the switch that gives the room's phones the taught network and takes it back."""

import time

import pytest

from model.making.teach import MIN_CONFIRMED, split_room
from model.rooms.store import RoomStore
from tests.support.rooms import a_room, confirmed_drawings
from tests.test_room_moderation import PRESENTER, button, wall
from ui.resources import room_predictor

pytestmark = pytest.mark.slow


def metric(app, starts_with):
    return next((found for found in app.metric if found.label.startswith(starts_with)), None)


def test_too_few_confirmed_drawings_are_said_and_nothing_is_queued(room_database):
    store = RoomStore(room_database)
    code = store.open_room(PRESENTER)
    confirmed_drawings(store, code, MIN_CONFIRMED - 5)
    app = wall(code)
    button(app, "Teach the network these digits").click().run()
    assert not app.exception
    assert f"Teaching needs at least {MIN_CONFIRMED} confirmed drawings; the room has 15." in [
        error.value for error in app.error
    ]
    assert "room_teach_run" not in app.session_state


def test_the_presenter_teaches_the_network_sees_before_and_after_and_switches_the_phones(room_database, monkeypatch):
    # Admission measures this process, which holds every earlier test's models in a full run,
    # not a server's (as tests/test_pages.py's training test says).
    monkeypatch.setenv("DIGITS_MEMORY_BUDGET_MB", "8000")
    store = RoomStore(room_database)
    code = store.open_room(PRESENTER)
    confirmed_drawings(store, code, 60)
    app = wall(code)
    button(app, "Teach the network these digits").click().run()
    assert not app.exception
    deadline = time.monotonic() + 300
    while metric(app, "MNIST test") is None:  # the wall redraws; the run goes on in its child process
        assert time.monotonic() < deadline, [error.value for error in app.error]
        assert not [error.value for error in app.error], [error.value for error in app.error]
        time.sleep(1.0)  # polling the queue's run, as the wall's 1.5 s redraw does
        app.run()
    kept_aside = len(split_room(*a_room(60), seed=0).y_check)
    room_figure = metric(app, f"Room, drawings it did not learn from ({kept_aside})")
    assert room_figure is not None, [found.label for found in app.metric]
    run = app.session_state["room_teach_run"]["run"]
    taught = run.card["taught"]
    assert room_figure.value == f"{taught['room_after']:.0%}"
    assert metric(app, "MNIST test").value == f"{taught['mnist_after']:.2%}"
    assert taught["room_after"] > taught["room_before"]

    switch = next(found for found in app.toggle if found.label == "Phones read with the taught network")
    assert switch.value is False and store.room(code).model is None
    switch.set_value(True).run()
    assert store.room_model(code) == str(run.saved_path)
    assert room_predictor(code).path == run.saved_path  # what the room's phones read with now
    next(found for found in app.toggle if found.label == "Phones read with the taught network").set_value(False).run()
    assert store.room_model(code) is None
    assert room_predictor(code).path.name == "mnist_cnn.keras"  # the shipped one again
