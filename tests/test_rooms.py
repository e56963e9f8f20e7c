"""Audience rooms on SQLite (always) and on a real PostgreSQL 15 started for the session.

The PostgreSQL variants skip only when its binaries are missing and DIGITS_REQUIRE_POSTGRES is
unset; with DIGITS_REQUIRE_POSTGRES=1 (CI) a missing PostgreSQL fails them.
"""

import io
import multiprocessing
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, func, select

from model.hosting.settings import RoomLimits, room_limits
from model.rooms.database import drawings, metadata, rooms
from model.rooms.errors import (
    DrawingNotFound,
    InvalidInput,
    NotRoomOwner,
    NotYourDrawing,
    RateLimited,
    RoomClosed,
    RoomError,
    RoomFull,
    RoomNotFound,
    RoomUnavailable,
)
from model.rooms.store import RoomStore
from model.rooms.values import CODE_ALPHABET, CODE_CHARACTERS, normalised_code, npz_bytes, readable_code
from tests.support.postgres import PostgresServer

GENEROUS = {"ttl_minutes": 120.0, "max_drawings": 500, "max_open_rooms": 1000, "rate_count": 1000, "rate_seconds": 30.0}
PRESENTER, ALICE, BOB = "presenter-session", "alice-session", "bob-session"


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


def blank(value=0):
    return np.full((28, 28), value, dtype=np.uint8)


# PostgreSQL for the session -------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url():
    with PostgresServer() as server:
        yield server.url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'not-yet' / 'rooms.sqlite3'}"  # the folder is made on first use
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    engine = create_engine(url)
    metadata.drop_all(engine)  # the next test starts from empty tables
    engine.dispose()


@pytest.fixture
def make_store(database_url):
    stores = []

    def make(clock=None, **limits):
        settings = RoomLimits(**{**GENEROUS, **limits}, database_url=database_url)
        store = RoomStore(limits=settings, clock=clock or Clock())
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.engine.dispose()


# Codes and owners -----------------------------------------------------------------------------


def test_codes_are_short_typeable_distinct_and_random(make_store):
    store = make_store()
    codes = [store.open_room(PRESENTER) for _ in range(200)]
    assert len(set(codes)) == 200
    for code in codes:
        assert len(code) == CODE_CHARACTERS == 8 and set(code) <= set(CODE_ALPHABET)
    assert not set(CODE_ALPHABET) & set("0O1IL")  # nothing a hall reads one way and types another
    assert len(CODE_ALPHABET) ** CODE_CHARACTERS > 8e11
    assert len({code[:4] for code in codes}) > 150  # not a counter with a random tail
    assert len(set("".join(codes))) == len(CODE_ALPHABET)  # every character in use


def test_a_code_typed_in_any_case_with_a_dash_or_spaces_finds_its_room(make_store):
    store = make_store()
    code = store.open_room(PRESENTER)
    for typed in (code.lower(), readable_code(code), f" {code[:4]} {code[4:]} ", readable_code(code).lower()):
        assert store.room(typed).code == code
    drawing = store.add_drawing(readable_code(code).lower(), ALICE, blank(), 1, 0.5)
    store.correct(code, ALICE, drawing, 1)  # the same phone, the code as the link carries it
    assert normalised_code("abcd-2345") == "ABCD2345" and normalised_code("ABCD-0000") is None  # 0 is no code's
    assert store.stats(code).confirmed == 1


def test_a_database_that_fails_is_the_room_unavailable(make_store, tmp_path):
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"this is not a database" * 100)
    with pytest.raises(RoomUnavailable, match="The room is unavailable right now"):
        RoomStore(f"sqlite:///{damaged}")
    with pytest.raises(RoomUnavailable):
        RoomStore("nosuchdialect://nowhere")
    store = make_store()
    code = store.open_room(PRESENTER)
    with store.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE digit_room_drawings")  # the database half gone
    with pytest.raises(RoomUnavailable) as refused:
        store.add_drawing(code, ALICE, blank(), 1, 0.5)
    assert "DROP" not in str(refused.value) and "digit_room" not in str(refused.value)


FORGED = [
    "",
    "x",
    "AAAAAAAAAAAA",
    "' OR 1=1 --",
    "'; DROP TABLE digit_rooms; --",
    "x" * 100_000,
    "ünïcødé-✓-房间",
    "abc\x00def\x00gh",
    "%",
    "*",
    None,
    12345,
    b"bytes",
    ["list"],
]


@pytest.mark.parametrize("forged", FORGED, ids=range(len(FORGED)))
def test_a_forged_code_is_only_ever_not_found(make_store, forged):
    store = make_store()
    real = store.open_room(PRESENTER)
    drawing = store.add_drawing(real, ALICE, blank(), 1, 0.5)
    calls = [
        lambda: store.room(forged),
        lambda: store.is_owner(forged, PRESENTER),
        lambda: store.add_drawing(forged, ALICE, blank(), 1, 0.5),
        lambda: store.correct(forged, ALICE, drawing, 1),
        lambda: store.latest(forged),
        lambda: store.my_drawings(forged, ALICE),
        lambda: store.stats(forged),
        lambda: store.hide(forged, PRESENTER, drawing),
        lambda: store.clear(forged, PRESENTER),
        lambda: store.close(forged, PRESENTER),
        lambda: store.dataset(forged, PRESENTER),
        lambda: store.waiting(forged, PRESENTER),
        lambda: store.reveal(forged, PRESENTER, drawing),
        lambda: store.approve_first(forged, PRESENTER, True),
    ]
    for call in calls:
        with pytest.raises(RoomNotFound, match="No room with that code"):
            call()
    assert store.room(real).on_wall == 1 and not store.room(real).closed  # nothing leaked through


def test_only_the_owner_can_hide_clear_close_and_download(make_store):
    store = make_store()
    code = store.open_room(PRESENTER)
    drawing = store.add_drawing(code, ALICE, blank(), 4, 0.9)
    store.correct(code, ALICE, drawing, 4)
    assert store.is_owner(code, PRESENTER) and not store.is_owner(code, ALICE) and not store.is_owner(code, "")
    for intruder in (ALICE, BOB, "", None, PRESENTER + " "):
        for action in (
            lambda intruder=intruder: store.hide(code, intruder, drawing),
            lambda intruder=intruder: store.clear(code, intruder),
            lambda intruder=intruder: store.close(code, intruder),
            lambda intruder=intruder: store.dataset(code, intruder),
        ):
            with pytest.raises(NotRoomOwner, match="presenter"):
                action()
    assert store.room(code).on_wall == 1 and not store.room(code).closed  # nothing changed

    x, y = store.dataset(code, PRESENTER)
    assert y.tolist() == [4]
    store.hide(code, PRESENTER, drawing)
    assert store.latest(code) == [] and store.dataset(code, PRESENTER)[1].tolist() == []
    store.hide(code, PRESENTER, drawing, hidden=False)
    assert [found.id for found in store.latest(code)] == [drawing]
    with pytest.raises(DrawingNotFound):
        store.hide(code, PRESENTER, drawing + 1000)
    store.close(code, PRESENTER)
    assert store.room(code).closed and not store.room(code).expired


def test_a_phone_corrects_only_its_own_drawing(make_store):
    store = make_store()
    code, other_room = store.open_room(PRESENTER), store.open_room(PRESENTER)
    alices = store.add_drawing(code, ALICE, blank(), 1, 0.6)
    bobs = store.add_drawing(code, BOB, blank(), 2, 0.7)
    elsewhere = store.add_drawing(other_room, ALICE, blank(), 3, 0.8)
    with pytest.raises(NotYourDrawing, match="your own"):
        store.correct(code, BOB, alices, 9)
    for missing in (elsewhere, 10**30, -1, "1", None):
        with pytest.raises(DrawingNotFound):
            store.correct(code, ALICE, missing, 7)
    store.correct(code, ALICE, alices, 7)  # "No, it was a 7"
    store.correct(code, BOB, bobs, 2)  # confirmed
    labels = {found.id: found.label for found in store.latest(code)}
    assert labels == {alices: 7, bobs: 2}
    assert [found.id for found in store.my_drawings(code, ALICE)] == [alices]
    assert store.my_drawings(other_room, ALICE)[0].label is None
    with pytest.raises(InvalidInput, match="0 to 9"):
        store.correct(code, ALICE, alices, 10)


def test_only_the_28x28_and_hashes_are_stored(make_store, database_url):
    store = make_store()
    code = store.open_room(PRESENTER)
    store.add_drawing(code, ALICE, np.linspace(0, 1, 784, dtype=np.float32).reshape(28, 28), 5, 0.25)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        room_row = connection.execute(select(rooms)).one()
        drawing_row = connection.execute(select(drawings)).one()
    engine.dispose()
    assert PRESENTER not in str(tuple(room_row)) and ALICE not in str(tuple(drawing_row))
    assert len(drawing_row.image) == 784
    stored = store.latest(code)[0].image
    assert stored.dtype == np.uint8 and stored[0, 0] == 0 and stored[-1, -1] == 255


def test_bad_drawings_are_refused_with_a_reason(make_store):
    store = make_store()
    code = store.open_room(PRESENTER)
    bad = [
        ((np.zeros((28, 27)), 1, 0.5), "28x28"),
        ((np.zeros((784,)), 1, 0.5), "28x28"),
        ((np.full((28, 28), 1.5), 1, 0.5), "0 to 1"),
        ((np.full((28, 28), np.nan), 1, 0.5), "0 to 1"),
        ((np.zeros((28, 28), dtype=np.int64), 1, 0.5), "uint8"),
        ((blank(), 10, 0.5), "0 to 9"),
        ((blank(), 1.5, 0.5), "0 to 9"),
        ((blank(), 1, 1.5), "0 to 1"),
        ((blank(), 1, float("nan")), "0 to 1"),
        ((blank(), 1, "high"), "0 to 1"),
    ]
    for arguments, reason in bad:
        with pytest.raises(InvalidInput, match=reason):
            store.add_drawing(code, ALICE, *arguments)
    with pytest.raises(InvalidInput, match="session"):
        store.add_drawing(code, "", blank(), 1, 0.5)
    for verdict in ("no", 0, None, np.bool_(False)):  # the gate's verdict is a plain bool
        with pytest.raises(InvalidInput, match="is_digit"):
            store.add_drawing(code, ALICE, blank(), 1, 0.5, is_digit=verdict)
    assert store.room(code).stored == 0
    assert issubclass(InvalidInput, RoomError) and issubclass(RoomError, ValueError)


# Limits ---------------------------------------------------------------------------------------


def test_submissions_are_rate_limited_per_session(make_store):
    clock = Clock()
    store = make_store(clock, rate_count=3, rate_seconds=30.0)
    code = store.open_room(PRESENTER)
    for _step in range(3):
        store.add_drawing(code, ALICE, blank(), 1, 0.5)
        clock.now += 5
    clock.now += 2  # 17 s after the first drawing
    with pytest.raises(RateLimited, match="wait 13 s") as refused:
        store.add_drawing(code, ALICE, blank(), 1, 0.5)
    assert refused.value.wait_seconds == 13
    store.add_drawing(code, BOB, blank(), 1, 0.5)  # another phone is not held up
    clock.now += 13.5  # the first drawing is now out of the window
    store.add_drawing(code, ALICE, blank(), 1, 0.5)
    with pytest.raises(RateLimited):
        store.add_drawing(code, ALICE, blank(), 1, 0.5)
    assert store.room(code).stored == 5  # refused drawings are not stored


def test_a_drawing_sent_twice_is_stored_once(make_store):
    # A double tap, or a phone that retries after a dropped answer, sends the same drawing again.
    store = make_store(rate_count=2, rate_seconds=60.0)
    code = store.open_room(PRESENTER)
    first = store.add_drawing(code, ALICE, blank(1), 1, 0.5, send_key="canvas-0-drawing")
    again = store.add_drawing(code, ALICE, blank(1), 1, 0.5, send_key="canvas-0-drawing")
    assert again == first and store.room(code).stored == 1
    # The retry took no place in the rate limit: a second drawing still fits, a third does not.
    store.add_drawing(code, ALICE, blank(2), 2, 0.5, send_key="canvas-1-drawing")
    with pytest.raises(RateLimited):
        store.add_drawing(code, ALICE, blank(3), 3, 0.5, send_key="canvas-2-drawing")
    # The same key from another phone is another drawing.
    assert store.add_drawing(code, BOB, blank(1), 1, 0.5, send_key="canvas-0-drawing") != first
    assert store.room(code).stored == 3
    with pytest.raises(InvalidInput, match="send key"):
        store.add_drawing(code, BOB, blank(), 1, 0.5, send_key="x" * 65)


def test_a_full_room_refuses_further_drawings(make_store):
    store = make_store(max_drawings=5)
    code = store.open_room(PRESENTER)
    ids = [store.add_drawing(code, phone, blank(), 1, 0.5) for phone in ("a", "b", "c", "d", "e")]
    with pytest.raises(RoomFull, match="full .5 drawings"):
        store.add_drawing(code, "f", blank(), 1, 0.5)
    store.hide(code, PRESENTER, ids[0])
    store.clear(code, PRESENTER)  # the wall is empty, but the drawings are still held
    with pytest.raises(RoomFull):
        store.add_drawing(code, "f", blank(), 1, 0.5)
    assert store.room(code).stored == 5 and store.room(code).on_wall == 0


def test_the_number_of_open_rooms_is_bounded_and_expired_ones_free_their_place(make_store):
    from model.rooms.errors import TooManyRooms

    clock = Clock()
    store = make_store(clock=clock, max_open_rooms=2, ttl_minutes=1.0)
    store.open_room("first-presenter")
    store.open_room("second-presenter")
    with pytest.raises(TooManyRooms, match="2 open rooms"):
        store.open_room("third-presenter")
    clock.now += 61  # both expired
    third = store.open_room("third-presenter")
    store.open_room("fourth-presenter")
    store.close(third, "third-presenter")  # a closed room frees its place at once
    assert store.open_room("fifth-presenter")


def test_a_closed_room_is_purged_with_its_drawings_a_little_later(make_store, database_url):
    from model.rooms.store import CLOSED_ROOM_MINUTES

    clock = Clock()
    store = make_store(clock=clock, ttl_minutes=120.0)
    code = store.open_room(PRESENTER)
    store.add_drawing(code, ALICE, blank(), 1, 0.5)
    store.close(code, PRESENTER)
    clock.now += CLOSED_ROOM_MINUTES * 60 - 1
    assert store.purge_expired() == 0 and store.room(code).closed  # its wall stays a while
    clock.now += 2
    assert store.purge_expired() == 1
    with pytest.raises(RoomNotFound):
        store.room(code)
    with create_engine(database_url).connect() as connection:
        assert connection.scalar(select(func.count()).select_from(drawings)) == 0


def test_rooms_expire_and_are_purged(make_store, database_url):
    clock = Clock()
    store = make_store(clock, ttl_minutes=10.0)
    code = store.open_room(PRESENTER)
    clock.now += 5 * 60
    later = store.open_room(PRESENTER)
    clock.now += 4 * 60 + 59
    drawing = store.add_drawing(code, ALICE, blank(), 3, 0.9)
    clock.now += 1  # ten minutes after opening
    with pytest.raises(RoomClosed, match="expired"):
        store.add_drawing(code, ALICE, blank(), 3, 0.9)
    with pytest.raises(RoomClosed):
        store.correct(code, ALICE, drawing, 3)
    info = store.room(code)
    assert info.closed and info.expired and info.expires == 1_000_000.0 + 600
    assert store.dataset(code, PRESENTER)[0].shape == (0, 28, 28)  # still readable until purged
    assert store.purge_expired() == 1
    with pytest.raises(RoomNotFound):
        store.room(code)
    assert not store.room(later).closed
    engine = create_engine(database_url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(drawings)) == 0
    engine.dispose()
    assert store.purge_expired() == 0


def test_a_closed_room_refuses_submissions_but_keeps_its_wall(make_store):
    store = make_store()
    code = store.open_room(PRESENTER)
    drawing = store.add_drawing(code, ALICE, blank(), 8, 0.9)
    store.close(code, PRESENTER)
    with pytest.raises(RoomClosed, match="closed"):
        store.add_drawing(code, BOB, blank(), 8, 0.9)
    with pytest.raises(RoomClosed):
        store.correct(code, ALICE, drawing, 8)
    assert [found.id for found in store.latest(code)] == [drawing] and store.room(code).closed


# What the wall shows --------------------------------------------------------------------------


def test_stats_and_confusion_matrix_match_a_hand_count(make_store):
    store = make_store()
    code = store.open_room(PRESENTER)
    assert store.stats(code).accuracy is None and store.stats(code).count == 0
    # (reading, true digit or None, hidden): 7 on the wall, 5 confirmed, 3 of them right.
    cases = [
        (3, 3, False),
        (3, 8, False),
        (7, 7, False),
        (1, 7, False),
        (0, 0, False),
        (5, None, False),
        (2, None, False),
        (9, 4, True),
    ]
    for reading, truth, hidden in cases:
        drawing = store.add_drawing(code, ALICE, blank(), reading, 0.5)
        if truth is not None:
            store.correct(code, ALICE, drawing, truth)
        if hidden:
            store.hide(code, PRESENTER, drawing)
    stats = store.stats(code)
    expected = np.zeros((10, 10), dtype=np.int64)
    expected[3, 3] = expected[8, 3] = expected[7, 7] = expected[7, 1] = expected[0, 0] = 1
    assert (stats.count, stats.confirmed) == (7, 5)
    assert stats.accuracy == pytest.approx(3 / 5)
    np.testing.assert_array_equal(stats.confusion, expected)

    store.clear(code, PRESENTER)
    cleared = store.stats(code)
    assert (cleared.count, cleared.confirmed, cleared.accuracy, cleared.confusion.sum()) == (0, 0, None, 0)
    newer = store.add_drawing(code, BOB, blank(), 6, 0.5)
    store.correct(code, BOB, newer, 6)
    assert store.stats(code).accuracy == 1.0 and [found.id for found in store.latest(code)] == [newer]
    assert store.dataset(code, PRESENTER)[1].tolist() == [3, 8, 7, 7, 0, 6]  # the clear kept them


def test_latest_is_newest_first_and_bounded(make_store):
    store = make_store()
    code = store.open_room(PRESENTER)
    ids = [store.add_drawing(code, ALICE, blank(index), index, index / 10) for index in range(6)]
    found = store.latest(code, limit=4)
    assert [drawing.id for drawing in found] == ids[::-1][:4]
    assert [(drawing.digit, drawing.confidence, int(drawing.image[0, 0])) for drawing in found] == [
        (5, 0.5, 5),
        (4, 0.4, 4),
        (3, 0.3, 3),
        (2, 0.2, 2),
    ]
    assert all(drawing.label is None and not drawing.hidden for drawing in found)
    assert store.room(code).on_wall == 6


def test_the_dataset_round_trips_through_npz_bytes(make_store):
    store = make_store()
    code = store.open_room(PRESENTER)
    random = np.random.default_rng(0)
    images = [random.integers(0, 256, (28, 28), dtype=np.uint8) for _ in range(4)]
    as_floats = random.random((28, 28)).astype(np.float32)
    ids = [store.add_drawing(code, ALICE, image, 1, 0.5) for image in [*images, as_floats]]
    for drawing, label in zip(ids, [5, 0, 9, None, 2], strict=False):
        if label is not None:
            store.correct(code, ALICE, drawing, label)
    store.hide(code, PRESENTER, ids[1])
    x, y = store.dataset(code, PRESENTER)
    with np.load(io.BytesIO(npz_bytes(x, y))) as archive:
        loaded_x, loaded_y = archive["x"], archive["y"]
    assert loaded_x.dtype == np.uint8 and loaded_x.shape == (3, 28, 28)
    assert loaded_y.dtype == np.uint8 and loaded_y.shape == (3,)
    np.testing.assert_array_equal(loaded_x, np.stack([images[0], images[2], np.round(as_floats * 255)]))
    assert loaded_y.tolist() == [5, 9, 2]


# Concurrent writers ---------------------------------------------------------------------------


def _submit_together(store, code, sessions, per_session, barrier):
    accepted, refused, errors = [], [], []

    def submit(session):
        barrier.wait(timeout=60)
        for _ in range(per_session):
            try:
                accepted.append(store.add_drawing(code, session, blank(), 1, 0.5))
            except (RoomFull, RateLimited) as refusal:
                refused.append(refusal)
            except Exception as error:  # noqa: BLE001 - anything else is the failure we look for
                errors.append(error)

    threads = [threading.Thread(target=submit, args=(session,)) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return accepted, refused, errors


def _stored_ids(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        found = connection.scalars(select(drawings.c.id)).all()
    engine.dispose()
    return found


def test_concurrent_threads_respect_the_bound(make_store, database_url):
    store = make_store(max_drawings=40)
    code = store.open_room(PRESENTER)
    sessions = [f"phone-{index}" for index in range(8)]
    accepted, refused, errors = _submit_together(store, code, sessions, 10, threading.Barrier(8))
    assert errors == []
    assert len(accepted) == 40 and len(set(accepted)) == 40 and len(refused) == 40
    assert all(isinstance(refusal, RoomFull) for refusal in refused)
    assert sorted(_stored_ids(database_url)) == sorted(accepted)  # each once, nothing lost


def test_concurrent_threads_respect_the_rate_limit(make_store):
    store = make_store(rate_count=5)
    code = store.open_room(PRESENTER)
    accepted, refused, errors = _submit_together(store, code, [ALICE] * 8, 2, threading.Barrier(8))
    assert errors == [] and len(accepted) == 5 and len(refused) == 11
    assert store.room(code).stored == 5


def _submit_from_a_process(database_url, code, session, count, barrier, results):
    settings = RoomLimits(**{**GENEROUS, "max_drawings": 30}, database_url=database_url)
    store = RoomStore(limits=settings)
    accepted, refused, errors = _submit_together(store, code, [session], count, barrier)
    results.put((accepted, len(refused), [repr(error) for error in errors]))
    store.engine.dispose()


@pytest.mark.slow
def test_two_processes_share_a_room_and_its_bound(make_store, database_url):
    store = make_store(time.time, max_drawings=30)  # the processes use the real clock
    code = store.open_room(PRESENTER)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    processes = [
        context.Process(
            target=_submit_from_a_process, args=(database_url, code, f"process-{index}", 20, barrier, results)
        )
        for index in range(2)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    accepted = [drawing for ids, _, _ in outcomes for drawing in ids]
    assert [errors for _, _, errors in outcomes] == [[], []]
    assert len(accepted) == 30 and sum(refused for _, refused, _ in outcomes) == 10
    assert sorted(_stored_ids(database_url)) == sorted(accepted)


# Moderation ------------------------------------------------------------------------------------


def _wall_ids(store, code):
    return [drawing.id for drawing in store.latest(code)]


def _waiting_ids(store, code):
    return [drawing.id for drawing in store.waiting(code, PRESENTER)]


def test_a_drawing_the_gate_refused_waits_off_the_wall_until_the_owner_shows_it(make_store):
    clock = Clock()
    store = make_store(clock)
    code = store.open_room(PRESENTER)
    read = store.add_drawing(code, ALICE, blank(), 3, 0.9)
    clock.now += 1
    refused = store.add_drawing(code, ALICE, blank(7), 8, 0.6, is_digit=False)
    clock.now += 1
    later = store.add_drawing(code, BOB, blank(), 4, 0.9)
    assert _wall_ids(store, code) == [later, read]
    info = store.room(code)
    assert (info.on_wall, info.waiting, info.stored) == (2, 1, 3)
    [held] = store.waiting(code, PRESENTER)
    assert (held.id, held.refused, held.waiting, held.digit, int(held.image[0, 0])) == (refused, True, True, 8, 7)
    store.correct(code, ALICE, refused, 8)  # its drawer may still say what it is
    assert store.stats(code).confirmed == 0 and store.dataset(code, PRESENTER)[1].tolist() == []

    clock.now += 1
    store.reveal(code, PRESENTER, refused)
    assert _wall_ids(store, code) == [refused, later, read]  # shown last: in front of the wall
    assert _waiting_ids(store, code) == [] and store.room(code).waiting == 0
    assert store.latest(code)[0].refused and not store.latest(code)[0].waiting
    assert store.stats(code).confirmed == 1 and store.dataset(code, PRESENTER)[1].tolist() == [8]
    store.reveal(code, PRESENTER, refused)  # twice is once
    assert _wall_ids(store, code) == [refused, later, read]
    for missing in (refused + 1000, -1, "1", None):
        with pytest.raises(DrawingNotFound):
            store.reveal(code, PRESENTER, missing)


def test_approve_first_holds_every_new_drawing_and_turning_it_off_publishes_nothing(make_store):
    clock = Clock()
    store, other_process = make_store(clock), make_store(clock)  # two server processes on one database
    code = store.open_room(PRESENTER)
    before = store.add_drawing(code, ALICE, blank(), 1, 0.9)
    assert not store.room(code).approve_first
    store.approve_first(code, PRESENTER, True)
    assert other_process.room(code).approve_first  # stored with the room: every process agrees
    held = [
        other_process.add_drawing(code, BOB, blank(), 2, 0.9),
        store.add_drawing(code, ALICE, blank(), 5, 0.9, is_digit=False),
        other_process.add_drawing(code, ALICE, blank(), 6, 0.9),
    ]
    assert _wall_ids(store, code) == [before] and _waiting_ids(other_process, code) == held  # oldest first
    assert [drawing.refused for drawing in store.waiting(code, PRESENTER)] == [False, True, False]

    store.approve_first(code, PRESENTER, False)
    # Turning it off only concerns what comes next: what waits still waits for its "Show".
    assert _wall_ids(store, code) == [before] and _waiting_ids(store, code) == held
    after = other_process.add_drawing(code, BOB, blank(), 7, 0.9)
    assert _wall_ids(store, code) == [after, before]
    still_refused = store.add_drawing(code, BOB, blank(), 0, 0.9, is_digit=False)
    assert _waiting_ids(store, code) == [*held, still_refused]  # the gate's refusals wait regardless

    clock.now += 1
    store.reveal(code, PRESENTER, held[0])
    store.hide(code, PRESENTER, held[1])  # dismissed: neither waiting nor on the wall
    assert _wall_ids(store, code) == [held[0], after, before]
    assert _waiting_ids(store, code) == [held[2], still_refused] and store.room(code).waiting == 2
    store.hide(code, PRESENTER, held[1], hidden=False)  # undoing a dismissal puts it back in the strip
    assert _waiting_ids(store, code) == [held[1], held[2], still_refused]


def test_only_the_owner_sees_what_waits_shows_it_or_switches_approval(make_store):
    store = make_store()
    code = store.open_room(PRESENTER)
    refused = store.add_drawing(code, ALICE, blank(), 3, 0.5, is_digit=False)
    for intruder in (ALICE, BOB, "", None, PRESENTER + " "):
        for action in (
            lambda intruder=intruder: store.waiting(code, intruder),
            lambda intruder=intruder: store.reveal(code, intruder, refused),
            lambda intruder=intruder: store.approve_first(code, intruder, True),
        ):
            with pytest.raises(NotRoomOwner, match="presenter"):
                action()
    info = store.room(code)
    assert (info.on_wall, info.waiting, info.approve_first) == (0, 1, False)  # nothing changed


def test_the_walls_numbers_count_only_the_drawings_on_it(make_store):
    store = make_store()
    code = store.open_room(PRESENTER)
    right = store.add_drawing(code, ALICE, blank(), 3, 0.9)
    store.correct(code, ALICE, right, 3)
    wrong_refused = store.add_drawing(code, BOB, blank(), 3, 0.4, is_digit=False)
    store.correct(code, BOB, wrong_refused, 5)
    store.approve_first(code, PRESENTER, True)
    wrong_held = store.add_drawing(code, "carol-session", blank(), 1, 0.8)
    store.correct(code, "carol-session", wrong_held, 7)
    stats = store.stats(code)
    assert (stats.count, stats.confirmed, stats.accuracy, int(stats.confusion.sum())) == (1, 1, 1.0, 1)
    assert stats.confusion[3, 3] == 1 and store.room(code).on_wall == 1

    store.reveal(code, PRESENTER, wrong_refused)
    stats = store.stats(code)
    assert (stats.count, stats.confirmed, stats.accuracy) == (2, 2, 0.5) and stats.confusion[5, 3] == 1
    assert stats.confusion[7, 1] == 0  # still waiting: not counted


def test_the_overview_counts_readings_and_orders_by_confidence_on_the_wall_only(make_store):
    store = make_store()
    code = store.open_room(PRESENTER)
    # (reading, confidence): two tied at 0.9 (the newer first), one hidden, one waiting, one cleared.
    before_clear = store.add_drawing(code, ALICE, blank(1), 4, 1.0)
    store.clear(code, PRESENTER)
    cases = [(3, 0.9), (3, 0.2), (7, 0.9), (0, 0.6), (3, 0.55), (9, 0.05), (1, 0.99)]
    ids = [
        store.add_drawing(code, f"phone-{index}", blank(index), digit, sure)
        for index, (digit, sure) in enumerate(cases)
    ]
    store.hide(code, PRESENTER, ids[6])  # the most confident of all, hidden
    store.add_drawing(code, BOB, blank(), 5, 0.01, is_digit=False)  # the least confident, waiting
    found = store.overview(code, latest=4, extremes=3)
    assert found.per_digit.tolist() == [1, 0, 0, 3, 0, 0, 0, 1, 0, 1]
    assert int(found.per_digit.sum()) == store.stats(code).count == 6
    assert [drawing.id for drawing in found.latest] == ids[5::-1][:4]
    assert [int(drawing.image[0, 0]) for drawing in found.latest] == [5, 4, 3, 2]  # the images themselves
    assert [drawing.id for drawing in found.confident] == [ids[2], ids[0], ids[3]]  # 0.9 (newer), 0.9, 0.6
    assert [drawing.id for drawing in found.doubtful] == [ids[5], ids[1], ids[4]]  # 0.05, 0.2, 0.55
    assert before_clear not in [drawing.id for drawing in found.latest + found.confident + found.doubtful]

    store.reveal(code, PRESENTER, ids[6])  # back on the wall, and a hidden one's place kept
    store.hide(code, PRESENTER, ids[5])
    again = store.overview(code, latest=10, extremes=1)
    assert [drawing.confidence for drawing in again.confident + again.doubtful] == [0.99, 0.2]
    assert again.per_digit.tolist() == [1, 1, 0, 3, 0, 0, 0, 1, 0, 0] and len(again.latest) == 6
    with pytest.raises(RoomNotFound):
        store.overview("ZZZZ-ZZZZ")
    with pytest.raises(ValueError):
        store.overview(code, latest=0)


def test_another_phone_never_sees_what_a_phone_sends(make_store):
    store = make_store()
    code = store.open_room(PRESENTER)
    store.approve_first(code, PRESENTER, True)
    alices = [
        store.add_drawing(code, ALICE, blank(1), 2, 0.9),
        store.add_drawing(code, ALICE, blank(2), 4, 0.3, is_digit=False),
    ]
    bobs = store.add_drawing(code, BOB, blank(3), 6, 0.9)
    # What a phone reads: its own drawings, and the wall (on which nothing is until shown).
    assert [drawing.id for drawing in store.my_drawings(code, BOB)] == [bobs]
    assert [drawing.id for drawing in store.my_drawings(code, ALICE)] == alices[::-1]
    assert all(drawing.waiting for drawing in store.my_drawings(code, ALICE))
    assert store.latest(code) == [] and store.stats(code).count == 0
    with pytest.raises(NotRoomOwner):
        store.waiting(code, BOB)
    with pytest.raises(NotYourDrawing):
        store.correct(code, BOB, alices[1], 4)
    store.reveal(code, PRESENTER, alices[0])
    assert [drawing.id for drawing in store.my_drawings(code, BOB)] == [bobs]  # still only its own


def test_a_clear_empties_the_waiting_strip_but_keeps_the_drawings(make_store):
    store = make_store()
    code = store.open_room(PRESENTER)
    refused = store.add_drawing(code, ALICE, blank(), 3, 0.5, is_digit=False)
    store.clear(code, PRESENTER)
    assert _waiting_ids(store, code) == [] and store.room(code).waiting == 0
    assert store.room(code).stored == 1 and store.my_drawings(code, ALICE)[0].id == refused
    newer = store.add_drawing(code, BOB, blank(), 3, 0.5, is_digit=False)
    assert _waiting_ids(store, code) == [newer]


def _tables_before_moderation():
    """The rooms' tables as the version before moderation made them (model/rooms/database.py then)."""
    from sqlalchemy import Boolean, Column, Double, Index, Integer, LargeBinary, MetaData, SmallInteger, String, Table

    old = MetaData()
    old_rooms = Table(
        "digit_rooms",
        old,
        Column("code", String(12), primary_key=True),
        Column("owner", String(64), nullable=False),
        Column("created", Double, nullable=False),
        Column("expires", Double, nullable=False, index=True),
        Column("closed", Boolean, nullable=False),
        Column("cleared_through", Integer, nullable=False),
    )
    old_drawings = Table(
        "digit_room_drawings",
        old,
        Column("id", Integer, primary_key=True),
        Column("room", String(12), nullable=False),
        Column("submitter", String(64), nullable=False),
        Column("image", LargeBinary, nullable=False),
        Column("digit", SmallInteger, nullable=False),
        Column("confidence", Double, nullable=False),
        Column("label", SmallInteger, nullable=True),
        Column("hidden", Boolean, nullable=False),
        Column("created", Double, nullable=False),
        Index("digit_room_drawings_by_room", "room", "id"),
        Index("digit_room_drawings_by_submitter", "room", "submitter", "created"),
        sqlite_autoincrement=True,
    )
    return old, old_rooms, old_drawings


def test_a_database_made_before_moderation_is_upgraded_when_opened(database_url):
    from sqlalchemy import insert, inspect

    from model.rooms.database import make_engine
    from model.rooms.values import session_hash

    old, old_rooms, old_drawings = _tables_before_moderation()
    engine = make_engine(database_url)  # makes the SQLite file's folder
    code = "ABCD2345"
    with engine.begin() as connection:
        old.create_all(connection)
        connection.execute(
            insert(old_rooms).values(
                code=code,
                owner=session_hash(code, PRESENTER),
                created=1_000_000.0,
                expires=1_000_000.0 + 7200,
                closed=False,
                cleared_through=0,
            )
        )
        for index, (digit, hidden) in enumerate(((4, False), (9, True), (2, False))):
            connection.execute(
                insert(old_drawings).values(
                    room=code,
                    submitter=session_hash(code, ALICE),
                    image=bytes(784),
                    digit=digit,
                    confidence=0.9,
                    label=digit,
                    hidden=hidden,
                    created=1_000_000.0 + index,
                )
            )
    engine.dispose()

    clock = Clock()
    clock.now += 60  # opened a minute after the last drawing
    store = RoomStore(limits=RoomLimits(**GENEROUS, database_url=database_url), clock=clock)
    with store.engine.connect() as connection:
        columns = {
            table: {column["name"] for column in inspect(connection).get_columns(table)}
            for table in ("digit_rooms", "digit_room_drawings")
        }
    assert "approve_first" in columns["digit_rooms"] and {"refused", "shown"} <= columns["digit_room_drawings"]
    # What was on the wall stays there, in its order; nothing old waits or counts as refused.
    assert [drawing.digit for drawing in store.latest(code)] == [2, 4]
    assert not any(drawing.refused or drawing.waiting for drawing in store.my_drawings(code, ALICE))
    info = store.room(code)
    assert (info.on_wall, info.waiting, info.stored, info.approve_first) == (2, 0, 3, False)
    assert store.stats(code).accuracy == 1.0 and store.dataset(code, PRESENTER)[1].tolist() == [4, 2]
    # And the new features work on it.
    refused = store.add_drawing(code, BOB, blank(), 1, 0.5, is_digit=False)
    assert _waiting_ids(store, code) == [refused]
    clock.now += 1
    store.approve_first(code, PRESENTER, True)
    store.reveal(code, PRESENTER, refused)
    assert [drawing.id for drawing in store.latest(code)][0] == refused
    reopened = RoomStore(limits=RoomLimits(**GENEROUS, database_url=database_url), clock=Clock())  # already new
    assert reopened.room(code).approve_first and reopened.room(code).on_wall == 3
    store.engine.dispose()
    reopened.engine.dispose()


# Settings and the SQLite file -----------------------------------------------------------------


def test_room_limits_come_from_the_environment(monkeypatch, tmp_path):
    for name in (
        "DIGITS_ROOM_TTL_MINUTES",
        "DIGITS_ROOM_MAX_DRAWINGS",
        "DIGITS_ROOM_RATE_COUNT",
        "DIGITS_ROOM_RATE_SECONDS",
        "DIGITS_ROOM_DATABASE_URL",
        "DIGITS_DATA_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    default = room_limits()
    assert (default.ttl_minutes, default.max_drawings, default.rate_count, default.rate_seconds) == (120, 2000, 10, 30)
    assert default.database_url.endswith("/data/rooms.sqlite3") and default.database_url.startswith("sqlite:///")
    monkeypatch.setenv("DIGITS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DIGITS_ROOM_MAX_DRAWINGS", "50")
    assert room_limits().database_url == f"sqlite:///{tmp_path}/rooms.sqlite3" and room_limits().max_drawings == 50
    monkeypatch.setenv("DIGITS_ROOM_DATABASE_URL", "postgresql+psycopg://user:secret@db/rooms")
    assert room_limits().database_url.startswith("postgresql") and "secret" not in repr(room_limits())
    for bad in ("-1", "0", "many"):
        monkeypatch.setenv("DIGITS_ROOM_RATE_COUNT", bad)
        with pytest.raises(ValueError, match="DIGITS_ROOM_RATE_COUNT"):
            room_limits()


def test_the_sqlite_file_uses_wal_and_is_shared_by_two_stores(tmp_path):
    url = f"sqlite:///{tmp_path / 'data' / 'rooms.sqlite3'}"
    settings = RoomLimits(**GENEROUS, database_url=url)
    first, second = RoomStore(limits=settings), RoomStore(limits=settings)
    code = first.open_room(PRESENTER)
    second.add_drawing(code, ALICE, blank(), 2, 0.5)
    assert first.room(code).on_wall == 1 and (tmp_path / "data" / "rooms.sqlite3").exists()
    with first.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    first.engine.dispose()
    second.engine.dispose()


def test_the_server_raises_its_open_file_limit_for_a_hall_of_websockets():
    # In a child whose soft limit is 1,024 (the machine), as a server starts.
    import resource

    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    script = (
        "import resource; hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1];"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard));"
        "from model.hosting.settings import raise_open_file_limit; print(*raise_open_file_limit())"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=root)
    before, after = map(int, result.stdout.split())
    expected = 65_536 if hard == resource.RLIM_INFINITY else min(hard, 65_536)
    assert before == 1024 and after == expected
