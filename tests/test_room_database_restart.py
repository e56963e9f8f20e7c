"""A rooms' database that restarts in the middle of a room: a phone's send waits for it and is
stored once; a database that stays away, or is damaged, is said plainly (issue 21, faults)."""

import logging
import threading
import time

import numpy as np
import pytest

from model.hosting.settings import RoomLimits
from model.rooms.database import retried
from model.rooms.errors import RoomUnavailable
from model.rooms.store import RoomStore
from tests.support.postgres import PostgresServer

PRESENTER, PHONE = "presenter-session", "phone-token"
IMAGE = np.full((28, 28), 200, np.uint8)


def store_at(url: str) -> RoomStore:
    limits = RoomLimits(
        ttl_minutes=60, max_drawings=100, max_open_rooms=10, rate_count=20, rate_seconds=60.0, database_url=url
    )
    return RoomStore(limits=limits)


def wait_for(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        time.sleep(0.05)  # polling; the condition is re-checked each time


@pytest.mark.postgres
def test_a_send_waits_for_a_restarting_database_and_is_stored_once(caplog):
    caplog.set_level(logging.INFO, logger="model.rooms.database")
    with PostgresServer() as server:
        store = store_at(server.url)
        code = store.open_room(PRESENTER)
        server.stop()
        outcome = {}

        def send():
            send = lambda: store.add_drawing(code, PHONE, IMAGE, 7, 0.9, send_key="canvas-0-a-seven")  # noqa: E731
            try:
                outcome["id"] = retried(send, waits=(0.5,) * 40)
            except Exception as error:  # the test says what went wrong
                outcome["error"] = error

        phone = threading.Thread(target=send)
        phone.start()
        # The send found the database away and is waiting: now it comes back.
        wait_for(lambda: "trying again" in caplog.text)
        server.start()
        phone.join(timeout=60)
        assert "error" not in outcome, outcome
        # Sent again (the phone did not hear back): the same drawing, not a second one.
        assert store.add_drawing(code, PHONE, IMAGE, 7, 0.9, send_key="canvas-0-a-seven") == outcome["id"]
        assert store.room(code).stored == 1
        store.engine.dispose()


@pytest.mark.postgres
def test_a_database_that_stays_away_is_said_after_the_waits():
    with PostgresServer() as server:
        store = store_at(server.url)
        code = store.open_room(PRESENTER)
        server.stop()
        with pytest.raises(RoomUnavailable) as failure:
            retried(lambda: store.add_drawing(code, PHONE, IMAGE, 7, 0.9), waits=(0.1, 0.1))
        assert failure.value.passing and "unavailable" in str(failure.value)
        store.engine.dispose()


def test_a_damaged_database_is_said_at_once_not_waited_for(tmp_path):
    damaged = tmp_path / "rooms.sqlite3"
    damaged.write_bytes(b"this is not a database" * 100)
    attempts = []

    def open_the_store():
        attempts.append(1)
        return store_at(f"sqlite:///{damaged}")

    with pytest.raises(RoomUnavailable) as failure:
        retried(open_the_store, waits=(5.0, 5.0))
    assert not failure.value.passing and len(attempts) == 1
